"""Small file helpers of the build: writes that keep modification times when nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from officebook.render.prebuilt import STORE_FOLDER, set_aside
from officebook.tempfiles import replace_file


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


def write_page(docs_dir: Path, path: str, markdown: str, *, folder_exists: bool = False) -> tuple[bool, set[str]]:
    """Write one generated page with its ready-made HTML set aside into the store beside `docs_dir`
    (render/prebuilt.py); returns whether the page changed and the names of the blocks it refers to.
    Blocks are named by their content, so one already in the store is the same and stays; each is
    renamed into place whole, since a block cut short by an interrupted build would keep its name."""
    page, blocks = set_aside(markdown)
    if blocks:
        store = docs_dir.parent / STORE_FOLDER
        store.mkdir(exist_ok=True)
        for name, block in blocks.items():
            target = store / f"{name}.html"
            if not target.exists():
                replace_file(target, block.encode("utf-8"))
    return write_if_changed(docs_dir / path, page, folder_exists=folder_exists), set(blocks)


def remove_unused_blocks(docs_dir: Path, used: set[str]) -> None:
    """Clear the store of blocks no page refers to any more (after every page was written)."""
    store = docs_dir.parent / STORE_FOLDER
    if store.is_dir():
        for block in store.glob("*.html"):
            if block.stem not in used:
                block.unlink()
