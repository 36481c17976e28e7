"""Word styles and page setup: the faces of each language (GB/T 9704 for Chinese), officebook's
paragraph and table styles, and an office's own reference document."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from officebook.i18n import gettext as _
from officebook.vocabulary.labels import label
from officebook.vocabulary.languages import html_lang

BLACK = RGBColor(0, 0, 0)
FLOWCHART_SCALE = 2.0  # PNG pixels per SVG pixel: about 250 dpi at the width of a page's text
SVG_BLIP_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
_MAIN_NAMESPACE = "http://schemas.openxmlformats.org/drawingml/2006/main"

# Styles of officebook's own that a reference document may redefine (they are added when it lacks them).
TABLE_TEXT = "officebook Table Text"
TABLE_HEADING = "officebook Table Heading"
META = "officebook Meta"
CHECKLIST = "officebook Checklist"
TEXT_HEADING = "officebook Text Heading"
COVER = "officebook Cover"
CODE = "officebook Code"


class DocxSystemError(Exception):
    """Something the system must provide is missing (the Cairo library that rasterises flowcharts)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.message = message
        self.hint = hint


class ReferenceDocError(Exception):
    """The --reference-doc file cannot be used as a Word document."""


# ---- typography ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Face:
    east_asian: str
    latin: str
    size: float  # points
    bold: bool = False


@dataclass(frozen=True)
class WordLayout:
    """Page and fonts of one language's documents."""

    body: Face
    headings: tuple[Face, Face, Face, Face]  # Heading 1 … 4
    title: Face
    table: Face
    small: Face
    page_number: Face
    margins_mm: tuple[float, float, float, float]  # top, bottom, left, right
    footer_mm: float
    line_pitch: float | None  # exact line spacing of body text in points (a line grid), None for 1.15 lines
    indent_chars: int  # first-line indent of body paragraphs, in characters
    page_number_text: str  # "— {page} —" or "Page {page} of {pages}"
    odd_even_pages: bool  # page numbers right on odd pages, left on even ones
    centred_chapters: bool
    word_language: str
    east_asian_language: str


def word_layout(lang: str) -> WordLayout:
    """GB/T 9704 for Chinese; a plain A4 layout with Latin faces elsewhere."""
    tag = html_lang(lang)
    if tag.startswith("zh"):
        traditional = tag == "zh-Hant"
        fangsong = "標楷體" if traditional else "仿宋_GB2312"
        heiti = "微軟正黑體" if traditional else "黑体"
        kaiti = "標楷體" if traditional else "楷体_GB2312"
        songti = "新細明體" if traditional else "宋体"
        latin = "Times New Roman"
        return WordLayout(
            body=Face(fangsong, latin, 16),  # 三号
            headings=(Face(heiti, latin, 22), Face(heiti, latin, 16), Face(kaiti, latin, 16),
                      Face(fangsong, latin, 16, bold=True)),
            title=Face("方正小标宋简体" if not traditional else heiti, latin, 26),
            table=Face(fangsong, latin, 12),  # 小四
            small=Face(fangsong, latin, 10.5),  # 五号
            page_number=Face(songti, latin, 14),  # 四号
            margins_mm=(37, 35, 28, 26),
            footer_mm=25,
            line_pitch=28.95,  # 22 lines in the 225 mm of text height
            indent_chars=2,
            page_number_text="— {page} —",
            odd_even_pages=True,
            centred_chapters=True,
            word_language="zh-TW" if traditional else "zh-CN",
            east_asian_language="zh-TW" if traditional else "zh-CN",
        )
    east_asian = {"ja": "MS Mincho", "ko": "Batang"}.get(tag.split("-")[0], "SimSun")
    body, sans = "Cambria", "Calibri"
    return WordLayout(
        body=Face(east_asian, body, 11),
        headings=(Face(east_asian, sans, 20, bold=True), Face(east_asian, sans, 14, bold=True),
                  Face(east_asian, sans, 12, bold=True), Face(east_asian, sans, 11, bold=True)),
        title=Face(east_asian, sans, 28, bold=True),
        table=Face(east_asian, sans, 9.5),
        small=Face(east_asian, sans, 8.5),
        page_number=Face(east_asian, sans, 9),
        margins_mm=(25, 25, 25, 25),
        footer_mm=12,
        line_pitch=None,
        indent_chars=0,
        page_number_text=label("page-of", lang, page="{page}", pages="{pages}"),
        odd_even_pages=False,
        centred_chapters=False,
        word_language={"en": "en-GB"}.get(lang, lang),
        east_asian_language="zh-CN",
    )


def _set_fonts(element, face: Face, *, bold: bool | None = None, colour: RGBColor | None = BLACK) -> None:
    """Name the faces of a style or run: Latin and East Asian, with no theme font overriding them."""
    element.font.name = face.latin
    element.font.size = Pt(face.size)
    element.font.bold = face.bold if bold is None else bold
    if colour is not None:
        element.font.color.rgb = colour
    rpr = element.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), face.east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def reference_docx(lang: str) -> bytes:
    """An empty document with officebook's styles for `lang`: a starting point for an office's own
    reference document (restyle it in Word, then pass it with --reference-doc)."""
    document = Document()
    strip_body(document)
    apply_styles(document, word_layout(lang))
    ensure_styles(document)
    page_setup(document.sections[0], word_layout(lang))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def open_reference(reference: Path):
    try:
        document = Document(str(reference))
    except Exception as error:  # python-docx raises several kinds (zip, XML, package) for a bad file
        raise ReferenceDocError(_("{path}: not a Word document (.docx) that can be read ({reason})").format(
            path=reference, reason=error)) from None
    strip_body(document)
    return document


def strip_body(document) -> None:
    """Remove the body's content, keeping the final section properties (page size, margins, footers)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def apply_styles(document, type_: WordLayout) -> None:
    """officebook's styles for one language (only when no reference document is given)."""
    styles = document.styles
    normal = styles["Normal"]
    _set_fonts(normal, type_.body)
    rpr = normal.element.get_or_add_rPr()
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), type_.word_language)
    language.set(qn("w:eastAsia"), type_.east_asian_language)
    paragraph = normal.paragraph_format
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0) if type_.line_pitch else Pt(6)
    if type_.line_pitch:
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.line_spacing = Pt(type_.line_pitch)
    else:
        paragraph.line_spacing = 1.15
    paragraph.widow_control = True
    if type_.indent_chars:
        paragraph.first_line_indent = Pt(type_.body.size * type_.indent_chars)
        indent = normal.element.get_or_add_pPr().get_or_add_ind()
        indent.set(qn("w:firstLineChars"), str(type_.indent_chars * 100))
    for level, face in enumerate(type_.headings, start=1):
        style = styles[f"Heading {level}"]
        _set_fonts(style, face)
        style.font.italic = False
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.keep_with_next = True
        fmt.space_before = Pt(face.size * (0.8 if level == 1 else 0.4))
        fmt.space_after = Pt(face.size * (0.6 if level == 1 else 0.2))
        if type_.line_pitch:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(max(type_.line_pitch, face.size * 1.4))
        if level == 1:
            fmt.page_break_before = True
            if type_.centred_chapters:
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, face in (("Title", type_.title), ("Subtitle", type_.headings[0]), ("TOC Heading", type_.headings[0])):
        style = styles[name]
        _set_fonts(style, face)
        style.font.italic = False
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.first_line_indent = Pt(0)
        style.paragraph_format.space_after = Pt(face.size * 0.6)
        if type_.line_pitch:
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            style.paragraph_format.line_spacing = Pt(face.size * 1.5)
        _no_border(style)
    styles["TOC Heading"].paragraph_format.page_break_before = True
    for name in ("Header", "Footer"):
        _set_fonts(styles[name], type_.page_number)
        styles[name].paragraph_format.first_line_indent = Pt(0)
        styles[name].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for name in ("List Bullet", "List Number"):
        fmt = styles[name].paragraph_format
        fmt.first_line_indent = Pt(-type_.body.size * 1.2)
        fmt.left_indent = Pt(type_.body.size * (type_.indent_chars + 1.2))
    _own_styles(document, type_)


def _no_border(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _own_styles(document, type_: WordLayout) -> None:
    """officebook's own paragraph styles, styled for the language."""
    styles = document.styles

    def paragraph_style(name: str, face: Face, *, bold: bool | None = None, before: float = 0, after: float = 0,
                        single: bool = True, colour: RGBColor | None = BLACK):
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _set_fonts(style, face, bold=bold, colour=colour)
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        if single:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _off_grid(style)
        indent = style.element.get_or_add_pPr().get_or_add_ind()
        indent.set(qn("w:firstLineChars"), "0")
        return style

    paragraph_style(TABLE_TEXT, type_.table, before=1, after=1)
    paragraph_style(TABLE_HEADING, Face(type_.headings[1].east_asian, type_.headings[1].latin, type_.table.size),
                    bold=not type_.line_pitch, before=1, after=1)
    paragraph_style(META, type_.small, after=4, colour=RGBColor(0x59, 0x59, 0x59))
    checklist = paragraph_style(CHECKLIST, type_.body, single=not type_.line_pitch, before=2)
    if type_.line_pitch:  # off the grid, so the small line under an item adds no empty grid line
        checklist.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        checklist.paragraph_format.line_spacing = Pt(type_.body.size * 1.5)
        _off_grid(checklist)
    checklist.paragraph_format.left_indent = Pt(type_.body.size * 1.5)
    checklist.paragraph_format.first_line_indent = Pt(-type_.body.size * 1.5)
    checklist.paragraph_format.keep_together = True
    paragraph_style(TEXT_HEADING, type_.body, bold=True, before=4, single=not type_.line_pitch).paragraph_format.keep_with_next = True
    cover = paragraph_style(COVER, type_.headings[1], single=False)
    cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    code = paragraph_style(CODE, Face(type_.table.east_asian, "Consolas", type_.table.size))
    code.paragraph_format.left_indent = Pt(type_.body.size)
    for level in (1, 2):
        name = f"toc {level}"
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        face = type_.headings[1] if level == 1 else type_.body
        _set_fonts(style, face if level == 1 else type_.body, bold=False)
        style.font.size = Pt(type_.body.size if level == 1 else type_.table.size + 2)
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = Pt(0 if level == 1 else type_.body.size * 2)
        fmt.space_before = Pt(6 if level == 1 else 0)
        fmt.tab_stops.add_tab_stop(Mm(210 - type_.margins_mm[2] - type_.margins_mm[3]) - Emu(1),
                                   WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        indent = style.element.get_or_add_pPr().get_or_add_ind()
        indent.set(qn("w:firstLineChars"), "0")
        if level == 2:
            _off_grid(style)


def _off_grid(style) -> None:
    """Lines of their own height, not the body's 22-line grid (tables, notes, code)."""
    ppr = style.element.get_or_add_pPr()
    if ppr.find(qn("w:snapToGrid")) is None:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.insert_element_before(snap, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr")


_NEEDED_STYLES = (TABLE_TEXT, TABLE_HEADING, META, CHECKLIST, TEXT_HEADING, COVER, CODE, "toc 1", "toc 2")


def ensure_styles(document) -> None:
    """Styles a reference document lacks: added plainly, on its Normal style, so its look carries over."""
    present = {s.name for s in document.styles}
    for name in ("Title", "Subtitle", "TOC Heading", "List Bullet", "List Number", *(f"Heading {n}" for n in range(1, 5)),
                 *_NEEDED_STYLES):
        if name not in present:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            if name.startswith("Heading "):
                style.font.bold = True
                level = int(name[-1])
                ppr = style.element.get_or_add_pPr()
                outline = OxmlElement("w:outlineLvl")
                outline.set(qn("w:val"), str(level - 1))
                ppr.append(outline)
            if name in (TABLE_HEADING, TEXT_HEADING, "Title", "TOC Heading"):
                style.font.bold = True


def style_numbering(document, name: str) -> int | None:
    """The numbering a list style points at, None when it has none (a reference document's plain style)."""
    try:
        number = document.styles[name].element.pPr.numPr.numId.val
        document.part.numbering_part.element.num_having_numId(number)
    except (AttributeError, KeyError, NotImplementedError):
        return None
    return number


def page_setup(section, type_: WordLayout) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    top, bottom, left, right = type_.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(type_.footer_mm)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    if type_.line_pitch:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(type_.line_pitch * 20)))
