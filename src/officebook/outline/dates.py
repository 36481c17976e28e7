"""Dates as each language writes them, the same in every output: 2026年12月1日 in Chinese, the ISO
date elsewhere; an official cover's month in Chinese numerals (二〇二六年十二月)."""

from __future__ import annotations

import re

from officebook.outline.numbering import chinese_numeral, chinese_year, is_chinese
from officebook.vocabulary.labels import format_date

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_text(value: str | None, lang: str) -> str:
    """A `YYYY-MM-DD` date as the reader writes it; empty without a date."""
    return format_date(str(value), lang) if value else ""


def cover_date(value: str | None, lang: str) -> str:
    """The month on a Chinese cover, in Chinese numerals: 二〇二六年十二月 (the date elsewhere)."""
    match = _ISO_DATE.fullmatch(str(value or ""))
    if not match:
        return ""
    if not (is_chinese(lang) or lang.lower().startswith("ja")):
        return date_text(str(value), lang)
    year, month, _day = match.groups()
    return chinese_year(year) + "年" + chinese_numeral(int(month)) + "月"
