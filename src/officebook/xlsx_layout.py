"""How a sheet of the workbook prints: A4 landscape, type never below 8 pt.

Excel's "fit to one page wide" shrinks a wide sheet until it fits, whatever the type size becomes (the
RACI matrix of fifteen posts printed at 2–4 pt). Here the width of every column is known when the sheet
is written, so the scale is computed instead: a sheet that fits the page at 80 % or more is fitted to
the page's width; a wider one is split by sections (a post's columns, a block of related fields) onto
pages side by side, each page repeating the header rows and the id/title columns, at one scale for the
whole sheet. Manual column breaks mark the sections: Excel and LibreOffice ignore them when "fit to
page" is on, so a split sheet prints at a fixed scale instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

PAGE_WIDTH_PT = 841.89  # A4 landscape
SIDE_MARGIN_IN = 0.4
PRINTABLE_WIDTH_PT = PAGE_WIDTH_PT - 2 * 72 * SIDE_MARGIN_IN
BODY_FONT_PT = 11.0
SMALLEST_FONT_PT = 10.0  # the ids under the post titles, the notes
MIN_PRINTED_PT = 8.0
MIN_SCALE = int(-(-MIN_PRINTED_PT * 100 // SMALLEST_FONT_PT))  # 80 %: 10 pt type prints at 8 pt
_SAFETY = 0.97  # column widths are estimated; keep a little room at the right edge
LINE_BREAK = "\n"


def column_points(width: float) -> float:
    """A column's printed width in points for Excel's width unit (characters of the default font's
    digit, plus 5 px padding at 96 px an inch). Excel's Calibri digit is 7 px; LibreOffice without
    Carlito lays the unit out at about 9.3 px: the wider figure is taken, so a page never overflows."""
    return (width * 9.3 + 5) * 0.75


@dataclass(frozen=True)
class PrintPlan:
    scale: int  # percent
    fit_to_width: bool  # one page wide ("fit to page"), or split at `breaks`
    breaks: tuple[int, ...] = ()  # 1-based: a new page starts after each of these columns

    @property
    def pages_wide(self) -> int:
        return len(self.breaks) + 1


def plan_columns(widths: Sequence[float], title_columns: int, sections: Sequence[int] = ()) -> PrintPlan:
    """The print plan of a sheet with these column widths. `sections` gives, for every column after the
    `title_columns`, the section it belongs to (a section's columns stay on one page where they fit);
    without it every column is a section of its own."""
    points = [column_points(w) for w in widths]
    room = PRINTABLE_WIDTH_PT * _SAFETY
    total = sum(points)
    if total <= room:
        return PrintPlan(100, True)
    if total * MIN_SCALE / 100 <= room:
        return PrintPlan(int(room * 100 // total), True)
    widest_page = room * 100 / MIN_SCALE
    titles = sum(points[:title_columns])
    groups = list(sections) or list(range(len(points) - title_columns))
    runs: list[list[int]] = []  # column indices (0-based) of each section, in order
    for offset, group in enumerate(groups):
        column = title_columns + offset
        if runs and groups[offset - 1] == group:
            runs[-1].append(column)
        else:
            runs.append([column])
    pages: list[list[int]] = [[]]
    width = titles
    for run in runs:
        run_width = sum(points[c] for c in run)
        if pages[-1] and width + run_width > widest_page:
            pages.append([])
            width = titles
        if titles + run_width <= widest_page:
            pages[-1].extend(run)
            width += run_width
            continue
        for column in run:  # a section wider than a page: its columns one by one
            if pages[-1] and width + points[column] > widest_page:
                pages.append([])
                width = titles
            pages[-1].append(column)
            width += points[column]
    if not sections and len(pages) > 1:  # columns of one kind (posts): as many on every page
        columns = [c for page in pages for c in page]
        per_page = -(-len(columns) // len(pages))
        pages = [columns[i:i + per_page] for i in range(0, len(columns), per_page)]
    widest = max(titles + sum(points[c] for c in page) for page in pages)
    scale = max(MIN_SCALE, min(100, int(room * 100 // widest)))
    return PrintPlan(scale, False, tuple(page[-1] + 1 for page in pages[:-1]))


def apply_print_setup(sheet, plan: PrintPlan, *, header_rows: int, title_columns: int, header: str,
                      footer: str, one_page: bool = False) -> None:
    """A4 landscape after `plan`, the header rows and title columns repeated on every page, a running
    header and footer (Excel's codes: `&P` page, `&N` pages, `&A` sheet)."""
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    if plan.fit_to_width:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        setup.fitToWidth = 1
        setup.fitToHeight = 1 if one_page else 0
    else:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        setup.scale = plan.scale
        for column in plan.breaks:
            sheet.col_breaks.append(Break(id=column))
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
    if title_columns:
        sheet.print_title_cols = f"A:{get_column_letter(title_columns)}"
    margins = sheet.page_margins
    margins.left = margins.right = SIDE_MARGIN_IN
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.3
    sheet.oddHeader.left.text = header
    sheet.oddHeader.left.size = SMALLEST_FONT_PT
    sheet.oddFooter.center.text = footer
    sheet.oddFooter.center.size = SMALLEST_FONT_PT


def header_footer_text(text: str) -> str:
    """Text for a running header: `&` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


# Ranges whose every character has the East Asian width W or F (tests/test_xlsx.py checks them against
# `unicodedata`): the script of a Chinese, Japanese or Korean manual is counted by one regular-expression
# scan; any other non-ASCII character is looked up one by one.
_WIDE_RANGES = ("\u1100-\u115f\u2e80-\u303e\u3041-\u3247\u3250-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6")
_WIDE = re.compile(f"[{_WIDE_RANGES}]")
_OTHER_NON_ASCII = re.compile(f"[^\x00-\x7f{_WIDE_RANGES}]")


def _line_width(line: str) -> int:
    others = _OTHER_NON_ASCII.findall(line)
    return len(line) + len(_WIDE.findall(line)) + sum(unicodedata.east_asian_width(c) in "WF" for c in others)


@lru_cache(maxsize=4096)  # post titles, list names and kinds repeat on every row
def display_width(text: str) -> float:
    """Width of the longest line in Excel's column units (CJK characters count two)."""
    if text.isascii():
        return float(max(len(line) for line in text.split(LINE_BREAK)))
    return float(max(_line_width(line) for line in text.split(LINE_BREAK)))


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide."""
    return sum(max(1, -(-int(display_width(line)) // max(1, int(width - 1)))) for line in text.split(LINE_BREAK))


def wrapped_lines(text: str, text_width: float, width: float) -> int:
    """How many lines `text` takes in a column `width` units wide, its longest line `text_width` wide."""
    if not text:
        return 1
    if LINE_BREAK in text:
        return text_lines(text, width)
    return max(1, -(-int(text_width) // max(1, int(width - 1))))
