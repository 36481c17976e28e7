"""Compare two editions of a manual: items added, removed and changed, field by field.

An edition is the JSON export of a manual (`officebook.export.export_data`), so two content folders,
two git revisions and two JSON exports are all compared the same way. `diff_editions(old, new)` is a
pure function; `read_edition` and `read_git_edition` turn a folder, a JSON file or a git revision into
an edition, and raise `EditionError` (never print) when they cannot; a folder is checked and exported
by the function the caller passes (`officebook.pipeline.edition_of`).

Fields are named by paths: `title[en]` (one language of a text), `raci.accountable`, `steps[check].actor`
(steps by id), `criteria[2][zh]` (lists of texts by position). Derived fields (back-references, a
procedure's actors, a post's direct reports) are left out: they change when what they derive from does.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from officebook.diagnostics import Diagnostic
from officebook.i18n import N_
from officebook.i18n import gettext as _
from officebook.vocabulary.kinds import EDITION_KINDS, ITEM_KINDS
from officebook.vocabulary.markdown import strip_controls
from officebook.vocabulary.schemas import EXPORT_SCHEMA, schema_document, schema_names, validator

Json = dict[str, Any]

_ITEM_SKIP = {"kind", "id", "file", "referenced_by"}
_DERIVED = {"functions": {"duties"}, "procedures": {"actors"},
            "posts": {"direct_reports", "standards_applying"}}
_TEXT_LISTS = {"principles", "criteria", "competencies", "records", "first_day", "first_week", "first_month"}
_TASK_LISTS = {"tasks"}  # by position: the action, and the frequency where the task names its own
_KEYED_LISTS = {"steps"}
_KEYED_SKIP = {"id", "number"}
_MANUAL_SKIP = {"default_language"}


@dataclass(frozen=True)
class FieldChange:
    """One field that differs. `old` is None when the field was added, `new` when it was removed."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    """An item added, removed or changed; `title` is the item's title (text values) in the edition
    that has it (the new one when both do); `changes` is empty for added and removed items."""

    kind: str
    id: str
    title: Mapping[str, str]
    changes: tuple[FieldChange, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)


@dataclass(frozen=True)
class EditionDiff:
    old_edition: str
    new_edition: str
    default_language: str
    manual: tuple[FieldChange, ...] = ()
    added: tuple[ItemChange, ...] = ()
    removed: tuple[ItemChange, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.manual or self.added or self.removed or self.changed)

    def as_dict(self) -> Json:
        def item(change: ItemChange) -> Json:
            data: Json = {"kind": change.kind, "id": change.id, "title": dict(change.title)}
            if change.changes:
                data["changes"] = [_change_dict(c) for c in change.changes]
            return data

        return {
            "old_edition": self.old_edition,
            "new_edition": self.new_edition,
            "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)},
            "manual": [_change_dict(c) for c in self.manual],
            "added": [item(c) for c in self.added],
            "removed": [item(c) for c in self.removed],
            "changed": [item(c) for c in self.changed],
        }


def _change_dict(change: FieldChange) -> Json:
    return {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


# ---- comparing -----------------------------------------------------------------------------------


def diff_editions(old: Json, new: Json) -> EditionDiff:
    """What changed from edition `old` to edition `new` (both JSON exports)."""
    old_items, new_items = _items(old), _items(new)
    added: list[ItemChange] = []
    removed: list[ItemChange] = []
    changed: list[ItemChange] = []
    for kind in EDITION_KINDS:
        before, after = old_items.get(kind, {}), new_items.get(kind, {})
        for ident, item in after.items():
            if ident not in before:
                added.append(ItemChange(kind, ident, _title(kind, item)))
            elif changes := _item_changes(kind, before[ident], item):
                changed.append(ItemChange(kind, ident, _title(kind, item), changes))
        removed += [ItemChange(kind, ident, _title(kind, item))
                    for ident, item in before.items() if ident not in after]
    manual_before = {k: v for k, v in old.get("manual", {}).items() if k not in _MANUAL_SKIP}
    manual_after = {k: v for k, v in new.get("manual", {}).items() if k not in _MANUAL_SKIP}
    return EditionDiff(
        old_edition=str(old.get("manual", {}).get("edition", "")),
        new_edition=str(new.get("manual", {}).get("edition", "")),
        default_language=str(new.get("manual", {}).get("default_language", "")),
        manual=_field_changes(dict(_flatten(manual_before, "")), dict(_flatten(manual_after, ""))),
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
    )


def in_language(edition: Json, lang: str) -> Json:
    """`edition` as a reader of language `lang` sees it: every text reduced to what shows in `lang`
    (its own text, else the default language's, as the outputs fall back). Diffing two editions in
    one language leaves out what changed only in the others."""
    default = edition.get("manual", {}).get("default_language", "")

    def shown(value: Any, key: str = "") -> Any:
        if key in _ITEM_SKIP or key == "term":  # a glossary entry is known by its default-language term
            return value
        if _is_text(value) and not _is_ref(value):
            return {lang: value.get(lang) or value.get(default) or next(iter(value.values()))}
        if isinstance(value, Mapping):
            return {k: shown(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [shown(v) for v in value]
        return value

    return {**edition, "items": shown(edition.get("items", {})), "glossary": shown(edition.get("glossary", []))}


def _items(edition: Json) -> dict[str, dict[str, Json]]:
    """kind -> id -> item, in edition order; glossary terms are keyed by their default-language term."""
    listed = edition.get("items", {})
    items = {kind: {item["id"]: item for item in listed.get(kind, [])} for kind in ITEM_KINDS}
    default = edition.get("manual", {}).get("default_language", "")
    terms: dict[str, Json] = {}
    for term in edition.get("glossary", []):
        key = _text_value(term["term"], default)
        number = 2
        while key in terms:  # the same term twice: keep both apart
            key = f"{_text_value(term['term'], default)} ({number})"
            number += 1
        terms[key] = term
    items["glossary"] = terms
    return items


def _text_value(text: Mapping[str, str], lang: str) -> str:
    return text.get(lang) or next(iter(text.values()), "")


def _title(kind: str, item: Json) -> Mapping[str, str]:
    return item["term"] if kind == "glossary" else item["title"]


def _item_changes(kind: str, old: Json, new: Json) -> tuple[FieldChange, ...]:
    skip = _ITEM_SKIP | _DERIVED.get(kind, set())
    before = dict(_flatten({k: v for k, v in old.items() if k not in skip}, ""))
    after = dict(_flatten({k: v for k, v in new.items() if k not in skip}, ""))
    changes = list(_keyed_changes(old, new, before, after))
    return tuple(changes) + _field_changes(before, after)


def _keyed_changes(old: Json, new: Json, before: dict, after: dict) -> Iterator[FieldChange]:
    """Steps (and any list keyed by id) added, removed or reordered, as one change each; the added or
    removed entry's own fields are taken out of `before` and `after`."""
    for name in sorted(_KEYED_LISTS):
        old_ids = [e["id"] for e in old.get(name) or ()]
        new_ids = [e["id"] for e in new.get(name) or ()]
        common_old = [i for i in old_ids if i in new_ids]
        common_new = [i for i in new_ids if i in old_ids]
        if common_old != common_new:
            yield FieldChange(f"{name}.order", tuple(old_ids), tuple(new_ids))
        for entry in new.get(name) or ():
            if entry["id"] not in old_ids:
                _drop_prefix(after, f"{name}[{entry['id']}]")
                yield FieldChange(f"{name}[{entry['id']}]", None, _entry_summary(entry))
        for entry in old.get(name) or ():
            if entry["id"] not in new_ids:
                _drop_prefix(before, f"{name}[{entry['id']}]")
                yield FieldChange(f"{name}[{entry['id']}]", _entry_summary(entry), None)


def _entry_summary(entry: Json) -> Any:
    """What stands for a whole step: its action."""
    return entry.get("action", entry["id"])


def _drop_prefix(flat: dict, prefix: str) -> None:
    for path in [p for p in flat if p == prefix or p.startswith((prefix + ".", prefix + "["))]:
        del flat[path]


def _field_changes(before: dict, after: dict) -> tuple[FieldChange, ...]:
    paths = list(after) + [p for p in before if p not in after]
    return tuple(FieldChange(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p))


def _is_ref(value: Any) -> bool:
    return isinstance(value, Mapping) and "kind" in value and "id" in value


@cache
def kind_ref_fields() -> frozenset[str]:
    """The fields whose references name their kind, as authors write them (`see: [procedures/x]`, the
    contract's `kindRef`): their kind is part of what is compared. Other references have one kind
    and compare by id."""
    found: set[str] = set()

    def names_kind(schema: Any) -> bool:
        return isinstance(schema, Mapping) and str(schema.get("$ref", "")).endswith("/kindRef")

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for name, schema in (node.get("properties") or {}).items():
                if names_kind(schema) or (isinstance(schema, Mapping) and names_kind(schema.get("items"))):
                    found.add(name)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for name in schema_names():
        if name != EXPORT_SCHEMA:
            walk(schema_document(name))
    return frozenset(found)


def _ref_value(ref: Mapping, name: str) -> str:
    return f"{ref['kind']}/{ref['id']}" if name in kind_ref_fields() else ref["id"]


def _is_text(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(isinstance(v, str) for v in value.values())


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _flatten(value: Any, path: str, name: str = "") -> Iterator[tuple[str, Any]]:
    """(path, comparable value) for every field that has a value; refs become ids, texts one path
    per language, steps one path per step id, lists of texts one path per position."""
    if value is None:
        return
    if _is_ref(value):
        yield path, _ref_value(value, name)
    elif _is_text(value):
        for lang in sorted(value):
            yield f"{path}[{lang}]", value[lang]
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _flatten(child, _join(path, key), key)
    elif isinstance(value, list):
        if name in _KEYED_LISTS:
            for entry in value:
                entry_fields = {k: v for k, v in entry.items() if k not in _KEYED_SKIP}
                yield from _flatten(entry_fields, f"{path}[{entry['id']}]")
        elif name in _TEXT_LISTS:
            for index, entry in enumerate(value):
                yield from _flatten(entry, f"{path}[{index}]")
        elif name in _TASK_LISTS:
            for index, entry in enumerate(value):
                yield from _flatten(entry["action"], f"{path}[{index}].action")
                if entry.get("own_frequency"):
                    yield f"{path}[{index}].frequency", entry["frequency"]
        else:  # refs, ids and plain strings: compared as a whole
            yield path, tuple(_ref_value(v, name) if _is_ref(v) else v for v in value)
    else:
        yield path, value


# ---- reading editions ----------------------------------------------------------------------------


class EditionError(Exception):
    """An edition that cannot be read: a folder with content errors, a bad JSON file, a bad revision."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None, files: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []
        self.files = files


ReadFolder = Callable[[Path], Json]
"""Checks a content folder and exports it (`officebook.pipeline.edition_of`): the caller's, so that
comparing editions never runs the pipeline from in here."""


def read_edition(path: Path, read_folder: ReadFolder) -> Json:
    """A content folder (`read_folder` checks and exports it) or a JSON export file (checked against
    its schema)."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.is_file():
        return read_export_file(path)
    raise EditionError(_("{path}: no such folder or file").format(path=path))


def read_export_file(path: Path) -> Json:
    from officebook.export import EXPORT_FORMAT, EXPORT_VERSION

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EditionError(_("{path}: not a readable JSON export ({reason})").format(path=path, reason=error)) from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise EditionError(_("{path}: not an officebook export (no \"format\": \"{format}\")").format(
            path=path, format=EXPORT_FORMAT))
    if data.get("version") == 1:
        data = upgrade_export_v1(data)
    if data.get("version") != EXPORT_VERSION:
        raise EditionError(_("{path}: export version {found!r}; this officebook reads version {version}").format(
            path=path, found=data.get("version"), version=EXPORT_VERSION))
    import jsonschema

    error = jsonschema.exceptions.best_match(validator(EXPORT_SCHEMA).iter_errors(data))
    if error is not None:
        raise EditionError(f"{path}: {error.json_path}: {error.message}")
    return data


def upgrade_export_v1(data: Json) -> Json:
    """A version 1 export in the shape of version 2: tags and sources as texts, no tasks, step titles,
    self-checks or assets (version 1 had none)."""
    default = data.get("manual", {}).get("default_language", "")
    for kind, items in data.get("items", {}).items():
        for item in items:
            item["tags"] = [{default: tag} if isinstance(tag, str) else tag for tag in item.get("tags", [])]
            if isinstance(item.get("source"), str):
                item["source"] = {default: item["source"]}
            if kind == "duties":
                item.setdefault("tasks", [])
            if kind == "standards":
                item.setdefault("check", None)
            for step in item.get("steps", []) if kind == "procedures" else []:
                step.setdefault("title", None)
    data.setdefault("assets", [])
    data["version"] = 2
    return data


def read_git_edition(repo: Path, revision: str, content: str, read_folder: ReadFolder) -> Json:
    """The content folder `content` (relative to the repository's top folder) as it was at `revision`.

    Read-only: the revision is extracted with `git archive` into a temporary folder."""
    if revision.startswith("-"):
        raise EditionError(_("{revision}: not a git revision").format(revision=revision))
    top = _git(repo, "rev-parse", "--show-toplevel").decode().strip()
    content = _inside_repository(Path(top), content)
    commit = _git(Path(top), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}",
                  what=_("{revision}: no such git revision").format(revision=revision)).decode().strip()
    archive = _git(Path(top), "archive", "--format=tar", commit, "--", content,
                   what=_("{revision}: no folder {content!r} in that revision").format(revision=revision, content=content))
    with tempfile.TemporaryDirectory(prefix=f"officebook-edition-{os.getpid()}-") as folder:
        _extract_archive(archive, Path(folder))
        try:
            return read_edition(Path(folder) / content, read_folder)
        except EditionError as error:
            raise EditionError(_("{path}: the content has errors").format(path=f"{revision}:{content}"), error.diagnostics,
                               error.files) from None


def _extract_archive(archive: bytes, folder: Path) -> None:
    """Unpack `git archive`'s tar into folder: regular files and folders only, nothing outside it.

    tarfile's `filter="data"` does this, but only from Python 3.11.4 (Debian 12 ships 3.11.2): without
    it, the same rule is applied member by member here."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, filter="data")
            return
        for member in tar.getmembers():
            target = (folder / member.name).resolve()
            if not (member.isfile() or member.isdir()) or not target.is_relative_to(folder.resolve()):
                continue  # links, devices and paths leaving the folder: git archive of content/ has none to keep
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            target.write_bytes(source.read() if source is not None else b"")


def _inside_repository(top: Path, content: str) -> str:
    """The content folder as a path relative to the repository's top folder (what `git archive`
    takes): given relative to the top, or as an absolute path inside the repository."""
    from pathlib import PurePosixPath

    if Path(content).is_absolute():
        try:
            return Path(content).resolve().relative_to(top.resolve()).as_posix() or "."
        except ValueError:
            raise EditionError(_("{path}: not inside the repository {top}").format(path=content, top=top)) from None
    parts = [part for part in PurePosixPath(content.replace("\\", "/")).parts if part != "."]
    if ".." in parts:
        raise EditionError(_("{path}: give the content folder relative to the repository's top folder {top}").format(
            path=content, top=top))
    return "/".join(parts) or "."


def _git(repo: Path, *args: str, what: str = "") -> bytes:
    try:
        run = subprocess.run(["git", "-C", str(repo), *args], check=False, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise EditionError(_("git is not installed")) from None
    if run.returncode != 0:
        detail = run.stderr.decode(errors="replace").strip().splitlines()
        reason = detail[-1] if detail else _("failed")
        raise EditionError(what or f"git {args[0]}: {reason}")
    return run.stdout


# ---- formatting ----------------------------------------------------------------------------------

_SHORT = 100  # strings up to this length are shown whole; longer ones around what changed
_CONTEXT = 24


def format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return json.dumps(dict(value), ensure_ascii=False)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def describe_change(change: FieldChange) -> str:
    """`field: old → new`, lists as members added (+) and removed (−), long texts around the change."""
    old, new = change.old, change.new
    if isinstance(old, tuple) and isinstance(new, tuple) and set(old) != set(new):
        parts = [f"+{v}" for v in new if v not in old] + [f"−{v}" for v in old if v not in new]
        return f"{change.field}: {' '.join(parts)}"
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _SHORT:
        return f"{change.field}: {_around_change(old, new)}"
    if old is None:
        return _("{field}: added {value}").format(field=change.field, value=format_value(new))
    if new is None:
        return _("{field}: removed {value}").format(field=change.field, value=format_value(old))
    return f"{change.field}: {format_value(old)} → {format_value(new)}"


def common_affixes(old: str, new: str) -> tuple[int, int]:
    """The lengths of the longest common prefix and (not overlapping it) suffix of two strings."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def _around_change(old: str, new: str) -> str:
    """`…context[-removed-]{+added+}context…` for two long strings."""
    start, end = common_affixes(old, new)
    before = old[max(0, start - _CONTEXT):start]
    after = old[len(old) - end:len(old) - end + _CONTEXT]
    removed, added = _shorten(old[start:len(old) - end]), _shorten(new[start:len(new) - end])
    text = ("…" if start > _CONTEXT else "") + before
    text += (f"[-{removed}-]" if removed else "") + (f"{{+{added}+}}" if added else "")
    text += after + ("…" if end > _CONTEXT else "")
    return json.dumps(text, ensure_ascii=False)


def _shorten(text: str) -> str:
    half = _SHORT // 2
    return text if len(text) <= _SHORT else f"{text[:half]}…{text[-half:]}"


def _heading(change: ItemChange, lang: str) -> str:
    return f"{change.kind}/{change.id}  {_text_value(change.title, lang)}"


_SECTIONS = (N_("Added"), N_("Removed"), N_("Changed"))


def _counts(diff: EditionDiff) -> str:
    return _("{added} added, {removed} removed, {changed} changed").format(
        added=len(diff.added), removed=len(diff.removed), changed=len(diff.changed))


def format_text(diff: EditionDiff, lang: str | None = None) -> str:
    """The changes for a terminal, labelled in the interface's language (titles in `lang`)."""
    lang = lang or diff.default_language
    lines = [_("Edition {old} → {new}").format(old=diff.old_edition, new=diff.new_edition)]
    if diff.is_empty:
        return "\n".join([*lines, _("No changes.")]) + "\n"
    if diff.manual:
        lines += ["", _("Manual")] + [f"  {describe_change(c)}" for c in diff.manual]
    for title, mark, changes in zip(_SECTIONS, "+-~", (diff.added, diff.removed, diff.changed), strict=True):
        if changes:
            lines += ["", _("{section} ({count})").format(section=_(title), count=len(changes))]
            for change in changes:
                lines.append(f"  {mark} {_heading(change, lang)}")
                lines += [f"      {describe_change(c)}" for c in change.changes]
    lines += ["", _counts(diff)]
    return "\n".join(lines) + "\n"


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]{}|~])")


def _cell(text: str) -> str:
    """Content in the changelog: shown as written by any Markdown renderer (CommonMark's backslash
    escapes, HTML special characters as entities), never read as Markdown or HTML; one line."""
    text = html.escape(" ".join(strip_controls(text).split()), quote=False)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _code(text: str) -> str:
    """A field path or item id as a code span (its text is literal there), or escaped text."""
    text = " ".join(strip_controls(text).split())
    return f"`{text}`" if text and "`" not in text else _cell(text)


def format_markdown(diff: EditionDiff, lang: str | None = None) -> str:
    lang = lang or diff.default_language
    lines = [_("# Changes from edition {old} to {new}").format(old=_cell(diff.old_edition), new=_cell(diff.new_edition)),
             ""]
    if diff.is_empty:
        return "\n".join([*lines, _("No changes.")]) + "\n"
    lines += [_("{counts}.").format(counts=_counts(diff)), ""]

    def table(changes: tuple[FieldChange, ...]) -> list[str]:
        rows = [_("| field | before | after |"), "|---|---|---|"]
        for c in changes:
            rows.append(f"| {_code(c.field)} | {_cell(format_value(c.old))} | {_cell(format_value(c.new))} |")
        return [*rows, ""]

    if diff.manual:
        lines += [f"## {_('Manual')}", "", *table(diff.manual)]
    for title, changes in zip(_SECTIONS[:2], (diff.added, diff.removed), strict=True):
        if changes:
            lines += [f"## {_(title)}", ""]
            lines += [f"- {_code(c.kind + '/' + c.id)} {_cell(_text_value(c.title, lang))}" for c in changes]
            lines.append("")
    if diff.changed:
        lines += [f"## {_(_SECTIONS[2])}", ""]
        for change in diff.changed:
            lines += [f"### {_code(change.kind + '/' + change.id)} {_cell(_text_value(change.title, lang))}", ""]
            lines += table(change.changes)
    return "\n".join(lines).rstrip("\n") + "\n"


def format_json(diff: EditionDiff) -> str:
    return json.dumps(diff.as_dict(), ensure_ascii=False, indent=2) + "\n"

