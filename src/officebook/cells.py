"""Spreadsheet cells that can never start a formula.

A cell whose text begins, after any leading whitespace, with `=`, `+`, `-`, `@`, a tab or a carriage
return is read as a formula by Excel, WPS and LibreOffice (OWASP, "CSV Injection"). Every CSV and
spreadsheet output passes its text cells through `neutralise_cell`, which prefixes such a cell with an
apostrophe, so the spreadsheet shows the text and runs nothing.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(value: str) -> bool:
    """True when a spreadsheet would read `value` as a formula."""
    if value.startswith(("\t", "\r")):
        return True
    return value.lstrip(" \u3000\u00a0\n").startswith(FORMULA_STARTS)


def neutralise_cell(value: str) -> str:
    """`value`, prefixed with an apostrophe when a spreadsheet would otherwise read it as a formula."""
    return "'" + value if starts_formula(value) else value
