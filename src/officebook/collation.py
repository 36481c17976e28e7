"""Sort keys for entries that have no `order`: titles, glossary terms, index lists and exports.

Code-point order puts Chinese in an order no reader knows. `manual.yaml` `collation` chooses:

- `pinyin` (the default): by Hanyu Pinyin with tones, as Chinese dictionaries and indexes sort —
  pypinyin reads each character in its phrase (重庆 is chóng qìng);
- `stroke`: by the number of strokes of each character in turn, as lists of names in Chinese official
  documents are ordered (笔画排序), from the Unihan database's kTotalStrokes (Debian's `unicode-data`
  package, /usr/share/unicode); where that file is missing, pinyin is used instead;
- `codepoint`: Unicode order, as before.

Digits and Latin letters come before Chinese characters, compared without case.
"""

from __future__ import annotations

import bz2
import re
from functools import cache, lru_cache
from pathlib import Path

DEFAULT_COLLATION = "pinyin"
UNIHAN_STROKES = (Path("/usr/share/unicode/Unihan_IRGSources.txt.bz2"), Path("/usr/share/unicode/Unihan_IRGSources.txt"))

_HAN = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@cache
def _strokes() -> dict[str, int] | None:
    """Character → total strokes, from the Unihan database; None when it is not installed."""
    for path in UNIHAN_STROKES:
        try:
            opener = bz2.open if path.suffix == ".bz2" else open
            with opener(path, "rt", encoding="utf-8") as lines:
                found = {}
                for line in lines:
                    if "\tkTotalStrokes\t" in line:
                        code, _, value = line.rstrip("\n").split("\t")
                        found[chr(int(code[2:], 16))] = int(value.split()[0])
                return found
        except OSError:
            continue
    return None


def stroke_data_available() -> bool:
    return _strokes() is not None


def _readings(text: str) -> list[str]:
    """One pinyin syllable (tone as a digit, 5 for the neutral tone) per character; other
    characters stand for themselves."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda chars: list(chars))
    if len(syllables) != len(text):  # pypinyin kept a run together: read character by character
        syllables = [lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True,
                                 errors=lambda chars: list(chars))[0] for ch in text]
    return syllables


@lru_cache(maxsize=65536)
def sort_key(text: str, collation: str = DEFAULT_COLLATION) -> tuple:
    """The key that sorts `text` by `collation` (see the module docstring)."""
    if collation == "codepoint":
        return (text,)
    strokes = _strokes() if collation == "stroke" else None
    readings = _readings(text)
    key = []
    for char, reading in zip(text, readings, strict=True):
        if _HAN.match(char):
            count = strokes.get(char, 99) if strokes is not None else 0
            key.append((1, count, reading, char) if strokes is not None else (1, reading, char))
        else:
            key.append((0, char.casefold(), char))
    return tuple(key)
