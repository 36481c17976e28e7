"""load → validate → link over a content folder, with a cache of per-file results.

The cache keeps, per file, what depends on that file's bytes alone (parsed data, load and schema
findings), keyed by a hash of the content. It lives outside the content folder (by default in the
user's cache directory) and is safe to delete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from officebook import __version__
from officebook.diagnostics import Diagnostic, sort_diagnostics, strict as make_strict
from officebook.load import LoadedFile, LoadLimits, load_bytes
from officebook.model import Manual
from officebook.validate import (
    SCHEMA_DIR,
    build_content,
    default_schemas,
    kind_of,
    validate_meaning,
    validate_shape,
)
from officebook.link import link

YAML_SUFFIXES = (".yaml", ".yml")


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


def discover(root: Path) -> list[str]:
    """Content files (relative posix paths, sorted); hidden files and folders are skipped."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                found.append(Path(folder, name).relative_to(root).as_posix())
    return sorted(found)


def default_cache_dir() -> Path:
    """$OFFICEBOOK_CACHE_DIR, else $XDG_CACHE_HOME/officebook, else ~/.cache/officebook."""
    if os.environ.get("OFFICEBOOK_CACHE_DIR"):
        return Path(os.environ["OFFICEBOOK_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officebook"


def run_check(
    content_dir: Path,
    *,
    strict: bool = False,
    limits: LoadLimits = LoadLimits(),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    today: dt.date | None = None,
) -> CheckResult:
    """Load, validate and link `content_dir`. Findings carry paths relative to `content_dir`."""
    import time

    timings: dict[str, float] = {}
    started = time.perf_counter()
    content_dir = Path(content_dir)
    rels = discover(content_dir)
    cache = _Cache(content_dir, limits, cache_dir or default_cache_dir()) if use_cache else None
    schemas = default_schemas()
    files: list[LoadedFile] = []
    diagnostics: list[Diagnostic] = []
    load_seconds = validate_seconds = 0.0
    for rel in rels:
        path = content_dir / rel
        entry = cache.get(rel, path) if cache else None
        if entry is not None:
            data, file_diagnostics = entry
            loaded = LoadedFile(rel, path, data, list(file_diagnostics), limits)
            files.append(loaded)
            diagnostics += file_diagnostics
            continue
        t0 = time.perf_counter()
        loaded, digest, stat = _load(path, rel, limits)
        t1 = time.perf_counter()
        kind = kind_of(rel)
        shape = validate_shape(loaded, kind, schemas) if kind and loaded.ok else []
        validate_seconds += time.perf_counter() - t1
        load_seconds += t1 - t0
        loaded.diagnostics += shape
        files.append(loaded)
        diagnostics += loaded.diagnostics
        if cache and digest:
            cache.put(rel, stat, digest, loaded.data, loaded.diagnostics)
    timings["load"] = load_seconds
    t0 = time.perf_counter()
    content, found = build_content(files)
    diagnostics += found
    diagnostics += validate_meaning(content, schemas, today)
    timings["validate"] = validate_seconds + time.perf_counter() - t0
    if cache:
        cache.save()
    manual = None
    if not any(d.is_error for d in diagnostics):
        t0 = time.perf_counter()
        manual, found = link(content)
        diagnostics += found
        timings["link"] = time.perf_counter() - t0
    if strict:
        diagnostics = make_strict(diagnostics)
        if any(d.is_error for d in diagnostics):
            manual = None
    timings["total"] = time.perf_counter() - started
    return CheckResult(manual, sort_diagnostics(diagnostics), len(rels), timings)


def _load(path: Path, rel: str, limits: LoadLimits) -> tuple[LoadedFile, str, tuple]:
    from officebook.load import load_file

    try:
        stat = path.stat()
        if stat.st_size > limits.max_bytes:
            return load_file(path, rel, limits), "", ()
        raw = path.read_bytes()
    except OSError:
        return load_file(path, rel, limits), "", ()
    data, diagnostics = load_bytes(raw, rel, limits)
    loaded = LoadedFile(rel, path, data, diagnostics, limits)
    return loaded, hashlib.blake2b(raw, digest_size=16).hexdigest(), _stat_key(stat)


def _stat_key(stat: os.stat_result) -> tuple:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


class _Cache:
    """Per-file results keyed by content hash; a stat match skips re-reading unchanged files."""

    def __init__(self, content_dir: Path, limits: LoadLimits, directory: Path) -> None:
        schema_hash = hashlib.blake2b(digest_size=8)
        for schema in sorted(SCHEMA_DIR.glob("*.json")):
            schema_hash.update(schema.read_bytes())
        key = f"{Path(content_dir).resolve()}|{__version__}|{limits}|{schema_hash.hexdigest()}"
        self.path = directory / f"check-{hashlib.blake2b(key.encode(), digest_size=10).hexdigest()}.pickle"
        self.entries: dict[str, tuple] = {}
        self.dirty = False
        self.used: set[str] = set()
        try:
            with self.path.open("rb") as handle:
                stored = pickle.load(handle)
            if isinstance(stored, dict):
                self.entries = stored
        except Exception:  # a missing, partial or stale cache is simply rebuilt
            self.entries = {}

    def get(self, rel: str, path: Path) -> tuple | None:
        entry = self.entries.get(rel)
        if entry is None:
            return None
        stat_key, digest, data, diagnostics = entry
        try:
            stat = path.stat()
        except OSError:
            return None
        if _stat_key(stat) != stat_key:
            try:
                raw = path.read_bytes()
            except OSError:
                return None
            if hashlib.blake2b(raw, digest_size=16).hexdigest() != digest:
                return None
            self.entries[rel] = (_stat_key(stat), digest, data, diagnostics)
            self.dirty = True
        self.used.add(rel)
        return data, diagnostics

    def put(self, rel: str, stat_key: tuple, digest: str, data: object, diagnostics: list[Diagnostic]) -> None:
        self.entries[rel] = (stat_key, digest, data, tuple(diagnostics))
        self.used.add(rel)
        self.dirty = True

    def save(self) -> None:
        stale = set(self.entries) - self.used
        for rel in stale:
            del self.entries[rel]
        if not (self.dirty or stale):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, delete=False, suffix=".tmp") as handle:
                pickle.dump(self.entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path)
        except OSError:  # a read-only cache location only costs speed
            pass
