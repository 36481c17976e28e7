"""The Word document writer: paragraphs, headings and bookmarks, links, tables, pictures, sections,
footers, the contents and the document properties."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.parts.image import ImagePart
from docx.section import Section
from docx.shared import Emu, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from officebook.model import Manual, Ref, Text
from officebook.outline import numbering_for
from officebook.render.docx.blocks import ContentBlocks
from officebook.render.docx.html import PLAIN, SPACE_RUN, HtmlToWord, Inline, text_run
from officebook.render.docx.ooxml import (
    cant_split,
    field_begin,
    field_end,
    insert_paragraph_after,
    keep_with_next,
    repeat_header,
    shade_cell,
    shade_row,
    simple_field,
    table_borders,
)
from officebook.render.docx.package import docx_bytes
from officebook.render.docx.styles import (
    COVER,
    TABLE_HEADING,
    TABLE_TEXT,
    apply_styles,
    ensure_styles,
    open_reference,
    page_setup,
    strip_body,
    style_numbering,
    word_layout,
)
from officebook.vocabulary.labels import label

# ---- the writer ----------------------------------------------------------------------------------


class WordWriter(ContentBlocks, HtmlToWord):
    """Builds one document: its styles, sections, bookmarks and content."""

    def __init__(self, manual: Manual, lang: str, reference: Path | None) -> None:
        self.manual = manual
        self.lang = lang
        self.type = word_layout(lang)
        self.reference = reference is not None
        if reference is not None:
            self.document = open_reference(reference)
            ensure_styles(self.document)
        else:
            self.document = Document()
            strip_body(self.document)
            apply_styles(self.document, self.type)
            ensure_styles(self.document)
            page_setup(self.document.sections[0], self.type)
        self.numbering = numbering_for(lang)
        self.numbers: dict[Ref, str] = {}  # an entry's number where another refers to it
        self.heading_numbers: dict[Ref, str] = {}  # … in its own heading
        self._section = self._point = 0  # the counters of numbered Heading 3 and 4 inside an entry
        self.bookmarks: dict[str, str] = {}  # anchor -> bookmark name
        self.bookmark_names: set[str] = set()
        self.bookmark_id = 0
        self.toc: list[tuple[int, str, str]] = []  # (level, text, bookmark)
        self.toc_paragraph = None
        self._png: Callable[[str], bytes] | None = None
        # python-docx finds an image's part, a free part name and a free relation id by scanning every
        # image part and relation of the document for each new picture (quadratic in the pictures); the
        # pictures are numbered and looked up here instead, past a reference document's own.
        self._pictures: dict[str, str] = {}  # an image's hash -> its relation id
        taken = {part.partname.idx for part in self.document.part.package.image_parts}
        self._image_names = (n for n in itertools.count(1) if n not in taken)
        self._relation_ids = (f"rId{n}" for n in itertools.count(1))
        self._style_ids: dict[str, str] = {}
        self._paragraphs: dict[tuple, object] = {}  # empty paragraphs to copy, by style and layout
        self.shape_id = 1000  # above the ids a reference document's own drawings use
        self._end = None
        self.bullets = style_numbering(self.document, "List Bullet") is not None

    # ---- basics ------------------------------------------------------------------------------------

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def text(self, value: Text | str | None) -> str:
        """A short text on one line (a YAML block scalar's line breaks and final newline folded away)."""
        if value is None:
            return ""
        return SPACE_RUN.sub(" ", value if isinstance(value, str) else value.get(self.lang)).strip()

    def title(self, kind: str, item_id: str | None) -> str:
        item = self.manual.item(Ref(kind, item_id)) if item_id else None
        return SPACE_RUN.sub(" ", item.title.get(self.lang)).strip() if item else ""

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

    def add(self, container, style: str | None = None, text: str = "", *, keep_with_next: bool = False,
            left_indent: int | None = None):
        """A new paragraph at the end of `container` (the document, a cell) in `style`.

        Body paragraphs go straight before the body's closing section properties: python-docx finds
        that place by scanning the body each time, which makes a long handbook quadratic. They are
        copies of an empty paragraph made once per style and layout: python-docx orders a paragraph's
        properties by searching them for every one it sets, the largest cost of a long checklist."""
        if container is self.document:
            element = copy.deepcopy(self._empty_paragraph(style, keep_with_next, left_indent))
            self._body_end.addprevious(element)
            paragraph = Paragraph(element, self.document._body)
        else:
            paragraph = container.add_paragraph()
            self.set_style(paragraph, style)
            if keep_with_next:
                paragraph.paragraph_format.keep_with_next = True
            if left_indent is not None:
                paragraph.paragraph_format.left_indent = left_indent
        if text:
            self.add_text(paragraph, text)
        return paragraph

    def _empty_paragraph(self, style: str | None, keep_with_next: bool, left_indent: int | None):
        key = (style, keep_with_next, left_indent)
        if key not in self._paragraphs:
            paragraph = Paragraph(OxmlElement("w:p"), self.document._body)
            self.set_style(paragraph, style)
            if keep_with_next:
                paragraph.paragraph_format.keep_with_next = True
            if left_indent is not None:
                paragraph.paragraph_format.left_indent = left_indent
            self._paragraphs[key] = paragraph._p
        return self._paragraphs[key]

    @property
    def _body_end(self):
        """The body's closing section properties (the same element for the whole run: python-docx's
        `add_section` copies it into the paragraph that ends a section)."""
        if self._end is None:
            self._end = self.document.element.body.get_or_add_sectPr()
        return self._end

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False):
        paragraph = self.add(self.document, style)
        self.add_text(paragraph, text, Inline(bold=bold))
        return paragraph

    def heading(self, text: str, level: int, anchor: str | None = None, *, toc: bool = True):
        """A heading; inside an entry, sections and points are numbered as the language's scheme says
        (1. and （1） in Chinese), as the printed handbook numbers them."""
        if level <= 2:
            self._section = 0
        elif level == 3:
            self._section, self._point = self._section + 1, 0
            text = self.numbering.section_heading(self._section) + text
        else:
            self._point += 1
            text = self.numbering.point_heading(self._point) + text
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

    def add_text(self, paragraph, text: str, style: Inline = PLAIN) -> None:
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
            hyperlink.append(text_run(text, style, underline=not style.link.startswith("#")))
            paragraph._p.append(hyperlink)
            return
        paragraph._p.append(text_run(text, style))

    def link(self, paragraph, kind: str, item_id: str | None, *, numbered: bool = False) -> None:
        """An item's title, linked to its section; `numbered` adds its number, `文件审核（3.1）`."""
        if not item_id:
            return
        title = self.title(kind, item_id)
        number = self.numbers.get(Ref(kind, item_id)) if numbered else None
        shown = title + (self.label("section-ref", number=number) if number else "")
        anchor = f"{kind}--{item_id}"
        self.add_text(paragraph, shown, Inline(link="#" + self.bookmark_name(anchor)) if self._linkable(anchor) else Inline())

    def _linkable(self, anchor: str) -> bool:
        return anchor in self.targets

    targets: frozenset[str] = frozenset()

    def links(self, paragraph, kind: str, ids: Iterable[str], *, numbered: bool = False) -> None:
        for index, item_id in enumerate(ids):
            if index:
                self.add_text(paragraph, self.separator)
            self.link(paragraph, kind, item_id, numbered=numbered)

    # ---- Markdown ----------------------------------------------------------------------------------


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
        image = Image.from_blob(data)
        relation = self._pictures.get(image.sha1)
        if relation is None:
            name = PackURI(f"/word/media/image{next(self._image_names)}.{image.ext}")
            relation = self._pictures[image.sha1] = self.relate(ImagePart.from_image(image, name))
        cx, cy = image.scaled_dimensions(width, height)
        self.shape_id += 1
        inline = CT_Inline.new_pic_inline(self.shape_id, relation, image.filename, cx, cy)
        run = OxmlElement("w:r")
        paragraph._p.append(run)
        run.add_drawing(inline)
        return inline

    def relate(self, part) -> str:
        """The id of a new image relation from the document to `part`."""
        relations = self.document.part.rels
        relation = next(r for r in self._relation_ids if r not in relations)
        relations.add_relationship(RELATIONSHIP_TYPE.IMAGE, part, relation)
        return relation

    def table(self, container, columns: int, weights: Sequence[float], *, header_rows: int = 1,
              centred: Iterable[int] = ()):
        """A table as wide as the text, columns in proportion to `weights`; header rows repeat on every page.
        The body cells of the `centred` columns are centred (set once, on the row every body row copies)."""
        if container is self.document:
            element = CT_Tbl.new_tbl(1, columns, self.text_width())
            self._body_end.addprevious(element)
            table = Table(element, self.document._body)
        else:
            table = container.add_table(rows=1, cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        table_borders(table)
        total = sum(weights)
        width = self.text_width()
        for column, weight in zip(table.columns, weights, strict=True):
            column.width = Emu(int(width * weight / total))
        table._column_widths = [int(width * w / total) for w in weights]
        table._centred = frozenset(centred)
        if header_rows:
            repeat_header(table.rows[0])
        return table

    def row(self, table, values: Sequence[Callable | str], *, header: bool = False, first: bool = False):
        """Fill a row (the table's first when `first`): each value a string or a function filling the cell's paragraph."""
        template = getattr(table, "_empty_rows", {}).get(header) if not first else None
        if template is not None:  # a copy of the table's empty row: what python-docx builds cell by cell
            element = copy.deepcopy(template)
            table._tbl.append(element)
            row = _Row(element, table)
        else:
            row = table.rows[0] if first else table.add_row()
            cant_split(row)
            for column, cell in enumerate(row_cells(row)):
                cell.width = Emu(table._column_widths[column])
                self.set_style(cell.paragraphs[0], TABLE_HEADING if header else TABLE_TEXT)
                if not header and column in table._centred:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if not first:
                table.__dict__.setdefault("_empty_rows", {})[header] = copy.deepcopy(row._tr)
        for cell, value in zip(row_cells(row), values, strict=True):
            paragraph = cell.paragraphs[0]
            if callable(value):
                value(cell)
            elif value:
                self.add_text(paragraph, value)
        if header:
            shade_row(row)
        return row

    def facts(self, rows: Sequence[tuple[str, Callable | str]]) -> None:
        """A two-column table of a field name and its value."""
        rows = [(name, value) for name, value in rows if value]
        if not rows:
            return
        table = self.table(self.document, 2, [1, 3.2], header_rows=0)
        written = []
        for index, (name, value) in enumerate(rows):
            written.append(self.row(table, [name, value], first=index == 0))
            cells = row_cells(written[-1])
            self.set_style(cells[0].paragraphs[0], TABLE_HEADING)
            shade_cell(cells[0])
        if len(rows) <= 10:  # a short table stays on one page
            self.keep_together(written)
        self.spacer()

    def keep_together(self, rows: Sequence) -> None:
        """The rows stay on one page: every paragraph of every row but the last keeps with the next."""
        for row in rows[:-1]:
            for cell in row_cells(row):
                for paragraph in cell.paragraphs:
                    keep_with_next(paragraph)

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
            paragraph = anchor if first else insert_paragraph_after(anchor)
            self.set_style(paragraph, f"toc {level}")
            if first:
                field_begin(paragraph, 'TOC \\o "1-2" \\h \\z \\u')
            if bookmark:
                self.add_text(paragraph, text, Inline(link="#" + bookmark))
                paragraph.add_run("\t")
                simple_field(paragraph, f"PAGEREF {bookmark} \\h", "")
            if index == len(entries) - 1:
                field_end(paragraph)
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
            paragraph.add_run(SPACE_RUN.sub(" ", self.text(self.manual.info.title))).font.size = Pt(self.type.small.size)
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
        simple_field(paragraph, "PAGE", "1")
        if "{pages}" in rest:
            paragraph.add_run(middle)
            simple_field(paragraph, "NUMPAGES", "1")
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
        core.author = SPACE_RUN.sub(" ", self.text(self.manual.info.organization))
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
        return docx_bytes(self.document)

    # ---- the handbook --------------------------------------------------------------------------------

_AFTER_UPDATE_FIELDS = tuple(f"w:{name}" for name in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator"))  # what follows w:updateFields in the settings schema


def row_cells(row) -> list[_Cell]:
    """The cells of a row of officebook's own tables, which merge no cells: python-docx's `row.cells`
    works out spans and vertical merges for every cell, a third of the time of a large matrix."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]
