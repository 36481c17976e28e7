"""`officebook pdf`: the printed handbook and the post booklets, read back with poppler-utils.

Most checks use the small fixture manual; the default manual's Chinese handbook (printed once per run
for every module, conftest.default_handbooks) serves the checks that need a long document: a contents
list over several pages and the landscape RACI matrix.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from conftest import CASES, ROOT
from officebook import cli
from officebook.build import pdf as pdf_build
from officebook.outline import paper_forms
from officebook.pipeline import run_check

MINIMAL = CASES / "valid" / "minimal" / "content"
TOC_ENTRY = re.compile(r"^\s*(\d+\.\d+|（[一二三四五六七八九十]+）)\s*(.+?)\s*\.{4,}\s*(\d+)\s*$")
"""A contents line: `3.1 Document review ..... 8` (modern style), `（一）公文审核 ..... 8` (official)."""

pytestmark = [pytest.mark.slow,  # WeasyPrint prints every handbook here
              pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")]


def run_cli(*args: str):
    return CliRunner().invoke(cli.main, [*args, "--no-cache"])


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def page_size(path: Path, page: int) -> str:
    """`595.276 x 841.89 pts (A4)` for portrait A4."""
    out = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(path)],
                         capture_output=True, text=True, check=True).stdout
    return re.search(rf"^Page\s+{page} size:\s+(.*)$", out, re.MULTILINE).group(1)


def page_texts(path: Path, layout: bool = True) -> list[str]:
    """The text of every page (index 0 is page 1)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) for every font of the PDF."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows]


def embedded_fonts(path: Path) -> list[tuple[str, str]]:
    """fonts(path) read with pypdf: the fonts of every page and of the forms they draw, each once, with
    yes when a font program is embedded. pdffonts takes 7 s CPU over the default manual's Chinese
    handbook (poppler parses its CJK font subsets page after page); this takes 0.3 s for the same rows."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    found: dict[object, tuple[str, str]] = {}
    forms: set[object] = set()

    def key(reference) -> object:
        return reference.idnum if isinstance(reference, IndirectObject) else id(reference)

    def scan(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        for reference in ((resources or {}).get("/Font") or {}).values():
            font = reference.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(program in descriptor for program in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.setdefault(key(reference), (str(font.get("/BaseFont", "[none]")).lstrip("/"),
                                              "yes" if embedded else "no"))
        for reference in ((resources or {}).get("/XObject") or {}).values():
            if key(reference) not in forms and reference.get_object().get("/Subtype") == "/Form":
                forms.add(key(reference))
                scan(reference.get_object().get("/Resources"))

    for page in PdfReader(path).pages:
        scan(page.get("/Resources"))
    return sorted(found.values())


def structure(path: Path) -> ElementTree.Element:
    """pdftohtml's XML: pages with their text and links, then the outline (bookmarks)."""
    out = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return ElementTree.fromstring(out.split("\n", 2)[2] if out.startswith("<?xml") else out)


def outline(path: Path) -> list[tuple[int, int, str]]:
    """Bookmarks as (level, page, title), level 1 for chapters."""
    found: list[tuple[int, int, str]] = []

    def walk(element: ElementTree.Element, level: int) -> None:
        for child in element:
            if child.tag == "item":
                found.append((level, int(child.get("page")), "".join(child.itertext()).strip()))
            elif child.tag == "outline":
                walk(child, level + 1)

    root = structure(path).find("outline")
    if root is not None:
        walk(root, 1)
    return found


def toc_entries(texts: list[str]) -> list[tuple[str, str, int]]:
    """(number, title, page) of every item line of the contents."""
    return [(m.group(1), m.group(2), int(m.group(3)))
            for text in texts[:12] for line in text.splitlines() if (m := TOC_ENTRY.match(line))]


@pytest.fixture(scope="module")
def minimal_printed(tmp_path_factory):
    """(folder, CliRunner result) of `officebook pdf` on the small fixture manual, both languages."""
    out = tmp_path_factory.mktemp("pdf")
    result = run_cli("pdf", str(MINIMAL), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out, result


@pytest.fixture(scope="module")
def minimal(minimal_printed) -> Path:
    return minimal_printed[0]


@pytest.fixture(scope="module")
def default_zh(default_handbooks) -> Path:
    """The default manual's Chinese handbook, printed once per run (conftest.default_handbooks: the
    flowchart print tests read the same file)."""
    return default_handbooks / "handbook-zh.pdf"


@pytest.fixture(scope="module")
def default_zh_texts(default_zh) -> list[str]:
    """page_texts(default_zh), read once: poppler takes seconds over the long handbook's 200 pages."""
    return page_texts(default_zh)


def test_one_handbook_per_language_with_its_title_and_page_count(minimal):
    assert sorted(p.name for p in minimal.iterdir()) == ["handbook-en.pdf", "handbook-zh.pdf"]
    zh, en = pdfinfo(minimal / "handbook-zh.pdf"), pdfinfo(minimal / "handbook-en.pdf")
    assert zh["Title"] == "示例办公室工作手册" and en["Title"] == "Sample Office Manual"
    assert en["Author"] == "Sample Unit General Office"
    assert int(zh["Pages"]) >= 10 and int(en["Pages"]) >= 10
    assert zh["Page size"].startswith("595.276 x 841.89")


def test_the_command_reports_what_it_wrote(minimal_printed):
    out, result = minimal_printed  # the module's own print of the small manual: its report is read here
    for name in ("handbook-zh.pdf", "handbook-en.pdf"):
        pages = pdfinfo(out / name)["Pages"]
        assert f"wrote {(out / name).as_posix()} ({pages} pages" in result.stderr
    assert not list(out.glob(".*"))  # no partial files left behind


def test_headings_are_there_in_chinese_and_english(minimal):
    zh = "\n".join(page_texts(minimal / "handbook-zh.pdf"))
    en = "\n".join(page_texts(minimal / "handbook-en.pdf"))
    for heading in ("修订说明", "目录", "引言", "一、职能", "（二）综合协调", "三、流程", "（一）公文审核",
                    "六、职责分工表", "七、术语"):  # the official style, Chinese numbering
        assert heading in zh
    for heading in ("Document control", "Contents", "Introduction", "1 Functions", "3.1 Document review",
                    "5.3 Secretary", "Responsibility matrix (RACI)", "Glossary"):  # posts in pinyin order: 秘书 after 驾驶员
        assert heading in en


def test_every_page_but_the_cover_has_the_running_header_and_the_footer(minimal):
    texts = page_texts(minimal / "handbook-en.pdf")
    total = len(texts)
    assert "Page " not in texts[0] and "Sample Office Manual" in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0].startswith("Sample Office Manual"), (number, lines[0])
        assert re.search(r"Edition 2026\.1 · Effective 2026-12-01\s+Uncontrolled when printed\s+"
                         rf"Page {number} of {total}$", lines[-1]), (number, lines[-1])
    zh = page_texts(minimal / "handbook-zh.pdf")  # official: "— 3 —" at the outer edge, no running head
    for number, text in enumerate(zh[1:], start=2):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        outer = rf"^—\s*{number}\s*—\s+版次：2026\.1$" if number % 2 == 0 else rf"^版次：2026\.1\s+—\s*{number}\s*—$"
        assert re.search(outer, last), (number, last)
    assert "第 2 页" not in zh[1] and "共" not in zh[1].splitlines()[-1]


def test_contents_page_numbers_match_the_pages_of_the_headings(minimal):
    for name in ("handbook-zh.pdf", "handbook-en.pdf"):
        texts = page_texts(minimal / name)
        entries = toc_entries(texts)
        assert len(entries) == 12  # 2 functions, 3 duties, 2 procedures, 2 standards, 3 posts
        for number, title, page in entries:
            heading = re.compile(rf"^\s*{re.escape(number)}\s*{re.escape(title)}\s*$", re.MULTILINE)
            assert heading.search(texts[page - 1]), (name, number, title, page)


def test_bookmarks_follow_the_chapters_and_their_entries(minimal):
    marks = outline(minimal / "handbook-en.pdf")
    chapters = [title for level, _, title in marks if level == 1]
    assert chapters == ["Document control", "Contents", "Introduction", "1 Functions", "2 Duties", "3 Procedures",
                        "4 Standards", "5 Posts", "6 Responsibility matrix (RACI)", "7 Glossary"]
    texts = page_texts(minimal / "handbook-en.pdf")
    entries = [(page, title) for level, page, title in marks if level == 2]
    assert len(entries) == 12
    for page, title in entries:
        assert title in texts[page - 1]


def test_internal_links_lead_to_the_page_of_their_target(minimal):
    texts = page_texts(minimal / "handbook-en.pdf", layout=False)
    links = [(a.get("href"), "".join(a.itertext()).strip()) for a in structure(minimal / "handbook-en.pdf").iter("a")]
    internal = [(int(href.rsplit("#", 1)[1]), text) for href, text in links if "#" in (href or "")]
    assert len(internal) > 30
    checked = 0
    for page, text in internal:
        if text in {"Secretary", "Office Director", "Driver", "Document review", "Accuracy", "Courtesy"}:
            assert text in texts[page - 1]
            checked += 1
    assert checked > 10


def test_fonts_are_embedded_and_chinese_uses_the_simplified_chinese_face(minimal, default_zh):
    for path in (minimal / "handbook-zh.pdf", minimal / "handbook-en.pdf"):  # pypdf reads what poppler reads
        assert embedded_fonts(path) == sorted(fonts(path))
    for path in (default_zh, minimal / "handbook-zh.pdf", minimal / "handbook-en.pdf"):
        found = embedded_fonts(path)
        assert found and all(embedded == "yes" for _, embedded in found), found
        names = " ".join(name for name, _ in found)
        assert "CJK-SC" in names, names
        assert "CJK-JP" not in names, names
        if "zh" in path.name:  # Chinese is never slanted: that would be a synthetic oblique face
            assert "Oblique" not in names and "Italic" not in names, names


def test_the_default_manual_prints_a_full_handbook(default_zh, default_zh_texts):
    info = pdfinfo(default_zh)
    assert info["Title"] == "市人民政府办公室工作手册"
    pages = int(info["Pages"])
    assert pages > 60
    texts = default_zh_texts
    entries = toc_entries(texts)
    assert len(entries) > 60
    assert len({p for _, _, p in entries}) > 30
    for number, title, page in entries:
        heading = re.compile(rf"^\s*{re.escape(number)}\s*{re.escape(title)}", re.MULTILINE)
        assert heading.search(texts[page - 1]), (number, title, page)
    raci = [i for i, t in enumerate(texts, start=1) if "六、职责分工表" in t and "....." not in t]
    assert raci and page_size(default_zh, raci[0]).startswith("841.89 x 595.276")
    assert page_size(default_zh, raci[0] - 1).startswith("595.276 x 841.89")
    assert all(re.search(rf"—\s*{n}\s*—", t) for n, t in enumerate(texts[1:], start=2))


def test_booklets_for_a_post_have_one_form_a_page(tmp_path, minimal):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--post", "secretary")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["booklet-secretary-en.pdf", "booklet-secretary-zh.pdf"]
    info = pdfinfo(tmp_path / "booklet-secretary-en.pdf")
    assert info["Title"].startswith("Secretary")
    texts = page_texts(tmp_path / "booklet-secretary-en.pdf")
    assert "Secretary" in texts[0] and "Post booklet" in texts[0]
    assert "Contents" in texts[1] and "The post at a glance" in texts[2] and "Onboarding sign-off sheet" in texts[1]
    assert any("First day" in t and "Mentor" in t for t in texts)
    forms = paper_forms(run_check(MINIMAL, use_cache=False).manual, "secretary", "en")
    form_pages = [t for t in texts if "Reviewed by:" in t or "Case reference" in t]
    assert len(form_pages) == len(forms) >= 3
    zh = page_texts(tmp_path / "booklet-secretary-zh.pdf")
    assert sum("审核人" in t or "办件编号" in t for t in zh) == len(forms)
    assert "目录" in zh[1] and "岗位概况" in zh[2]


def test_all_posts_get_a_booklet(tmp_path):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--all-posts", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "booklet-director-zh.pdf", "booklet-driver-zh.pdf", "booklet-secretary-zh.pdf"]


def test_output_is_deterministic(tmp_path, minimal):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "handbook-zh.pdf").read_bytes() == (minimal / "handbook-zh.pdf").read_bytes()


def test_parallel_jobs_print_the_same_files(tmp_path, minimal):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--jobs", "2")
    assert result.exit_code == 0, result.output
    for name in ("handbook-zh.pdf", "handbook-en.pdf"):
        assert (tmp_path / name).read_bytes() == (minimal / name).read_bytes()
    assert result.stderr.index("handbook-zh.pdf (") < result.stderr.index("handbook-en.pdf (")


def test_unknown_post_or_language_is_a_usage_error(tmp_path):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--post", "secretery")
    assert result.exit_code == 2
    assert "--post secretery: no such post — did you mean 'secretary'?" in result.stderr
    nobody = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--post", "nobody")
    assert nobody.exit_code == 2 and "no such post — " in nobody.stderr and "secretary" in nobody.stderr
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--lang", "fr")
    assert result.exit_code == 2 and "zh, en" in result.stderr
    for refused in (result, nobody):
        assert "Try '" not in refused.stderr and "Usage:" not in refused.stderr, "a refusal, not a usage error"
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_content_errors_stop_before_printing_with_the_check_diagnostics(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    path = content / "duties" / "annual-review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("accountable: director", "accountable: nobody"),
                    encoding="utf-8")
    result = run_cli("pdf", str(content), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "[ref.unknown]" in result.stderr and "annual-review.yaml" in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_cjk_font_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_build, "installed_font_families",
                        lambda pattern=":": frozenset({"DejaVu Sans", "Liberation Serif"}))
    (tmp_path / "handbook-zh.pdf").write_bytes(b"previous")
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--lang", "zh")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "no font for the Chinese, Japanese or Korean text" in result.stderr
    assert "apt-get install fonts-noto-cjk" in result.stderr
    assert (tmp_path / "handbook-zh.pdf").read_bytes() == b"previous"


def test_missing_pango_is_one_clear_error(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "WeasyPrint cannot load Pango" in result.stderr
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in result.stderr


def test_a_configured_font_must_exist(tmp_path, monkeypatch):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--font", "No Such Font Family")
    assert result.exit_code == 1 and "'No Such Font Family' is not installed" in result.stderr
    monkeypatch.setenv(pdf_build.FONT_ENVIRONMENT_VARIABLE, str(tmp_path / "missing.otf"))
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path))
    assert result.exit_code == 1 and "missing.otf does not exist" in result.stderr


def test_a_configured_font_family_is_used(tmp_path):
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--lang", "en", "--font", "DejaVu Serif")
    assert result.exit_code == 0, result.output
    names = [name for name, _ in fonts(tmp_path / "handbook-en.pdf")]
    assert any("DejaVu-Serif" in name for name in names)
    assert not any("Liberation-Serif" in name for name in names)


def test_a_configured_font_file_is_embedded(tmp_path, monkeypatch):
    font_file = next(Path("/usr/share/fonts").rglob("DejaVuSansMono.ttf"), None)
    if font_file is None:
        pytest.skip("DejaVu Sans Mono is not installed")
    monkeypatch.setenv(pdf_build.FONT_ENVIRONMENT_VARIABLE, str(font_file))
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    names = [name for name, _ in fonts(tmp_path / "handbook-en.pdf")]
    assert any(name.endswith("+officebook-custom") for name in names), names  # the @font-face family
    assert not any("Liberation" in name for name in names), names


def test_a_failed_render_leaves_the_previous_file_and_no_partial_file(tmp_path, monkeypatch):
    (tmp_path / "handbook-en.pdf").write_bytes(b"previous")

    def broken_write(self, target=None, **options):
        Path(target).write_bytes(b"half a pdf")
        raise OSError("disk full")

    import weasyprint.document

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", broken_write)
    result = run_cli("pdf", str(MINIMAL), "-o", str(tmp_path), "--lang", "en")
    assert result.exit_code == 1 and "disk full" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handbook-en.pdf"]
    assert (tmp_path / "handbook-en.pdf").read_bytes() == b"previous"


class _Links(HTMLParser):
    """The links of a built page: (href, hreflang) in the article and in the footer."""

    def __init__(self) -> None:
        super().__init__()
        self.where: list[str] = []
        self.article: list[tuple[str, str | None]] = []
        self.footer: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("article", "footer"):
            self.where.append(tag)
        if tag == "a" and self.where and attributes.get("href", "").endswith(".pdf"):
            getattr(self, self.where[-1]).append((attributes["href"], attributes.get("hreflang")))

    def handle_endtag(self, tag):
        if tag in ("article", "footer") and self.where:
            self.where.pop()


def pdf_links(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site_with_pdf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site-with-pdf")
    result = run_cli("build", str(MINIMAL), "-o", str(root / "site"), "--pdf")
    assert result.exit_code == 0, result.output
    assert "handbooks linked from the home page" in result.stderr
    assert "printed handbook-zh.pdf (" in result.stderr
    assert ".pdf-" not in result.stderr and "wrote " not in result.stderr, "no temporary path is reported"
    assert sorted(p.name for p in root.iterdir()) == ["site"]  # no staging folder left behind
    return root / "site"


def test_build_with_pdf_puts_the_handbooks_in_the_site(site_with_pdf):
    assert sorted(p.name for p in (site_with_pdf / "pdf").iterdir()) == ["handbook-en.pdf", "handbook-zh.pdf"]
    assert pdfinfo(site_with_pdf / pdf_build.site_pdf_path("en"))["Title"] == "Sample Office Manual"
    assert (site_with_pdf / "index.html").is_file()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_home_page_and_footer_link_the_printed_handbooks(site_with_pdf, lang):
    """Each language's home page links its own handbook first, then the other language's; so does the footer."""
    home = site_with_pdf / ("" if lang == "zh" else "en") / "index.html"
    links = pdf_links(home)
    other = "en" if lang == "zh" else "zh"
    assert [href for href, _ in links.article] == [f"pdf/handbook-{lang}.pdf", f"pdf/handbook-{other}.pdf"]
    assert links.article[1][1] == other
    assert [hreflang for _, hreflang in links.footer] == [lang, other]
    for href, _ in links.article:
        target = (home.parent / href).resolve()
        assert target.is_relative_to(site_with_pdf.resolve()) and target.is_file(), href
        info = pdfinfo(target)
        assert int(info["Pages"]) > 3 and info["Title"], info
    post = home.parent / "posts" / "secretary" / "index.html"
    footer = [(post.parent / href).resolve() for href, _ in pdf_links(post).footer]
    assert footer == [(home.parent / f"pdf/handbook-{code}.pdf").resolve() for code in (lang, other)]
    assert all(path.is_file() for path in footer)


def test_without_pdf_the_site_links_no_handbook(tmp_path):
    result = run_cli("build", str(MINIMAL), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    links = pdf_links(tmp_path / "site" / "index.html")
    assert links.article == links.footer == []
    assert not (tmp_path / "site" / "pdf").exists()


def test_a_failed_build_with_pdf_leaves_the_previous_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / ".officebook-site").write_text("", encoding="utf-8")
    (site / "index.html").write_text("previous site", encoding="utf-8")
    monkeypatch.setattr(pdf_build, "installed_font_families", lambda pattern=":": frozenset())
    result = run_cli("build", str(MINIMAL), "-o", str(site), "--pdf")
    assert result.exit_code == 1 and "fonts-noto-cjk" in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_booklet_month_sheet_has_a_column_for_every_day(tmp_path):
    result = run_cli("pdf", str(CASES / "valid" / "second-edition" / "content"), "-o", str(tmp_path),
                     "--post", "duty-officer", "--lang", "zh")
    assert result.exit_code == 0, result.output
    layout = subprocess.run(["pdftotext", "-layout", str(tmp_path / "booklet-duty-officer-zh.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    month = next(page for page in layout.split("\f") if "每日清单月度登记表" in page and "审核人" in page)
    header = next(line for line in month.splitlines() if line.strip().startswith("每日清单 "))
    assert header.split()[1:] == [str(day) for day in range(1, 32)]
    for task in ("接班时核对值班记录是否完整", "测试值班电话和传真畅通", "未办结事项书面交接"):
        assert task in month
    assert "审核人" in month and "______年____月" in month
    case = next(page for page in layout.split("\f") if "紧急信息报送办件单" in page and "签名" in page)
    assert "办件编号（文号或事项）" in case and "签名" in case


def _word_heights(path: Path, page: int) -> list[float]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [float(m[2]) - float(m[1]) for m in re.finditer(r'<word [^>]*yMin="([\d.]+)" [^>]*yMax="([\d.]+)"', out)]


def test_flowcharts_print_after_their_steps_titled_and_at_7_5_pt_or_more(minimal, default_zh, default_zh_texts):
    # Noto's line box is 1.437 em: 7.5 pt text gives words 10.78 pt high (the page footer's size)
    min_height = 7.5 * 1.43
    texts = page_texts(minimal / "handbook-en.pdf")
    caption = [i for i, t in enumerate(texts, start=1) if re.search(r"\d\.\d+ Document review: flowchart", t)]
    heading = [i for i, t in enumerate(texts, start=1) if re.search(r"^\s*\d\.\d+\s+Document review\s*$", t, re.M)]
    # a short chart follows its steps, on their page or, kept whole, on the next one
    assert len(caption) == 1 and caption[0] - heading[-1] in (0, 1)
    assert "Review the draft" in texts[caption[0] - 1].split("Document review: flowchart")[1]
    texts = default_zh_texts
    manual = run_check(ROOT / "content", use_cache=False).manual
    charts = [i for i, t in enumerate(texts, start=1)
              for p in manual.procedures.values() if re.search(rf"^\s*\S+{re.escape(p.title.get('zh'))}流程图\s*$", t, re.M)]
    assert len(charts) == len(manual.procedures)
    for page in charts:
        assert min(_word_heights(default_zh, page)) >= min_height, page
