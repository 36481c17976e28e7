"""The handbook and the post booklets as Word documents (python-docx), for offices that edit in Word or WPS.

`handbook_docx(manual, lang)` and `booklet_docx(manual, post, lang)` give the bytes of a .docx file:

- headings in Word's Heading styles (chapters Heading 1, entries Heading 2, their parts Heading 3 and 4),
  so the navigation pane and a table of contents work; a TOC field after the document control, filled
  with the chapters and entries and their page references (Word updates the page numbers on opening);
- facts, steps, the RACI matrix and Markdown tables as Word tables (header rows repeat across pages),
  lists as Word lists, checklists as lines with a box to tick;
- each procedure's swimlane flowchart as a PNG picture, with the SVG beside it for Word versions that
  draw SVG (Word 2016 and later show the SVG, others and WPS the PNG);
- A4, fonts named per language. Chinese follows GB/T 9704 (党政机关公文格式): margins 37/35/28/26 mm,
  body 仿宋_GB2312 三号 on a 22-line grid with two-character indents, headings 黑体 and 楷体_GB2312,
  page numbers `— 1 —` in 宋体 四号, right on odd pages and left on even ones.

With `reference`, an office's own .docx supplies the styles and the page setup instead (as pandoc's
`--reference-doc` does): its styles are used as they are, and only styles it lacks are added.
Nothing outside the manual is read: images in texts appear as their alt text.

`styles` holds the faces and styles, `html` turns content Markdown into Word blocks, `ooxml` the XML
python-docx has no API for, `writer` the document's building blocks; `handbook` and `booklet` walk
the outline of their document.
"""

from __future__ import annotations

from pathlib import Path

from officebook.model import Manual
from officebook.render.docx.booklet import BookletWriter
from officebook.render.docx.handbook import HandbookWriter
from officebook.render.docx.raster import load_rasteriser
from officebook.render.docx.styles import DocxSystemError, ReferenceDocError, reference_docx

__all__ = ["DocxSystemError", "ReferenceDocError", "booklet_docx", "handbook_docx", "load_rasteriser",
           "reference_docx"]


def handbook_docx(manual: Manual, lang: str, *, reference: Path | None = None) -> bytes:
    """The whole handbook in `lang` as .docx bytes."""
    writer = HandbookWriter(manual, lang, reference)
    writer.handbook()
    return writer.save()


def booklet_docx(manual: Manual, post: str, lang: str, *, reference: Path | None = None) -> bytes:
    """A post's booklet in `lang`: the post, its duties and their tasks, procedures, standards, reporting
    lines, onboarding, and its checklists one to a page."""
    writer = BookletWriter(manual, lang, reference)
    writer.booklet(post)
    return writer.save()
