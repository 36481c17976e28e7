"""Text measurement and line wrapping for generated SVG (no browser: widths are estimated).

Widths are estimates for Noto Sans / Noto Sans CJK in em units; they err on the wide side so that
wrapped text stays inside its box in any sans-serif font. Chinese wraps between any two characters,
except that closing punctuation never starts a line and opening punctuation never ends one.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

FONT_FAMILY = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Noto Sans', "
    "'PingFang SC', 'Microsoft YaHei', sans-serif"
)
ELLIPSIS = "…"
# Han, kana, hangul and CJK punctuation.
CJK_CHARACTERS = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
CJK_TEXT = re.compile(f"[{CJK_CHARACTERS}]")
_CLOSING = set("，。、；：？！）」』”’》〉】〕…,.;:?!)]}%")
_OPENING = set("（「『“‘《〈【〔([{")
_NARROW = set("il.,:;'|!ijtf()[]{}/\\\"` ")
_WIDE_LATIN = set("mwMW@%&")


def char_width(char: str) -> float:
    """Estimated advance of one character, in em."""
    if unicodedata.east_asian_width(char) in "WF":
        return 1.0
    if char in _NARROW:
        return 0.32
    if char in _WIDE_LATIN:
        return 0.86
    if char.isupper() or char.isdigit():
        return 0.64
    return 0.56


class _CharWidths(dict):
    """`char_width` of each character met, looked up in C: layouts measure every prefix of a line."""

    def __missing__(self, char: str) -> float:
        width = self[char] = char_width(char)
        return width


_CHAR_WIDTHS = _CharWidths()


def text_width(text: str, font_size: float) -> float:
    return sum(map(_CHAR_WIDTHS.__getitem__, text)) * font_size


def _units(text: str) -> list[str]:
    """Unbreakable units: a Latin word with its trailing space, a CJK character, kept punctuation."""
    raw = re.findall(r"[^\s\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+\s*|\S\s*|\s+", text)
    units: list[str] = []
    pending_opening = ""
    for unit in raw:
        if unit.strip() in _OPENING and len(unit.strip()) == 1:
            pending_opening += unit
            continue
        unit = pending_opening + unit
        pending_opening = ""
        if units and unit[0] in _CLOSING:
            units[-1] += unit
        else:
            units.append(unit)
    if pending_opening:
        units.append(pending_opening)
    return units


def wrap(text: str, width: float, font_size: float, *, max_lines: int = 0, first_width: float | None = None,
         overhang: float | None = None) -> list[str]:
    """Greedy line breaking to `width` px (`first_width` for the first line); an ellipsis ends the
    last line when the text needs more than `max_lines` (0 = no limit). A single word wider than
    the line may overhang it by `overhang` px (default 15 % of the width) before it is broken."""
    slack = 0.15 * width if overhang is None else overhang
    lines: list[str] = []
    current = ""
    for unit in _units(text.strip()):
        limit = first_width if (first_width is not None and not lines) else width
        candidate = current + unit
        if not current and not lines and text_width(unit.rstrip(), font_size) > limit + slack >= 0 \
                and text_width(unit.rstrip(), font_size) <= width + slack:
            lines.append("")  # a word too long for the short first line starts on the second
        if not current or text_width(candidate.rstrip(), font_size) <= limit:
            current = candidate
            continue
        lines.append(current.rstrip())
        current = unit.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    broken: list[str] = []
    for line in lines:
        limit = first_width if (first_width is not None and not broken) else width
        broken += _hard_break(line, limit, font_size, slack) if line else [line]
    lines = _no_lone_character(broken)
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + ELLIPSIS, font_size) > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + ELLIPSIS]
    return lines


def _no_lone_character(lines: list[str]) -> list[str]:
    """Chinese typesetting avoids a last line of one character: it takes the line above's last."""
    if len(lines) < 2 or len(lines[-1]) != 1 or not CJK_TEXT.match(lines[-1]) or lines[-1] in _CLOSING:
        return lines
    above = lines[-2]
    if len(above) < 3 or not CJK_TEXT.match(above[-1]) or above[-1] in _CLOSING or above[-2] in _OPENING:
        return lines
    return lines[:-2] + [above[:-1], above[-1] + lines[-1]]


def _hard_break(line: str, width: float, font_size: float, slack: float) -> list[str]:
    """Break a single over-long word (a URL, a long id) by characters."""
    if text_width(line, font_size) <= width + slack:
        return [line]
    parts: list[str] = []
    current = ""
    for char in line:
        if current and text_width(current + char, font_size) > width:
            parts.append(current)
            current = ""
        current += char
    if current:
        parts.append(current)
    return parts


def number(value: float) -> str:
    """A coordinate in SVG, deterministic: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def text_element(x: float, y: float, content: str, *, size: float, anchor: str = "start",
                 weight: str = "normal", fill: str = "#1f2937", style: str = "normal") -> str:
    """One line of SVG text with presentation attributes only (WeasyPrint draws these too)."""
    extra = ""
    if anchor != "start":
        extra += f' text-anchor="{anchor}"'
    if weight != "normal":
        extra += f' font-weight="{weight}"'
    if style != "normal":
        extra += f' font-style="{style}"'
    return (f'<text x="{number(x)}" y="{number(y)}" font-size="{number(size)}" fill="{fill}"{extra}>'
            f"{escape(content, quote=False)}</text>")
