"""Where the editor may read and write: item files of the five kinds, manual.yaml and glossary.yaml.

Every path the editor touches is derived here from a kind (one of a fixed list) and an id (the
contract's pattern), found among the files `check` discovers, and confirmed to be a regular file
inside the content folder: no request can name a path of its own.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from officebook.pipeline import discover
from officebook.tempfiles import partial_path
from officebook.validate import ID_PATTERN, item_id, kind_of
from officebook.vocabulary.kinds import ITEM_KINDS

SINGLE_FILES = {"manual": "manual.yaml", "glossary": "glossary.yaml"}
EDITABLE_KINDS = (*ITEM_KINDS, *SINGLE_FILES)


class NotEditable(Exception):
    """The kind, id or file is not one the editor may touch."""


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes as read, and its revision (a hash of those bytes; "" for a file that does not exist)."""

    rel: str
    raw: bytes | None

    @property
    def revision(self) -> str:
        return revision_of(self.raw)


def revision_of(raw: bytes | None) -> str:
    return "" if raw is None else hashlib.blake2b(raw, digest_size=12).hexdigest()


class ContentFiles:
    """The content folder as the editor sees it."""

    def __init__(self, content_dir: Path) -> None:
        self.root = Path(content_dir).resolve()

    def index(self) -> dict[tuple[str, str], str]:
        """(kind, id) → content-relative path of every item file (the first of a duplicated id, as `check` reads it)."""
        found: dict[tuple[str, str], str] = {}
        for rel in discover(self.root).files:
            kind = kind_of(rel)
            if kind in ITEM_KINDS:
                found.setdefault((kind, item_id(rel)), rel)
            elif kind in SINGLE_FILES and rel == SINGLE_FILES[kind]:
                found.setdefault((kind, ""), rel)
        return found

    def ids(self, kind: str) -> list[str]:
        return sorted(ident for k, ident in self.index() if k == kind)

    @staticmethod
    def check_name(kind: str, ident: str | None) -> None:
        if kind not in EDITABLE_KINDS:
            raise NotEditable(kind)
        if kind in SINGLE_FILES:
            if ident:
                raise NotEditable(ident)
        elif not isinstance(ident, str) or not ID_PATTERN.match(ident):
            raise NotEditable(ident)

    def locate(self, kind: str, ident: str | None = None) -> str | None:
        """The file of an existing item (None when there is none)."""
        self.check_name(kind, ident)
        return self.index().get((kind, ident or ""))

    def new_path(self, kind: str, ident: str, beside: str | None = None) -> str:
        """Where a new item (or a renamed one, `beside` its old file) goes: its kind's folder, or the old file's."""
        self.check_name(kind, ident)
        folder = beside.rsplit("/", 1)[0] if beside and "/" in beside else kind
        return f"{folder}/{ident}.yaml"

    def path(self, rel: str) -> Path:
        """The absolute path of a content-relative one, refused unless it stays inside the folder and
        names a regular file or nothing (never a link out, a FIFO, a folder)."""
        kind = kind_of(rel)
        if kind not in EDITABLE_KINDS or not rel.endswith((".yaml", ".yml")) or ".." in rel.split("/"):
            raise NotEditable(rel)
        path = self.root / rel
        real = Path(os.path.realpath(path))
        if real != path and self.root not in real.parents:
            raise NotEditable(rel)
        if self.root not in real.parents:
            raise NotEditable(rel)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise NotEditable(rel)
        return path

    def read(self, rel: str) -> Snapshot:
        try:
            return Snapshot(rel, self.path(rel).read_bytes())
        except FileNotFoundError:
            return Snapshot(rel, None)

    def write(self, rel: str, raw: bytes) -> None:
        """Replace the file atomically (a reader never sees half a file)."""
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = partial_path(path)
        try:
            with open(temporary, "xb") as handle:
                handle.write(raw)
                handle.flush()
                os.fsync(handle.fileno())
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o7777)
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()

    def remove(self, rel: str) -> None:
        self.path(rel).unlink()
