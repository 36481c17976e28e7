"""Numbers of headings and cross-references, one scheme per language for every output.

Chinese follows the official hierarchy of 党政机关公文格式 (GB/T 9704): 一、 （一） 1. （1）, and a
cross-reference names the chapter and the entry: 三（二）. Other languages number in one decimal
scheme: 3, 3.2, 3.2.1, and refer to an entry as 3.2.
"""

from __future__ import annotations

from dataclasses import dataclass

_CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """一 … 九十九 (numbers outside 1–99 stay in digits)."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    return (("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" if tens else "") + (
        _CHINESE_DIGITS[units] if units else "")


def chinese_year(year: str) -> str:
    """二〇二六: a year digit by digit, as on an official cover."""
    return "".join(_CHINESE_DIGITS[int(d)] for d in year)


def is_chinese(lang: str) -> bool:
    return lang.replace("_", "-").lower().split("-")[0] == "zh"


@dataclass(frozen=True)
class Numbering:
    """The numbering scheme of one language's documents."""

    official: bool  # 一、（一）1.（1）; else decimal

    @property
    def gap(self) -> str:
        """Between a number and its title: none after 一、 or （一）, a space after 3.2."""
        return "" if self.official else " "

    def chapter(self, chapter: int) -> str:
        return f"{chinese_numeral(chapter)}、" if self.official else str(chapter)

    def entry(self, chapter: int, entry: int) -> str:
        """An entry of a chapter (a duty, a procedure …), or a part of a booklet's chapter."""
        return f"（{chinese_numeral(entry)}）" if self.official else f"{chapter}.{entry}"

    def section(self, chapter: int, entry: int, section: int) -> str:
        """A section of an entry (its steps, its tasks …): 1. in Chinese, 3.2.1 elsewhere."""
        return f"{section}." if self.official else f"{chapter}.{entry}.{section}"

    def section_heading(self, section: int) -> str:
        """The number of a section's heading inside an entry: 1. in Chinese; none in the decimal scheme,
        whose entries are the deepest numbered headings."""
        return f"{section}." if self.official else ""

    def point_heading(self, point: int) -> str:
        return f"（{point}）" if self.official else ""

    def point(self, point: int) -> str:
        """The fourth level, and the items of a numbered list under a section: （1）, or 1."""
        return f"（{point}）" if self.official else f"{point}."

    def reference(self, chapter: int, entry: int) -> str:
        """An entry as another entry refers to it: 三（二） in Chinese, 3.2 elsewhere."""
        return f"{chinese_numeral(chapter)}（{chinese_numeral(entry)}）" if self.official else f"{chapter}.{entry}"

    def heading(self, number: str, title: str) -> str:
        return f"{number}{self.gap}{title}" if number else title


def numbering_for(lang: str) -> Numbering:
    return Numbering(official=is_chinese(lang))
