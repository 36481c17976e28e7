"""load → validate → link over a content folder, with a cache of per-file results.

The cache keeps, per file, what depends on that file's bytes alone (parsed data, load and schema
findings), keyed by a hash of the content. It lives outside the content folder (by default in the
user's cache directory) and is safe to delete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import stat as stat_module
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from officebook import __version__, i18n
from officebook.assets import check_assets
from officebook.diagnostics import Diagnostic, Severity, sort_diagnostics
from officebook.diagnostics import strict as make_strict
from officebook.gc_pause import paused_gc
from officebook.i18n import gettext as _
from officebook.link import LinkMemo, link
from officebook.load import LoadedFile, LoadLimits, Positions, load_bytes, not_regular, read_file, unreadable
from officebook.model import Manual
from officebook.tempfiles import partial_path, remove_stale
from officebook.validate import (
    build_content,
    kind_of,
    meaning_fingerprint,
    validate_across,
    validate_file_meaning,
    validate_shape,
)
from officebook.vocabulary.schemas import SCHEMA_DIR, default_schemas

YAML_SUFFIXES = (".yaml", ".yml")
ASSETS_DIR = "assets"


@dataclass
class CheckResult:
    """What `check` found: the linked manual (None when there are errors) and every finding."""

    manual: Manual | None
    diagnostics: list[Diagnostic]
    files: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


@dataclass
class Discovery:
    """The content files found (relative posix paths, sorted) and what stopped the walk anywhere."""

    files: list[str]
    diagnostics: list[Diagnostic]


def discover(root: Path) -> Discovery:
    """Content files under `root`: hidden files and folders, and assets/, are skipped; only regular
    files inside the folder count. A FIFO, device or socket, a symlink that leads out of the folder
    or into a folder already walked (a loop), and every folder or file that cannot be read are
    findings, never followed and never an exception."""
    found: list[str] = []
    findings: list[Diagnostic] = []
    try:
        top = Path(os.path.realpath(root))
        visited = {_identity(os.stat(top))}
    except OSError as error:
        return Discovery([], [unreadable(".", error, "folder")])
    pending = [("", str(top))]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            findings.append(unreadable(prefix.rstrip("/") or ".", error, "folder"))
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith(".") or (not prefix and entry.name == ASSETS_DIR):
                continue
            rel = prefix + entry.name
            is_yaml = entry.name.endswith(YAML_SUFFIXES)
            try:
                if entry.is_symlink():
                    target = Path(os.path.realpath(entry.path))
                    if target != top and top not in target.parents:
                        if is_yaml or target.is_dir():
                            findings.append(_finding(
                                rel, "file.outside", _("this symbolic link leads out of the content folder: not followed"),
                                _("copy the file into the content folder instead of linking to it")))
                        continue
                info = os.stat(entry.path)
            except OSError as error:  # a broken link, a path too long, no permission
                if is_yaml:
                    findings.append(unreadable(rel, error))
                elif _is_folder_entry(entry):
                    findings.append(unreadable(rel, error, "folder"))
                continue
            if stat_module.S_ISDIR(info.st_mode):
                if _identity(info) in visited:
                    findings.append(_finding(
                        rel, "file.loop", _("this symbolic link leads to a folder already read (a loop): not followed"),
                        _("remove the link; a folder is read once")))
                    continue
                visited.add(_identity(info))
                folders.append((rel + "/", entry.path))
            elif is_yaml:
                if stat_module.S_ISREG(info.st_mode):
                    found.append(rel)
                else:
                    findings.append(not_regular(rel, info.st_mode))
        pending.extend(reversed(folders))
    return Discovery(sorted(found), findings)


def _is_folder_entry(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)  # from the listing itself: no call that can fail again
    except OSError:
        return False


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _finding(rel: str, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, rel, 1, 1, (), message, hint)


def discover_assets(root: Path) -> frozenset[str]:
    """Regular files under `<root>/assets/` as content-relative paths (`assets/forms/draft.docx`).

    Hidden files are skipped, and symbolic links are not followed: nothing outside the folder is listed.
    """
    found: set[str] = set()
    pending = [(f"{ASSETS_DIR}/", Path(root) / ASSETS_DIR)]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((f"{prefix}{entry.name}/", entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        found.add(prefix + entry.name)
        except OSError:  # no assets folder (or an unreadable one): no assets
            continue
    return frozenset(found)


def default_cache_dir() -> Path:
    """$OFFICEBOOK_CACHE_DIR, else $XDG_CACHE_HOME/officebook, else ~/.cache/officebook."""
    if os.environ.get("OFFICEBOOK_CACHE_DIR"):
        return Path(os.environ["OFFICEBOOK_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officebook"


@paused_gc()
def edition_of(content_dir: Path, *, use_cache: bool = True) -> dict:
    """A content folder as an edition to compare (its JSON export without derived fields); raises
    `officebook.diff.EditionError` with the findings when the content has errors."""
    from officebook.diff import EditionError
    from officebook.export import export_data

    result = run_check(content_dir, use_cache=use_cache)
    if result.manual is None:
        raise EditionError(_("{path}: the content has errors").format(path=content_dir), result.diagnostics, result.files)
    return export_data(result.manual, derived=False)


def run_check(
    content_dir: Path,
    *,
    strict: bool = False,
    limits: LoadLimits = LoadLimits(),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    today: dt.date | None = None,
    link_model: bool = True,
    overlay: Mapping[str, bytes | None] | None = None,
    link_memo: LinkMemo | None = None,
) -> CheckResult:
    """Load, validate and (with `link_model`) link `content_dir`.

    Findings carry paths relative to `content_dir`. Linking yields no findings of its own, so a
    plain check may skip it (`link_model=False`). `overlay` (content-relative path → bytes, or None
    for a file deleted) is checked in place of what is on disk: the editor checks a save before it
    writes anything. `link_memo`, kept by the caller between checks of the same folder (the preview),
    lets `link` rebuild only what changed files touch.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    content_dir = Path(content_dir)
    discovery = discover(content_dir)
    rels = discovery.files
    if overlay:
        rels = sorted((set(rels) | {rel for rel, raw in overlay.items() if raw is not None})
                      - {rel for rel, raw in overlay.items() if raw is None})
    cache = _Cache(content_dir, limits, cache_dir or default_cache_dir()) if use_cache else None
    schemas = default_schemas()
    files: list[LoadedFile] = []
    load_seconds = shape_seconds = 0.0
    for rel in rels:
        path = content_dir / rel
        overlaid = bool(overlay) and rel in overlay
        loaded = cache.get(rel, path, limits) if cache and not overlaid else None
        if loaded is None:
            t0 = time.perf_counter()
            loaded, digest, stat = _load_overlaid(path, rel, overlay[rel], limits) if overlaid else _load(path, rel, limits)
            t1 = time.perf_counter()
            kind = kind_of(rel)
            loaded.diagnostics += validate_shape(loaded, kind, schemas) if kind and loaded.ok else []
            shape_seconds += time.perf_counter() - t1
            load_seconds += t1 - t0
            if cache and digest:
                cache.put(rel, stat, digest, loaded)
        files.append(loaded)
    timings["load"] = load_seconds
    t0 = time.perf_counter()
    content, diagnostics = build_content(files)
    diagnostics += discovery.diagnostics
    content.assets = discover_assets(content_dir)
    content.root = str(content_dir)
    if cache:
        content.facts.update(cache.known_facts())
    for loaded in files:
        diagnostics += loaded.diagnostics
    fingerprint = meaning_fingerprint(content, today)
    for kind, loaded in content.files():
        overlaid = bool(overlay) and loaded.rel in overlay
        found = cache.meaning(loaded.rel, fingerprint) if cache and not overlaid else None
        if found is None:
            found = validate_file_meaning(kind, loaded, content, schemas, today)
            if cache and not overlaid:
                cache.put_meaning(loaded.rel, fingerprint, found)
        diagnostics += found
    diagnostics += validate_across(content)
    diagnostics += check_assets(content_dir, content.assets, limits.max_image_pixels)
    if cache:
        cache.put_facts(content.facts)
    timings["validate"] = shape_seconds + time.perf_counter() - t0
    if cache:
        cache.save()
    manual = None
    if link_model and not any(d.is_error for d in diagnostics):
        t0 = time.perf_counter()
        manual, found = link(content, link_memo)
        diagnostics += found
        timings["link"] = time.perf_counter() - t0
    if strict:
        diagnostics = make_strict(diagnostics)
        if any(d.is_error for d in diagnostics):
            manual = None
    timings["total"] = time.perf_counter() - started
    return CheckResult(manual, sort_diagnostics(diagnostics), len(rels), timings)


def _load(path: Path, rel: str, limits: LoadLimits) -> tuple[LoadedFile, str, tuple]:
    """Load one file; with it, the content hash and stat key the cache files it under ("" and () if unread)."""
    raw, stat, problems = read_file(path, rel, limits)
    if raw is None:
        return LoadedFile(rel, path, None, problems, limits), "", ()
    data, diagnostics = load_bytes(raw, rel, limits)
    digest = _digest(raw)
    return LoadedFile(rel, path, data, diagnostics, limits, digest=digest), digest, _stat_key(stat)


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _load_overlaid(path: Path, rel: str, raw: bytes, limits: LoadLimits) -> tuple[LoadedFile, str, tuple]:
    """Load bytes not (yet) on disk; their positions are computed now, from these bytes (never the file's)."""
    positions = Positions()
    data, diagnostics = load_bytes(raw, rel, limits, positions)
    loaded = LoadedFile(rel, path, data, diagnostics, limits, digest=_digest(raw))
    loaded.set_positions(positions)
    return loaded, "", ()


def _stat_key(stat: os.stat_result) -> tuple:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


def _valid_entry(rel: object, entry: object) -> bool:
    """An entry of the shape `_Cache` writes (the checksum already vouches for its bytes)."""
    if not (isinstance(rel, str) and isinstance(entry, list) and len(entry) == 7):
        return False
    stat_key, digest, data, found, fingerprint, meaning, _facts = entry
    return (isinstance(stat_key, tuple | list) and isinstance(digest, str)
            and isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], bytes)
            and isinstance(found, tuple) and (fingerprint is None or isinstance(fingerprint, str))
            and isinstance(meaning, tuple)
            and all(isinstance(d, tuple) and len(d) == 8 for d in (*found, *meaning)))


def _pack(diagnostics: list[Diagnostic]) -> tuple:
    return tuple((d.code, d.severity.value, d.file, d.line, d.column, d.path, d.message, d.hint) for d in diagnostics)


def _unpack(packed: tuple) -> list[Diagnostic]:
    return [Diagnostic(c, Severity(s), f, line, col, tuple(p), m, h) for c, s, f, line, col, p, m, h in packed]


class _Cache:
    """Per-file results keyed by content hash; a stat match skips re-reading unchanged files.

    An entry: [stat key, content hash, (marshalled data, is a mapping), load+schema findings, meaning fingerprint,
    semantic findings, cross-file facts].
    Stored with `marshal` (plain values only), written atomically; any unreadable cache is rebuilt.
    """

    VERSION = 6
    MAGIC = b"officebook-check-cache\n"

    def __init__(self, content_dir: Path, limits: LoadLimits, directory: Path) -> None:
        schema_hash = hashlib.blake2b(digest_size=8)
        for schema in sorted(SCHEMA_DIR.glob("*.json")):
            schema_hash.update(schema.read_bytes())
        # Findings are kept as worded: one cache per interface language (and version of its catalogue).
        key = f"{Path(content_dir).resolve()}|{__version__}|{self.VERSION}|{limits}|{schema_hash.hexdigest()}|" \
              f"{i18n.fingerprint()}"
        self.key = hashlib.blake2b(key.encode(), digest_size=32).digest()
        self.path = directory / f"check-{hashlib.blake2b(key.encode(), digest_size=10).hexdigest()}.marshal"
        self.entries: dict[str, list] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            stored = self._verified(self.path.read_bytes())
            if isinstance(stored, dict):
                self.entries = {rel: entry for rel, entry in stored.items() if _valid_entry(rel, entry)}
        except (OSError, ValueError, EOFError, TypeError):  # missing, partial, damaged or foreign: rebuild
            self.entries = {}

    def _checksum(self, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=self.key, digest_size=32).digest()

    def _verified(self, stored: bytes):
        """The cache's data if its checksum (keyed by this content folder, version and limits) holds."""
        header = len(self.MAGIC) + 32
        if not stored.startswith(self.MAGIC) or len(stored) < header:
            return None
        payload = stored[header:]
        if stored[len(self.MAGIC):header] != self._checksum(payload):
            return None
        return marshal.loads(payload)

    def get(self, rel: str, path: Path, limits: LoadLimits) -> LoadedFile | None:
        entry = self.entries.get(rel)
        if entry is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if _stat_key(stat) != tuple(entry[0]):
            raw, stat, _ = read_file(path, rel, limits)
            if raw is None or _digest(raw) != entry[1]:
                return None
            entry[0] = _stat_key(stat)
            self.dirty = True
        self.used.add(rel)
        packed, parsed = entry[2]
        return LoadedFile(rel, path, None, _unpack(entry[3]), limits, packed=packed, parsed=parsed, digest=entry[1])

    def put(self, rel: str, stat_key: tuple, digest: str, loaded: LoadedFile) -> None:
        self.entries[rel] = [stat_key, digest, (loaded.packed(), loaded.parsed), _pack(loaded.diagnostics), None, (), None]
        self.used.add(rel)
        self.dirty = True

    def meaning(self, rel: str, fingerprint: str) -> list[Diagnostic] | None:
        entry = self.entries.get(rel)
        return _unpack(entry[5]) if entry and entry[4] == fingerprint else None

    def put_meaning(self, rel: str, fingerprint: str, diagnostics: list[Diagnostic]) -> None:
        if rel in self.entries:
            self.entries[rel][4:6] = [fingerprint, _pack(diagnostics)]
            self.dirty = True

    def known_facts(self) -> dict[str, object]:
        """Cross-file facts of the files read from the cache (see validate.file_facts)."""
        return {rel: self.entries[rel][6] for rel in self.used if self.entries[rel][6] is not None}

    def put_facts(self, facts: dict[str, object]) -> None:
        for rel, value in facts.items():
            entry = self.entries.get(rel)
            if entry is not None and entry[6] != value:
                entry[6] = value
                self.dirty = True

    def save(self) -> None:
        stale = set(self.entries) - self.used
        for rel in stale:
            del self.entries[rel]
        if not (self.dirty or stale):
            return
        try:
            payload = marshal.dumps(self.entries)
        except ValueError:  # a value marshal cannot store: no cache this time
            return
        temporary = partial_path(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(self.path.parent)
            temporary.write_bytes(self.MAGIC + self._checksum(payload) + payload)
            os.replace(temporary, self.path)
        except OSError:  # a read-only cache location or a full disk: the cache is only an optimisation
            with contextlib.suppress(OSError):
                temporary.unlink()
