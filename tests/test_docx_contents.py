"""The Word handbook as LibreOffice prints it: every contents entry has the page number its heading is
on, headings are numbered 一、（一）1.（1）, and the RACI matrix speaks in words, not R/A/C/I."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from officebook.build.pagination import ContentsEntry, can_paginate, fill_page_numbers, heading_pages, printed_number
from officebook.pipeline import run_check

ROOT = Path(__file__).parent.parent
TOC_LINE = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$")


def test_a_footer_page_number_is_read_as_printed():
    assert printed_number("text\n\n      — 12 —\n", "— {page} —") == 12
    assert printed_number("text\n  Page 3 of 40 \n", "Page {page} of {pages}") == 3
    assert printed_number("a cover page\n", "— {page} —") is None


def test_headings_are_found_after_the_contents_as_whole_lines():
    pages = ["Contents\nOne ........ 2\nTwo ........ 3\n  — 1 —",
             "One\nTwo words in a table row: Two   x\n  — 2 —",
             "Two\n  — 3 —"]
    entries = [ContentsEntry("a", "One"), ContentsEntry("b", "Two")]
    assert heading_pages(pages, entries, "— {page} —") == {"a": 2, "b": 3}


def test_page_numbers_fill_the_pageref_results():
    from officebook.render.docx import handbook_docx

    manual = run_check(ROOT / "tests" / "cases" / "valid" / "minimal" / "content", use_cache=False).manual
    data = handbook_docx(manual, "en")
    document = Document(io.BytesIO(data))
    bookmarks = [re.search(r"PAGEREF (\S+)", t.text).group(1)
                 for t in document.element.body.iter() if t.tag.endswith("}instrText") and "PAGEREF" in t.text]
    filled = Document(io.BytesIO(fill_page_numbers(data, {name: 7 + i for i, name in enumerate(bookmarks)})))
    toc = [p.text for p in filled.paragraphs if p.style.name.lower() in ("toc 1", "toc 2")]
    assert [line.rsplit("\t", 1)[-1] for line in toc] == [str(7 + i) for i in range(len(bookmarks))]
    assert filled.settings.element.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}updateFields") is None


@pytest.mark.slow
@pytest.mark.skipif(not can_paginate(), reason="LibreOffice and pdftotext are not installed")
def test_the_word_handbook_prints_its_contents_with_the_pages_of_its_headings(default_word_handbook_pdf):
    """The handbook `write_docx_handbooks` wrote, as LibreOffice prints it (conftest, shared with test_docx)."""
    manual = run_check(ROOT / "content", use_cache=False).manual
    text = subprocess.run(["pdftotext", "-layout", str(default_word_handbook_pdf), "-"], check=True,
                          capture_output=True).stdout.decode()
    pages = text.split("\f")

    def squeezed(line: str) -> str:
        return re.sub(r"\s+", "", line)

    contents = [(squeezed(m.group(1)), int(m.group(2)), index) for index, page in enumerate(pages)
                for m in map(TOC_LINE.match, page.splitlines()) if m]
    assert len(contents) == sum(len(manual.kind(k)) for k in ("functions", "duties", "procedures", "standards",
                                                              "posts")) + 1 + 7  # introduction, seven chapters
    start = after_contents = max(index for _, _, index in contents) + 1
    for heading, number, _ in contents:
        page_of_heading = None
        for index in range(start, len(pages)):
            lines = [squeezed(line) for line in pages[index].splitlines()]
            if any("".join(lines[i:i + n]) == heading for n in (1, 2, 3) for i in range(len(lines))):
                page_of_heading, start = printed_number(pages[index], "— {page} —"), index
                break
        assert page_of_heading == number, (heading, number, page_of_heading)

    chapters = [heading for heading, _, _ in contents if re.match(r"^[一二三四五六七八九十]+、", heading)]
    assert len(chapters) == 7
    body = "\n".join(pages[after_contents:])
    assert re.search(r"^\s*（一）\S", text, re.MULTILINE) and re.search(r"^\s*1\.\S", body, re.MULTILINE)
    assert re.search(r"^\s*（1）", body, re.MULTILINE)
    matrix = text[text.rindex("职责分工表"):]
    assert "牵头" in matrix and not re.search(r"(?<![A-Za-z])[RACI](?![A-Za-z])", matrix.split("术语")[0])
