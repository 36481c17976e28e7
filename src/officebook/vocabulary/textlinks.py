"""Links inside content Markdown: to items (`[label](kind/id)`, `[](kind/id)`, `kind/id#step-id`) and to
files under `content/assets/` (`![alt](assets/flow.png)`, `[form](assets/forms/draft.docx)`).

One small piece shared by the validator (targets that name nothing), the linker (back-references)
and the renderers (targets mapped to output URLs, empty labels filled with the item's title). It
finds inline links, images and reference definitions outside code spans and fences; every other
destination (absolute URLs, anchors, other paths) is left to the Markdown renderer.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

ASSETS = "assets/"
_ITEM_TARGET = re.compile(r"^(functions|duties|procedures|standards|posts)/([a-z0-9][a-z0-9-]{0,63})"
                          r"(?:#([A-Za-z0-9_-]*))?$")
# Python-Markdown's own link syntax, reduced to what an author writes: [label](destination "title").
_INLINE = re.compile(r"(!?)\[((?:[^\[\]\\\n]|\\.){0,500})\]\(\s*(<[^<>\n]{0,4096}>|[^\s()<>]{1,4096})(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)", re.MULTILINE)
# Possessive runs: a line of 100,000 backticks must not make the expression backtrack (check never hangs).
_FENCE = re.compile(r"^[ \t]*+(`{3,}+|~{3,}+)[^\n]*+\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True, slots=True)
class TextLink:
    """One link found in a text: where its destination (and label) sit, and what it points at."""

    target: str  # the destination as written, without angle brackets
    start: int  # span of the destination in the text
    end: int
    label_start: int  # span of the label; equal for reference definitions (no label)
    label_end: int
    image: bool
    reference: bool = False  # a reference definition `[name]: target` (no label of its own)
    whole_start: int = 0  # span of the whole link, `[label](target)`
    whole_end: int = 0


@dataclass(frozen=True, slots=True)
class ItemTarget:
    kind: str
    id: str
    fragment: str | None  # a step id for a procedure; None without '#'


def find_links(text: str) -> list[TextLink]:
    """Every inline link, image and reference definition of `text`, outside code."""
    if "](" not in text and "]:" not in text:
        return []
    masked = mask_code(text)
    found: list[TextLink] = []
    for match in _INLINE.finditer(masked):
        start, end = match.span(3)
        if masked[start] == "<":
            start, end = start + 1, end - 1
        found.append(TextLink(text[start:end], start, end, match.start(2), match.end(2), bool(match.group(1)),
                              whole_start=match.start(), whole_end=match.end()))
    for match in _REFERENCE.finditer(masked):
        start, end = match.span(1)
        if masked[start] == "<":
            start, end = start + 1, end - 1
        found.append(TextLink(text[start:end], start, end, start, start, False, reference=True,
                              whole_start=match.start(), whole_end=match.end()))
    return sorted(found, key=lambda link: link.start)


def item_target(target: str) -> ItemTarget | None:
    """`procedures/document-review#check` → ItemTarget("procedures", "document-review", "check")."""
    match = _ITEM_TARGET.match(target)
    if not match:
        return None
    return ItemTarget(match.group(1), match.group(2), match.group(3))


def asset_target(target: str) -> str | None:
    """The content-relative path (`assets/forms/draft.docx`) a destination names, or None when it is
    no asset link. A path that climbs out of `assets/` is returned as written (it names no asset)."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path.startswith(ASSETS):
        return None
    normal = posixpath.normpath(path)
    return normal if normal.startswith(ASSETS) else path


def rewrite_links(text: str, replace: Callable[[TextLink], tuple[str | None, str | None] | None]) -> str:
    """`text` with each link that `replace` maps to (new destination, label or None) rewritten.

    The label is put in only where the author left it empty (`[](kind/id)`); `replace` returning
    None leaves the link as written; a destination of None keeps only the label (no link).
    """
    links = find_links(text)
    if not links:
        return text
    pieces: list[str] = []
    position = 0
    for link in links:
        replaced = replace(link)
        if replaced is None:
            continue
        destination, label = replaced
        if destination is None and not link.reference:
            written = text[link.label_start:link.label_end]
            pieces.append(text[position:link.whole_start] + (written if written.strip() else label or ""))
            position = link.whole_end
            continue
        if destination is None:
            continue
        if label is not None and not link.reference and not text[link.label_start:link.label_end].strip():
            pieces.append(text[position:link.label_start] + label)
            position = link.label_end
        pieces.append(text[position:link.start] + _destination(destination))
        position = link.end
    pieces.append(text[position:])
    return "".join(pieces)


def _destination(url: str) -> str:
    return f"<{url}>" if any(c in url for c in " ()<>") else url


def mask_code(text: str) -> str:
    """`text` with code fences and code spans blanked out (same length, so offsets hold)."""
    if "`" not in text and "~~~" not in text:
        return text

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    text = _FENCE.sub(blank, text)
    pieces, position = [], 0
    for start, end in code_spans(text):
        pieces += [text[position:start], re.sub(r"[^\n]", " ", text[start:end])]
        position = end
    return "".join([*pieces, text[position:]])


def code_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every code span: a run of backticks up to the next run of the same length.

    Written as a scan rather than one regular expression, which backtracks without end on a long run
    of backticks (`check` must never hang): O(n log n) in the number of runs."""
    from bisect import bisect_right

    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        if start and text[start - 1] == "\\":  # an escaped backtick opens nothing
            index += 1
            continue
        same = by_length[end - start]
        following = bisect_right(same, index)
        if following == len(same):
            index += 1
            continue
        closing = same[following]
        spans.append((start, runs[closing][1]))
        index = closing + 1
    return spans
