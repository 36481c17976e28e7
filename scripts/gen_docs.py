#!/usr/bin/env python
"""Write guide/authors-guide.md and guide/diagnostics.md (and guide/zh_CN/…) from the schemas and the diagnostic codes.

    python scripts/gen_docs.py           # rewrite the files that changed
    python scripts/gen_docs.py --check   # exit 1, naming them, when guide/ is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from officebook.guide import repository_documents

DOCS = Path(__file__).resolve().parent.parent / "guide"


def stale(docs: Path = DOCS) -> dict[Path, str]:
    """The files of `docs` whose text differs from the generated text, with that text."""
    out = {}
    for name, text in repository_documents().items():
        path = docs / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out[path] = text
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args()
    changed = stale()
    for path, text in changed.items():
        if args.check:
            print(f"{path} is out of date: run python scripts/gen_docs.py", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
