"""Content Markdown (rendered and sanitised HTML) into Word paragraphs, lists, tables and runs."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from officebook.i18n import gettext as _
from officebook.model import Text
from officebook.render.assetimages import asset_image, left_out
from officebook.render.docx.ooxml import shade_row
from officebook.render.docx.styles import (
    CODE,
    FLOWCHART_SCALE,
    TABLE_HEADING,
    TABLE_TEXT,
    TEXT_HEADING,
    style_numbering,
)
from officebook.render.itemlinks import print_links
from officebook.vocabulary.markdown import render_markdown

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
SPACE_RUN = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class Inline:
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None  # an internal bookmark ("#…") or an absolute URL


PLAIN = Inline()  # a run without formatting


class HtmlToWord:
    """Turns sanitised HTML into Word blocks; mixed into the document writer."""

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
                self._inlines(paragraph, pending, Inline())
            pending.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in _BLOCKS:
                if not (isinstance(node, _Node) and node.tag in _SKIPPED):
                    pending.append(node)
                continue
            flush()
            tag = node.tag
            if tag == "p":
                self._inlines(self.add(container, style), node.children, Inline())
            elif tag in {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary"}:
                self._inlines(self.add(container, TEXT_HEADING), node.children, Inline())
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
                    self._inlines(paragraph, child.children, Inline())
                    first = False
                else:
                    self._inlines(paragraph, [child], Inline())
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
            self.add_text(paragraph, self.numbering.point(position) + ("" if self.numbering.official else "\u2002"))
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
        style_number = style_numbering(self.document, "List Number")
        if style_number is None:
            return None
        numbering = self.document.part.numbering_part.element
        definition = numbering.num_having_numId(style_number)
        number = numbering.add_num(definition.abstractNumId.val)
        override = number.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        if self.numbering.official:  # a list under a numbered section is the fourth level: （1）（2）
            level = OxmlElement("w:lvl")
            level.set(qn("w:ilvl"), "0")
            for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", self.numbering.point(1).replace("1", "%1")),
                               ("w:lvlJc", "left")):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                level.append(child)
            override.append(level)
        return number.numId

    def _number(self, paragraph, number_id: int) -> None:
        numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbering.get_or_add_ilvl().val = 0
        numbering.get_or_add_numId().val = number_id

    def _inlines(self, paragraph, nodes: Iterable[_Node | str], style: Inline) -> None:
        for node in nodes:
            if isinstance(node, str):
                self.add_text(paragraph, SPACE_RUN.sub(" ", node), style)
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

    def _image(self, paragraph, src: str, alt: str, style: Inline) -> None:
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
                self._inlines(paragraph, cell.children, Inline())
            if head:
                shade_row(row)

    # ---- tables --------------------------------------------------------------------------------------


def text_run(text: str, style: Inline, *, underline: bool = False):
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


def _replace(style: Inline, **changes) -> Inline:
    from dataclasses import replace

    return replace(style, **changes)


def _plain(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _plain(c) for c in node.children)
