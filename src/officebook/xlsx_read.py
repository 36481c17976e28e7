"""Reading a workbook for `officebook import`, bounded before anything is parsed.

A workbook comes from outside: edited in Excel, WPS or LibreOffice, mailed around, or made to hurt. Before
openpyxl parses anything the file is measured: its size, then from the zip directory every part's
unpacked size and compression ratio (a 1.5 MB zip bomb declares 1.5 GB); the parts openpyxl reads
whole or that are iterated here are limited again. Then openpyxl's read-only mode reads only the
sheets needed — the facts sheet, the RACI sheet — row by row, cells that exist only: a sheet's declared
dimension (`A1:XFD1048576`) is refused before its first row, and reading stops at the first row or
column past the limits whatever the dimension said. Every failure of a file that cannot be read —
a broken zip, broken XML, a part past a limit — is one `WorkbookError` line, never a traceback.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from officebook.i18n import gettext as _
from officebook.xlsx import BASELINE_HEADER, RACI_FIRST_POST_COLUMN, RACI_HEADER_ROWS, WORKBOOK_FORMAT

MAX_DUTY_ROWS = 50_000  # far above any manual: rows of duties in the RACI sheet
MAX_POST_COLUMNS = 1000  # posts in the RACI sheet (the 10,000-item bench manual has 500)
MAX_WORKBOOK_BYTES = 64 * 2**20
MAX_PART_BYTES = 64 * 2**20  # unpacked: any part openpyxl parses whole or that is read here
MAX_TOTAL_BYTES = 1024 * 2**20  # unpacked: every part together
MAX_RATIO = 100  # unpacked / packed, for a part over RATIO_FLOOR unpacked
RATIO_FLOOR = 2**20
UNDECLARED_SHEET_BYTES = 4 * 2**20  # a sheet larger than this must declare its dimension
_HEAD_BYTES = 64 * 2**10
MAX_FACT_ROWS = MAX_DUTY_ROWS + 100
_WHOLE_PARTS = ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml")


class WorkbookError(Exception):
    """The workbook cannot be read as officebook's RACI sheet (exit 2): not a workbook, not ours, or
    past a limit."""


@dataclass(frozen=True)
class SheetRow:
    row: int
    duty: str
    roles: dict[str, str]  # post id -> the letters as written in the cell ("" for none)


@dataclass(frozen=True)
class Baseline:
    """What the workbook was exported from: the manual, and every duty's roles at the export."""

    manual_key: str
    manual_title: str
    roles: dict[str, dict[str, tuple[str, ...]]]  # duty -> role -> posts


@dataclass(frozen=True)
class RaciSheet:
    path: Path
    sheet: str
    posts: tuple[tuple[str, str], ...]  # (column letter, post id)
    rows: tuple[SheetRow, ...]
    problems: tuple[str, ...] = ()  # cells that cannot be read (found while reading)
    language: str = ""  # the workbook's language
    baseline: Baseline | None = None  # None: a workbook of the first version, without one
    facts: dict[str, str] = field(default_factory=dict)


def text(value: object) -> str:
    if value is None:
        return ""
    shown = str(value).strip()
    return shown[1:] if shown.startswith("'") else shown  # neutralise_cell's apostrophe


def _unreadable(path: Path, reason: object) -> WorkbookError:
    first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return WorkbookError(_("{path}: not an Excel workbook (.xlsx) that can be read ({reason})").format(
        path=path, reason=first_line[:200]))


def measure_zip(path: Path) -> None:
    """Refuse a file whose size, or whose parts' unpacked sizes or compression ratios, are past the
    limits — from the zip directory alone, before anything is unpacked."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _unreadable(path, error.strerror or error) from None
    if size > MAX_WORKBOOK_BYTES:
        raise WorkbookError(_("{path}: {size} MiB is more than a workbook of RACI letters can be (at most {limit} "
                              "MiB); was the right file given?").format(
            path=path, size=round(size / 2**20, 1), limit=MAX_WORKBOOK_BYTES // 2**20))
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _unreadable(path, error) from None
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(1, part.compress_size)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise WorkbookError(_("{path}: part {part} unpacks {ratio}× its size ({size} MiB): refused as a zip "
                                  "bomb, not read").format(path=path, part=part.filename, ratio=int(ratio),
                                                           size=round(part.file_size / 2**20)))
        if part.filename in _WHOLE_PARTS and part.file_size > MAX_PART_BYTES:
            raise _too_large(path, part.filename, part.file_size)
        if part.filename.startswith("xl/worksheets/") and part.file_size > UNDECLARED_SHEET_BYTES:
            _check_declared(path, part)
    if total > MAX_TOTAL_BYTES:
        raise WorkbookError(_("{path}: its parts unpack to {size} MiB, more than {limit} MiB: not read").format(
            path=path, size=round(total / 2**20), limit=MAX_TOTAL_BYTES // 2**20))


def _check_declared(path: Path, part: zipfile.ZipInfo) -> None:
    """A large sheet must declare its dimension before its rows: openpyxl's read-only mode reads a sheet
    without one to its end when the workbook is opened (Excel, WPS, LibreOffice and officebook always
    write it). Only the sheet's first kilobytes are unpacked to see."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            head = stream.read(_HEAD_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _unreadable(path, error) from None
    if b"dimension" not in head.split(b"sheetData", 1)[0]:
        raise WorkbookError(_("{path}: part {part} unpacks to {size} MiB and does not say how many rows it has: "
                              "not read").format(path=path, part=part.filename, size=round(part.file_size / 2**20)))


def _too_large(path: Path, part: str, size: int) -> WorkbookError:
    return WorkbookError(_("{path}: part {part} unpacks to {size} MiB, more than {limit} MiB: not read").format(
        path=path, part=part, size=round(size / 2**20), limit=MAX_PART_BYTES // 2**20))


def read_raci_sheet(path: Path) -> RaciSheet:
    """The RACI sheet of an officebook workbook, with its baseline; `WorkbookError` when the file is not
    one, cannot be read, or is past a limit."""
    from openpyxl import load_workbook

    measure_zip(path)
    try:
        with warnings.catch_warnings():  # openpyxl warns about parts of Excel's files it does not keep
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=False)
            try:
                return _read(path, workbook)
            finally:
                workbook.close()
    except WorkbookError:
        raise
    except Exception as error:  # any failure to parse a file from outside means "unreadable"
        raise _unreadable(path, error) from None


def _rows(path: Path, sheet, max_rows: int, max_columns: int) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the rows of `sheet` that exist, refusing a sheet past the limits: its
    declared dimension first, then the rows and columns really there."""
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if declared_rows > max_rows or declared_columns > max_columns:
        raise _past_limits(path, sheet.title, max_rows, max_columns)
    part = getattr(sheet, "_worksheet_path", None)  # openpyxl's name for the sheet's zip part
    if part:
        size = sheet.parent._archive.getinfo(part).file_size
        if size > MAX_PART_BYTES:
            raise _too_large(path, part, size)
    sheet.reset_dimensions()  # iterate what is there, not what the dimension claims
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > max_rows or len(values) > max_columns:
            raise _past_limits(path, sheet.title, max_rows, max_columns)
        if values:
            yield number, values


def _past_limits(path: Path, name: str, max_rows: int, max_columns: int) -> WorkbookError:
    return WorkbookError(_("{path}: sheet {name!r} reaches past row {rows:,} or column {columns:,} (a cell far "
                           "away, or far more rows than a manual has duties): not read").format(
        path=path, name=name, rows=max_rows, columns=max_columns))


def _first_cells(sheet) -> tuple[str, str]:
    for values in sheet.iter_rows(min_row=1, max_row=1, max_col=2, values_only=True):
        return text(values[0]) if values else "", text(values[1]) if len(values) > 1 else ""
    return "", ""


def _read(path: Path, workbook) -> RaciSheet:
    facts_sheet = next((s for s in workbook.worksheets if _first_cells(s) == ("format", WORKBOOK_FORMAT)), None)
    if facts_sheet is None:
        raise WorkbookError(_("{path}: not a workbook exported by officebook (export --format xlsx): "
                              "no sheet starts with format = {format}").format(path=path, format=WORKBOOK_FORMAT))
    facts: dict[str, str] = {}
    baseline_rows: list[tuple[str, str]] = []
    in_baseline = False
    for _number, values in _rows(path, facts_sheet, MAX_FACT_ROWS, 16):
        key, value = text(values[0]), text(values[1]) if len(values) > 1 else ""
        if in_baseline and key:
            baseline_rows.append((key, value))
        elif key == BASELINE_HEADER:
            in_baseline = True
        elif key and key not in facts:
            facts[key] = value
    name = facts.get("raci-sheet", "")
    if name not in workbook.sheetnames:
        raise WorkbookError(_("{path}: the RACI sheet {name!r} named on sheet {about!r} is missing "
                              "(sheets: {sheets})").format(path=path, name=name, about=facts_sheet.title,
                                                           sheets=", ".join(workbook.sheetnames)))
    baseline = _baseline(path, facts, baseline_rows) if facts.get("version", "1") != "1" else None
    return _raci(path, workbook[name], facts, baseline)


def _baseline(path: Path, facts: dict[str, str], rows: Sequence[tuple[str, str]]) -> Baseline:
    from officebook.xlsx import baseline_fingerprint

    if baseline_fingerprint(rows) != facts.get("fingerprint"):
        raise WorkbookError(_("{path}: the record of what this workbook was exported from (its hidden sheet) "
                              "was changed, so the cells you edited cannot be told apart: export the workbook "
                              "again and make the changes there").format(path=path))
    roles: dict[str, dict[str, tuple[str, ...]]] = {}
    for duty, written in rows:
        try:
            parsed = json.loads(written)
            roles[duty] = {role: tuple(str(p) for p in posts) for role, posts in parsed.items()}
        except (ValueError, AttributeError, TypeError) as error:
            raise _unreadable(path, error) from None
    return Baseline(facts.get("manual-key", ""), facts.get("manual-default-title", ""), roles)


def _raci(path: Path, sheet, facts: dict[str, str], baseline: Baseline | None) -> RaciSheet:
    from openpyxl.utils import get_column_letter

    name = sheet.title
    where = f"{path}: {name}!"
    problems: list[str] = []
    rows_read = list(_rows(path, sheet, MAX_DUTY_ROWS + RACI_HEADER_ROWS, MAX_POST_COLUMNS + RACI_FIRST_POST_COLUMN))
    header = next((values for number, values in rows_read if number == RACI_HEADER_ROWS), ())
    body = [(number, values) for number, values in rows_read if number > RACI_HEADER_ROWS]
    width = max([len(header), *(len(values) for _, values in body)], default=0)
    filled_columns = {index for _, values in body for index, value in enumerate(values) if text(value)}
    posts: list[tuple[str, str]] = []
    columns: list[int] = []
    for index in range(RACI_FIRST_POST_COLUMN - 1, width):
        letter = get_column_letter(index + 1)
        post = text(header[index]) if index < len(header) else ""
        if not post:
            if index in filled_columns:
                problems.append(_("{cell}: a column of roles without a post id (write the post's id in row "
                                  "{row})").format(cell=f"{where}{letter}{RACI_HEADER_ROWS}", row=RACI_HEADER_ROWS))
            continue
        if any(post == known for _, known in posts):
            problems.append(_("{cell}: post {post!r} has a second column").format(
                cell=f"{where}{letter}{RACI_HEADER_ROWS}", post=post))
            continue
        posts.append((letter, post))
        columns.append(index)
    if not posts:
        raise WorkbookError(_("{path}: sheet {name!r} has no post ids in row {row}: not officebook's RACI sheet").format(
            path=path, name=name, row=RACI_HEADER_ROWS))
    rows: list[SheetRow] = []
    seen: dict[str, int] = {}
    for number, values in body:
        duty = text(values[0])
        cells = {post: values[index] if index < len(values) else None for index, (_, post) in zip(columns, posts, strict=True)}
        if not duty:
            if any(text(v) for v in cells.values()):
                problems.append(_("{cell}: a row of roles without a duty id").format(cell=f"{where}A{number}"))
            continue
        if duty in seen:
            problems.append(_("{cell}: duty {duty!r} is already in row {row}").format(
                cell=f"{where}A{number}", duty=duty, row=seen[duty]))
            continue
        seen[duty] = number
        roles: dict[str, str] = {}
        for letter, post in posts:
            value = cells[post]
            if isinstance(value, str) and value.startswith("="):
                problems.append(_("{cell}: a formula; type the letters R, A, C or I instead").format(
                    cell=f"{where}{letter}{number}"))
                continue
            roles[post] = text(value)
        rows.append(SheetRow(number, duty, roles))
    return RaciSheet(path, name, tuple(posts), tuple(rows), tuple(problems), facts.get("language", ""), baseline,
                     facts)
