"""What the editor does with an item: read it, save it, create it, rename it, delete it.

Every change is checked by the same pipeline as `officebook check` (`run_check` with the new bytes
laid over the folder) before anything is written: an edit is refused while the files it writes have
errors, or while it brings errors into other files (a reference it breaks). A file changed on disk
since it was read (its revision) is never overwritten. One lock serialises every change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from officebook.diagnostics import Diagnostic, Severity
from officebook.edit.ids import propose_id
from officebook.edit.references import load_all, referrers, renamed
from officebook.edit.roundtrip import RoundTripError, new_document, ordered_for_new, rewrite
from officebook.edit.store import SINGLE_FILES, ContentFiles, NotEditable, revision_of
from officebook.i18n import gettext as _
from officebook.load import LoadLimits, load_bytes
from officebook.pipeline import run_check
from officebook.validate import ID_PATTERN
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN
from officebook.vocabulary.schemas import default_schemas


class EditRefused(Exception):
    """An edit that is not made; `status` and `payload` are the HTTP answer."""

    def __init__(self, status: int, payload: dict) -> None:
        super().__init__(payload.get("message", ""))
        self.status = status
        self.payload = payload


def finding_json(diagnostic: Diagnostic) -> dict:
    """A finding for the API: `path` as `check` prints it (`raci.accountable`), `location` as a list."""
    return {**diagnostic.as_dict(), "location": list(diagnostic.path)}


def page_of(kind: str, ident: str = "") -> str:
    """The preview page that shows an item (relative to the site root)."""
    if kind == "manual":
        return ""
    if kind == "glossary":
        return "glossary/"
    return f"{kind}/{ident}/"


def _refused(status: int, message: str, **more: Any) -> EditRefused:
    return EditRefused(status, {"message": message, **more})


def _finding(code: str, rel: str, path: tuple, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, rel, 1, 1, path, message, hint)


@dataclass
class Editor:
    """The editing service over one content folder. `on_saved(paths)` hears which content files a
    change wrote or removed (the preview rebuilds the pages that show them)."""

    content_dir: Path
    limits: LoadLimits = field(default_factory=LoadLimits)
    on_saved: Callable[[list[str]], None] = lambda paths: None
    use_cache: bool = True

    def __post_init__(self) -> None:
        self.files = ContentFiles(self.content_dir)
        self.lock = threading.Lock()

    # ---- reading ---------------------------------------------------------------------------------

    def get(self, kind: str, ident: str | None = None) -> dict:
        rel = self._existing(kind, ident)
        snapshot = self.files.read(rel)
        if snapshot.raw is None:
            raise _refused(404, _("no such item"))
        data, diagnostics = load_bytes(snapshot.raw, rel, self.limits)
        if not isinstance(data, dict):
            errors = [d for d in diagnostics if d.is_error] or [
                _finding("file.not-mapping", rel, (), _("the file's top level is not a mapping"))]
            raise _refused(422, _("the file cannot be read as an item: correct it in a text editor first"),
                           findings=[finding_json(d) for d in errors], file=rel)
        return {"item": data, "revision": snapshot.revision, "file": rel, "id": ident or "",
                "page": page_of(kind, ident or "")}

    def listing(self, kind: str) -> list[dict]:
        """Every item of a kind with its titles (for pickers that search titles and store ids); a
        procedure with its steps' ids and titles."""
        if kind not in ITEM_KINDS:
            raise _refused(404, _("no such kind"))
        found = []
        for (item_kind, ident), rel in sorted(self.files.index().items()):
            if item_kind != kind:
                continue
            snapshot = self.files.read(rel)
            data = load_bytes(snapshot.raw, rel, self.limits)[0] if snapshot.raw is not None else None
            title = data.get("title") if isinstance(data, dict) else None
            entry = {"id": ident, "title": title}
            if kind == "procedures" and isinstance(data, dict) and isinstance(data.get("steps"), list):
                # for links to a step (`procedures/ID#STEP`), picked by its title
                entry["steps"] = [{"id": step["id"], "title": step.get("title") or step.get("action")}
                                  for step in data["steps"] if isinstance(step, dict) and isinstance(step.get("id"), str)]
            found.append(entry)
        return found

    def proposed_id(self, kind: str, titles: list[str]) -> str:
        if kind not in ITEM_KINDS:
            raise _refused(404, _("no such kind"))
        return propose_id(titles, self.files.ids(kind))

    # ---- changing --------------------------------------------------------------------------------

    def put(self, kind: str, ident: str | None, body: Mapping) -> dict:
        """Save an edited item; `body["id"]`, when it differs, renames it (references follow)."""
        item, revision = self._item(body), body.get("revision")
        with self.lock:
            rel = self._existing(kind, ident)
            snapshot = self.files.read(rel)
            if not isinstance(revision, str) or revision != snapshot.revision:
                raise _refused(409, _("the file was changed on disk since the form was opened; reload the "
                                      "form to see the changes, then make your edit again"),
                               revision=snapshot.revision, file=rel)
            new_id, written = body.get("id") or ident, rel
            renaming = kind in ITEM_KINDS and new_id != ident
            if renaming:  # the entry's own links to itself follow too
                self._valid_id(kind, new_id)
                item = renamed(kind, item, kind, ident, new_id)
            text = self._rewritten(rel, snapshot.raw, item)
            writes: dict[str, bytes | None] = {rel: text}
            if renaming:
                writes, written = self._renaming(kind, ident, new_id, rel, text)
            self._check(writes)
            if renaming or text != snapshot.raw:  # a form saved unchanged touches nothing: no rebuild, no reload
                self._write(writes)
        target = new_id if kind in ITEM_KINDS else ""
        return {"revision": revision_of(writes[written]), "id": target, "file": written,
                "page": page_of(kind, target), "changed": sorted(writes)}

    def create(self, kind: str, body: Mapping) -> dict:
        if kind not in ITEM_KINDS:
            raise _refused(404, _("no such kind"))
        item = self._item(body)
        with self.lock:
            ident = body.get("id")
            if not ident:
                title = item.get("title")
                ident = self.proposed_id(kind, list(title.values()) if isinstance(title, dict) else [title])
            self._valid_id(kind, ident)
            if self.files.locate(kind, ident) is not None:
                raise _refused(409, _("a {kind} with the id '{id}' already exists: choose another id").format(
                    kind=_(KIND_NOUN[kind]), id=ident), findings=[finding_json(_finding(
                        "id.duplicate", f"{kind}/{ident}.yaml", ("id",),
                        _("the id '{id}' is already used").format(id=ident)))])
            rel = self.files.new_path(kind, ident)
            schema_order = list(default_schemas().by_kind[kind].get("properties", {}))
            try:
                text = new_document(ordered_for_new(kind, item, schema_order)).encode("utf-8")
            except RoundTripError as error:
                raise _refused(422, _("the item cannot be written as YAML: {reason}").format(reason=error)) from error
            writes: dict[str, bytes | None] = {rel: text}
            self._check(writes)
            self._write(writes)
        return {"revision": revision_of(text), "id": ident, "file": rel, "page": page_of(kind, ident)}

    def delete(self, kind: str, ident: str, revision: str | None = None) -> dict:
        if kind not in ITEM_KINDS:
            raise _refused(405, _("the manual and the glossary cannot be deleted"))
        with self.lock:
            rel = self._existing(kind, ident)
            snapshot = self.files.read(rel)
            if revision is not None and revision != snapshot.revision:
                raise _refused(409, _("the file was changed on disk since the form was opened"),
                               revision=snapshot.revision, file=rel)
            found = referrers(self._all_data(), kind, ident)
            if found:
                raise _refused(409, _("other entries refer to it: change them first"),
                               referrers=[r.as_json() for r in found])
            writes: dict[str, bytes | None] = {rel: None}
            self._check(writes)
            self._write(writes)
        return {"deleted": rel}

    # ---- helpers ---------------------------------------------------------------------------------

    def _existing(self, kind: str, ident: str | None) -> str:
        try:
            rel = self.files.locate(kind, ident)
        except NotEditable as error:
            raise _refused(404, _("no such item")) from error
        if rel is None:
            if kind in SINGLE_FILES:
                return SINGLE_FILES[kind]
            raise _refused(404, _("no such item"))
        return rel

    @staticmethod
    def _item(body: Mapping) -> dict:
        item = body.get("item") if isinstance(body, Mapping) else None
        if not isinstance(item, dict):
            raise _refused(400, _("the request needs an item (a JSON object)"))
        return item

    def _valid_id(self, kind: str, ident: Any) -> None:
        if not isinstance(ident, str) or not ID_PATTERN.match(ident):
            raise _refused(422, _("'{id}' is not a valid id").format(id=ident), findings=[finding_json(_finding(
                "id.invalid", f"{kind}/", ("id",), _("'{id}' is not a valid id").format(id=ident),
                _("ids are lower-case letters, digits and hyphens, e.g. '{id}'").format(id="document-review")))])

    def _rewritten(self, rel: str, raw: bytes | None, item: dict) -> bytes:
        try:
            if raw is None:
                return new_document(item).encode("utf-8")
            return rewrite(raw.decode("utf-8-sig"), item).encode("utf-8")
        except (RoundTripError, UnicodeDecodeError, ValueError) as error:
            raise _refused(422, _("the item cannot be written as YAML: {reason}").format(reason=error)) from error
        except Exception as error:  # ruamel's parser on a file only PyYAML reads
            raise _refused(422, _("the file cannot be rewritten: correct it in a text editor first ({reason})").format(
                reason=type(error).__name__)) from error

    def _all_data(self) -> dict[str, tuple[str, Any]]:
        raws = {}
        for rel in self.files.index().values():
            snapshot = self.files.read(rel)
            if snapshot.raw is not None:
                raws[rel] = snapshot.raw
        return load_all(raws)

    def _renaming(self, kind: str, old: str, new: Any, rel: str, text: bytes) -> tuple[dict[str, bytes | None], str]:
        """The writes of a rename: the item under its new name, every reference to it changed."""
        self._valid_id(kind, new)
        if self.files.locate(kind, new) is not None:
            raise _refused(409, _("a {kind} with the id '{id}' already exists: choose another id").format(
                kind=_(KIND_NOUN[kind]), id=new))
        new_rel = self.files.new_path(kind, new, beside=rel)
        writes: dict[str, bytes | None] = {rel: None, new_rel: text}
        everything = self._all_data()
        for referrer_rel in sorted({r.file for r in referrers(everything, kind, old)}):
            file_kind, data = everything[referrer_rel]
            original = self.files.read(referrer_rel).raw
            writes[referrer_rel] = self._rewritten(referrer_rel, original, renamed(file_kind, data, kind, old, new))
        return writes, new_rel

    def _check(self, writes: dict[str, bytes | None]) -> None:
        """Refuse (422, with the findings) an edit whose files have errors or that breaks others."""
        before = run_check(self.content_dir, limits=self.limits, link_model=False, use_cache=self.use_cache)
        after = run_check(self.content_dir, limits=self.limits, link_model=False, use_cache=self.use_cache,
                          overlay=writes)
        known = {(d.code, d.file, d.path) for d in before.diagnostics if d.is_error}
        blocking = [d for d in after.diagnostics if d.is_error
                    and (d.file in writes or (d.code, d.file, d.path) not in known)]
        if blocking:
            raise _refused(422, _("the entry has errors: nothing was saved"),
                           findings=[finding_json(d) for d in blocking])

    def _write(self, writes: dict[str, bytes | None]) -> None:
        for rel, raw in writes.items():
            if raw is not None:
                self.files.write(rel, raw)
        for rel, raw in writes.items():
            if raw is None:
                self.files.remove(rel)
        self.on_saved(sorted(writes))
