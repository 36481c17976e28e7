"""A new item's id, proposed from its title: pinyin for Chinese (值班交接 → zhi-ban-jiao-jie), the
words of a Latin title, always matching the contract's pattern and free within its kind."""

from __future__ import annotations

import re
from collections.abc import Iterable

from officebook.validate import ID_PATTERN

MAX_LENGTH = 48  # room for a "-2" suffix, and short enough to type


def _words(title: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(title, style=Style.NORMAL, errors=lambda chars: [chars], v_to_u=False)
    words: list[str] = []
    for piece in syllables:
        words += re.findall(r"[a-z0-9]+", piece.lower().replace("ü", "v"))
    return words


def propose_id(titles: Iterable[str], taken: Iterable[str] = ()) -> str:
    """An id from the first title that yields one (the default language's first), unique among `taken`."""
    base = ""
    for title in titles:
        if not isinstance(title, str):
            continue
        words = _words(title)
        while words and len("-".join(words)) > MAX_LENGTH:
            words.pop()
        base = "-".join(words)
        if base:
            break
    base = base or "item"
    taken = set(taken)
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    assert ID_PATTERN.match(candidate)
    return candidate
