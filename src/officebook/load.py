"""Load YAML files into plain values, keeping where every value stands.

Safe YAML only (libyaml's composer when available, our own construction): duplicate keys, unsafe or
unknown tags, non-string keys, tab indentation, non-UTF-8 bytes, empty and oversize files and alias
bombs are diagnostics, never exceptions. Positions (line and column, 1-based) are computed on demand:
`LoadedFile.positions` re-reads the file only when a finding needs to point into it.
"""

from __future__ import annotations

import marshal
import os
import stat as stat_module
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from officebook.diagnostics import Diagnostic, Severity, YamlPath
from officebook.i18n import gettext as _
from officebook.yaml_mistakes import (
    LANGUAGE_CODE,
    TEXT_WITH_SEPARATOR,
    TEXT_WITH_SEPARATOR_HINT,
    byte_position,
    char_position,
    error_at,
    full_width_findings,
    syntax_diagnostic,
)

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader with its tag resolution narrowed to what the safe schema registers.

    The composer asks the resolver about every node, and PyYAML's general resolver also walks path
    resolvers (none are registered) and joins lists on each call: a fifth of a cold check at 10,000
    files. The tags it returns are the same.
    """

    _BY_FIRST_CHARACTER = {first: tuple(resolvers) for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()}
    assert None not in _BY_FIRST_CHARACTER and not _BaseLoader.yaml_path_resolvers  # what the shortcut relies on

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in self._BY_FIRST_CHARACTER.get(value[:1], ()):  # type: ignore[index]
                    if pattern.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_NODES = 100_000
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000  # an asset image past this is an error (officebook.assets)
MAX_DEPTH = 100

_MERGE, _TIMESTAMP, _NULL = _TAG + "merge", _TAG + "timestamp", _TAG + "null"
_SCALAR_TAGS = {_STR, _TIMESTAMP, _NULL, _TAG + "int", _TAG + "float", _TAG + "bool"}
_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCT = {
    _TAG + "int": _constructor.construct_yaml_int,
    _TAG + "float": _constructor.construct_yaml_float,
    _TAG + "bool": _constructor.construct_yaml_bool,
}


EXPANSION_FACTOR = 10


@dataclass(frozen=True, slots=True)
class LoadLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_nodes: int = DEFAULT_MAX_NODES
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS

    def max_expanded(self, size: int) -> int:
        """How many characters of keys and strings a file of `size` bytes may expand to through
        aliases: ten times its size, at least `max_bytes` (a file without aliases never gets near)."""
        return max(self.max_bytes, EXPANSION_FACTOR * size)


class Positions:
    """Where each value of one file stands: YAML path -> (line, column), 1-based."""

    def __init__(self) -> None:
        self.values: dict[YamlPath, tuple[int, int]] = {}
        self.keys: dict[YamlPath, tuple[int, int]] = {}
        self.plain: dict[YamlPath, str] = {}  # source text of unquoted scalars that are not strings

    def of_value(self, path: YamlPath) -> tuple[int, int]:
        """The position of the value at `path`, or of its nearest existing ancestor."""
        while path and path not in self.values:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def of_key(self, path: YamlPath) -> tuple[int, int]:
        """The position of the key naming the value at `path` (the value's, for list entries)."""
        return self.keys.get(path) or self.of_value(path)


class LoadedFile:
    """One content file: its path relative to the content folder, its data, and (on demand) positions.

    Data read back from the check cache stays packed (marshal bytes) until something asks for it.
    `digest` is a hash of the file's bytes when the pipeline knows it ("" otherwise): `link` reuses
    what it built from the same bytes before.
    """

    __slots__ = ("rel", "path", "diagnostics", "limits", "digest", "_data", "_packed", "_parsed", "_positions")

    def __init__(self, rel: str, path: Path, data: Any = None, diagnostics: list[Diagnostic] | None = None,
                 limits: LoadLimits = LoadLimits(), *, packed: bytes | None = None, parsed: bool = False,
                 digest: str = "") -> None:
        self.rel = rel
        self.digest = digest
        self.path = path
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.limits = limits
        self._data = data
        self._packed = packed
        self._parsed = parsed if packed is not None else isinstance(data, dict)
        self._positions: Positions | None = None

    @property
    def data(self) -> Any:
        if self._packed is not None:
            self._data, self._packed = marshal.loads(self._packed), None
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._packed, self._parsed = value, None, isinstance(value, dict)

    def packed(self) -> bytes:
        return self._packed if self._packed is not None else marshal.dumps(self._data)

    @property
    def parsed(self) -> bool:
        """The file was read as a mapping (it may still have schema errors)."""
        return self._parsed

    @property
    def ok(self) -> bool:
        return self._parsed and not any(d.is_error for d in self.diagnostics)

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            positions = Positions()
            raw = read_file(self.path, self.rel, self.limits)[0]
            if raw is not None:
                _parse(raw, self.rel, self.limits, positions)
            self._positions = positions
        return self._positions

    def set_positions(self, positions: Positions) -> None:
        """Positions already known (of bytes not read from `path`: an edit checked before it is saved)."""
        self._positions = positions

    def diagnostic(self, code: str, path: YamlPath, message: str, hint: str = "", *,
                   severity: Severity = Severity.ERROR, at_key: bool = False) -> Diagnostic:
        """A finding about the value (or the key) at `path` of this file."""
        line, column = self.positions.of_key(path) if at_key else self.positions.of_value(path)
        return Diagnostic(code, severity, self.rel, line, column, path, message, hint)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_file(path: Path, rel: str, limits: LoadLimits = LoadLimits()
              ) -> tuple[bytes | None, os.stat_result | None, list[Diagnostic]]:
    """One file's bytes and stat, or (no bytes) the finding that stops it: not a regular file, too
    large, unreadable. Opening never blocks (a FIFO), and reading stops past the size limit whatever
    the file's size claims to be (/dev/zero, a file that grows)."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return None, None, [unreadable(rel, error)]
    try:
        stat = os.fstat(descriptor)
        if not stat_module.S_ISREG(stat.st_mode):
            return None, stat, [not_regular(rel, stat.st_mode)]
        if stat.st_size > limits.max_bytes:
            return None, stat, [_too_large(rel, stat.st_size, limits)]
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(descriptor, min(1 << 20, limits.max_bytes + 1 - size) or 1):
            chunks.append(chunk)
            size += len(chunk)
            if size > limits.max_bytes:
                return None, stat, [_too_large(rel, size, limits, at_least=True)]
        return b"".join(chunks), stat, []
    except OSError as error:
        return None, None, [unreadable(rel, error)]
    finally:
        os.close(descriptor)


def unreadable(rel: str, error: OSError, what: str = "file") -> Diagnostic:
    """`file.unreadable` for a file or folder, with the system's reason."""
    message = _("cannot read the file: {reason}") if what == "file" else _("cannot read the folder: {reason}")
    return error_at(rel, 1, 1, "file.unreadable", message.format(reason=error.strerror or error))


def not_regular(rel: str, mode: int) -> Diagnostic:
    """`file.not-regular`: a FIFO, device or socket where a content file is expected."""
    if stat_module.S_ISFIFO(mode):
        message = _("this is a named pipe (FIFO), not a regular file: it is not read")
    elif stat_module.S_ISCHR(mode) or stat_module.S_ISBLK(mode):
        message = _("this is a device, not a regular file: it is not read")
    elif stat_module.S_ISSOCK(mode):
        message = _("this is a socket, not a regular file: it is not read")
    else:
        message = _("this is not a regular file: it is not read")
    return error_at(rel, 1, 1, "file.not-regular", message,
               _("content files are ordinary text files; remove it or replace it with one"))


def load_file(path: Path, rel: str, limits: LoadLimits = LoadLimits()) -> LoadedFile:
    """Read and parse one file; problems become diagnostics on the result."""
    raw, _stat, problems = read_file(path, rel, limits)
    if raw is None:
        return LoadedFile(rel, path, None, problems, limits)
    data, diagnostics = load_bytes(raw, rel, limits)
    return LoadedFile(rel, path, data, diagnostics, limits)


def load_bytes(raw: bytes, rel: str, limits: LoadLimits = LoadLimits(),
               positions: Positions | None = None) -> tuple[Any, list[Diagnostic]]:
    """Parse bytes into plain values (dict/list/str/int/float/bool/None) and diagnostics."""
    if len(raw) > limits.max_bytes:
        return None, [_too_large(rel, len(raw), limits)]
    return _parse(raw, rel, limits, positions)


def _too_large(rel: str, size: int, limits: LoadLimits, at_least: bool = False) -> Diagnostic:
    message = (_("the file is larger than the limit of {limit:,} bytes") if at_least else
               _("the file is {size:,} bytes, over the limit of {limit:,}"))
    return error_at(rel, 1, 1, "file.too-large", message.format(size=size, limit=limits.max_bytes),
               _("split it into several items, or raise the limit with --max-file-size"))


def _parse(raw: bytes, rel: str, limits: LoadLimits, positions: Positions | None) -> tuple[Any, list[Diagnostic]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = byte_position(raw, error.start)
        return None, [error_at(rel, line, column, "file.encoding",
                          _("byte 0x{byte:02x} is not valid UTF-8").format(byte=raw[error.start]),
                          _("save the file as UTF-8 (in Notepad: Save As, Encoding: UTF-8)"))]
    if "\x00" in text:
        line, column = char_position(text, text.index("\x00"))
        return None, [error_at(rel, line, column, "file.encoding", _("the file contains a NUL character"),
                          _("is this a text file? save it as UTF-8 text"))]
    full_width = full_width_findings(rel, text)
    if full_width:
        return None, full_width
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        return None, [syntax_diagnostic(rel, text, error)]
    except yaml.YAMLError as error:
        return None, [error_at(rel, 1, 1, "yaml.syntax", str(error).splitlines()[0])]
    except RecursionError:
        return None, [error_at(rel, 1, 1, "yaml.syntax",
                          _("the YAML nests deeper than {depth} levels").format(depth=MAX_DEPTH))]
    if node is None:
        return None, [error_at(rel, 1, 1, "file.empty", _("the file has no content"),
                          _("write the item's fields, or delete the file"))]
    builder = _Builder(rel, limits.max_nodes, limits.max_expanded(len(raw)), positions)
    try:
        data = builder.build(node, (), 0)
    except _TooDeep as limit:
        line, column = _mark(limit.node)
        return None, [error_at(rel, line, column, "yaml.syntax",
                          _("the YAML nests deeper than {depth} levels (or an alias contains itself)").format(
                              depth=MAX_DEPTH))]
    except _SizeLimit as limit:
        line, column = _mark(limit.node)
        return None, [error_at(rel, line, column, "yaml.alias-limit",
                          _("anchors and aliases expand the file past {limit:,} characters ({factor} times its size)")
                          .format(limit=builder.size_limit, factor=EXPANSION_FACTOR),
                          _("write the values out, or repeat large texts less often through aliases"))]
    except _AliasLimit as limit:
        line, column = _mark(limit.node)
        return None, [error_at(rel, line, column, "yaml.alias-limit",
                          _("anchors and aliases expand past {count:,} values").format(count=limits.max_nodes),
                          _("write the values out, or use fewer nested aliases"))]
    if not isinstance(data, dict):
        line, column = _mark(node)
        message = {list: _("the file holds a list; it must hold a mapping of fields"),
                   str: _("the file holds a single string; it must hold a mapping of fields")}.get(
            type(data), _("the file holds a single value; it must hold a mapping of fields"))
        builder.diagnostics.append(error_at(rel, line, column, "file.not-mapping", message,
                                       _("start with fields such as 'title: ...'")))
        data = None
    return data, builder.diagnostics


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return node


class _AliasLimit(Exception):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


class _TooDeep(_AliasLimit):
    pass


class _SizeLimit(_AliasLimit):
    pass


class _Builder:
    """Turns a composed node graph into plain values, bounded in values, characters and depth
    (aliases count again wherever they are used)."""

    def __init__(self, rel: str, max_nodes: int, max_chars: int, positions: Positions | None) -> None:
        self.rel = rel
        self.budget = max_nodes
        self.size_limit = max_chars
        self.chars = max_chars
        self.positions = positions
        self.diagnostics: list[Diagnostic] = []

    def build(self, node: yaml.Node, path: YamlPath, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _AliasLimit(node)
        if depth > MAX_DEPTH:
            raise _TooDeep(node)
        if self.positions is not None:
            self.positions.values[path] = _mark(node)
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            self.chars -= len(node.value)
            if self.chars < 0:
                raise _SizeLimit(node)
            if tag == _STR:
                return node.value
            if tag not in _SCALAR_TAGS:
                return self._bad_tag(node, path)
            if self.positions is not None and not node.style:
                self.positions.plain[path] = node.value
            if tag == _TIMESTAMP:
                return node.value  # dates stay YYYY-MM-DD strings; the schema checks them
            if tag == _NULL:
                return None
            try:
                return _CONSTRUCT[tag](node)
            except (ValueError, yaml.YAMLError):
                return node.value
        if isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                return self._bad_tag(node, path)
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if tag != _MAP:
            return self._bad_tag(node, path)
        return self._mapping(node, path, depth)

    def _mapping(self, node: yaml.MappingNode, path: YamlPath, depth: int) -> dict:
        broken = _broken_text(node)
        if broken is not None:
            fragment, repaired = broken
            line, column = _mark(fragment)
            self.diagnostics.append(Diagnostic("yaml.syntax", Severity.ERROR, self.rel, line, column, path,
                                               _(TEXT_WITH_SEPARATOR), _(TEXT_WITH_SEPARATOR_HINT)))
            self.chars -= sum(len(text) for text in repaired.values())
            if self.positions is not None:
                for key_node, _value in node.value:
                    if key_node.value in repaired:
                        self.positions.keys[(*path, key_node.value)] = _mark(key_node)
            return repaired  # the text as its author meant it: nothing later reports the pieces again
        result: dict[str, Any] = {}
        key_nodes: dict[str, yaml.Node] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in key_nodes:
                first_line = _mark(key_nodes[key])[0]
                self._error(key_node, "yaml.duplicate-key", (*path, key),
                            _("the key '{key}' appears twice in this mapping (first at line {line})").format(
                                key=key, line=first_line),
                            _("keep one of them: YAML would otherwise silently keep only the last"))
                continue
            key_nodes[key] = key_node
            if self.positions is not None:
                self.positions.keys[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        for source in merges:
            for merged in self._merge_sources(source, path, depth):
                for key, value in merged.items():
                    result.setdefault(key, value)
        return result

    def _merge_sources(self, node: yaml.Node, path: YamlPath, depth: int) -> Iterator[dict]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if isinstance(source, yaml.MappingNode) and source.tag == _MAP:
                yield self._mapping(source, path, depth + 1)
            else:
                self._error(source, "yaml.syntax", path, _("a merge key '<<' must name a mapping or a list of mappings"))

    def _key(self, node: yaml.Node, path: YamlPath) -> str | None:
        self.budget -= 1
        if self.budget < 0:
            raise _AliasLimit(node)
        if isinstance(node, yaml.ScalarNode):
            self.chars -= len(node.value)
            if self.chars < 0:
                raise _SizeLimit(node)
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
            return node.value
        if isinstance(node, yaml.ScalarNode) and node.tag in _SCALAR_TAGS:
            shown = node.value or "~"
            self._error(node, "yaml.key-type", path,
                        _("the key {key} is read as a {type}, not a name").format(key=shown, type=node.tag[len(_TAG):]),
                        _("quote it: '{key}'").format(key=node.value))
        else:
            self._error(node, "yaml.key-type", path, _("a mapping key must be a plain name, not a list or mapping"))
        return None

    def _bad_tag(self, node: yaml.Node, path: YamlPath) -> None:
        tag = node.tag.replace(_TAG, "!!")
        self._error(node, "yaml.tag", path, _("the tag {tag} is not allowed in content files").format(tag=tag),
                    _("remove the tag; only plain YAML values (text, numbers, lists, mappings) are read"))
        return None

    def _error(self, node: yaml.Node, code: str, path: YamlPath, message: str, hint: str = "") -> None:
        line, column = _mark(node)
        self.diagnostics.append(Diagnostic(code, Severity.ERROR, self.rel, line, column, path, message, hint))


def _broken_text(node: yaml.MappingNode) -> tuple[yaml.Node, dict[str, str]] | None:
    """A flow mapping `{zh: …, en: Review, then sign}` that a comma broke: it starts with a language
    code whose value is a text, and a later key is no language code or has no value (the words after
    the comma). Returns the first such key and the texts as meant (the pieces joined back); None when
    the mapping is anything else."""
    if not node.flow_style or not node.value:
        return None
    pairs = node.value
    if not all(isinstance(k, yaml.ScalarNode) and k.tag == _STR and isinstance(v, yaml.ScalarNode)
               for k, v in pairs):
        return None
    first_key, first_value = pairs[0]
    if not LANGUAGE_CODE.match(first_key.value) or first_value.tag != _STR:
        return None
    texts: dict[str, str] = {}
    fragment = None
    language = None
    for key_node, value_node in pairs:
        bare = value_node.tag == _NULL and value_node.value == ""  # `, words` with no colon after them
        if LANGUAGE_CODE.match(key_node.value) and not bare and key_node.value not in texts:
            language = key_node.value
            texts[language] = value_node.value
            continue
        fragment = fragment or key_node
        piece = key_node.value if bare else f"{key_node.value}: {value_node.value}"
        texts[language] = f"{texts[language]}, {piece}"
    return (fragment, texts) if fragment is not None else None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
