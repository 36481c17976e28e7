#!/usr/bin/env python3
"""Regenerate the golden Markdown of the fixture manual, on purpose only.

    python tests/golden/update.py

Review the diff (`git diff tests/golden`) before committing: every change in it is a change in
what the site shows. The tests never write these files.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "src"))

from officebook.pipeline import run_check  # noqa: E402 - after the path set-up above
from officebook.render.site import render_site  # noqa: E402

CASES = ("fixture",)


def golden_pages(case: str) -> dict[str, str]:
    """Golden file path (relative to the case folder) → expected Markdown."""
    result = run_check(HERE / case / "content", use_cache=False)
    if result.manual is None:
        raise SystemExit(f"{case}: the fixture content has errors: {result.diagnostics}")
    pages: dict[str, str] = {}
    for lang in result.manual.info.languages:
        for path, markdown in render_site(result.manual, lang).pages.items():
            pages[f"pages/{lang}/{path}"] = markdown
    return pages


def main() -> None:
    for case in CASES:
        target = HERE / case / "pages"
        shutil.rmtree(target, ignore_errors=True)
        pages = golden_pages(case)
        for relative, markdown in pages.items():
            path = HERE / case / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8", newline="\n")
        print(f"{case}: wrote {len(pages)} golden pages")


if __name__ == "__main__":
    main()
