"""Small file helpers of the build: writes that keep modification times when nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def write_if_changed(path: Path, text: str, *, folder_exists: bool = False) -> bool:
    """Write `text` unless the file already holds it (keeps mtimes, so watchers only see real edits)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    if not folder_exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return True
