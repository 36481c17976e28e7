"""OOXML that python-docx has no API for: borders, shading, fields, bookmarks' neighbours, picture sizes."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

# ---- XML helpers (what python-docx has no API for) ---------------------------------------------------


def table_borders(table) -> None:
    """Thin borders on every cell, set on the table itself (no table style needed from the reference)."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "808080")
        borders.append(element)
    properties.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                     "w:tblDescription")
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "85")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.insert_element_before(element, "w:tblCellSpacing", "w:jc", "w:hidden")


def cant_split(row) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:cantSplit")) is None:
        properties.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                                         "w:jc", "w:hidden")


def keep_with_next(paragraph) -> None:
    """The paragraph stays on the page of the next one: `w:keepNext` in its place, after the style, the
    only property that comes before it. python-docx's setter searches the properties for each of the
    thirty-odd that may follow it, for every paragraph of every fact table."""
    properties = paragraph._p.get_or_add_pPr()
    if properties.find(qn("w:keepNext")) is None:
        style = properties.find(qn("w:pStyle"))
        if style is None:
            properties.insert(0, OxmlElement("w:keepNext"))
        else:
            style.addnext(OxmlElement("w:keepNext"))


def shade_cell(cell, colour: str = "EDEDED") -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    properties.insert_element_before(shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                                     "w:hideMark")


def shade_row(row) -> None:
    for cell in row.cells:
        shade_cell(cell)


def vertical_text(cell, *, upright: bool) -> None:
    """Text set vertically: upright CJK (tbRlV), or Latin turned to read bottom to top (btLr)."""
    properties = cell._tc.get_or_add_tcPr()
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRlV" if upright else "btLr")
    properties.insert_element_before(direction, "w:tcFitText", "w:vAlign", "w:hideMark")
    alignment = OxmlElement("w:vAlign")
    alignment.set(qn("w:val"), "center")
    properties.insert_element_before(alignment, "w:hideMark")


def _field_char(paragraph, kind: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")
    run._r.append(element)


def _instruction(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {instruction} "
    run._r.append(element)


def simple_field(paragraph, instruction: str, result: str) -> None:
    """A complete field (PAGE, NUMPAGES, PAGEREF) with a placeholder result."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(result)
    _field_char(paragraph, "end")


def field_begin(paragraph, instruction: str) -> None:
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")


def field_end(paragraph) -> None:
    _field_char(paragraph, "end")


def insert_paragraph_after(paragraph):

    element = OxmlElement("w:p")
    paragraph._p.addnext(element)
    return Paragraph(element, paragraph._parent)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
