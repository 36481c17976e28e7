"""The manual as Excel workbooks (openpyxl): one per language, for offices that keep their division of
responsibilities in a spreadsheet.

`xlsx_workbooks(manual)` gives `officebook-<lang>.xlsx` per language, each with the sheets

- RACI (职责分工): one row per duty (id, title), one column per post (title, and its id in the second
  header row), R/A/C/I in the cells. This is the sheet `officebook import` reads back.
- Duties (职责清单), Checklists (检查清单), Posts (岗位): the lists, ids beside titles.
- About (说明): which manual, edition and language the workbook was exported from, and how to edit it.
  Its first cells (`format`, `officebook-workbook`) mark the workbook as officebook's.

Every cell is a typed string passed through `officebook.cells.neutralise_cell`: nothing the content says
becomes a formula or an error value, and a cell edited later in Excel stays text. Lists inside a cell are
one entry per line (titles are folded onto one line, so the line break cannot occur inside one).
Headers are frozen, columns sized to their text, and text cells wrap.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from officebook import __version__
from officebook.cells import neutralise_cell
from officebook.model import ChecklistEntry, Manual, Procedure, Ref
from officebook.vocabulary.kinds import SINGULAR
from officebook.vocabulary.labels import label

WORKBOOK_FORMAT = "officebook-workbook"
WORKBOOK_VERSION = "1"
RACI_HEADER_ROWS = 2  # post titles, then post ids
RACI_FIRST_POST_COLUMN = 3  # A: duty id, B: duty title
LINE_BREAK = "\n"

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
_MIN_WIDTH, _MAX_WIDTH = 6.0, 60.0


def xlsx_filename(lang: str) -> str:
    return f"officebook-{lang}.xlsx"


def xlsx_workbooks(manual: Manual, languages: Iterable[str] | None = None) -> dict[str, bytes]:
    """File name -> workbook bytes for every language (default: the manual's languages)."""
    return {xlsx_filename(lang): workbook_bytes(manual, lang) for lang in (languages or manual.info.languages)}


def workbook_bytes(manual: Manual, lang: str) -> bytes:
    """The workbook of one language, as the bytes of an .xlsx file."""
    sheets = _Sheets(manual, lang)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets.raci(workbook.create_sheet(sheet_name("raci", lang)))
    sheets.duties(workbook.create_sheet(sheet_name("duties", lang)))
    sheets.checklists(workbook.create_sheet(sheet_name("checklists", lang)))
    sheets.posts(workbook.create_sheet(sheet_name("posts", lang)))
    sheets.about(workbook.create_sheet(sheet_name("about", lang)))
    properties = workbook.properties
    properties.creator = f"officebook {__version__}"
    properties.title = _one_line(manual.info.title.get(lang))
    properties.subject = label("sheet-raci", lang)
    properties.keywords = WORKBOOK_FORMAT
    properties.language = lang
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_name(table: str, lang: str) -> str:
    """The sheet's name in `lang` (Excel allows 31 characters and none of `[]:*?/\\`)."""
    name = label(f"sheet-{table}", lang)
    for forbidden in "[]:*?/\\":
        name = name.replace(forbidden, " ")
    return name[:31]


def _one_line(text: str) -> str:
    """A title on one line: line breaks and runs of spaces become one space."""
    return " ".join(text.split())


def _clean(value: str) -> str:
    """Text Excel can store: control characters it rejects are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def display_width(text: str) -> float:
    """Width of the longest line in Excel's column units (CJK characters count two)."""
    widths = [sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in line)
              for line in (text.split(LINE_BREAK) if text else [""])]
    return max(widths)


@dataclass
class _Sheets:
    manual: Manual
    lang: str

    def __post_init__(self) -> None:
        family = _FONTS.get(self.lang.split("-")[0].lower(), _LATIN_FONT)
        self.font = Font(name=family, size=11)
        self.bold = Font(name=family, size=11, bold=True)
        self.muted = Font(name=family, size=9, color="595959")

    # ---- cells -------------------------------------------------------------------------------------

    def put(self, sheet: Worksheet, row: int, column: int, value: str, *, font: Font | None = None,
            fill: PatternFill | None = None, alignment: Alignment = _WRAP):
        """Write `value` as a string cell that can never be a formula or an error value."""
        cell = sheet.cell(row=row, column=column)
        cell.value = neutralise_cell(_clean(value))
        cell.data_type = "s"  # openpyxl would read a leading "=" as a formula and "#N/A" as an error
        cell.font = font or self.font
        cell.alignment = alignment
        cell.border = _BORDER
        if fill is not None:
            cell.fill = fill
        return cell

    def table(self, sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[str]],
              *, frozen_columns: int = 2) -> None:
        """A header row and data rows; the header (and `frozen_columns` id/title columns) stay in view."""
        widths = [display_width(h) for h in header]
        for column, text in enumerate(header, start=1):
            self.put(sheet, 1, column, text, font=self.bold, fill=_HEADER_FILL)
        for row_number, row in enumerate(rows, start=2):
            for column, text in enumerate(row, start=1):
                self.put(sheet, row_number, column, text, fill=_ID_FILL if column == 1 else None)
                widths[column - 1] = max(widths[column - 1], display_width(text))
        sheet.freeze_panes = sheet.cell(row=2, column=frozen_columns + 1)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, sheet.max_row)}"
        _set_widths(sheet, widths)
        _print_setup(sheet, 1)

    # ---- texts ---------------------------------------------------------------------------------------

    def title(self, kind: str, ident: str | None) -> str:
        item = self.manual.item(Ref(kind, ident)) if ident else None
        return _one_line(item.title.get(self.lang)) if item else ""

    def titles(self, kind: str, ids: Iterable[str]) -> str:
        return LINE_BREAK.join(self.title(kind, i) for i in ids)

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def id_header(self, key: str) -> str:
        return self.label("ids-of", field=self.label(key))

    # ---- sheets --------------------------------------------------------------------------------------

    def raci(self, sheet: Worksheet) -> None:
        """Duties × posts: titles and ids of both, R/A/C/I in the cells (the sheet `import` reads)."""
        manual = self.manual
        posts = manual.raci.posts
        self.put(sheet, 1, 1, self.id_header("duty"), font=self.bold, fill=_HEADER_FILL)
        self.put(sheet, 1, 2, self.label("duty"), font=self.bold, fill=_HEADER_FILL)
        self.put(sheet, 2, 1, "", fill=_ID_FILL)
        self.put(sheet, 2, 2, self.label("export-post-id"), font=self.muted, fill=_ID_FILL,
                 alignment=Alignment(horizontal="right", vertical="center"))
        title_lines = 1
        for offset, post in enumerate(posts):
            column = RACI_FIRST_POST_COLUMN + offset
            title = self.title("posts", post)
            self.put(sheet, 1, column, title, font=self.bold, fill=_HEADER_FILL, alignment=_CENTRE)
            self.put(sheet, 2, column, post, font=self.muted, fill=_ID_FILL, alignment=_CENTRE)
            title_lines = max(title_lines, -(-int(display_width(title)) // 12))
        widths = [display_width(self.id_header("duty")), display_width(self.label("duty"))]
        for row, duty in enumerate(manual.raci.duties, start=RACI_HEADER_ROWS + 1):
            title = self.title("duties", duty)
            self.put(sheet, row, 1, duty, fill=_ID_FILL)
            self.put(sheet, row, 2, title)
            widths = [max(widths[0], display_width(duty)), max(widths[1], display_width(title))]
            for offset, post in enumerate(posts):
                role = manual.raci.cell(duty, post)
                self.put(sheet, row, RACI_FIRST_POST_COLUMN + offset, role, alignment=_CENTRE,
                         fill=_ACCOUNTABLE_FILL if "A" in role.split("/") else None)
        sheet.freeze_panes = sheet.cell(row=RACI_HEADER_ROWS + 1, column=RACI_FIRST_POST_COLUMN)
        sheet.row_dimensions[1].height = 15 * min(title_lines, 6) + 6
        _set_widths(sheet, [*widths, *([13.0] * len(posts))])
        _print_setup(sheet, RACI_HEADER_ROWS)
        if posts and manual.raci.duties:
            # A drop-down of the usual values; other combinations (R/C …) may still be typed.
            choices = DataValidation(type="list", formula1='"R,A,C,I,R/A"', allow_blank=True,
                                     showErrorMessage=False, showInputMessage=True,
                                     promptTitle="R / A / C / I", prompt=self.label("raci-legend")[:255])
            last = get_column_letter(RACI_FIRST_POST_COLUMN + len(posts) - 1)
            choices.add(f"{get_column_letter(RACI_FIRST_POST_COLUMN)}{RACI_HEADER_ROWS + 1}:"
                        f"{last}{RACI_HEADER_ROWS + len(manual.raci.duties)}")
            sheet.add_data_validation(choices)

    def duties(self, sheet: Worksheet) -> None:
        header = [self.label("id"), self.label("duty"), self.id_header("function"), self.label("function"),
                  self.label("frequency")]
        for role in ("responsible", "accountable", "consulted", "informed"):
            header += [self.id_header(role), self.label(role)]
        header += [self.id_header("procedures"), self.label("procedures"), self.id_header("standards"),
                   self.label("standards"), self.id_header("maintainer"), self.label("maintainer"),
                   self.label("review-by"), self.label("summary")]
        rows = []
        for duty in self.manual.duties.values():
            raci = duty.raci
            row = [duty.id, self.title("duties", duty.id), duty.function or "", self.title("functions", duty.function),
                   self.label(duty.frequency) if duty.frequency else ""]
            for ids in (raci.responsible, (raci.accountable,) if raci.accountable else (), raci.consulted,
                        raci.informed):
                row += [LINE_BREAK.join(ids), self.titles("posts", ids)]
            row += [LINE_BREAK.join(duty.procedures), self.titles("procedures", duty.procedures),
                    LINE_BREAK.join(duty.standards), self.titles("standards", duty.standards),
                    duty.maintainer or "", self.title("posts", duty.maintainer), duty.review_by or "",
                    duty.summary.get(self.lang) if duty.summary else ""]
            rows.append(row)
        self.table(sheet, header, rows)

    def checklists(self, sheet: Worksheet) -> None:
        header = [self.label("export-post-id"), self.label("post"), self.label("export-list"),
                  self.label("export-key"), self.label("export-item"), self.label("entry-kind"),
                  self.id_header("source"), self.label("source"), self.label("export-detail")]
        rows = []
        manual = self.manual
        for post in manual.post_order:
            lists = manual.checklists[post]
            onboarding = manual.onboarding[post]
            sections: list[tuple[str, Sequence[ChecklistEntry]]] = [
                (self.label("export-onboarding-list", period=self.label(period)), getattr(onboarding, period))
                for period in ("first_day", "first_week", "first_month")
            ]
            sections += [(self.label(frequency), entries) for frequency, entries in lists.by_frequency.items()]
            sections += [(self.label("checklist-steps"), lists.steps), (self.label("checklist-criteria"), lists.criteria)]
            for section, entries in sections:
                for entry in entries:
                    source = entry.source
                    rows.append([post, self.title("posts", post), section, entry.key, entry.text.get(self.lang),
                                 self.label(SINGULAR[source.kind]), source.id, self._source(entry),
                                 entry.detail.get(self.lang) if entry.detail else ""])
        self.table(sheet, header, rows)

    def _source(self, entry: ChecklistEntry) -> str:
        title = self.title(entry.source.kind, entry.source.id)
        procedure = self.manual.item(entry.source)
        if entry.step is not None and isinstance(procedure, Procedure) and (step := procedure.step(entry.step)):
            return self.label("step-of", procedure=title, number=step.number)
        return title

    def posts(self, sheet: Worksheet) -> None:
        header = [self.label("id"), self.label("post"), self.id_header("reports-to"), self.label("reports-to"),
                  self.id_header("direct-reports"), self.label("direct-reports"), self.id_header("post-duties"),
                  self.label("post-duties"), self.label("summary"), self.label("competencies")]
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
        self.table(sheet, header, rows)

    def about(self, sheet: Worksheet) -> None:
        """What the workbook is; its first row marks it as officebook's for `officebook import`."""
        info = self.manual.info
        rows = [
            ("format", WORKBOOK_FORMAT, self.label("xlsx-format")),
            ("version", WORKBOOK_VERSION, ""),
            ("language", self.lang, self.label("language")),
            ("manual", _one_line(info.title.get(self.lang)), self.label("title")),
            ("organization", _one_line(info.organization.get(self.lang)), self.label("organization")),
            ("edition", info.edition, self.label("edition")),
            ("raci-sheet", sheet_name("raci", self.lang), self.label("sheet-raci")),
            ("generator", f"officebook {__version__}", ""),
        ]
        widths = [12.0, 30.0, 16.0]
        for row, values in enumerate(rows, start=1):
            for column, value in enumerate(values, start=1):
                self.put(sheet, row, column, value, font=self.bold if column == 1 else self.font)
                widths[column - 1] = max(widths[column - 1], display_width(value))
        note_row = len(rows) + 2
        for offset, key in enumerate(("xlsx-how-to-edit", "xlsx-how-to-import", "raci-legend")):
            cell = sheet.cell(row=note_row + offset, column=1,
                              value=neutralise_cell(self.label(key, sheet=sheet_name("raci", self.lang))))
            cell.data_type = "s"
            cell.font = self.font
        _set_widths(sheet, widths)




def _print_setup(sheet: Worksheet, header_rows: int) -> None:
    """Printed: A4 landscape, as wide as the page, the header repeated on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{header_rows}"


def _set_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(_MAX_WIDTH, max(_MIN_WIDTH, width + 2))
