"""export --format xlsx: the workbooks read back with openpyxl and opened by LibreOffice."""

import csv
import io
import json
import re
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from conftest import CASES, ROOT, run_tool
from officebook.cells import neutralise_cell
from officebook.pipeline import run_check
from officebook.vocabulary.labels import label
from officebook.xlsx import WORKBOOK_FORMAT, sheet_name, workbook_bytes, xlsx_workbooks

SECOND = CASES / "valid" / "second-edition" / "content"
HOSTILE_TITLES = ['=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1)", "#N/A", "=1+1",
                  "\t=cmd|' /C calc'!A0", " =SUM(1)"]


@pytest.fixture(scope="module")
def default_manual():
    return run_check(ROOT / "content", use_cache=False).manual


@pytest.fixture(scope="module")
def default_zh(default_manual, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "officebook-zh.xlsx"
    path.write_bytes(workbook_bytes(default_manual, "zh"))
    return path


def test_one_workbook_per_language_with_the_four_tables_and_an_about_sheet(default_manual, default_zh):
    assert sorted(xlsx_workbooks(default_manual, ["en"])) == ["officebook-en.xlsx"]
    book = load_workbook(default_zh)
    assert book.sheetnames == ["职责分工", "职责清单", "检查清单", "标准", "岗位", "说明", "officebook"]
    assert [s.sheet_state for s in book.worksheets] == ["visible"] * 6 + ["veryHidden"]
    facts_sheet = book["officebook"]
    assert (facts_sheet["A1"].value, facts_sheet["B1"].value) == ("format", WORKBOOK_FORMAT)
    facts = {facts_sheet.cell(r, 1).value: facts_sheet.cell(r, 2).value for r in range(1, 12)}
    assert facts["language"] == "zh" and facts["raci-sheet"] == "职责分工" and facts["version"] == "2"
    assert facts["edition"] == default_manual.info.edition
    baseline = {facts_sheet.cell(r, 1).value: json.loads(facts_sheet.cell(r, 2).value)
                for r in range(14, facts_sheet.max_row + 1)}
    assert list(baseline) == list(default_manual.raci.duties)
    duty = default_manual.duties[default_manual.raci.duties[0]]
    assert baseline[duty.id]["accountable"] == [duty.raci.accountable]
    assert baseline[duty.id]["responsible"] == list(duty.raci.responsible)


def test_raci_sheet_has_ids_beside_titles_and_the_roles_of_the_manual(default_manual, default_zh):
    sheet = load_workbook(default_zh)["职责分工"]
    posts = default_manual.raci.posts
    assert [sheet.cell(2, 3 + i).value for i in range(len(posts))] == list(posts)
    assert [sheet.cell(1, 3 + i).value for i in range(len(posts))] == [
        default_manual.posts[p].title.get("zh") for p in posts]
    duties = default_manual.raci.duties
    assert [sheet.cell(3 + i, 1).value for i in range(len(duties))] == list(duties)
    for row, duty in enumerate(duties, start=3):
        assert sheet.cell(row, 2).value == default_manual.duties[duty].title.get("zh")
        for column, post in enumerate(posts, start=3):
            assert (sheet.cell(row, column).value or "") == default_manual.raci.cell(duty, post)
    assert sheet.freeze_panes == "C3"
    assert sheet.column_dimensions["B"].width > 20 and sheet.column_dimensions["A"].width > 12


def test_list_sheets_have_ids_beside_titles_frozen_headers_and_one_entry_a_line(default_manual, default_zh):
    book = load_workbook(default_zh)
    duties = book["职责清单"]
    header = [c.value for c in duties[1]]
    assert header[:5] == ["编号", "职责", "职能编号", "职能", "频次"]
    responsible_ids = header.index(label("ids-of", "zh", field=label("responsible", "zh")))
    first = next(iter(default_manual.duties.values()))
    assert duties.cell(2, 1).value == first.id
    assert duties.cell(2, responsible_ids + 1).value.split("\n") == list(first.raci.responsible)
    assert duties.cell(2, responsible_ids + 2).value.split("\n") == [
        default_manual.posts[p].title.get("zh") for p in first.raci.responsible]
    assert duties.freeze_panes == "C2"
    checklists = book["检查清单"]
    rows = checklists.max_row - 1
    expected = sum(len(v.first_day) + len(v.first_week) + len(v.first_month) for v in default_manual.onboarding.values())
    for lists in default_manual.checklists.values():  # a standard's criteria are one line that refers to them
        entries = [e for section in (*lists.by_frequency.values(), lists.criteria) for e in section] + list(lists.steps)
        expected += sum(not e.key.startswith("criterion:") for e in entries)
        expected += len({e.source.id for e in entries if e.key.startswith("criterion:")})
    assert rows == expected
    posts = book["岗位"]
    assert [posts.cell(r, 1).value for r in range(2, posts.max_row + 1)] == list(default_manual.post_order)


def test_each_standards_criteria_are_written_once_and_the_checklists_link_to_them(default_manual, default_zh):
    """A standard applying to many posts is not repeated for each: its criteria are rows of the standards
    sheet, and a post's checklist has one line naming it, an internal link to its first row."""
    book = load_workbook(default_zh)
    standards = book["标准"]
    assert [c.value for c in standards[1]] == ["编号", "标准", "类别", "自查周期", "序号", "检查要点", "键"]
    criteria = [(r[0], r[5]) for r in standards.iter_rows(min_row=2, values_only=True) if r[5]]
    assert criteria == [(s.id, c.get("zh")) for s in default_manual.standards.values() for c in s.criteria]
    first_row = {}
    for number, row in enumerate(standards.iter_rows(min_row=2, values_only=True), start=2):
        first_row.setdefault(row[0], number)
    checklists = book["检查清单"]
    texts = {c.value for row in checklists.iter_rows(min_row=2) for c in row}
    assert not texts & {text for _, text in criteria}  # no criterion's text on the checklists sheet
    referring = [row for row in checklists.iter_rows(min_row=2) if row[3].hyperlink is not None]
    pairs = {(p, e.source.id) for p, lists in default_manual.checklists.items()
             for section in (*lists.by_frequency.values(), lists.criteria) for e in section
             if e.key.startswith("criterion:")}
    assert {(row[0].value, row[6].value) for row in referring} == pairs and len(referring) == len(pairs)
    for row in referring:
        standard = default_manual.standards[row[6].value]
        assert row[3].value == f"{standard.title.get('zh')}的检查要点（{len(standard.criteria)}项）"
        assert row[3].hyperlink.location == f"'标准'!A{first_row[standard.id]}"
        assert row[4].value == "见“标准”表"


def test_text_width_counts_wide_characters_as_unicode_does():
    """`display_width` counts the CJK ranges it scans in one go as wide: every character in them is W or F."""
    import unicodedata

    from officebook.xlsx_layout import _WIDE, display_width

    for code in range(0x1100, 0x10000):
        character = chr(code)
        if _WIDE.match(character):
            assert unicodedata.east_asian_width(character) in "WF", hex(code)
    assert display_width("中文“引号”ab\nｘ") == 12.0  # curly quotes are narrow, the full-width x is wide


def test_every_cell_is_a_string_and_no_hostile_title_becomes_a_formula(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SECOND, content)
    files = sorted((content / "duties").glob("*.yaml")) + sorted((content / "posts").glob("*.yaml"))
    assert len(files) >= len(HOSTILE_TITLES)
    for path, title in zip(files, HOSTILE_TITLES, strict=False):
        text = path.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith("title:")]
        quoted = title.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        path.write_text(f'title: {{zh: "{quoted}", en: "{quoted}"}}\n' + "\n".join(lines) + "\n", encoding="utf-8")
    result = run_check(content, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(workbook_bytes(result.manual, "zh"))
    book = load_workbook(path)
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                assert not str(cell.value).lstrip(" \t").startswith(("=", "+", "-", "@")), cell.value
                seen.add(str(cell.value))
    for title in HOSTILE_TITLES:  # formula starts get the apostrophe; "#N/A" stays text, not an error value
        assert neutralise_cell(" ".join(title.split())) in seen  # titles are folded onto one line


@pytest.fixture(scope="module")
def soffice():
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc)")
    return found


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_with_chinese_intact(soffice, default_manual, default_zh, tmp_path):
    shutil.copy(default_zh, tmp_path / "book.xlsx")
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "out"),
         str(tmp_path / "book.xlsx")],
        capture_output=True, text=True, timeout=180,
    )
    converted = tmp_path / "out" / "book.csv"
    assert converted.exists(), run.stdout + run.stderr
    rows = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"), newline="")))
    assert rows[0][:2] == ["职责编号", "职责"]
    assert rows[1][2:2 + len(default_manual.raci.posts)] == list(default_manual.raci.posts)
    duty = default_manual.raci.duties[0]
    assert rows[2][:2] == [duty, default_manual.duties[duty].title.get("zh")]


def test_export_command_writes_the_workbooks(tmp_path):
    run = subprocess.run([sys.executable, "-m", "officebook", "export", str(SECOND), "--format", "xlsx", "-o",
                          str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["officebook-en.xlsx", "officebook-zh.xlsx"]
    assert load_workbook(tmp_path / "officebook-en.xlsx").sheetnames[0] == sheet_name("raci", "en") == "RACI"



# ---- printing and guarding -------------------------------------------------------------------------


def _smallest_font(book) -> float:
    return min(style.font.sz for style in book._named_styles)


def test_every_sheet_prints_on_a4_landscape_with_type_of_8_pt_or_more(default_zh):
    book = load_workbook(default_zh)
    smallest = _smallest_font(book)
    for sheet in book.worksheets[:5]:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == "9", sheet.title
        fit = sheet.sheet_properties.pageSetUpPr.fitToPage
        if fit:  # one page wide; the computed widths leave the scale at 80 % or more
            assert setup.fitToWidth == 1, sheet.title
        else:  # split by sections at a fixed scale
            assert setup.scale * smallest / 100 >= 8, (sheet.title, setup.scale)
            assert sheet.col_breaks.brk, sheet.title
    raci = book["职责分工"]
    assert raci.print_title_rows == "$1:$2" and raci.print_title_cols == "$A:$B"
    assert book["职责清单"].print_title_rows == "$1:$1" and book["职责清单"].print_title_cols == "$A:$B"
    about = book["说明"].page_setup
    assert (about.fitToWidth, about.fitToHeight) == (1, 1)


def test_the_about_sheet_names_one_word_per_letter(default_zh):
    about = load_workbook(default_zh)["说明"]
    rows = {about.cell(r, 1).value: about.cell(r, 2).value for r in range(1, about.max_row + 1)}
    for letter, word in zip("RACI", ("牵头", "负责", "会商", "知会"), strict=True):
        assert f"{letter}　{word}" in rows
    edit = rows["怎样修改"]
    assert "既牵头又负责填 R/A" in edit and "负总责" not in edit


def test_the_role_cells_refuse_other_values_with_a_message_in_the_workbooks_language(default_manual, tmp_path):
    for lang, word, message in (("zh", "牵头", "请填写 R（牵头）"), ("en", "R/A", "Type R (responsible)")):
        path = tmp_path / f"{lang}.xlsx"
        path.write_bytes(workbook_bytes(default_manual, lang))
        sheet = load_workbook(path)[sheet_name("raci", lang)]
        (validation,) = sheet.data_validations.dataValidation
        assert validation.showErrorMessage and validation.errorStyle == "stop"
        assert message in validation.error and validation.errorTitle
        assert word in validation.formula1.strip('"').split(",")
        last = f"{chr(ord('C') + len(default_manual.raci.posts) - 1)}{2 + len(default_manual.raci.duties)}"
        assert str(validation.sqref) == f"C3:{last}"


def _word_heights(pdf) -> list[tuple[int, float, str]]:
    """(page, height, word) of every word LibreOffice printed."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        for m in re.finditer(r'<word [^>]*yMin="([\d.]+)" [^>]*yMax="([\d.]+)">([^<]*)</word>', page):
            found.append((number, float(m[2]) - float(m[1]), m[3]))
    return found


@pytest.mark.slow
def test_libreoffice_prints_every_sheet_at_8_pt_or_more(soffice, default_zh, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    shutil.copy(default_zh, tmp_path / "book.xlsx")
    run_tool([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
              "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "book.xlsx")], timeout=300)
    words = _word_heights(tmp_path / "book.pdf")
    assert words
    # LibreOffice's words are 1.29 em high (9 pt type: 11.7 pt boxes): 8 pt type gives 10.3 pt
    small = [w for w in words if w[1] < 8 * 1.25]
    assert not small, small[:5]
    texts = subprocess.run(["pdftotext", "-layout", str(tmp_path / "book.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    about = [t for t in texts if "分工代码" in t]
    assert len(about) == 1 and all(re.search(rf"{letter}\s+{word}", about[0]) for letter, word in
                                   zip("RACI", ("牵头", "负责", "会商", "知会"), strict=True))
    raci_pages = [t for t in texts if "职责编号" in t and "岗位编号" in t]
    assert len(raci_pages) >= 2  # fifteen posts: split by columns, not shrunk
