"""Who refers to an item, and every reference rewritten when its id changes.

References are found as `check` finds them: the schemas say which fields hold post, function,
procedure and standard ids and which hold `kind/id` refs (the glossary's `see`), and every text's
Markdown links `[label](kind/id#step)` count too. This works on the raw data of each file, so it
also answers for a manual that does not check clean yet.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from officebook.diagnostics import format_path
from officebook.load import LoadLimits, load_bytes
from officebook.validate import item_id, kind_of
from officebook.validate.texts import walk_schema
from officebook.vocabulary.kinds import REF_KINDS
from officebook.vocabulary.schemas import default_schemas
from officebook.vocabulary.textlinks import find_links, item_target, rewrite_links


@dataclass(frozen=True)
class Referrer:
    """One reference: the file, the item it belongs to (kind, id; the glossary has id ""), the YAML path."""

    file: str
    kind: str
    id: str
    path: str

    def as_json(self) -> dict:
        return {"file": self.file, "kind": self.kind, "id": self.id, "path": self.path}


def _references(kind: str, data: Any) -> list[tuple[tuple, str, str, str]]:
    """(path, target kind, target id, how) of every reference in one file's data; `how` is
    "ref" (an id field), "kindRef" (`kind/id`) or "link" (a Markdown link in a text)."""
    schemas = default_schemas()
    found = []
    for path, def_name, value in walk_schema(schemas.by_kind[kind], data, (), schemas.defs):
        if def_name in REF_KINDS and isinstance(value, str):
            found.append((path, REF_KINDS[def_name], value, "ref"))
        elif def_name == "kindRef" and isinstance(value, str) and "/" in value:
            target_kind, _slash, target = value.partition("/")
            found.append((path, target_kind, target, "kindRef"))
        elif def_name in ("text", "stringOrText"):
            strings = value.values() if isinstance(value, dict) else (value,)
            for string in strings:
                if isinstance(string, str):
                    for text_link in find_links(string):
                        target = item_target(text_link.target)
                        if target is not None:
                            found.append((path, target.kind, target.id, "link"))
    return found


def load_all(files: dict[str, bytes]) -> dict[str, tuple[str, Any]]:
    """content-relative path → (kind, data) of every file that parses as a mapping."""
    loaded = {}
    for rel, raw in files.items():
        kind = kind_of(rel)
        if kind is None:
            continue
        data, _findings = load_bytes(raw, rel, LoadLimits())
        if isinstance(data, dict):
            loaded[rel] = (kind, data)
    return loaded


def referrers(files: dict[str, tuple[str, Any]], kind: str, ident: str) -> list[Referrer]:
    """Every reference to `kind/ident` in `files` (from `load_all`), but the item's own file's references to itself."""
    found = []
    for rel, (file_kind, data) in sorted(files.items()):
        source = item_id(rel) if file_kind not in ("manual", "glossary") else ""
        if file_kind == kind and source == ident:
            continue
        seen = set()
        for path, target_kind, target, _how in _references(file_kind, data):
            if target_kind == kind and target == ident and path not in seen:
                seen.add(path)
                found.append(Referrer(rel, file_kind, source, format_path(path)))
    return found


def renamed(kind: str, data: Any, target_kind: str, old: str, new: str) -> Any:
    """A copy of one file's `data` with every reference to `target_kind/old` pointing at `new`."""
    data = copy.deepcopy(data)
    for path, ref_kind, target, how in _references(kind, data):
        if ref_kind != target_kind or target != old:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        value = parent[path[-1]]
        if how == "ref":
            parent[path[-1]] = new
        elif how == "kindRef":
            parent[path[-1]] = f"{target_kind}/{new}"
        else:
            parent[path[-1]] = _relink(value, target_kind, old, new)
    return data


def _relink(value: Any, kind: str, old: str, new: str) -> Any:
    def replace(text_link):
        target = item_target(text_link.target)
        if target is None or target.kind != kind or target.id != old:
            return None
        fragment = f"#{target.fragment}" if target.fragment is not None else ""
        return f"{kind}/{new}{fragment}", None

    if isinstance(value, dict):
        return {lang: rewrite_links(text, replace) if isinstance(text, str) else text for lang, text in value.items()}
    return rewrite_links(value, replace) if isinstance(value, str) else value
