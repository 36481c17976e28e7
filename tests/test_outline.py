"""The outline: one description of each document that every output renders the same way.

The cross-output test reads the site (Markdown pages), the printed handbook (its HTML, which is what
WeasyPrint prints) and the Word handbook (python-docx) of the default manual and the case manuals,
and asserts the same numbering, step-flow wording, RACI words and dates in all three.
"""

import io
import re
from pathlib import Path

import pytest
from docx import Document

from officebook.outline import (
    booklet_outline,
    date_text,
    flow_text,
    handbook_outline,
    numbering_for,
    step_rows,
)
from officebook.pipeline import run_check
from officebook.render.docx import booklet_docx, handbook_docx
from officebook.render.print import booklet_html, handbook_html
from officebook.render.site import render_site
from officebook.vocabulary.labels import label

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MANUALS = {
    "default": ROOT / "content",
    "minimal": TESTS / "cases" / "valid" / "minimal" / "content",
    "second-edition": TESTS / "cases" / "valid" / "second-edition" / "content",
}
RACI_LETTERS = re.compile(r"(?<![A-Za-z])[RACI](?![A-Za-z])")


@pytest.fixture(scope="module")
def minimal():
    return run_check(MANUALS["minimal"], use_cache=False).manual


def test_numbering_is_the_official_hierarchy_in_chinese_and_one_decimal_scheme_elsewhere():
    zh, en = numbering_for("zh"), numbering_for("en")
    assert [zh.chapter(3), zh.entry(3, 2), zh.section_heading(1), zh.point_heading(1)] == ["三、", "（二）", "1.", "（1）"]
    assert zh.reference(3, 12) == "三（十二）" and zh.heading("（二）", "公文审核") == "（二）公文审核"
    assert [en.chapter(3), en.entry(3, 2), en.section(3, 2, 1), en.reference(3, 2)] == ["3", "3.2", "3.2.1", "3.2"]
    assert en.heading("3.2", "Document review") == "3.2 Document review"
    assert numbering_for("zh-Hant").official and not numbering_for("ja").official


def test_where_a_step_leads_is_worded_once_with_conditions_and_rework(minimal):
    rows = step_rows(minimal.procedures["document-review"])
    assert [flow_text(row, "en") for row in rows] == [
        "then step 2", "then step 3 (Approved); back to step 1", "ends the procedure"]
    assert flow_text(rows[1], "zh") == "转第 3 步（审核通过）；退回第 1 步"
    assert [target.rework for target in rows[1].targets] == [False, True]
    own = step_rows(minimal.procedures["document-review"], post=rows[0].actor)
    assert own[0].own and not any(row.own for row in own if row.actor != rows[0].actor)


def test_raci_cells_are_words_in_chinese(minimal):
    outline = handbook_outline(minimal, "zh")
    words = {cell.words for table in outline.raci_tables for row in table.rows for cell in row.cells}
    assert words - {""} and words <= {"", "牵头", "负责", "会商", "知会", "牵头、负责"}
    english = {cell.words for table in handbook_outline(minimal, "en").raci_tables
               for row in table.rows for cell in row.cells}
    assert english - {""} <= {"R", "A", "C", "I", "R/A"}


def test_booklet_parts_are_those_present_numbered_in_order(minimal):
    for post in minimal.posts:
        outline = booklet_outline(minimal, post, "zh")
        assert [part.number for part in outline.parts] == [numbering_for("zh").chapter(n)
                                                           for n in range(1, len(outline.parts) + 1)]
        keys = [part.key for part in outline.parts]
        assert keys[0] == "post-at-a-glance" and "booklet-reference" in keys
        assert ("post-duties" in keys) == bool(minimal.onboarding[post].duties)
        assert ("checklists" in keys) == bool(outline.cards)


def _plain(markdown: str) -> str:
    """Site Markdown as text: links to their labels, emphasis and escapes dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)
    return re.sub(r"[*_`\\]", "", text)


def _html_text(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)  # English quotes are set typographically in print: compare them plain
    text = text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    return text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})


def _word_raci_cells(data: bytes, duty_label: str) -> list[str]:
    """The role cells of the Word RACI matrix (tables headed by the duty column and a post a column)."""
    document = Document(io.BytesIO(data))
    return [cell.text for table in document.tables if table.rows[0].cells[0].text == duty_label and len(table.columns) > 3
            for row in table.rows[1:] for cell in row.cells[1:]]


def _word_texts(data: bytes) -> tuple[dict[int, list[str]], str]:
    document = Document(io.BytesIO(data))
    headings: dict[int, list[str]] = {}
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading "):
            headings.setdefault(int(paragraph.style.name.split()[-1]), []).append(paragraph.text)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return headings, "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MANUALS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_site_pdf_and_word_say_the_same_thing_the_same_way(name, lang):
    manual = run_check(MANUALS[name], use_cache=False).manual
    assert manual is not None
    if lang not in manual.info.languages:
        pytest.skip(f"{name} has no {lang}")
    outline = handbook_outline(manual, lang)
    site = render_site(manual, lang).pages
    site_text = _plain("\n".join(site.values()))
    pdf = _html_text(handbook_html(manual, lang))
    docx = handbook_docx(manual, lang)
    headings, word = _word_texts(docx)

    # numbering: every chapter and entry heading, the same in the PDF and in Word
    chapters = [outline.chapter_heading(chapter) for chapter in outline.chapters]
    entries = [outline.numbering.heading(entry.number, " ".join(entry.title.get(lang).split()))
               for chapter in outline.chapters for entry in chapter.entries]
    assert headings[1] == chapters
    assert headings[2] == entries
    pdf_squeezed = re.sub(r"\s+", "", pdf)
    for heading in chapters + entries:
        assert re.sub(r"\s+", "", _html_text(heading)) in pdf_squeezed, heading

    # where each step leads: one wording on the site, in the PDF and in Word
    for procedure in manual.procedures.values():
        for row in outline.steps[procedure.id]:
            wording = flow_text(row, lang)
            assert wording in site_text, (procedure.id, row.id, wording)
            assert wording in pdf, (procedure.id, row.id, wording)
            assert wording in word, (procedure.id, row.id, wording)

    # RACI words: the matrix's cells as the outline words them, never R/A/C/I in Chinese
    # (the site has each function's table on the function's page)
    raci_pages = "".join(markdown for path, markdown in site.items() if path.startswith("functions/"))
    raci_site = _plain(raci_pages)
    for table in outline.raci_tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.words:
                    assert cell.words in word and cell.words in pdf and cell.words in raci_site
    if outline.raci_tables:
        cells = _word_raci_cells(docx, label("duty", lang))
        assert sorted(cells) == sorted(cell.words for table in outline.raci_tables for row in table.rows
                                       for cell in row.cells)
        if lang == "zh":
            assert not any(RACI_LETTERS.search(cell) for cell in cells)
            site_cells = [_html_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", raci_pages)]
            assert any(site_cells) and not any(RACI_LETTERS.search(cell) for cell in site_cells)

    # dates: the edition's date written the one way of the language, everywhere
    if manual.info.effective:
        effective = date_text(manual.info.effective, lang)
        assert effective in site_text and effective in pdf and effective in word
        if lang == "zh":
            assert manual.info.effective not in word and manual.info.effective not in pdf


@pytest.mark.slow
def test_a_post_booklet_has_the_same_parts_and_numbers_in_print_and_word(minimal):
    post = next(p for p in minimal.post_order if minimal.onboarding[p].duties)
    outline = booklet_outline(minimal, post, "zh")
    headings, _word = _word_texts(booklet_docx(minimal, post, "zh"))
    parts = [outline.part_heading(part) for part in outline.parts]
    assert headings[1] == parts
    html = _html_text(booklet_html(minimal, post, "zh"))
    for heading in parts:
        if heading.endswith("检查清单"):  # the printed booklet's checklists are its paper forms
            continue
        assert heading in html, heading
    assert "岗位手册" in html and any("岗位手册" in text for text in _word.splitlines()[:12])
