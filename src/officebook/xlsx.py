"""The manual as Excel workbooks (openpyxl): one per language, for offices that keep their division of
responsibilities in a spreadsheet.

`xlsx_workbooks(manual)` gives `officebook-<lang>.xlsx` per language, each with the sheets

- RACI (职责分工): one row per duty (id, title), one column per post (title, and its id in the second
  header row), R/A/C/I in the cells. This is the sheet `officebook import` reads back.
- Duties (职责清单), Checklists (检查清单), Standards (标准), Posts (岗位): the lists, ids beside titles.
  Each standard's criteria are rows of Standards, once; a post's checklist has one line per standard it
  must meet, a link to them — not the criteria again for every post the standard applies to.
- About (说明): which manual, edition and language the workbook was exported from, how to edit and
  import it, and what each letter means (R 牵头, A 负责, C 会商, I 知会) — on one printed page.
- A very hidden sheet (`officebook`) for `officebook import`: its first cells (`format`,
  `officebook-workbook`) mark the workbook as officebook's, then the facts of the export and its
  baseline — every duty's roles as exported and a fingerprint of them — so an import applies only the
  cells someone changed and notices a duty changed in the content since.

Every cell is a typed string passed through `officebook.cells.neutralise_cell`: nothing the content says
becomes a formula or an error value, and a cell edited later in Excel stays text. Lists inside a cell are
one entry per line (titles are folded onto one line, so the line break cannot occur inside one).
Headers are frozen, columns sized to their text, text cells wrap, and every sheet prints on A4
landscape with type of 8 pt or more (`officebook.xlsx_layout`).

The workbook is written in openpyxl's write-only mode, row by row, with named styles: its cost grows
with the cells that hold something (the RACI matrix writes its roles, not its duties × posts empty
cells), never with the product of two kinds.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from functools import cached_property

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from officebook import __version__
from officebook.cells import neutralise_cell
from officebook.gc_pause import paused_gc
from officebook.model import ChecklistEntry, Manual, Procedure, Raci, Ref
from officebook.vocabulary.kinds import SINGULAR
from officebook.vocabulary.labels import LANGUAGE_NAMES, category_label, label
from officebook.xlsx_layout import (
    BODY_FONT_PT,
    LINE_BREAK,
    SMALLEST_FONT_PT,
    apply_print_setup,
    display_width,
    header_footer_text,
    plan_columns,
    text_lines,
    wrapped_lines,
)

WORKBOOK_FORMAT = "officebook-workbook"
WORKBOOK_VERSION = "2"  # 2: the facts and the baseline on the hidden sheet `officebook`
FACTS_SHEET = "officebook"
BASELINE_HEADER = "baseline"  # the row on the facts sheet after which every duty's exported roles follow
RACI_HEADER_ROWS = 2  # post titles, then post ids
RACI_FIRST_POST_COLUMN = 3  # A: duty id, B: duty title
EXCEL_CELL_CHARACTERS = 32767  # the most a cell holds
RACI_ROLES = ("responsible", "accountable", "consulted", "informed")
ROLE_LETTERS = {"responsible": "R", "accountable": "A", "consulted": "C", "informed": "I"}

# Excel and WPS pick a Chinese face for CJK glyphs themselves; naming the Office default for the
# language keeps LibreOffice and WPS from guessing.
_FONTS = {"zh": "等线", "ja": "Yu Gothic", "ko": "Malgun Gothic"}
_LATIN_FONT = "Calibri"
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_ID_FILL = PatternFill("solid", fgColor="F2F2F2")
_ACCOUNTABLE_FILL = PatternFill("solid", fgColor="FCE4D6")
_THIN = Side(style="thin", color="B7C3D0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIN_WIDTH, _MAX_WIDTH = 6.0, 40.0
_POST_COLUMN_WIDTH = 10.0
_ID_MAX_WIDTH = 22.0  # ids wrap at their hyphens
_LINE_HEIGHT_PT = 15.0


def xlsx_filename(lang: str) -> str:
    return f"officebook-{lang}.xlsx"


def xlsx_workbooks(manual: Manual, languages: Iterable[str] | None = None) -> dict[str, bytes]:
    """File name -> workbook bytes for every language (default: the manual's languages)."""
    return {xlsx_filename(lang): workbook_bytes(manual, lang) for lang in (languages or manual.info.languages)}


@paused_gc()  # cells die as their row is written; full collections would only walk the manual again and again
def workbook_bytes(manual: Manual, lang: str) -> bytes:
    """The workbook of one language, as the bytes of an .xlsx file."""
    writer = _Writer(manual, lang)
    writer.raci()
    writer.duties()
    writer.checklists()
    writer.standards()
    writer.posts()
    writer.about()
    writer.facts()
    properties = writer.workbook.properties
    properties.creator = f"officebook {__version__}"
    properties.title = _one_line(manual.info.title.get(lang))
    properties.subject = label("sheet-raci", lang)
    properties.keywords = WORKBOOK_FORMAT
    properties.language = lang
    buffer = io.BytesIO()
    writer.workbook.save(buffer)
    return buffer.getvalue()


def sheet_name(table: str, lang: str) -> str:
    """The sheet's name in `lang` (Excel allows 31 characters and none of `[]:*?/\\`)."""
    name = label(f"sheet-{table}", lang)
    for forbidden in "[]:*?/\\":
        name = name.replace(forbidden, " ")
    return name[:31]


def roles_of(raci: Raci) -> dict[str, tuple[str, ...]]:
    """A duty's roles as lists of posts (`accountable` too), the form the baseline keeps."""
    return {"responsible": raci.responsible, "accountable": (raci.accountable,) if raci.accountable else (),
            "consulted": raci.consulted, "informed": raci.informed}


def manual_key(manual: Manual) -> str:
    """Which manual a workbook belongs to: its organisation and title in the default language."""
    info = manual.info
    lang = info.default_language
    text = f"{_one_line(info.organization.get(lang))}\n{_one_line(info.title.get(lang))}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def baseline_fingerprint(rows: Iterable[tuple[str, str]]) -> str:
    """The fingerprint of the baseline rows (duty id, roles as JSON): the export's RACI content."""
    digest = hashlib.sha256()
    for duty, roles in rows:
        digest.update(f"{duty}\t{roles}\n".encode())
    return digest.hexdigest()[:32]


def roles_json(roles: dict[str, Sequence[str]]) -> str:
    return json.dumps({role: list(roles[role]) for role in RACI_ROLES if roles.get(role)}, ensure_ascii=False,
                      separators=(",", ":"))


def _one_line(text: str) -> str:
    """A title on one line: line breaks and runs of spaces become one space."""
    return " ".join(text.split())


def _clean(value: str) -> str:
    """Text Excel can store: control characters it rejects are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


@dataclass
class _Column:
    header: str
    section: int = 0  # columns of one section print on one page where they fit
    is_id: bool = False


class _Writer:
    """Writes the sheets of one language's workbook, each in one pass (openpyxl's write-only mode)."""

    def __init__(self, manual: Manual, lang: str) -> None:
        self.manual = manual
        self.lang = lang
        self._titles: dict[tuple[str, str | None], str] = {}
        self._texts: dict[str, str] = {}  # text -> what its cell holds
        self.workbook = Workbook(write_only=True)
        family = _FONTS.get(lang.split("-")[0].lower(), _LATIN_FONT)
        font = Font(name=family, size=BODY_FONT_PT)
        bold = Font(name=family, size=BODY_FONT_PT, bold=True)
        small = Font(name=family, size=SMALLEST_FONT_PT, color="595959")
        self.styles = {
            "text": NamedStyle("officebook Text", font=font, border=_BORDER, alignment=_WRAP),
            "id": NamedStyle("officebook Id", font=font, border=_BORDER, alignment=_WRAP, fill=_ID_FILL),
            "header": NamedStyle("officebook Header", font=bold, border=_BORDER, alignment=_WRAP, fill=_HEADER_FILL),
            "post": NamedStyle("officebook Post", font=bold, border=_BORDER, alignment=_CENTRE, fill=_HEADER_FILL),
            "post-id": NamedStyle("officebook Post Id", font=small, border=_BORDER, alignment=_CENTRE, fill=_ID_FILL),
            "role": NamedStyle("officebook Role", font=font, border=_BORDER, alignment=_CENTRE),
            "accountable": NamedStyle("officebook Accountable", font=font, border=_BORDER, alignment=_CENTRE,
                                      fill=_ACCOUNTABLE_FILL),
            "plain": NamedStyle("officebook Plain", font=font, alignment=_WRAP),
            "strong": NamedStyle("officebook Strong", font=bold, alignment=_WRAP),
            "heading": NamedStyle("officebook Heading", font=Font(name=family, size=14, bold=True),
                                  alignment=Alignment(vertical="center")),
            "facts": NamedStyle("officebook Facts", font=small, alignment=Alignment(vertical="top")),
            "link": NamedStyle("officebook Link", font=Font(name=family, size=BODY_FONT_PT, color="0563C1",
                                                            underline="single"), border=_BORDER, alignment=_WRAP),
        }
        for style in self.styles.values():
            self.workbook.add_named_style(style)
        template = WriteOnlyCell(self.workbook.create_sheet("template"))
        self.formats = {}
        self.cell_types: dict[str, type[Cell]] = {}
        for key, style in self.styles.items():
            template.style = style.name
            self.formats[key] = copy(template._style)
            self.cell_types[key] = _styled_cell_type(self.workbook._cell_styles.add(self.formats[key]))
        self.workbook.remove(self.workbook["template"])
        manual_title = _one_line(manual.info.title.get(lang))
        self.running_header = header_footer_text(f"{manual_title}  {manual.info.edition}")

    # ---- cells -------------------------------------------------------------------------------------

    def cell(self, sheet, value: str, style: str) -> Cell:
        """A string cell that can never be a formula or an error value.

        The cell is given its text and type directly: openpyxl's `value` setter would check the text
        again for what `_clean` has already removed, and read a leading "=" as a formula and "#N/A" as
        an error. Its format is the named style's, given as the cell is made: assigning `cell.style`
        looks the style up by name and hashes it again for every cell, a third of the time of a large
        sheet. The cell's class carries that style's index in the workbook (`_styled_cell_type`), so
        writing the cell looks nothing up again."""
        cell = self.cell_types[style](sheet, row=1, column=1)
        cell._style = self.formats[style]  # shared, not copied: a written cell's style never changes
        text = self._texts.get(value)
        if text is None:  # a post's id and title, a list's name ... are on every row of their post
            text = self._texts[value] = neutralise_cell(_clean(value))[:EXCEL_CELL_CHARACTERS]
        cell._value = text
        cell.data_type = "s"
        return cell

    def sheet(self, table: str):
        sheet = self.workbook.create_sheet(sheet_name(table, self.lang))
        sheet._values_to_row = _placed_cells  # rows are lists of this writer's cells (see `_placed_cells`)
        return sheet

    def print_setup(self, sheet, widths: Sequence[float], *, header_rows: int, title_columns: int,
                    sections: Sequence[int] = (), one_page: bool = False) -> None:
        plan = plan_columns(widths, title_columns, sections)
        footer = f"{header_footer_text(sheet.title)}    {self.label('page-of', page='&P', pages='&N')}"
        apply_print_setup(sheet, plan, header_rows=header_rows, title_columns=title_columns,
                          header=self.running_header, footer=footer, one_page=one_page)

    def table(self, table: str, columns: Sequence[_Column], rows: Sequence[Sequence[str]],
              links: Mapping[int, tuple[int, str]] | None = None) -> None:
        """A header row and data rows; the header and the id and title columns stay in view and print on
        every page. `links` maps a row's index to a cell of it (its column's index) that links to a
        place in the workbook (`'Sheet'!A5`)."""
        links = links or {}
        sheet = self.sheet(table)
        widths = [max(_MIN_WIDTH, display_width(c.header) + 2) for c in columns]
        text_widths = [[display_width(text) if text else 0.0 for text in row] for row in rows]
        for row_widths in text_widths:
            widths = [max(w, t + 2) for w, t in zip(widths, row_widths, strict=True)]
        widths = [min(_ID_MAX_WIDTH if c.is_id else _MAX_WIDTH, w) for c, w in zip(columns, widths, strict=True)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C2"
        _declare_dimension(sheet, len(rows) + 1, len(columns))
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
        self.print_setup(sheet, widths, header_rows=1, title_columns=2, sections=[c.section for c in columns[2:]])
        sheet.append([self.cell(sheet, c.header, "header") for c in columns])
        styles = ["id" if c.is_id else "text" for c in columns]
        for index, (row, row_widths) in enumerate(zip(rows, text_widths, strict=True)):
            if any(t > w - 1 or LINE_BREAK in text for t, w, text in zip(row_widths, widths, row, strict=True)):
                lines = max(wrapped_lines(text, t, w) for text, t, w in zip(row, row_widths, widths, strict=True))
                sheet.row_dimensions[index + 2].height = _LINE_HEIGHT_PT * lines + 3
            cells = [self.cell(sheet, text, style) for text, style in zip(row, styles, strict=True)]
            if index in links:
                column, location = links[index]
                cells[column] = self.link_cell(sheet, row[column], location)
            sheet.append(cells)

    def link_cell(self, sheet, text: str, location: str) -> Cell:
        """A text cell that takes the reader to `location` in the workbook (an internal hyperlink)."""
        cell = self.cell(sheet, text, "link")
        cell.hyperlink = Hyperlink(ref="", location=location, display=cell._value)
        return cell

    # ---- texts ---------------------------------------------------------------------------------------

    def title(self, kind: str, ident: str | None) -> str:
        key = (kind, ident)
        if key not in self._titles:  # a post's or standard's title is on every row that names it
            item = self.manual.item(Ref(kind, ident)) if ident else None
            self._titles[key] = _one_line(item.title.get(self.lang)) if item else ""
        return self._titles[key]

    def titles(self, kind: str, ids: Iterable[str]) -> str:
        return LINE_BREAK.join(self.title(kind, i) for i in ids)

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def id_header(self, key: str) -> str:
        return self.label("ids-of", field=self.label(key))

    # ---- sheets --------------------------------------------------------------------------------------

    def raci(self) -> None:
        """Duties × posts: titles and ids of both, R/A/C/I in the cells (the sheet `import` reads)."""
        manual = self.manual
        posts = manual.raci.posts
        column_of = {post: offset for offset, post in enumerate(posts)}
        sheet = self.sheet("raci")
        duty_rows = [(duty, self.title("duties", duty)) for duty in manual.raci.duties]
        widths = [display_width(self.id_header("duty")), display_width(self.label("duty"))]
        for duty, title in duty_rows:
            widths = [max(widths[0], display_width(duty)), max(widths[1], display_width(title))]
        widths = [widths[0] + 2, min(_MAX_WIDTH, widths[1] + 2)]  # the ids this sheet is read by stay whole
        widths += [_POST_COLUMN_WIDTH] * len(posts)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        post_titles = [self.title("posts", post) for post in posts]
        title_lines = max([text_lines(t, _POST_COLUMN_WIDTH) for t in post_titles] + [1])
        sheet.row_dimensions[1].height = _LINE_HEIGHT_PT * min(title_lines, 6) + 6
        id_lines = max([text_lines(p.replace("-", "- "), _POST_COLUMN_WIDTH) for p in posts] + [1])
        sheet.row_dimensions[2].height = 13.5 * min(id_lines, 4) + 4
        sheet.freeze_panes = sheet_cell(RACI_HEADER_ROWS + 1, RACI_FIRST_POST_COLUMN)
        _declare_dimension(sheet, RACI_HEADER_ROWS + len(duty_rows), RACI_FIRST_POST_COLUMN - 1 + len(posts))
        sheet.print_options.gridLines = True  # empty cells are not written: the grid shows on paper too
        self.print_setup(sheet, widths, header_rows=RACI_HEADER_ROWS, title_columns=RACI_FIRST_POST_COLUMN - 1)
        if posts and duty_rows:
            sheet.data_validations.append(self._role_validation(
                f"{get_column_letter(RACI_FIRST_POST_COLUMN)}{RACI_HEADER_ROWS + 1}:"
                f"{get_column_letter(RACI_FIRST_POST_COLUMN + len(posts) - 1)}{RACI_HEADER_ROWS + len(duty_rows)}"))
        sheet.append([self.cell(sheet, self.id_header("duty"), "header"), self.cell(sheet, self.label("duty"), "header"),
                      *(self.cell(sheet, title, "post") for title in post_titles)])
        sheet.append([self.cell(sheet, "", "id"), self.cell(sheet, self.label("export-post-id"), "post-id"),
                      *(self.cell(sheet, post, "post-id") for post in posts)])
        for number, (duty, title) in enumerate(duty_rows, start=RACI_HEADER_ROWS + 1):
            _fit_height(sheet, number, (duty, title), widths)
            letters: dict[str, list[str]] = {}
            for role, holders in roles_of(manual.duties[duty].raci).items():
                for post in holders:
                    letters.setdefault(post, []).append(ROLE_LETTERS[role])
            roles = []  # only the cells that hold a role: a row of empty cells would grow with duties × posts
            for post, held in sorted(letters.items(), key=lambda item: column_of.get(item[0], -1)):
                if post in column_of:
                    cell = self.cell(sheet, "/".join(held), "accountable" if "A" in held else "role")
                    cell.column = RACI_FIRST_POST_COLUMN + column_of[post]
                    roles.append(cell)
            duty_cell, title_cell = self.cell(sheet, duty, "id"), self.cell(sheet, title, "text")
            duty_cell.column, title_cell.column = 1, 2
            sheet.append(_PlacedRow([duty_cell, title_cell, *roles]))

    def _role_validation(self, cells: str) -> DataValidation:
        """A drop-down of the usual values, in letters and in the workbook's words; anything else typed is
        refused with a message saying what a cell may hold."""
        words = [self.label(f"raci-letter-{letter}") for letter in "RACI"]
        choices = ["R", "A", "C", "I", "R/A"]
        if words != list("RACI"):
            choices += [*words, f"{words[0]}/{words[1]}"]
        formula = '"' + ",".join(c.replace('"', "") for c in choices if "," not in c) + '"'
        validation = DataValidation(type="list", formula1=formula if len(formula) <= 255 else '"R,A,C,I,R/A"',
                                    allow_blank=True, showErrorMessage=True, errorStyle="stop",
                                    errorTitle=self.label("xlsx-invalid-title")[:32],
                                    error=self.label("xlsx-invalid")[:255], showInputMessage=True,
                                    promptTitle="R / A / C / I", prompt=self.label("raci-legend-letters")[:255])
        validation.add(cells)
        return validation

    def duties(self) -> None:
        columns = [_Column(self.label("id"), is_id=True), _Column(self.label("duty")),
                   _Column(self.id_header("function"), 1), _Column(self.label("function"), 1),
                   _Column(self.label("frequency"), 1)]
        for role in RACI_ROLES:
            columns += [_Column(self.id_header(role), 2), _Column(self.label(role), 2)]
        columns += [_Column(self.id_header("procedures"), 3), _Column(self.label("procedures"), 3),
                    _Column(self.id_header("standards"), 3), _Column(self.label("standards"), 3),
                    _Column(self.id_header("maintainer"), 4), _Column(self.label("maintainer"), 4),
                    _Column(self.label("review-by"), 4), _Column(self.label("summary"), 5)]
        rows = []
        for duty in self.manual.duties.values():
            row = [duty.id, self.title("duties", duty.id), duty.function or "", self.title("functions", duty.function),
                   self.label(duty.frequency) if duty.frequency else ""]
            for ids in roles_of(duty.raci).values():
                row += [LINE_BREAK.join(ids), self.titles("posts", ids)]
            row += [LINE_BREAK.join(duty.procedures), self.titles("procedures", duty.procedures),
                    LINE_BREAK.join(duty.standards), self.titles("standards", duty.standards),
                    duty.maintainer or "", self.title("posts", duty.maintainer), duty.review_by or "",
                    duty.summary.get(self.lang) if duty.summary else ""]
            rows.append(row)
        self.table("duties", columns, rows)

    def checklists(self) -> None:
        columns = [_Column(self.label("export-post-id"), is_id=True), _Column(self.label("post")),
                   _Column(self.label("export-list"), 1), _Column(self.label("export-item"), 1),
                   _Column(self.label("export-detail"), 2), _Column(self.label("entry-kind"), 3),
                   _Column(self.id_header("source"), 3), _Column(self.label("source"), 3),
                   _Column(self.label("export-key"), 3)]
        rows: list[list[str]] = []
        links: dict[int, tuple[int, str]] = {}
        see_standards = self.label("xlsx-see-sheet", sheet=sheet_name("standards", self.lang))
        manual = self.manual
        for post in manual.post_order:
            lists = manual.checklists[post]
            onboarding = manual.onboarding[post]
            post_title = self.title("posts", post)
            sections: list[tuple[str, Sequence[ChecklistEntry]]] = [
                (self.label("export-onboarding-list", period=self.label(period)), getattr(onboarding, period))
                for period in ("first_day", "first_week", "first_month")
            ]
            sections += [(self.label(frequency), entries) for frequency, entries in lists.by_frequency.items()]
            sections += [(self.label("checklist-steps"), lists.steps), (self.label("checklist-criteria"), lists.criteria)]
            for section, entries in sections:
                referred: set[str] = set()
                for entry in entries:
                    source = entry.source
                    if entry.key.startswith("criterion:"):  # a standard's criteria: once, on the standards sheet
                        if source.id not in referred:
                            referred.add(source.id)
                            links[len(rows)] = (3, self.criteria_rows[source.id])
                            rows.append([post, post_title, section, self.label(
                                "xlsx-criteria-of", standard=self.title("standards", source.id),
                                count=len(self.manual.standards[source.id].criteria)), see_standards,
                                self.label("standard"), source.id, self.title("standards", source.id), ""])
                        continue
                    rows.append([post, post_title, section, entry.text.get(self.lang),
                                 entry.detail.get(self.lang) if entry.detail else "",
                                 self.label(SINGULAR[source.kind]), source.id, self._source(entry), entry.key])
        self.table("checklists", columns, rows, links)

    def standards(self) -> None:
        """Every standard's criteria, once: the checklists refer here instead of repeating them for
        every post a standard applies to."""
        columns = [_Column(self.label("id"), is_id=True), _Column(self.label("standard")),
                   _Column(self.label("category"), 1), _Column(self.label("check"), 1),
                   _Column(self.label("number-short"), 2), _Column(self.label("criteria"), 2),
                   _Column(self.label("export-key"), 3)]
        self.table("standards", columns, self._standard_rows[0])

    @cached_property
    def _standard_rows(self) -> tuple[list[list[str]], dict[str, str]]:
        """The standards sheet's rows (one per criterion, one for a standard without any), and where in
        the workbook each standard's first row is (`'标准'!A5`)."""
        rows: list[list[str]] = []
        first: dict[str, str] = {}
        quoted = sheet_name("standards", self.lang).replace("'", "''")
        for standard in self.manual.standards.values():
            first[standard.id] = f"'{quoted}'!A{len(rows) + 2}"
            head = [standard.id, self.title("standards", standard.id),
                    category_label(standard.category, self.lang) if standard.category else "",
                    self.label(standard.check) if standard.check else ""]
            criteria = standard.criteria or (None,)
            for number, criterion in enumerate(criteria, start=1):
                rows.append([*head, str(number) if criterion else "", criterion.get(self.lang) if criterion else "",
                             f"criterion:{standard.id}/{number - 1}" if criterion else ""])
        return rows, first

    @property
    def criteria_rows(self) -> dict[str, str]:
        return self._standard_rows[1]

    def _source(self, entry: ChecklistEntry) -> str:
        title = self.title(entry.source.kind, entry.source.id)
        procedure = self.manual.item(entry.source)
        if entry.step is not None and isinstance(procedure, Procedure) and (step := procedure.step(entry.step)):
            return self.label("step-of", procedure=title, number=step.number)
        return title

    def posts(self) -> None:
        columns = [_Column(self.label("id"), is_id=True), _Column(self.label("post")),
                   _Column(self.id_header("reports-to"), 1), _Column(self.label("reports-to"), 1),
                   _Column(self.id_header("direct-reports"), 1), _Column(self.label("direct-reports"), 1),
                   _Column(self.id_header("post-duties"), 2), _Column(self.label("post-duties"), 2),
                   _Column(self.label("summary"), 3), _Column(self.label("competencies"), 3)]
        rows = []
        manual = self.manual
        for post_id in manual.post_order:
            post = manual.posts[post_id]
            view = manual.onboarding[post_id]
            rows.append([post_id, self.title("posts", post_id), post.reports_to or "",
                         self.title("posts", post.reports_to), LINE_BREAK.join(view.direct_reports),
                         self.titles("posts", view.direct_reports), LINE_BREAK.join(view.duties),
                         self.titles("duties", view.duties), post.summary.get(self.lang) if post.summary else "",
                         LINE_BREAK.join(c.get(self.lang) for c in post.competencies)])
        self.table("posts", columns, rows)

    def about(self) -> None:
        """For the reader: which manual, how to edit and import, what each letter means — on one page."""
        info = self.manual.info
        sheet = self.sheet("about")
        widths = (16.0, 80.0)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        raci_sheet = sheet_name("raci", self.lang)
        rows: list[tuple[str, str, str, str]] = [  # label, text, label style, text style
            (self.label("xlsx-about-title", manual=_one_line(info.title.get(self.lang))), "", "heading", "heading"),
            ("", "", "plain", "plain"),
            (self.label("title"), _one_line(info.title.get(self.lang)), "strong", "plain"),
            (self.label("organization"), _one_line(info.organization.get(self.lang)), "strong", "plain"),
            (self.label("edition"), info.edition, "strong", "plain"),
            (self.label("language"), LANGUAGE_NAMES.get(self.lang, self.lang), "strong", "plain"),
            (self.label("xlsx-exported-by"), f"officebook {__version__}", "strong", "plain"),
            ("", "", "plain", "plain"),
            (self.label("xlsx-to-edit"), self.label("xlsx-how-to-edit", sheet=raci_sheet), "strong", "plain"),
            (self.label("xlsx-to-import"), self.label("xlsx-how-to-import"), "strong", "plain"),
            ("", "", "plain", "plain"),
            (self.label("xlsx-codes"), self.label("xlsx-codes-intro", sheet=raci_sheet), "strong", "plain"),
        ]
        for letter, role in zip("RACI", RACI_ROLES, strict=True):
            rows.append((f"{letter}　{self.label(role)}", self.label(f"raci-meaning-{letter}"), "strong", "plain"))
        for number, (_, text, _, _) in enumerate(rows, start=1):
            if text:
                sheet.row_dimensions[number].height = _LINE_HEIGHT_PT * text_lines(text, widths[1]) + 3
        sheet.row_dimensions[1].height = 28
        sheet.merged_cells.add("A1:B1")
        _declare_dimension(sheet, len(rows), 2)
        self.print_setup(sheet, widths, header_rows=0, title_columns=0, one_page=True)
        for name, text, name_style, text_style in rows:
            sheet.append([self.cell(sheet, name, name_style), self.cell(sheet, text, text_style)])

    def facts(self) -> None:
        """The sheet `officebook import` reads first (very hidden): what the workbook is, then the baseline
        — every duty's roles as exported — and its fingerprint."""
        info = self.manual.info
        sheet = self.workbook.create_sheet(FACTS_SHEET)
        sheet._values_to_row = _placed_cells
        sheet.sheet_state = "veryHidden"
        baseline = [(duty, roles_json(roles_of(self.manual.duties[duty].raci))) for duty in self.manual.raci.duties]
        _declare_dimension(sheet, 13 + len(baseline), 2)
        lang = info.default_language
        facts = [
            ("format", WORKBOOK_FORMAT),
            ("version", WORKBOOK_VERSION),
            ("language", self.lang),
            ("manual", _one_line(info.title.get(self.lang))),
            ("organization", _one_line(info.organization.get(self.lang))),
            ("edition", info.edition),
            ("raci-sheet", sheet_name("raci", self.lang)),
            ("generator", f"officebook {__version__}"),
            ("manual-key", manual_key(self.manual)),
            ("manual-default-title", _one_line(info.title.get(lang))),
            ("fingerprint", baseline_fingerprint(baseline)),
        ]
        for key, value in facts:
            sheet.append([self.cell(sheet, key, "facts"), self.cell(sheet, value, "facts")])
        sheet.append([])
        sheet.append([self.cell(sheet, BASELINE_HEADER, "facts"), self.cell(sheet, "raci", "facts")])
        for duty, roles in baseline:
            sheet.append([self.cell(sheet, duty, "facts"), self.cell(sheet, roles, "facts")])


def _styled_cell_type(style_id: int) -> type[Cell]:
    """A cell class whose cells carry the index of their style in the workbook's style table: openpyxl
    otherwise hashes the cell's style and looks it up in that table again for every cell it writes."""
    return type(f"_StyledCell{style_id}", (Cell,), {"__slots__": (), "style_id": style_id, "has_style": True})


class _PlacedRow(list):
    """A row of cells that know their columns already (`cell.column`), in column order: the RACI
    matrix's roles, written without the empty cells between them."""


def _placed_cells(cells: Sequence[Cell | None], row: int) -> Iterator[Cell]:
    """What a write-only sheet does with an appended row, for rows of this writer's cells: number them
    and pass them on. openpyxl's own version first tries every value as a plain value, which for a
    cell raises and catches an error (with the cell's text in it) — a third of a large sheet's time."""
    placed = isinstance(cells, _PlacedRow)
    for column, cell in enumerate(cells, start=1):
        if cell is None:
            continue
        cell.row = row
        if not placed:
            cell.column = column
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell


def _declare_dimension(sheet, rows: int, columns: int) -> None:
    """Have the sheet's `<dimension>` written before its rows. openpyxl's write-only sheets leave it out,
    and a reader in read-only mode (openpyxl's, `officebook import`'s) then reads the whole sheet to
    size it; the writer asks the sheet for `calculate_dimension` when there is one."""
    ref = f"A1:{get_column_letter(max(1, columns))}{max(1, rows)}"
    sheet.calculate_dimension = lambda: ref


def _fit_height(sheet, number: int, texts: Sequence[str], widths: Sequence[float]) -> None:
    """Give a row the height of its longest wrapped cell: LibreOffice does not size rows of a file on
    opening it, Excel only some; a row left at one line would hide or overprint the rest."""
    lines = max((text_lines(text, width)
                 for text, width in zip(texts, widths, strict=False) if text), default=1)
    if lines > 1:
        sheet.row_dimensions[number].height = _LINE_HEIGHT_PT * lines + 3


def sheet_cell(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"

