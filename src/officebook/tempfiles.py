"""The temporary, staging and partial files officebook makes, and how none of them outlives its run.

Every one carries the id of the process that made it (`.site.new-4711-k2j3`, `.handbook-zh.pdf.4711.partial`,
`officebook-site-4711-x8f1`). A run removes its own on failure and on SIGTERM (see `cli.main`); a run
that was killed outright (SIGKILL, power cut) leaves them, and the next run beside them removes those
whose process no longer exists (`remove_stale`). Nothing is removed that another live run may own.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

TEMP_PREFIX = "officebook-"
_PARTIAL = re.compile(r"^\..+\.(?P<pid>\d+)\.partial$")


def partial_path(path: Path) -> Path:
    """Where to write `path` before renaming it into place."""
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` beside `path`, then rename it into place: a reader (a browser fetching the search
    index while the preview rewrites it) sees the old file or the new one, never half of one."""
    partial = partial_path(path)
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def staging_dir(target: Path, role: str) -> Path:
    """A new folder beside `target` (same file system, so it can be renamed over it): `.NAME.ROLE-PID-…`."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{role}-{os.getpid()}-", dir=target.parent))


def temp_dir(role: str) -> Path:
    """A new folder in the system's temporary folder: `officebook-ROLE-PID-…`."""
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{role}-{os.getpid()}-"))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, as another user's process
    return True


def _owner(name: str, prefixes: tuple[str, ...]) -> int | None:
    """The process id in an officebook temporary name, or None when the name is not one of ours."""
    match = _PARTIAL.match(name)
    if match:
        return int(match["pid"])
    for prefix in prefixes:
        if name.startswith(prefix):
            pid = name[len(prefix):].split("-", 1)[0]
            return int(pid) if pid.isdigit() else None
    return None


def remove_stale(folder: Path, target_name: str | None = None) -> list[Path]:
    """Remove, in `folder`, officebook's temporary files and folders whose process is gone: partial
    files, and (for `target_name`) its `.NAME.new-`, `.old-` and `.pdf-` staging folders, or (for the
    system temporary folder, `target_name` None) `officebook-*` work folders. Returns what was removed."""
    if target_name is None:
        prefixes: tuple[str, ...] = tuple(f"{TEMP_PREFIX}{role}-" for role in ("site", "serve", "edition"))
    else:
        prefixes = tuple(f".{target_name}.{role}-" for role in ("new", "old", "pdf"))
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = _owner(entry.name, prefixes)
        if pid is None or _alive(pid):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def remove_stale_temp() -> list[Path]:
    """`remove_stale` over the system's temporary folder."""
    return remove_stale(Path(tempfile.gettempdir()))
