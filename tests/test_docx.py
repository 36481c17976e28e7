"""officebook docx: Word documents read back with python-docx and converted by LibreOffice."""

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import CASES, ROOT, officebook
from officebook.outline import handbook_outline, numbering_for
from officebook.pipeline import run_check
from officebook.render.docx import booklet_docx, handbook_docx, reference_docx
from officebook.render.docx.styles import FLOWCHART_SCALE
from officebook.render.flowchart import flowchart_title
from officebook.vocabulary.labels import label

SECOND = CASES / "valid" / "second-edition" / "content"
SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"


@pytest.fixture(scope="module")
def default_manual():
    return run_check(ROOT / "content", use_cache=False).manual


@pytest.fixture(scope="module")
def second_manual():
    return run_check(SECOND, use_cache=False).manual


@pytest.fixture(scope="module")
def handbook_zh(default_manual):
    return handbook_docx(default_manual, "zh")


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _pictures(document) -> list:
    return document.element.body.findall(".//" + qn("pic:pic"))


@pytest.mark.slow
def test_handbook_has_a_heading_per_chapter_and_per_item(default_manual, handbook_zh):
    document = _open(handbook_zh)
    chapters = _headings(document, 1)
    assert chapters[0] == "引言" and chapters[1] == "一、职能" and chapters[-1].endswith("术语")
    entries = _headings(document, 2)
    for chapter, kind in enumerate(("functions", "duties", "procedures", "standards", "posts"), start=1):
        for position, item in enumerate(default_manual.kind(kind).values(), start=1):
            title = " ".join(item.title.get("zh").split())
            assert numbering_for("zh").heading(numbering_for("zh").entry(chapter, position), title) in entries, (
                kind, item.id)
    assert len(entries) == sum(len(default_manual.kind(k)) for k in ("functions", "duties", "procedures",
                                                                     "standards", "posts"))


@pytest.mark.slow
def test_posts_chapter_refers_to_criteria_and_steps_instead_of_repeating_them(default_manual, handbook_zh):
    """As in the printed handbook: each criterion once, in its standard's section; a post's lists name
    the standards (linked, numbered) and its case sheets the procedures and its own steps' numbers."""
    texts = [p.text for p in _open(handbook_zh).paragraphs]
    for standard in default_manual.standards.values():
        for criterion in standard.criteria:
            assert sum(criterion.get("zh") in t for t in texts) == 1, (standard.id, criterion.get("zh"))
    posts = texts.index(next(t for t in texts if t.endswith("岗位") and t.startswith("五、")))
    chapter = texts[posts:]
    assert any(t.startswith(label("check", "zh") + "：") for t in chapter)
    assert any(t.startswith(label("met-each-time", "zh") + "：") for t in chapter)
    post, lists = next((p, c) for p, c in default_manual.checklists.items() if c.cases and c.cases[0].own_steps)
    case = lists.cases[0]
    title = " ".join(default_manual.procedures[case.procedure].title.get("zh").split())
    numbers = "、".join(str(s.number) for s in case.own_steps)
    assert any(t.startswith(title) and t.endswith("：" + numbers) or f"：{numbers} · " in t for t in chapter)


@pytest.mark.slow
def test_handbook_has_a_toc_field_listing_the_headings(default_manual, handbook_zh):
    document = _open(handbook_zh)
    instructions = [t.text for t in document.element.body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith('TOC \\o "1-2"') for i in instructions)
    toc = [p for p in document.paragraphs if p.style.name.lower() in ("toc 1", "toc 2")]
    assert len(toc) == len(_headings(document, 1)) + len(_headings(document, 2))
    assert sum("PAGEREF" in i for i in instructions) == len(toc)
    settings = document.settings.element.find(qn("w:updateFields"))
    assert settings is not None and settings.get(qn("w:val")) == "true"


@pytest.mark.slow
def test_handbook_has_tables_and_a_picture_with_its_svg_per_flowchart(default_manual, handbook_zh):
    document = _open(handbook_zh)
    pictures = _pictures(document)
    assert len(pictures) == len(default_manual.procedures)
    assert len(document.element.body.findall(".//" + SVG_BLIP)) == len(default_manual.procedures)
    images = {r.target_part.content_type for r in document.part.rels.values() if "image" in r.reltype}
    assert images == {"image/png", "image/svg+xml"}
    descriptions = [p.getparent().getparent().getparent().find(qn("wp:docPr")).get("descr") for p in pictures]
    assert descriptions[0] == flowchart_title(next(iter(default_manual.procedures.values())), "zh")
    post_titles = {post.title.get("zh") for post in default_manual.posts.values()}
    raci = [t for t in document.tables if t.rows[0].cells[0].text == "职责"
            and {c.text for c in t.rows[0].cells[1:]} <= post_titles]
    expected = handbook_outline(default_manual, "zh").raci_tables  # one per function, split when its posts are many
    assert len(raci) == len(expected) and any(t.parts > 1 for t in expected)
    for table, outline in zip(raci, expected, strict=True):
        assert [c.text for c in table.rows[0].cells[1:]] == [default_manual.posts[p].title.get("zh") for p in outline.posts]
        assert len(table.rows) - 1 == len(default_manual.function_duties[outline.function])
        assert len(table.columns) <= 13  # column groups of at most 12 posts
    header = raci[0].rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    steps = [t for t in document.tables if t.rows[0].cells[0].text == "序号" and t.rows[0].cells[1].text == "承办岗位"]
    assert len(steps) == len(default_manual.procedures)


@pytest.mark.slow
def test_chinese_follows_gb_t_9704(handbook_zh):
    document = _open(handbook_zh)
    body = document.sections[1]
    assert [round(m / Mm(1)) for m in (body.page_width, body.page_height)] == [210, 297]
    assert [round(m / Mm(1)) for m in (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)] == [
        37, 35, 28, 26]
    styles = document.styles

    def east_asian(name):
        return styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312" and styles["Normal"].font.size == Pt(16)
    assert east_asian("Heading 1") == "黑体" and east_asian("Heading 2") == "黑体"
    assert east_asian("Heading 3") == "楷体_GB2312"
    assert styles["Normal"].paragraph_format.line_spacing == Pt(28.95)
    footer = body.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert any(" PAGE " in t.text for t in footer._p.iter(qn("w:instrText")))
    assert document.settings.odd_and_even_pages_header_footer and body.even_page_footer.paragraphs[0].text


@pytest.mark.slow
def test_english_uses_latin_faces_and_page_of(default_manual):
    document = _open(handbook_docx(default_manual, "en"))
    assert document.styles["Normal"].font.name == "Cambria"
    assert round(document.sections[1].left_margin / Mm(1)) == 25
    assert _headings(document, 1)[1] == "1 Functions"
    instructions = " ".join(t.text for t in document.sections[1].footer.paragraphs[0]._p.iter(qn("w:instrText")))
    assert "PAGE" in instructions and "NUMPAGES" in instructions


def _busy_post(manual) -> str:
    """A post with duties, procedures and standards (the default manual's posts change with its content)."""
    return next(p for p in manual.post_order if (v := manual.onboarding[p]).duties and v.standards
                and (v.procedures_owned or v.procedures_acted_in))


@pytest.mark.slow
def test_booklet_is_the_posts_description_with_its_duties_procedures_standards_and_cards(default_manual):
    post = _busy_post(default_manual)
    view = default_manual.onboarding[post]
    document = _open(booklet_docx(default_manual, post, "zh"))
    parts = _headings(document, 1)
    assert parts[:4] == ["一、岗位概况", "二、" + label("signoff", "zh"), "三、" + label("post-duties", "zh"),
                         "四、" + label("procedures-taken-part", "zh")]
    assert parts[-1].endswith("检查清单")
    entries = _headings(document, 2)
    for kind, ids in (("duties", view.duties), ("procedures", view.procedures_owned + view.procedures_acted_in),
                      ("standards", view.standards)):
        for item_id in ids:
            title = " ".join(default_manual.kind(kind)[item_id].title.get("zh").split())
            assert any(h.endswith(title) for h in entries), (kind, item_id)
    assert entries[0] == "（一）" + default_manual.duties[view.duties[0]].title.get("zh")
    assert len(_pictures(document)) == len(view.procedures_owned + view.procedures_acted_in) + 1  # + the org chart
    assert any(p.text.startswith("岗位手册") for p in document.paragraphs if p.style.name == "Subtitle")


def test_tasks_step_titles_item_links_and_asset_images(second_manual):
    document = _open(handbook_docx(second_manual, "zh"))
    texts = [p.text for p in document.paragraphs]
    assert "汇总本周值班情况报主任（每周）" in texts  # a task with a rhythm of its own
    body = document.element.body
    anchors = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink")) if h.get(qn("w:anchor"))}
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert anchors and anchors <= bookmarks  # every internal link has its target
    duty = next(p for p in document.paragraphs if "值班员按" in p.text)
    assert "紧急信息报送" in duty.text  # the empty label shows the procedure's title
    assert len(_pictures(document)) == len(second_manual.procedures) + 1  # + the image from content/assets/
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(c.startswith("核实") for c in cells)  # the step's title in the steps table


@pytest.mark.slow
def test_reference_document_supplies_styles_and_page_setup(default_manual, tmp_path):
    reference = Document()
    reference.styles["Normal"].font.name = "Arial"
    reference.styles["Normal"].font.size = Pt(13)
    reference.sections[0].left_margin = Mm(40)
    reference.add_paragraph("this text of the template is not kept")
    path = tmp_path / "office.docx"
    reference.save(path)
    document = _open(booklet_docx(default_manual, _busy_post(default_manual), "zh", reference=path))
    assert document.styles["Normal"].font.name == "Arial" and document.styles["Normal"].font.size == Pt(13)
    assert round(document.sections[-1].left_margin / Mm(1)) == 40
    assert "officebook Checklist" in [s.name for s in document.styles]
    assert not any("template is not kept" in p.text for p in document.paragraphs)
    bare = Document()  # a template without list styles, as Word and LibreOffice save them when no list is used
    for name in ("List Bullet", "List Number"):
        element = bare.styles[name].element
        element.getparent().remove(element)
    bare.save(path)
    document = _open(handbook_docx(default_manual, "zh", reference=path))
    function = next(iter(default_manual.functions.values()))
    assert any(p.text == f"（1）{function.principles[0].get('zh')}" for p in document.paragraphs)
    starter = _open(reference_docx("zh"))
    assert starter.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not starter.paragraphs


@pytest.mark.slow
def test_pictures_are_numbered_past_the_reference_documents_own(default_manual, tmp_path):
    """officebook names and relates its pictures itself (python-docx scans every part for each one):
    a picture in the reference document's header keeps its part, and no name is given twice."""
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(png, "PNG")
    reference = Document()
    reference.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(png.getvalue()))
    path = tmp_path / "emblem.docx"
    reference.save(path)
    data = handbook_docx(default_manual, "zh", reference=path)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(media) == len(set(media))
        assert archive.read("word/media/image1.png") == png.getvalue()
    document = _open(data)
    header = document.sections[0].header
    assert [part.blob for part in header.part.related_parts.values()] == [png.getvalue()]
    pictures = _pictures(document)
    assert len(pictures) == len(default_manual.procedures)
    body = document.part.related_parts
    targets = [body[blip.get(qn("r:embed"))] for blip in document.element.body.iter(qn("a:blip"))]
    assert len({part.partname for part in targets}) == len(targets) == len(default_manual.procedures)
    assert all(part.content_type == "image/png" and part.partname != "/word/media/image1.png" for part in targets)


def _officebook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return officebook(*args, cwd=cwd)

@pytest.mark.slow
def test_docx_command_writes_files_and_exits_as_pdf_does(tmp_path):
    out = tmp_path / "dist"
    run = _officebook("docx", str(SECOND), "-o", str(out), "--post", "duty-officer", "--lang", "zh")
    assert run.returncode == 0, run.stderr
    assert [p.name for p in out.iterdir()] == ["booklet-duty-officer-zh.docx"]
    assert _officebook("docx", str(SECOND), "-o", str(out), "--lang", "fr").returncode == 2
    assert _officebook("docx", str(SECOND), "-o", str(out), "--post", "nobody").returncode == 2
    bad = tmp_path / "bad.docx"
    bad.write_text("not a document", encoding="utf-8")
    run = _officebook("docx", str(SECOND), "-o", str(out), "--reference-doc", str(bad))
    assert run.returncode == 2 and "not a Word document" in run.stderr
    broken = tmp_path / "content"
    shutil.copytree(SECOND, broken)
    (broken / "duties" / "emergency.yaml").write_text("title: x\nfunction: nowhere\n", encoding="utf-8")
    empty = tmp_path / "empty"
    run = _officebook("docx", "--no-cache", str(broken), "-o", str(empty))
    assert run.returncode == 1 and "error [" in run.stderr and not empty.exists()
    starter = tmp_path / "reference.docx"
    run = _officebook("docx", str(SECOND), "--write-reference", str(starter))
    assert run.returncode == 0 and Document(str(starter)).styles["Heading 1"] is not None


@pytest.mark.slow
def test_libreoffice_converts_the_chinese_handbook_to_a_sane_pdf(default_manual, default_word_handbook_pdf):
    """The Chinese handbook as `officebook docx` writes it (its contents numbered: handbook_docx's
    document with page numbers filled in), converted by LibreOffice once for the run (conftest)."""
    pdf = default_word_handbook_pdf
    assert pdf.exists()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    items = sum(len(default_manual.kind(k)) for k in ("functions", "duties", "procedures", "standards", "posts"))
    assert items < pages < items * 4  # each entry starts on the page after the last; nothing runs away
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "一、" in text and re.search(r"—\s*3\s*—", text)  # GB/T 9704 page numbers
    assert next(iter(default_manual.procedures.values())).title.get("zh") in text


def test_flowchart_png_has_the_pixels_cairo_draws_on_white(default_manual):
    """The PNG officebook writes itself (rows unfiltered) decodes to exactly what CairoSVG's own PNG
    writer gives for the same drawing on white; a wide chart keeps its capped width."""
    from PIL import Image

    cairosvg = pytest.importorskip("cairosvg")
    from officebook.render.docx import raster
    from officebook.render.flowchart import flowchart_svg

    rasterise = raster.load_rasteriser()
    procedures = list(default_manual.procedures.values())
    for procedure in (procedures[0], max(procedures, key=lambda p: len(p.actors))):
        svg = flowchart_svg(procedure, default_manual, "zh", id_prefix="test")
        raster._PNG_CACHE.clear()
        image = Image.open(io.BytesIO(rasterise(svg)))
        width = float(raster._SVG_WIDTH.search(svg).group(1))
        scale = min(FLOWCHART_SCALE, raster.MAX_RASTER_WIDTH / width)
        reference = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode(), scale=scale, unsafe=False,
                                                           background_color="#ffffff"))).convert("RGB")
        assert image.mode == "RGB" and image.size == reference.size
        assert image.tobytes() == reference.tobytes()
        assert image.size[0] <= raster.MAX_RASTER_WIDTH


def test_rgb_png_round_trips_any_pixels():
    from PIL import Image

    from officebook.render.docx.raster import rgb_png

    pixels = bytes((x * 7 + y * 13) % 256 for y in range(5) for x in range(3 * 9))
    rows = b"".join(pixels[row * 27:(row + 1) * 27] + b"\0" for row in range(5))
    image = Image.open(io.BytesIO(rgb_png(9, 5, rows)))
    assert (image.mode, image.size) == ("RGB", (9, 5)) and image.tobytes() == pixels
