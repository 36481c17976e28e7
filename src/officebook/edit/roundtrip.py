"""Write an edited item back into its YAML file, keeping everything the author did not change.

ruamel.yaml's round-trip mode is the library of the field: it keeps comments, key order, quoting
and block or flow style of the values it re-emits. It re-emits the whole document, though, with one
indentation for every file, so a file indented differently would change on lines nobody touched.
`rewrite` therefore lets ruamel produce the edited document, then carries over only the lines that
the edit changed: lines where ruamel's unmodified dump, its edited dump and the author's file agree
anchor the three texts, and between two anchors the author's lines are kept unless the edit changed
that stretch. On files ruamel reproduces exactly (every file of the default manual) the result is
ruamel's own; on others only the edited stretch takes ruamel's layout.

New items are written in block style: one `zh:`/`en:` line per language, lists of ids in flow style.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString

from officebook.i18n import gettext as _
from officebook.load import LoadLimits, load_bytes

# Keys every item may carry that new items write after their kind's own fields (as the default manual does).
TRAILING_KEYS = ("tags", "maintainer", "review_by", "source", "order")


class RoundTripError(Exception):
    """The edited document could not be written so that it reads back as the edit."""


# (mapping indent, sequence indent, dash offset): the default manual's, then other common layouts.
LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 5, 3), (3, 3, 0))
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _yaml(layout: tuple[int, int, int] = LAYOUTS[0]) -> YAML:
    handler = YAML()  # round-trip
    handler.preserve_quotes = True
    handler.width = 1_000_000  # never fold a long line the author wrote on one
    mapping, sequence, offset = layout
    handler.indent(mapping=mapping, sequence=sequence, offset=offset)
    handler.allow_unicode = True
    return handler


def _dump(document: Any, layout: tuple[int, int, int] = LAYOUTS[0]) -> str:
    out = io.StringIO()
    _yaml(layout).dump(document, out)
    return out.getvalue()


def _layout_of(original: str, document: Any) -> tuple[tuple[int, int, int], str]:
    """The indentation layout under which ruamel reproduces most of the author's lines, and that dump."""
    best: tuple[float, tuple[int, int, int], str] | None = None
    for layout in LAYOUTS:
        dumped = _dump(document, layout)
        if dumped == original:
            return layout, dumped
        score = difflib.SequenceMatcher(None, original.splitlines(), dumped.splitlines(), autojunk=False).ratio()
        if best is None or score > best[0]:
            best = (score, layout, dumped)
        if score > 0.95:  # near enough: the lines that differ are carried over from the author's file
            break
    assert best is not None
    return best[1], best[2]


def plain(value: Any) -> Any:
    """ruamel's values as the officebook loader reads them (dates as YYYY-MM-DD strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def _misread(text: str) -> bool:
    """True when PyYAML (YAML 1.1, as officebook reads) would not read `text` unquoted as this string
    (`yes`, `on`, `2026.1`, `1_000`, `2026-12-01`...)."""
    try:
        return yaml.safe_load(text) != text
    except yaml.YAMLError:
        return True


def _scalar(value: Any, like: Any = None) -> Any:
    """A new scalar for the document: a multi-line string as a literal block, a string PyYAML would
    misread quoted, and the quoting of the value it replaces (`like`) kept."""
    if not isinstance(value, str):
        return value
    if DATE.match(value):
        try:
            return dt.date.fromisoformat(value)  # written as the author writes dates: unquoted
        except ValueError:
            pass
    if "\n" in value.rstrip("\n") or (isinstance(like, LiteralScalarString) and "\n" in value):
        if not any(line != line.rstrip() or "\t" in line for line in value.split("\n")):
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value)
    if isinstance(like, SingleQuotedScalarString) and "'" not in value:
        return SingleQuotedScalarString(value)
    if isinstance(like, DoubleQuotedScalarString) or (value and _misread(value)) or value != value.strip() \
            or any(ord(c) < 32 for c in value):
        return DoubleQuotedScalarString(value)
    return value


def _merge(node: Any, new: Any) -> Any:
    """`node` (ruamel) changed in place to hold `new` (plain); returns the value to store."""
    if plain(node) == new:
        return node
    if isinstance(node, CommentedMap) and isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            del node[key]
        for key, value in new.items():
            if key in node:
                node[key] = _merge(node[key], value)
            else:
                node[key] = _fresh(value, key)
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list):
        if _by_id(node, new):
            return _merge_by_id(node, new)
        while len(node) > len(new):
            del node[len(node) - 1]
        for index, value in enumerate(new):
            if index < len(node):
                node[index] = _merge(node[index], value)
            else:
                node.append(_fresh(value))
        return node
    return _fresh(new, like=node)


def _by_id(node: CommentedSeq, new: list) -> bool:
    """Whether a list's entries are known by their ids (a procedure's steps): every entry, old and new,
    a mapping with an id, and no id twice."""
    old_ids = [entry.get("id") if isinstance(entry, CommentedMap) else None for entry in node]
    new_ids = [entry.get("id") if isinstance(entry, dict) else None for entry in new]
    return bool(old_ids) and all(isinstance(i, str) for i in old_ids + new_ids) \
        and len(set(old_ids)) == len(old_ids) and len(set(new_ids)) == len(new_ids)


def _merge_by_id(node: CommentedSeq, new: list) -> CommentedSeq:
    """Entries matched by id, not by position: removing, adding or moving a step changes only its own
    lines (by position, every step after a removed one would be rewritten into the one before it)."""
    position = {entry["id"]: index for index, entry in enumerate(node)}
    comments = dict(node.ca.items)  # comments between entries belong to the entry they follow
    entries = [_merge(node[position[value["id"]]], value) if value["id"] in position else _fresh(value)
               for value in new]
    while len(node):
        node.pop()
    node.ca.items.clear()
    for index, (value, entry) in enumerate(zip(new, entries, strict=True)):
        node.append(entry)
        if position.get(value["id"]) in comments:
            node.ca.items[index] = comments[position[value["id"]]]
    return node


def _fresh(value: Any, key: str | None = None, like: Any = None) -> Any:
    """A new value in block style; a list of plain scalars (ids) in flow style, as authors write them."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        for k, v in value.items():
            mapping[k] = _fresh(v, k)
        mapping.fa.set_block_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_fresh(v) for v in value)
        flow = value and all(isinstance(v, str) and "\n" not in v and len(v) <= 64 and v.isascii() for v in value)
        if flow and key not in ("tags",):
            sequence.fa.set_flow_style()
        else:
            sequence.fa.set_block_style()
        return sequence
    return _scalar(value, like)


def _reads_as(text: str, expected: Any) -> bool:
    data, diagnostics = load_bytes(text.encode("utf-8"), "edit.yaml", LoadLimits())
    return not any(d.is_error for d in diagnostics) and data == expected


def rewrite(original: str, new: dict) -> str:
    """`original` (a YAML mapping) changed to hold `new`, keeping the author's lines wherever the
    edit did not reach them. Raises RoundTripError when no text reads back as `new`."""
    handler = _yaml()
    document = handler.load(original)
    if not isinstance(document, CommentedMap):
        raise RoundTripError(_("the file's top level is not a mapping"))
    layout, baseline = _layout_of(original, document)
    document = _merge(document, new)
    edited = _dump(document, layout)
    candidate = carry_over(original, baseline, edited)
    if _reads_as(candidate, new):
        return candidate
    if _reads_as(edited, new):  # the carried-over text does not read back: ruamel's whole document
        return edited
    raise RoundTripError(_("the edited document does not read back as the edit"))


def carry_over(original: str, baseline: str, edited: str) -> str:
    """The author's `original` with the stretches that differ between `baseline` (ruamel's dump of the
    unchanged document) and `edited` (its dump of the edited one) replaced by the edited lines."""
    if original == baseline:
        return edited
    o_lines, b_lines, e_lines = (text.splitlines(keepends=True) for text in (original, baseline, edited))
    b_to_o = _line_map(b_lines, o_lines)
    b_to_e = _line_map(b_lines, e_lines)
    anchors = [(-1, -1, -1)] + [(b_to_o[b], b, b_to_e[b]) for b in range(len(b_lines))
                                if b in b_to_o and b in b_to_e]
    anchors.append((len(o_lines), len(b_lines), len(e_lines)))
    out: list[str] = []
    for (o1, b1, e1), (o2, b2, e2) in zip(anchors, anchors[1:], strict=False):
        if b_lines[b1 + 1:b2] == e_lines[e1 + 1:e2]:
            out += o_lines[o1 + 1:o2]
        else:
            out += e_lines[e1 + 1:e2]
        if o2 < len(o_lines):
            out.append(o_lines[o2])
    return "".join(out)


def _line_map(a: list[str], b: list[str]) -> dict[int, int]:
    """Line numbers of `a` → the equal line of `b`, along the longest matching blocks (monotonic)."""
    found: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for offset in range(block.size):
            found[block.a + offset] = block.b + offset
    return found


def ordered_for_new(kind: str, item: dict, schema_order: list[str]) -> dict:
    """A new item's keys in the order authors read them: title, summary, the kind's own fields in
    schema order, then tags, maintainer, review date, source and order."""
    head = [k for k in ("title", "summary") if k in item]
    own = [k for k in schema_order if k in item and k not in head and k not in TRAILING_KEYS]
    tail = [k for k in TRAILING_KEYS if k in item]
    rest = [k for k in item if k not in head + own + tail]
    return {k: item[k] for k in head + own + rest + tail}


def new_document(item: dict) -> str:
    """A new file for `item`, in block style."""
    text = _dump(_fresh(item))
    if not _reads_as(text, item):
        raise RoundTripError(_("the new document does not read back as the item"))
    return text
