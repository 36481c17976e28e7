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
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.section import Section
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from officebook.i18n import gettext as _
from officebook.model import FREQUENCIES, ChecklistEntry, Item, Manual, Procedure, Ref, Step, Text
from officebook.newcomer import terms_used
from officebook.render.assetimages import asset_image, left_out
from officebook.render.flowchart import flowchart_svg, flowchart_title
from officebook.render.itemlinks import print_links
from officebook.render.orgchart import orgchart_svg
from officebook.render.print import (
    RACI_LANDSCAPE_POSTS,
    RACI_PORTRAIT_POSTS,
    chapter_number,
    checklist_cards,
    html_lang,
    step_flow,
)
from officebook.vocabulary.kinds import ITEM_KINDS, SINGULAR
from officebook.vocabulary.labels import LABELS, category_label, label, raci_cell
from officebook.vocabulary.markdown import render_markdown

BLACK = RGBColor(0, 0, 0)
FLOWCHART_SCALE = 2.0  # PNG pixels per SVG pixel: about 250 dpi at the width of a page's text
_SVG_BLIP_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_SVG_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
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
class Typography:
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


def typography(lang: str) -> Typography:
    """GB/T 9704 for Chinese; a plain A4 layout with Latin faces elsewhere."""
    tag = html_lang(lang)
    if tag.startswith("zh"):
        traditional = tag == "zh-Hant"
        fangsong = "標楷體" if traditional else "仿宋_GB2312"
        heiti = "微軟正黑體" if traditional else "黑体"
        kaiti = "標楷體" if traditional else "楷体_GB2312"
        songti = "新細明體" if traditional else "宋体"
        latin = "Times New Roman"
        return Typography(
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
    return Typography(
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


# ---- the document ----------------------------------------------------------------------------------


def handbook_docx(manual: Manual, lang: str, *, reference: Path | None = None) -> bytes:
    """The whole handbook in `lang` as .docx bytes."""
    writer = _Writer(manual, lang, reference)
    writer.handbook()
    return writer.save()


def booklet_docx(manual: Manual, post: str, lang: str, *, reference: Path | None = None) -> bytes:
    """A post's 岗位说明书 in `lang`: the post, its duties and their tasks, procedures, standards, reporting
    lines, onboarding, and its checklists one to a page."""
    writer = _Writer(manual, lang, reference)
    writer.booklet(post)
    return writer.save()


def reference_docx(lang: str) -> bytes:
    """An empty document with officebook's styles for `lang`: a starting point for an office's own
    reference document (restyle it in Word, then pass it with --reference-doc)."""
    document = Document()
    _strip_body(document)
    _apply_styles(document, typography(lang))
    _ensure_styles(document)
    _page_setup(document.sections[0], typography(lang))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _open_reference(reference: Path):
    try:
        document = Document(str(reference))
    except Exception as error:  # python-docx raises several kinds (zip, XML, package) for a bad file
        raise ReferenceDocError(_("{path}: not a Word document (.docx) that can be read ({reason})").format(
            path=reference, reason=error)) from None
    _strip_body(document)
    return document


def _strip_body(document) -> None:
    """Remove the body's content, keeping the final section properties (page size, margins, footers)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _apply_styles(document, type_: Typography) -> None:
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


def _own_styles(document, type_: Typography) -> None:
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


def _ensure_styles(document) -> None:
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


def _style_numbering(document, name: str) -> int | None:
    """The numbering a list style points at, None when it has none (a reference document's plain style)."""
    try:
        number = document.styles[name].element.pPr.numPr.numId.val
        document.part.numbering_part.element.num_having_numId(number)
    except (AttributeError, KeyError, NotImplementedError):
        return None
    return number


def _page_setup(section, type_: Typography) -> None:
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


# ---- Markdown (rendered and sanitised HTML) to Word ----------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    """The rendered Markdown as a small tree (the HTML is the sanitised output of `render_markdown`)."""

    _VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self._VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _html_tree(fragment: str) -> _Node:
    parser = _Tree()
    parser.feed(fragment)
    parser.close()
    return parser.root


_BLOCKS = {"p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "blockquote", "hr", "div",
           "dl", "dt", "dd", "figure", "section", "details", "summary"}
_SKIPPED = {"script", "style", "template", "head", "title", "iframe", "object", "noscript"}
_SPACES = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class _Inline:
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None  # an internal bookmark ("#…") or an absolute URL


# ---- the writer ----------------------------------------------------------------------------------


class _Writer:
    """Builds one document: its styles, sections, bookmarks and content."""

    def __init__(self, manual: Manual, lang: str, reference: Path | None) -> None:
        self.manual = manual
        self.lang = lang
        self.type = typography(lang)
        self.reference = reference is not None
        if reference is not None:
            self.document = _open_reference(reference)
            _ensure_styles(self.document)
        else:
            self.document = Document()
            _strip_body(self.document)
            _apply_styles(self.document, self.type)
            _ensure_styles(self.document)
            _page_setup(self.document.sections[0], self.type)
        self.numbers: dict[Ref, str] = {}
        self.bookmarks: dict[str, str] = {}  # anchor -> bookmark name
        self.bookmark_names: set[str] = set()
        self.bookmark_id = 0
        self.toc: list[tuple[int, str, str]] = []  # (level, text, bookmark)
        self.toc_paragraph = None
        self._png: Callable[[str], bytes] | None = None
        self._style_ids: dict[str, str] = {}
        self.shape_id = 1000  # above the ids a reference document's own drawings use
        self._end = None
        self.bullets = _style_numbering(self.document, "List Bullet") is not None

    # ---- basics ------------------------------------------------------------------------------------

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def text(self, value: Text | str | None) -> str:
        """A short text on one line (a YAML block scalar's line breaks and final newline folded away)."""
        if value is None:
            return ""
        return _SPACES.sub(" ", value if isinstance(value, str) else value.get(self.lang)).strip()

    def title(self, kind: str, item_id: str | None) -> str:
        item = self.manual.item(Ref(kind, item_id)) if item_id else None
        return _SPACES.sub(" ", item.title.get(self.lang)).strip() if item else ""

    @property
    def colon(self) -> str:
        return self.label("colon")

    @property
    def separator(self) -> str:
        return self.label("list-separator")

    def bookmark_name(self, anchor: str) -> str:
        """A hidden Word bookmark (`_ob…`: at most 40 characters, letters, digits and underscores)."""
        if anchor not in self.bookmarks:
            self.bookmarks[anchor] = f"_ob{len(self.bookmarks) + 1}"
            self.bookmark_names.add(self.bookmarks[anchor])
        return self.bookmarks[anchor]

    def style_id(self, name: str) -> str:
        """A style's id, looked up once (python-docx looks styles up by name on every use)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    def set_style(self, paragraph, name: str | None) -> None:
        if name:
            paragraph._p.get_or_add_pPr().style = self.style_id(name)

    def add(self, container, style: str | None = None, text: str = ""):
        """A new paragraph at the end of `container` (the document, a cell) in `style`.

        Body paragraphs go straight before the body's closing section properties: python-docx finds
        that place by scanning the body each time, which makes a long handbook quadratic."""
        if container is self.document:
            element = OxmlElement("w:p")
            self._body_end.addprevious(element)
            paragraph = Paragraph(element, self.document._body)
        else:
            paragraph = container.add_paragraph()
        self.set_style(paragraph, style)
        if text:
            self.add_text(paragraph, text)
        return paragraph

    @property
    def _body_end(self):
        """The body's closing section properties (the same element for the whole run: python-docx's
        `add_section` copies it into the paragraph that ends a section)."""
        if self._end is None:
            self._end = self.document.element.body.get_or_add_sectPr()
        return self._end

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False):
        paragraph = self.add(self.document, style)
        self.add_text(paragraph, text, _Inline(bold=bold))
        return paragraph

    def heading(self, text: str, level: int, anchor: str | None = None, *, toc: bool = True):
        paragraph = self.add(self.document, f"Heading {level}", text)
        if anchor:
            name = self.bookmark_name(anchor)
            self._bookmark(paragraph, name)
            if toc and level <= 2:
                self.toc.append((level, text, name))
        return paragraph

    def _bookmark(self, paragraph, name: str) -> None:
        self.bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmark_id))
        paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
        paragraph._p.append(end)

    def add_text(self, paragraph, text: str, style: _Inline = _Inline()) -> None:
        """Runs for `text` in `paragraph`; a link becomes a Word hyperlink (internal ones to a bookmark)."""
        if not text:
            return
        if style.link:
            hyperlink = OxmlElement("w:hyperlink")
            if style.link.startswith("#"):
                hyperlink.set(qn("w:anchor"), style.link[1:])
            else:
                relation = paragraph.part.relate_to(style.link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
                hyperlink.set(qn("r:id"), relation)
            hyperlink.append(_run(text, style, underline=not style.link.startswith("#")))
            paragraph._p.append(hyperlink)
            return
        paragraph._p.append(_run(text, style))

    def link(self, paragraph, kind: str, item_id: str | None, *, numbered: bool = False) -> None:
        """An item's title, linked to its section; `numbered` adds its number, `文件审核（3.1）`."""
        if not item_id:
            return
        title = self.title(kind, item_id)
        number = self.numbers.get(Ref(kind, item_id)) if numbered else None
        shown = title + (self.label("section-ref", number=number) if number else "")
        anchor = f"{kind}--{item_id}"
        self.add_text(paragraph, shown, _Inline(link="#" + self.bookmark_name(anchor)) if self._linkable(anchor) else _Inline())

    def _linkable(self, anchor: str) -> bool:
        return anchor in self.targets

    targets: frozenset[str] = frozenset()

    def links(self, paragraph, kind: str, ids: Iterable[str], *, numbered: bool = False) -> None:
        for index, item_id in enumerate(ids):
            if index:
                self.add_text(paragraph, self.separator)
            self.link(paragraph, kind, item_id, numbered=numbered)

    # ---- Markdown ----------------------------------------------------------------------------------

    def markdown(self, value: Text | None, *, container=None, style: str | None = None) -> None:
        """A long text: paragraphs, lists, tables and code from its Markdown."""
        if value is None:
            return
        text = print_links(value.get(self.lang), self.manual, self.lang, anchor=self._target,
                           step_anchor=lambda procedure, _step: self._target("procedures", procedure),
                           step_label=lambda number: self.label("step-number", number=number))
        fragment = render_markdown(text, self.manual.info.allow_html)
        self._blocks(_html_tree(fragment).children, container or self.document, style, 0)

    def _blocks(self, nodes: Sequence[_Node | str], container, style: str | None, depth: int,
                list_kind: str | None = None) -> None:
        pending: list[_Node | str] = []  # inline content outside any block element

        def flush():
            if any((isinstance(n, str) and n.strip()) or isinstance(n, _Node) for n in pending):
                paragraph = self.add(container, style)
                self._inlines(paragraph, pending, _Inline())
            pending.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in _BLOCKS:
                if not (isinstance(node, _Node) and node.tag in _SKIPPED):
                    pending.append(node)
                continue
            flush()
            tag = node.tag
            if tag == "p":
                self._inlines(self.add(container, style), node.children, _Inline())
            elif tag in {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary"}:
                self._inlines(self.add(container, TEXT_HEADING), node.children, _Inline())
            elif tag in {"ul", "ol"}:
                self._list(node, container, depth)
            elif tag == "pre":
                for line in _plain(node).rstrip("\n").split("\n"):
                    self.add(container, CODE, line)
            elif tag == "table":
                self._html_table(node, container)
            elif tag == "hr":
                continue
            else:  # blockquote, div, dl, dd, figure …: their content, in place
                self._blocks(node.children, container, style, depth)
        flush()

    def _list(self, node: _Node, container, depth: int) -> None:
        ordered = node.tag == "ol"
        number_id = self._new_numbering() if ordered else None
        items = [item for item in node.children if isinstance(item, _Node) and item.tag == "li"]
        for position, item in enumerate(items, start=1):
            inline = [c for c in item.children if isinstance(c, str) or c.tag not in _BLOCKS or c.tag == "p"]
            nested = [c for c in item.children if isinstance(c, _Node) and c.tag in _BLOCKS and c.tag != "p"]
            paragraph = self.list_item(container, ordered, number_id, position)
            if depth:
                paragraph.paragraph_format.left_indent = Pt(self.type.body.size * (self.type.indent_chars + 1.2 + 1.5 * depth))
            first = True
            for child in inline:
                if isinstance(child, _Node) and child.tag == "p":
                    if not first:
                        paragraph = self.add(container, self._list_style(ordered))
                        self._continuation(paragraph)
                    self._inlines(paragraph, child.children, _Inline())
                    first = False
                else:
                    self._inlines(paragraph, [child], _Inline())
                    first = False
            for child in nested:
                if child.tag in {"ul", "ol"}:
                    self._list(child, container, depth + 1)
                else:
                    self._blocks([child], container, None, depth + 1)

    def _list_style(self, ordered: bool) -> str:
        return "List Number" if ordered else "List Bullet"

    def list_item(self, container, ordered: bool, number_id: int | None, position: int):
        """A list paragraph: numbered by Word's list numbering, or, in a reference document whose list styles
        have none, with the number or bullet written out."""
        paragraph = self.add(container, self._list_style(ordered))
        if number_id is not None:
            self._number(paragraph, number_id)
        elif ordered:
            self.add_text(paragraph, f"{position}.\u2002")
        elif not self.bullets:
            self.add_text(paragraph, "•\u2002")
        return paragraph

    def _continuation(self, paragraph) -> None:
        """A second paragraph inside a list item: no bullet or number of its own."""
        properties = paragraph._p.get_or_add_pPr()
        numbering = properties.get_or_add_numPr()
        numbering.get_or_add_ilvl().val = 0
        numbering.get_or_add_numId().val = 0

    def _new_numbering(self) -> int | None:
        """A numbering instance of the List Number style that starts again at 1 (one per list)."""
        style_number = _style_numbering(self.document, "List Number")
        if style_number is None:
            return None
        numbering = self.document.part.numbering_part.element
        definition = numbering.num_having_numId(style_number)
        number = numbering.add_num(definition.abstractNumId.val)
        number.add_lvlOverride(ilvl=0).add_startOverride(1)
        return number.numId

    def _number(self, paragraph, number_id: int) -> None:
        numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbering.get_or_add_ilvl().val = 0
        numbering.get_or_add_numId().val = number_id

    def _inlines(self, paragraph, nodes: Iterable[_Node | str], style: _Inline) -> None:
        for node in nodes:
            if isinstance(node, str):
                self.add_text(paragraph, _SPACES.sub(" ", node), style)
                continue
            tag = node.tag
            if tag in _SKIPPED:
                continue
            if tag == "br":
                paragraph.add_run().add_break()
            elif tag in {"strong", "b"}:
                self._inlines(paragraph, node.children, _replace(style, bold=True))
            elif tag in {"em", "i"}:
                self._inlines(paragraph, node.children, _replace(style, italic=True))
            elif tag == "code":
                self._inlines(paragraph, node.children, _replace(style, code=True))
            elif tag == "a":
                self._inlines(paragraph, node.children, _replace(style, link=self._href(node.attrs.get("href", ""))))
            elif tag == "img":
                self._image(paragraph, node.attrs.get("src", ""), node.attrs.get("alt", "").strip(), style)
            else:
                self._inlines(paragraph, node.children, style)

    def _target(self, kind: str, item_id: str) -> str:
        """The bookmark an item link in a text goes to; "" when the item has no section in this document."""
        anchor = f"{kind}--{item_id}"
        return self.bookmark_name(anchor) if self._linkable(anchor) else ""

    def _href(self, href: str) -> str | None:
        """Item links (rewritten to `#bookmark` by `print_links`) go to the item's section; web and mail
        addresses stay links; anything else (a form in content/assets/) is shown as its label only."""
        href = html.unescape(href).strip()
        if href.startswith("#"):
            return href if href[1:] in self.bookmark_names else None
        if re.match(r"^(https?|mailto):", href, re.IGNORECASE):
            return href
        return None

    def _image(self, paragraph, src: str, alt: str, style: _Inline) -> None:
        """An image of content/assets/, embedded (SVG rasterised); anything else is shown as its alt text."""
        data = self._asset_image(src)
        if data is None:
            if alt:
                self.add_text(paragraph, f"[{alt}]", style)
            return
        try:
            width = DocxImage.from_blob(data).width
        except Exception as error:  # python-docx reading an untrusted header: any failure, not shown
            left_out(src, _("not an image Word can show ({reason})").format(reason=str(error)[:120] or
                                                                           type(error).__name__))
            if alt:
                self.add_text(paragraph, f"[{alt}]", style)
            return
        inline = self.picture(paragraph, data, Emu(min(width, self.text_width())))
        if alt:
            inline.docPr.set("descr", alt)

    def _asset_image(self, src: str) -> bytes | None:
        """An image of content/assets/ that `print_links` left as its content-relative path (PNG for an
        SVG); None, with a warning, for one that cannot be used (officebook.render.assetimages)."""
        return asset_image(self.manual, src, FLOWCHART_SCALE)

    def _html_table(self, node: _Node, container) -> None:
        rows: list[tuple[bool, list[_Node]]] = []
        for section in node.children:
            if not isinstance(section, _Node):
                continue
            for row in ([section] if section.tag == "tr" else section.children):
                if isinstance(row, _Node) and row.tag == "tr":
                    cells = [c for c in row.children if isinstance(c, _Node) and c.tag in {"td", "th"}]
                    rows.append((section.tag == "thead" or all(c.tag == "th" for c in cells), cells))
        width = max((len(cells) for _, cells in rows), default=0)
        if not width:
            return
        table = self.table(container, width, [1.0] * width, header_rows=sum(1 for head, _ in rows[:1] if head))
        for index, (head, cells) in enumerate(rows):
            row = table.rows[0] if index == 0 else table.add_row()
            for column, cell in enumerate(cells[:width]):
                paragraph = row.cells[column].paragraphs[0]
                self.set_style(paragraph, TABLE_HEADING if head else TABLE_TEXT)
                self._inlines(paragraph, cell.children, _Inline())
            if head:
                _shade_row(row)

    # ---- tables --------------------------------------------------------------------------------------

    def _current_section(self):
        """The section being written: the body's closing one (python-docx's `sections` scans the body)."""
        return Section(self._body_end, self.document.part)

    def text_width(self) -> int:
        section = self._current_section()
        return section.page_width - section.left_margin - section.right_margin

    def text_height(self) -> int:
        section = self._current_section()
        return section.page_height - section.top_margin - section.bottom_margin

    def picture(self, paragraph, data: bytes, width: int, height: int | None = None):
        """An inline picture in a run of its own; shape ids are counted here (python-docx scans the whole
        document for a free id on every picture)."""
        relation, image = self.document.part.get_or_add_image(io.BytesIO(data))
        cx, cy = image.scaled_dimensions(width, height)
        self.shape_id += 1
        inline = CT_Inline.new_pic_inline(self.shape_id, relation, image.filename, cx, cy)
        run = OxmlElement("w:r")
        paragraph._p.append(run)
        run.add_drawing(inline)
        return inline

    def table(self, container, columns: int, weights: Sequence[float], *, header_rows: int = 1):
        """A table as wide as the text, columns in proportion to `weights`; header rows repeat on every page."""
        if container is self.document:
            element = CT_Tbl.new_tbl(1, columns, self.text_width())
            self._body_end.addprevious(element)
            table = Table(element, self.document._body)
        else:
            table = container.add_table(rows=1, cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _borders(table)
        total = sum(weights)
        width = self.text_width()
        for column, weight in zip(table.columns, weights, strict=True):
            column.width = Emu(int(width * weight / total))
        table._column_widths = [int(width * w / total) for w in weights]
        if header_rows:
            _repeat_header(table.rows[0])
        return table

    def row(self, table, values: Sequence[Callable | str], *, header: bool = False, first: bool = False):
        """Fill a row (the table's first when `first`): each value a string or a function filling the cell's paragraph."""
        row = table.rows[0] if first else table.add_row()
        _cant_split(row)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Emu(table._column_widths[column])
            paragraph = cell.paragraphs[0]
            self.set_style(paragraph, TABLE_HEADING if header else TABLE_TEXT)
            if callable(value):
                value(cell)
            elif value:
                self.add_text(paragraph, value)
        if header:
            _shade_row(row)
        return row

    def facts(self, rows: Sequence[tuple[str, Callable | str]]) -> None:
        """A two-column table of a field name and its value."""
        rows = [(name, value) for name, value in rows if value]
        if not rows:
            return
        table = self.table(self.document, 2, [1, 3.2], header_rows=0)
        for index, (name, value) in enumerate(rows):
            row = self.row(table, [name, value], first=index == 0)
            self.set_style(row.cells[0].paragraphs[0], TABLE_HEADING)
            _shade(row.cells[0])
        if len(rows) <= 10:  # a short table stays on one page
            for row in table.rows[:-1]:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        self.spacer()

    def spacer(self) -> None:
        """An empty line after a table, so the next paragraph does not touch it."""
        paragraph = self.add(self.document, TABLE_TEXT)
        paragraph.paragraph_format.space_after = Pt(2)

    def in_cell(self, fill: Callable) -> Callable:
        """A cell filler that writes into the cell's first paragraph."""
        return lambda cell: fill(cell.paragraphs[0])

    def cell_links(self, kind: str, ids: Iterable[str], *, numbered: bool = False) -> Callable | str:
        ids = tuple(ids)
        if not ids:
            return ""
        return self.in_cell(lambda p: self.links(p, kind, ids, numbered=numbered))

    def cell_link(self, kind: str, item_id: str | None, *, numbered: bool = False) -> Callable | str:
        if not item_id:
            return ""
        return self.in_cell(lambda p: self.link(p, kind, item_id, numbered=numbered))

    # ---- pieces shared by the handbook and the booklet ---------------------------------------------

    def meta(self, item: Item) -> None:
        parts: list[Callable] = []
        if item.maintainer:
            parts.append(lambda p: (self.add_text(p, self.label("maintainer") + self.colon),
                                    self.link(p, "posts", item.maintainer)))
        if item.review_by:
            parts.append(lambda p: self.add_text(p, f"{self.label('review-by')}{self.colon}{item.review_by}"))
        tags = [self.text(tag) for tag in item.tags]
        if tags:
            parts.append(lambda p: self.add_text(p, self.label("tags") + self.colon + self.separator.join(tags)))
        if not parts:
            return
        paragraph = self.add(self.document, META)
        for index, part in enumerate(parts):
            if index:
                self.add_text(paragraph, " · ")
            part(paragraph)

    def summary(self, item: Item) -> None:
        if item.summary:
            paragraph = self.paragraph(style=None)
            self.add_text(paragraph, self.text(item.summary), _Inline(bold=True) if self.type.line_pitch else _Inline(italic=True))

    def text_list(self, texts: Sequence[Text], *, ordered: bool = False) -> None:
        number_id = self._new_numbering() if ordered else None
        for position, text in enumerate(texts, start=1):
            self.add_text(self.list_item(self.document, ordered, number_id, position), self.text(text))

    def ticks(self, entries: Sequence[ChecklistEntry], *, linked: bool = True) -> None:
        """Checklist lines: a box to tick, the item, and on a line below what it comes from."""
        for entry in entries:
            paragraph = self.add(self.document, CHECKLIST)
            self.add_text(paragraph, "□\u2002")
            source = entry.source
            whole_duty = entry.key.startswith("duty:")
            if linked and whole_duty:
                self.link(paragraph, "duties", source.id, numbered=True)
            else:
                self.add_text(paragraph, self.text(entry.text))
            extra: list[Callable] = []
            if entry.detail:
                extra.append(lambda p, e=entry: self.add_text(p, self.text(e.detail)))
            if linked and entry.step:
                extra.append(lambda p, e=entry: self.step_link(p, e.source.id, e.step))
            elif linked and not whole_duty:
                extra.append(lambda p, s=source: (self.add_text(p, self.label(SINGULAR[s.kind]) + self.colon),
                                                  self.link(p, s.kind, s.id, numbered=True)))
            if extra:  # kept on the item's page
                paragraph.paragraph_format.keep_with_next = True
                detail = self.add(self.document, META)
                detail.paragraph_format.left_indent = Pt(self.type.body.size * 1.5)
                for index, part in enumerate(extra):
                    if index:
                        self.add_text(detail, " · ")
                    part(detail)

    def step_link(self, paragraph, procedure_id: str, step_id: str) -> None:
        procedure = self.manual.procedures[procedure_id]
        step = procedure.step(step_id)
        number = self.numbers.get(Ref("procedures", procedure_id))
        text = self.label("step-of", procedure=self.title("procedures", procedure_id), number=step.number)
        if number:
            text += self.label("section-ref", number=number)
        anchor = f"procedures--{procedure_id}"
        self.add_text(paragraph, text, _Inline(link="#" + self.bookmark_name(anchor)) if self._linkable(anchor) else _Inline())

    def steps_table(self, procedure: Procedure, steps: Sequence[Step], *, with_actor: bool = True,
                    mark_post: str | None = None) -> None:
        """The steps as a table; with `mark_post`, that post's own steps are shaded and marked."""
        header = [self.label("number-short"), *([self.label("actor")] if with_actor else []), self.label("action"),
                  self.label("time-limit")]
        weights = [0.8, *([1.7] if with_actor else []), 5, 1.4]
        table = self.table(self.document, len(header), weights)
        self.row(table, header, header=True, first=True)
        for step in steps:
            def action(cell, step=step):
                paragraph = cell.paragraphs[0]
                if step.when:
                    self.add_text(paragraph, f"{self.label('when')}{self.colon}{self.text(step.when)}", _Inline(italic=True))
                    paragraph = self.add(cell, TABLE_TEXT)
                if step.title:
                    self.add_text(paragraph, self.text(step.title), _Inline(bold=True))
                    paragraph = self.add(cell, TABLE_TEXT)
                self.markdown(step.action, container=cell, style=TABLE_TEXT)
                if not paragraph.runs and not paragraph._p.findall(qn("w:hyperlink")):
                    paragraph._p.getparent().remove(paragraph._p)
                if step.output:
                    extra = self.add(cell, TABLE_TEXT)
                    self.add_text(extra, self.label("output") + self.colon, _Inline(bold=True))
                    self.add_text(extra, self.text(step.output))
                if step.standards:
                    extra = self.add(cell, TABLE_TEXT)
                    self.add_text(extra, self.label("standards") + self.colon, _Inline(bold=True))
                    self.links(extra, "standards", step.standards)
                flow = self.add(cell, TABLE_TEXT)
                self.add_text(flow, "→ " + step_flow(procedure, step, self.lang))

            own = mark_post is not None and step.actor == mark_post
            number = f"{step.number}\n{self.label('own-step')}" if own else str(step.number)
            row = self.row(table, [number, *([self.cell_link("posts", step.actor)] if with_actor else []),
                                   action, self.text(step.time_limit)])
            if own:
                for cell in row.cells:
                    _shade(cell, "FFF1C2")
        self.spacer()

    def flowchart(self, procedure: Procedure, highlight_post: str | None = None) -> None:
        """The procedure's flowchart as a picture: PNG, with the SVG for Word versions that draw it."""
        svg = flowchart_svg(procedure, self.manual, self.lang, id_prefix=f"flow-{procedure.id}",
                            highlight_post=highlight_post)
        self.svg_picture(svg, flowchart_title(procedure, self.lang))

    def svg_picture(self, svg: str, title: str) -> None:
        """A drawing as a centred picture with its caption: PNG, with the SVG for Word versions that draw it."""
        png = self.rasterise(svg)
        width_px, height_px = _png_size(png)
        width = self.text_width()
        height = int(width * height_px / width_px)
        limit = int(self.text_height() * 0.85)
        if height > limit:
            width, height = int(width * limit / height), limit
        paragraph = self.add(self.document, TABLE_TEXT)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        inline = self.picture(paragraph, png, Emu(width), Emu(height))
        inline.docPr.set("descr", title)
        inline.docPr.set("name", title)
        self._attach_svg(inline, svg)
        caption = self.add(self.document, META)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.add_text(caption, title)

    def rasterise(self, svg: str) -> bytes:
        if self._png is None:
            self._png = load_rasteriser()
        return self._png(svg)

    def _attach_svg(self, inline, svg: str) -> None:
        """Word 2016+ draws the SVG named in the picture's extension list; others draw the PNG."""
        package = self.document.part.package
        digest = hashlib.sha1(svg.encode("utf-8")).hexdigest()[:12]
        part = Part(PackURI(f"/word/media/flowchart-{digest}.svg"), "image/svg+xml", svg.encode("utf-8"), package)
        relation = self.document.part.relate_to(part, RELATIONSHIP_TYPE.IMAGE)
        blip = inline.graphic.graphicData.pic.blipFill.blip
        extensions = OxmlElement("a:extLst")
        extension = OxmlElement("a:ext")
        extension.set("uri", _SVG_BLIP_EXTENSION)
        svg_blip = extension.makeelement(f"{{{_SVG_NAMESPACE}}}svgBlip", nsmap={"asvg": _SVG_NAMESPACE})
        svg_blip.set(qn("r:embed"), relation)
        extension.append(svg_blip)
        extensions.append(extension)
        blip.append(extensions)

    def cover(self, lines_above: Sequence[tuple[str, str]], title: str, lines_below: Sequence[tuple[str, str]]) -> None:
        for text, style in lines_above:
            self.paragraph(text, style)
        spacer = self.add(self.document, COVER)
        spacer.paragraph_format.space_before = Mm(45)
        self.paragraph(title, "Title")
        for text, style in lines_below:
            paragraph = self.paragraph(text, style)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def contents(self) -> None:
        """The contents: a TOC field, filled with the headings and their page references."""
        paragraph = self.add(self.document, "TOC Heading", self.label("contents"))
        del paragraph
        self.toc_paragraph = self.add(self.document, "toc 1")

    def _fill_contents(self) -> None:
        """The TOC field's result: one line per chapter and entry, page numbers by PAGEREF fields (Word and
        LibreOffice compute them when they lay the document out; Word rebuilds the whole field on update)."""
        if self.toc_paragraph is None:
            return
        anchor = self.toc_paragraph
        first = True
        entries = self.toc or [(1, "", "")]
        for index, (level, text, bookmark) in enumerate(entries):
            paragraph = anchor if first else _insert_paragraph_after(anchor)
            self.set_style(paragraph, f"toc {level}")
            if first:
                _field_begin(paragraph, 'TOC \\o "1-2" \\h \\z \\u')
            if bookmark:
                self.add_text(paragraph, text, _Inline(link="#" + bookmark))
                paragraph.add_run("\t")
                _simple_field(paragraph, f"PAGEREF {bookmark} \\h", "")
            if index == len(entries) - 1:
                _field_end(paragraph)
            anchor = paragraph
            first = False

    def footers(self, section) -> None:
        """Page numbers (GB/T 9704: `— 1 —`, right on odd pages and left on even ones)."""
        if self.reference:
            return
        section.footer.is_linked_to_previous = False
        self._page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT if self.type.odd_even_pages
                          else WD_ALIGN_PARAGRAPH.CENTER)
        if self.type.odd_even_pages:
            self.document.settings.odd_and_even_pages_header_footer = True
            section.even_page_footer.is_linked_to_previous = False
            self._page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
        else:
            header = section.header
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.add_run(_SPACES.sub(" ", self.text(self.manual.info.title))).font.size = Pt(self.type.small.size)
            edition = f"{self.label('edition')} {self.manual.info.edition}"
            paragraph.add_run(f" · {edition}").font.size = Pt(self.type.small.size)

    def _page_number(self, paragraph, alignment) -> None:
        paragraph.alignment = alignment
        indent = Pt(self.type.page_number.size)  # 空一字
        if self.type.odd_even_pages:
            if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = indent
            else:
                paragraph.paragraph_format.left_indent = indent
        before, _page, rest = self.type.page_number_text.partition("{page}")
        middle, _pages, after = rest.partition("{pages}")
        paragraph.add_run(before)
        _simple_field(paragraph, "PAGE", "1")
        if "{pages}" in rest:
            paragraph.add_run(middle)
            _simple_field(paragraph, "NUMPAGES", "1")
            paragraph.add_run(after)
        else:
            paragraph.add_run(middle)

    @property
    def restart_numbers(self) -> bool:
        """Number pages from the first after the cover, unless the footer counts them (`page 2 of 9`)."""
        return "{pages}" not in self.type.page_number_text

    def new_section(self, *, landscape: bool = False, restart: bool = False):
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        if landscape != (section.orientation == WD_ORIENT.LANDSCAPE):
            section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = section.page_height, section.page_width
            if not self.reference:
                top, bottom, left, right = self.type.margins_mm
                if landscape:  # the binding edge stays the long one
                    section.top_margin, section.bottom_margin = Mm(left), Mm(right)
                    section.left_margin, section.right_margin = Mm(top), Mm(bottom)
                else:
                    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
                    section.left_margin, section.right_margin = Mm(left), Mm(right)
        number_type = section._sectPr.find(qn("w:pgNumType"))
        if restart:
            if number_type is None:
                number_type = OxmlElement("w:pgNumType")
                section._sectPr.insert_element_before(number_type, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                                                      "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
                                                      "w:docGrid", "w:printerSettings")
            number_type.set(qn("w:start"), "1")
        elif number_type is not None:  # copied from the section before: numbering goes on
            number_type.attrib.pop(qn("w:start"), None)
        return section

    def properties(self, title: str, subject: str) -> None:
        core = self.document.core_properties
        core.title = title
        core.subject = subject
        core.author = _SPACES.sub(" ", self.text(self.manual.info.organization))
        core.last_modified_by = "officebook"
        core.keywords = "officebook"
        core.language = self.type.word_language
        core.comments = f"{self.label('edition')} {self.manual.info.edition}"
        core.revision = 1
        settings = self.document.settings.element
        update = settings.find(qn("w:updateFields"))
        if update is None:
            update = OxmlElement("w:updateFields")
            settings.insert_element_before(update, *_AFTER_UPDATE_FIELDS)
        update.set(qn("w:val"), "true")  # Word asks to update the fields (the contents' page numbers) on opening

    def save(self) -> bytes:
        self._fill_contents()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # ---- the handbook --------------------------------------------------------------------------------

    def handbook(self) -> None:
        manual, info = self.manual, self.manual.info
        chapters = self._number_items()
        self.targets = frozenset({f"{item.kind}--{item.id}" for kind in ITEM_KINDS for item in manual.kind(kind).values()})
        title = _SPACES.sub(" ", self.text(info.title))
        self.properties(title, self.label("handbook"))
        self.cover([(self.text(info.organization), COVER)], title,
                   [(self.label("handbook"), "Subtitle"),
                    (f"{self.label('edition')} {info.edition}", COVER),
                    *([(f"{self.label('effective')} {info.effective}", COVER)] if info.effective else [])])
        body = self.new_section(restart=self.restart_numbers)
        self.footers(body)
        self.document_control()
        self.contents()
        landscape = len(manual.raci.posts) > RACI_PORTRAIT_POSTS
        previous = ""
        for key, number, heading in chapters:
            text = f"{number}\u3000{heading}" if number and self.type.line_pitch else (
                f"{number} {heading}" if number else heading)
            turned = landscape and (key == "raci" or previous == "raci")
            if turned:  # the matrix on landscape pages, in a section of its own
                self.new_section(landscape=key == "raci")
            paragraph = self.heading(text, 1, f"chapter-{key}")
            if turned:
                paragraph.paragraph_format.page_break_before = False
            self.chapter(key)
            previous = key

    def _number_items(self) -> list[tuple[str, str, str]]:
        manual = self.manual
        chapters: list[tuple[str, str, str]] = []
        if manual.info.introduction:
            chapters.append(("introduction", "", self.label("introduction")))
        number = 0
        for kind in ITEM_KINDS:
            items = manual.kind(kind)
            if not items:
                continue
            number += 1
            for position, item in enumerate(items.values(), start=1):
                self.numbers[item.ref] = f"{number}.{position}"
            chapters.append((kind, chapter_number(number, self.lang), self.label(kind)))
        if manual.raci.duties and manual.raci.posts:
            number += 1
            chapters.append(("raci", chapter_number(number, self.lang), self.label("raci")))
        if manual.glossary:
            number += 1
            chapters.append(("glossary", chapter_number(number, self.lang), self.label("glossary")))
        return chapters

    def document_control(self) -> None:
        manual, info = self.manual, self.manual.info
        paragraph = self.add(self.document, "TOC Heading", self.label("document-control"))
        paragraph.paragraph_format.page_break_before = False
        counts = self.separator.join(
            [f"{self.label(kind)} {len(manual.kind(kind))}" for kind in ITEM_KINDS]
            + ([f"{self.label('glossary')} {len(manual.glossary)}"] if manual.glossary else []))
        self.facts([
            (self.label("title"), _SPACES.sub(" ", self.text(info.title))),
            (self.label("organization"), self.text(info.organization)),
            (self.label("edition"), info.edition),
            (self.label("effective"), info.effective or self.label("none")),
            (self.label("language"), LABELS.get(self.lang, {}).get("language-name", self.lang)),
            (self.label("holdings"), counts),
        ])
        self.paragraph(self.label("uncontrolled"), bold=True)
        self.paragraph(self.label("uncontrolled-hint", edition=info.edition))
        kept: dict[str, list[Item]] = {}
        for kind in ITEM_KINDS:
            for item in manual.kind(kind).values():
                if item.maintainer:
                    kept.setdefault(item.maintainer, []).append(item)
        if kept:
            self.paragraph(self.label("maintainers"), TEXT_HEADING)
            table = self.table(self.document, 3, [3, 1.2, 1.4])
            self.row(table, [self.label("post"), self.label("entries-maintained"), self.label("next-review")],
                     header=True, first=True)
            order = {post: i for i, post in enumerate(manual.post_order)}
            for post, items in sorted(kept.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0])):
                due = min((i.review_by for i in items if i.review_by), default="")
                self.row(table, [self.cell_link("posts", post), str(len(items)), due])
            self.spacer()

    def chapter(self, key: str) -> None:
        getattr(self, f"chapter_{key}")()

    def chapter_introduction(self) -> None:
        self.markdown(self.manual.info.introduction)

    def item_heading(self, item: Item) -> None:
        number = self.numbers.get(item.ref, "")
        self.heading(f"{number}\u2002{_SPACES.sub(' ', self.text(item.title))}".strip(), 2, f"{item.kind}--{item.id}")
        self.meta(item)
        self.summary(item)

    def chapter_functions(self) -> None:
        for function in self.manual.functions.values():
            self.item_heading(function)
            self.facts([(self.label("aim"), self.text(function.aim))])
            self.markdown(function.description)
            if function.principles:
                self.heading(self.label("principles"), 3)
                self.text_list(function.principles, ordered=True)
            duties = self.manual.duties_of_function(function.id)
            if duties:
                self.heading(self.label("function-duties"), 3)
                table = self.table(self.document, 5, [0.8, 3, 1.1, 2, 1.6])
                self.row(table, [self.label("number-short"), self.label("duty"), self.label("frequency"),
                                 self.label("responsible"), self.label("accountable")], header=True, first=True)
                for duty in duties:
                    self.row(table, [self.numbers.get(duty.ref, ""), self.cell_link("duties", duty.id),
                                     self.label(duty.frequency) if duty.frequency else "",
                                     self.cell_links("posts", duty.raci.responsible),
                                     self.cell_link("posts", duty.raci.accountable)])
                self.spacer()

    def duty_facts(self, duty) -> None:
        raci = duty.raci
        self.facts([
            (self.label("function"), self.cell_link("functions", duty.function, numbered=True)),
            (self.label("frequency"), self.label(duty.frequency) if duty.frequency else ""),
            (f"{self.label('responsible')} (R)", self.cell_links("posts", raci.responsible)),
            (f"{self.label('accountable')} (A)", self.cell_link("posts", raci.accountable)),
            (f"{self.label('consulted')} (C)", self.cell_links("posts", raci.consulted)),
            (f"{self.label('informed')} (I)", self.cell_links("posts", raci.informed)),
            (self.label("procedures"), self.cell_links("procedures", duty.procedures, numbered=True)),
            (self.label("standards"), self.cell_links("standards", duty.standards, numbered=True)),
        ])

    def tasks(self, duty) -> None:
        """The duty's tasks, numbered; a task with a rhythm of its own says so (`（每周）`)."""
        if not duty.tasks:
            return
        self.heading(self.label("tasks"), 3)
        number_id = self._new_numbering()
        for task in duty.tasks:
            paragraph = self.list_item(self.document, True, number_id, task.number)
            self.add_text(paragraph, self.text(task.action))
            if task.explicit_frequency:
                self.add_text(paragraph, self.label("paren", text=self.label(task.frequency)))

    def chapter_duties(self) -> None:
        for duty in self.manual.duties.values():
            self.item_heading(duty)
            self.duty_facts(duty)
            self.markdown(duty.description)
            self.tasks(duty)

    def chapter_procedures(self) -> None:
        for procedure in self.manual.procedures.values():
            self.item_heading(procedure)
            duties = self.referring("procedures", procedure.id, "duties")
            self.facts([
                (self.label("owner"), self.cell_link("posts", procedure.owner, numbered=True)),
                (self.label("trigger"), self.text(procedure.trigger)),
                (self.label("time-limit"), self.text(procedure.time_limit)),
                (self.label("carries-out"), self.cell_links("duties", duties, numbered=True)),
                (self.label("standards"), self.cell_links("standards", procedure.standards, numbered=True)),
            ])
            if procedure.purpose:
                self.heading(self.label("purpose"), 3)
                self.markdown(procedure.purpose)
            self.heading(self.label("steps"), 3)
            self.steps_table(procedure, procedure.steps)
            if procedure.records:
                self.heading(self.label("records"), 3)
                self.text_list(procedure.records)
            self.heading(self.label("flowchart"), 3)
            self.flowchart(procedure)

    def chapter_standards(self) -> None:
        for standard in self.manual.standards.values():
            self.item_heading(standard)
            posts = [p for p in self.manual.post_order if standard.id in self.manual.applicable_standards.get(p, ())]
            self.facts([
                (self.label("category"), category_label(standard.category, self.lang) if standard.category else ""),
                (self.label("applies-to"), self.cell_links("posts", posts)),
                (self.label("procedures"), self.cell_links("procedures", standard.applies_to_procedures, numbered=True)),
                (self.label("check"), self.label(standard.check) if standard.check else ""),
            ])
            self.markdown(standard.statement)
            if standard.rationale:
                self.heading(self.label("rationale"), 3)
                self.markdown(standard.rationale)
            if standard.criteria:
                self.heading(self.label("criteria"), 3)
                self.text_list(standard.criteria, ordered=True)

    def post_facts(self, post) -> None:
        reports = self.manual.direct_reports(post.id)
        self.facts([
            (self.label("reports-to"), self.cell_link("posts", post.reports_to, numbered=True) if post.reports_to
             else self.label("head-of-office")),
            (self.label("direct-reports"), self.cell_links("posts", reports, numbered=True)),
        ])

    def chapter_posts(self) -> None:
        for post in self.manual.posts.values():
            view = self.manual.onboarding[post.id]
            self.item_heading(post)
            self.post_facts(post)
            self.markdown(post.description)
            if post.competencies:
                self.heading(self.label("competencies"), 3)
                self.text_list(post.competencies)
            self.facts([
                (self.label("procedures-owned"), self.cell_links("procedures", view.procedures_owned, numbered=True)),
                (self.label("procedures-acted-in"), self.cell_links("procedures", view.procedures_acted_in, numbered=True)),
                (self.label("standards-applying"), self.cell_links("standards", view.standards, numbered=True)),
            ])
            if view.first_day or view.first_week or view.first_month:
                self.heading(self.label("onboarding"), 3)
                self.onboarding_lists(view, level=4)
            self.heading(self.label("checklists"), 3)
            cards = checklist_cards(self.manual, post.id)
            for card in cards:
                self.heading(self.label(card.title_key), 4)
                self.ticks(card.entries)
            if not cards:
                self.paragraph(self.label("no-checklists"))

    def onboarding_lists(self, view, *, level: int) -> None:
        for period in ("first_day", "first_week", "first_month"):
            entries = getattr(view, period)
            if entries:
                self.heading(self.label(period), level)
                self.ticks(entries, linked=False)

    def chapter_raci(self) -> None:
        manual = self.manual
        self.paragraph(self.label("raci-legend"), META)
        posts = manual.raci.posts
        per_table = RACI_PORTRAIT_POSTS if len(posts) <= RACI_PORTRAIT_POSTS else RACI_LANDSCAPE_POSTS
        parts = -(-len(posts) // per_table)
        size = -(-len(posts) // parts)
        for part, start in enumerate(range(0, len(posts), size), start=1):
            group = posts[start:start + size]
            if parts > 1:
                self.paragraph(self.label("raci-part", part=part, parts=parts), TEXT_HEADING)
            table = self.table(self.document, 1 + len(group), [4.2 if len(group) > 6 else 3.2] + [1] * len(group))
            header = self.row(table, [self.label("duty"), *(self.cell_link("posts", p) for p in group)],
                              header=True, first=True)
            for cell in header.cells[1:]:
                _vertical(cell, upright=self.type.line_pitch is not None)
            header.height = self._vertical_header_height(group)
            for duty in manual.raci.duties:
                cells = [self.in_cell(lambda p, d=duty: (self.add_text(p, self.numbers.get(Ref("duties", d), "") + " "),
                                                         self.link(p, "duties", d)))]
                cells += [manual.raci.cell(duty, post) for post in group]
                row = self.row(table, cells)
                for cell, post in zip(row.cells[1:], group, strict=True):
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                    if "A" in manual.raci.cell(duty, post).split("/"):
                        _shade(cell, "FCE4D6")
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            self.spacer()

    def _vertical_header_height(self, posts: Sequence[str]) -> int:
        """Tall enough for the longest post title set vertically in one line (at most 70 mm)."""
        longest = max((sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in self.title("posts", p))
                       for p in posts), default=4.0)
        return min(Mm(70), max(Mm(20), Pt(self.type.table.size * (longest * 1.1 + 1.5))))

    def chapter_glossary(self) -> None:
        for term in self.manual.glossary:
            self.paragraph(self.text(term.term), TEXT_HEADING)
            self.markdown(term.definition)
            if term.see:
                paragraph = self.add(self.document, META)
                self.add_text(paragraph, self.label("see-also") + self.colon)
                for index, ref in enumerate(term.see):
                    if index:
                        self.add_text(paragraph, self.separator)
                    self.link(paragraph, ref.kind, ref.id, numbered=True)

    def referring(self, kind: str, item_id: str, source_kind: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for backref in self.manual.referrers(Ref(kind, item_id)):
            if backref.source and backref.source.kind == source_kind:
                seen.setdefault(backref.source.id, None)
        return tuple(seen)

    # ---- the booklet (岗位说明书) ------------------------------------------------------------------

    def booklet(self, post_id: str) -> None:
        manual, info = self.manual, self.manual.info
        post = manual.posts[post_id]
        view = manual.onboarding[post_id]
        post_title = self.title("posts", post_id)
        self.properties(f"{post_title} — {self.label('post-description')}", self.label("post-description"))
        for number, (kind, ids) in enumerate((("duties", view.duties),
                                              ("procedures", view.procedures_owned + view.procedures_acted_in),
                                              ("standards", view.standards)), start=2):
            for position, item_id in enumerate(ids, start=1):
                self.numbers[Ref(kind, item_id)] = f"{number}.{position}" if not self.type.line_pitch else ""
        self.targets = frozenset({f"{ref.kind}--{ref.id}" for ref in self.numbers})
        self.cover([(f"{_SPACES.sub(' ', self.text(info.organization))}", COVER)], post_title,
                   [(self.label("post-description"), "Subtitle"),
                    (_SPACES.sub(" ", self.text(info.title)), COVER),
                    (f"{self.label('edition')} {info.edition}", COVER),
                    *([(f"{self.label('effective')} {info.effective}", COVER)] if info.effective else []),
                    (f"{self.label('holder')}{self.colon}____________", COVER)])
        body = self.new_section(restart=self.restart_numbers)
        self.footers(body)
        self.contents()
        parts = [("post-profile", self.booklet_profile), ("signoff", self.booklet_signoff),
                 ("post-duties", self.booklet_duties), ("booklet-procedures", self.booklet_procedures),
                 ("standards-applying", self.booklet_standards), ("booklet-reference", self.booklet_reference),
                 ("checklists", self.booklet_checklists)]
        shown = [(key, write) for key, write in parts if write(post, view, dry=True)]
        for number, (key, write) in enumerate(shown, start=1):
            self.heading(self._part_number(number) + self.label(key), 1, f"part-{key}")
            write(post, view, dry=False)

    def _part_number(self, number: int) -> str:
        """`一、` in Chinese (GB/T 9704's first level), `1 ` elsewhere."""
        if self.type.line_pitch:
            return chapter_number(number, self.lang).removeprefix("第").removesuffix("章") + "、"
        return f"{number} "

    def _sub_number(self, number: int) -> str:
        """`（一）` in Chinese (the second level), nothing elsewhere (entries carry `2.1`)."""
        if self.type.line_pitch:
            return "（" + chapter_number(number, self.lang).removeprefix("第").removesuffix("章") + "）"
        return ""

    def booklet_heading(self, position: int, kind: str, item_id: str) -> None:
        number = self._sub_number(position) or self.numbers.get(Ref(kind, item_id), "") + "\u2002"
        self.heading(f"{number}{self.title(kind, item_id)}", 2, f"{kind}--{item_id}")

    def booklet_profile(self, post, view, *, dry: bool) -> bool:
        if dry:
            return True
        self.summary(post)
        self.markdown(post.description)
        self.heading(self.label("reporting-lines"), 3)
        self.post_facts(post)
        self.svg_picture(orgchart_svg(self.manual, self.lang, id_prefix=f"org-{post.id}", highlight_post=post.id,
                                      around=True), self.label("org-chart"))
        if view.partners:
            self.heading(self.label("works-with"), 3)
            table = self.table(self.document, 3, [1.6, 2.6, 2.6])
            self.row(table, [self.label("post"), self.label("works-with-duties-heading"),
                             self.label("works-with-handoffs")], header=True, first=True)
            for partner in view.partners[:8]:
                self.row(table, [self.title("posts", partner.post), self.titles("duties", partner.duties),
                                 self.titles("procedures", partner.procedures)])
            self.spacer()
        if post.competencies:
            self.heading(self.label("competencies"), 3)
            self.text_list(post.competencies)
        return True

    def titles(self, kind: str, ids: Iterable[str]) -> str:
        return self.label("list-separator").join(self.title(kind, i) for i in ids)

    def booklet_signoff(self, post, view, *, dry: bool) -> bool:
        """The first day / week / month lists as a sign-off sheet: a completion date and the mentor's
        initials per item, the newcomer's start date, and the mentor's and section chief's signatures."""
        periods = [p for p in ("first_day", "first_week", "first_month") if getattr(view, p)]
        if dry:
            return bool(periods)
        people = self.table(self.document, 4, [1.2, 2, 1.2, 2], header_rows=0)
        for index, (left, right) in enumerate((("signoff-newcomer", "signoff-started"),
                                               ("signoff-mentor", "signoff-chief"))):
            row = self.row(people, [self.label(left), "", self.label(right), ""], first=index == 0)
            for cell in (row.cells[0], row.cells[2]):
                self.set_style(cell.paragraphs[0], TABLE_HEADING)
                _shade(cell)
        self.spacer()
        for period in periods:
            table = self.table(self.document, 4, [0.7, 5, 1.5, 1.5])
            self.row(table, [self.label("number-short"), self.label(period), self.label("signoff-done-on"),
                             self.label("signoff-mentor")], header=True, first=True)
            for number, entry in enumerate(getattr(view, period), start=1):
                self.row(table, [str(number), self.text(entry.text), "", ""])
            self.spacer()
        for who in ("signoff-mentor", "signoff-chief"):
            line = self.paragraph(style=TABLE_TEXT)
            self.add_text(line, f"{self.label(who)}{self.label('signoff-signature')}{self.colon}______________\u2003\u2003"
                                f"{self.label('signoff-date')}{self.colon}______________")
        return True

    def booklet_reference(self, post, view, *, dry: bool) -> bool:
        """Time limits the post keeps, the forms it uses and the terms it will meet."""
        terms = [self.manual.glossary[i] for i in terms_used(self.manual, post.id, self.lang)]
        if dry:
            return True
        if view.time_limits:
            self.heading(self.label("time-limits-kept"), 2, "booklet-time-limits")
            table = self.table(self.document, 3, [2.4, 3.2, 2])
            self.row(table, [self.label("time-limit-applies-to"), self.label("time-limit"),
                             self.label("time-limit-source")], header=True, first=True)
            for row in view.time_limits:
                source = self.title(row.source.kind, row.source.id)
                if row.step:
                    step = self.manual.procedures[row.source.id].step(row.step)
                    source += self.label("list-separator") + self.label("step-number", number=step.number)
                self.row(table, [self.text(row.what), self.text(row.limit), source])
            self.spacer()
        self.heading(self.label("forms-used"), 2, "booklet-forms")
        if view.forms:
            self.text_list([Text({self.lang: asset.split("/")[-1]}, self.lang) for asset in view.forms])
        else:
            self.paragraph(self.label("no-forms"), META)
        if terms:
            self.heading(self.label("terms-used"), 2, "booklet-terms")
            table = self.table(self.document, 2, [1.4, 5])
            self.row(table, [self.label("term"), self.label("definition")], header=True, first=True)
            for term in terms:
                self.row(table, [self.text(term.term), self.text(term.definition)])
            self.spacer()
        return True

    def booklet_duties(self, post, view, *, dry: bool) -> bool:
        if dry:
            return bool(view.duties)
        for position, duty_id in enumerate(view.duties, start=1):
            duty = self.manual.duties[duty_id]
            self.booklet_heading(position, "duties", duty_id)
            self.summary(duty)
            self.facts([
                (self.label("role"), raci_cell(duty.raci.role_of(post.id), self.lang)),
                (self.label("frequency"), self.label(duty.frequency) if duty.frequency else ""),
                (self.label("function"), self.title("functions", duty.function)),
                (f"{self.label('accountable')} (A)", self.title("posts", duty.raci.accountable)),
                (self.label("procedures"), self.cell_links("procedures", duty.procedures, numbered=True)),
                (self.label("standards"), self.cell_links("standards", duty.standards, numbered=True)),
            ])
            self.markdown(duty.description)
            self.tasks(duty)
        return True

    def booklet_procedures(self, post, view, *, dry: bool) -> bool:
        procedures = view.procedures_owned + view.procedures_acted_in
        if dry:
            return bool(procedures)
        for position, procedure_id in enumerate(procedures, start=1):
            procedure = self.manual.procedures[procedure_id]
            self.booklet_heading(position, "procedures", procedure_id)
            self.summary(procedure)
            self.facts([
                (self.label("owner"), self.title("posts", procedure.owner)),
                (self.label("trigger"), self.text(procedure.trigger)),
                (self.label("time-limit"), self.text(procedure.time_limit)),
            ])
            self.heading(self.label("steps"), 3)
            self.paragraph(self.label("own-steps-note"), META)
            self.steps_table(procedure, procedure.steps, mark_post=post.id)
            self.heading(self.label("flowchart"), 3)
            self.flowchart(procedure, highlight_post=post.id)
        return True

    def booklet_standards(self, post, view, *, dry: bool) -> bool:
        if dry:
            return bool(view.standards)
        for position, standard_id in enumerate(view.standards, start=1):
            standard = self.manual.standards[standard_id]
            self.booklet_heading(position, "standards", standard_id)
            self.paragraph(category_label(standard.category, self.lang) if standard.category else "", META)
            self.markdown(standard.statement)
            if standard.criteria:
                self.heading(self.label("criteria"), 3)
                self.text_list(standard.criteria, ordered=True)
        return True

    def booklet_checklists(self, post, view, *, dry: bool) -> bool:
        cards = checklist_cards(self.manual, post.id)
        if dry:
            return bool(cards)
        for index, card in enumerate(cards):
            heading = self.heading(self._card_title(card), 2, f"card-{card.key}")
            if index:
                heading.paragraph_format.page_break_before = True
            line = self.paragraph(style=META)
            self.add_text(line, f"{self.label('date')}{self.colon}______________\u2003\u2003"
                                f"{self.label('checked-by')}{self.colon}______________")
            self.ticks(card.entries)
        return True

    def _card_title(self, card) -> str:
        if card.key in FREQUENCIES:
            return self.label("card-title", list=self.label(card.key))
        return self.label(card.title_key)


_AFTER_UPDATE_FIELDS = tuple(f"w:{name}" for name in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator"))  # what follows w:updateFields in the settings schema


def _run(text: str, style: _Inline, *, underline: bool = False):
    """A `w:r` holding `text` (line breaks as `w:br`, tabs as `w:tab`), formatted by `style`."""
    run = OxmlElement("w:r")
    if style.bold or style.italic or style.code or underline:
        properties = OxmlElement("w:rPr")  # in schema order: rFonts, b, i, u
        if style.code:
            fonts = OxmlElement("w:rFonts")
            fonts.set(qn("w:ascii"), "Consolas")
            fonts.set(qn("w:hAnsi"), "Consolas")
            properties.append(fonts)
        for flag, tag in ((style.bold, "w:b"), (style.italic, "w:i")):
            if flag:
                properties.append(OxmlElement(tag))
        if underline:
            line = OxmlElement("w:u")
            line.set(qn("w:val"), "single")
            properties.append(line)
        run.append(properties)
    for index, line in enumerate(text.split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        for piece_index, piece in enumerate(line.split("\t")):
            if piece_index:
                run.append(OxmlElement("w:tab"))
            if piece:
                element = OxmlElement("w:t")
                element.text = piece
                if piece != piece.strip():
                    element.set(qn("xml:space"), "preserve")
                run.append(element)
    return run


def _replace(style: _Inline, **changes) -> _Inline:
    from dataclasses import replace

    return replace(style, **changes)


def _plain(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _plain(c) for c in node.children)


# ---- XML helpers (what python-docx has no API for) ---------------------------------------------------


def _borders(table) -> None:
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


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.insert_element_before(element, "w:tblCellSpacing", "w:jc", "w:hidden")


def _cant_split(row) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:cantSplit")) is None:
        properties.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                                         "w:jc", "w:hidden")


def _shade(cell, colour: str = "EDEDED") -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    properties.insert_element_before(shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                                     "w:hideMark")


def _shade_row(row) -> None:
    for cell in row.cells:
        _shade(cell)


def _vertical(cell, *, upright: bool) -> None:
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


def _simple_field(paragraph, instruction: str, result: str) -> None:
    """A complete field (PAGE, NUMPAGES, PAGEREF) with a placeholder result."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(result)
    _field_char(paragraph, "end")


def _field_begin(paragraph, instruction: str) -> None:
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")


def _field_end(paragraph) -> None:
    _field_char(paragraph, "end")


def _insert_paragraph_after(paragraph):
    from docx.text.paragraph import Paragraph

    element = OxmlElement("w:p")
    paragraph._p.addnext(element)
    return Paragraph(element, paragraph._parent)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def load_rasteriser() -> Callable[[str], bytes]:
    """SVG → PNG with CairoSVG; a missing Cairo library becomes one `DocxSystemError`."""
    try:
        import cairosvg
    except ImportError as error:
        raise DocxSystemError(_("CairoSVG is not installed ({reason})").format(reason=error),
                              _("install officebook with its dependencies: pip install officebook")) from None
    except OSError as error:
        raise DocxSystemError(_("CairoSVG cannot load the Cairo library, which draws the flowcharts ({reason})").format(
            reason=error), _("install Cairo: apt-get install libcairo2 (Debian/Ubuntu), dnf install cairo (Fedora), "
                             "brew install cairo (macOS)")) from None

    def rasterise(svg: str) -> bytes:
        # unsafe=False: CairoSVG then resolves no entities and fetches nothing but data: URLs.
        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=FLOWCHART_SCALE, unsafe=False)

    return rasterise

