#!/usr/bin/env python3
"""Install the lowest versions of officebook's dependencies that pyproject.toml allows into a fresh
virtual environment, then check, build, export, diff, print and write Word documents with them: the
lower bounds must be true.

Every dependency is pinned to its lower bound (`>=X` becomes `==X`); what they need in turn is
resolved by pip as usual. Run by .ci/run after the suite; needs the package index.

    python scripts/lowest_deps.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def lowest_pins(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """`name==lower` for every dependency of the project (each must have a `>=` lower bound)."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for dependency in dependencies:
        name, spec = REQUIREMENT.match(dependency).groups()
        lower = re.search(r">=\s*([^,;\s]+)", spec)
        if lower is None:
            raise SystemExit(f"lowest_deps: {dependency!r} has no lower bound (>=)")
        pins.append(f"{name}=={lower.group(1)}")
    return pins


def run(command: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build the environment here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="officebook-lowest-"))
    try:
        environment = work / "venv"
        if not (environment / "bin" / "python").exists():
            venv.create(environment, with_pip=True, clear=True)
        python = str(environment / "bin" / "python")
        pins = lowest_pins()
        (work / "constraints.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
        run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", str(work / "constraints.txt"),
             "-e", str(ROOT)])
        officebook = str(environment / "bin" / "officebook")
        minimal = ROOT / "tests" / "cases" / "valid" / "minimal" / "content"
        run([officebook, "check", "--no-cache", "content"], cwd=ROOT)
        run([officebook, "build", "--no-cache", "content", "-o", str(work / "site")], cwd=ROOT)
        run([officebook, "export", "--no-cache", "content", "-o", str(work / "export")], cwd=ROOT)
        run([officebook, "diff", str(work / "export" / "officebook.json"), "content"], cwd=ROOT)
        run([officebook, "export", "--no-cache", "content", "--format", "xlsx", "-o", str(work / "xlsx")], cwd=ROOT)
        run([officebook, "pdf", "--no-cache", str(minimal), "-o", str(work / "pdf")], cwd=ROOT)
        run([officebook, "docx", "--no-cache", str(minimal), "-o", str(work / "docx")], cwd=ROOT)
        made = [work / "site" / "index.html", *(work / "pdf").glob("*.pdf"), *(work / "docx").glob("*.docx"),
                *(work / "xlsx").glob("*.xlsx")]
        if len(made) < 7 or not all(path.is_file() for path in made):
            raise SystemExit("lowest_deps: the site, the PDFs, the Word documents or the workbooks are missing")
        print(f"lowest_deps: the default manual builds with {' '.join(pins)}", flush=True)
        return 0
    except subprocess.CalledProcessError as error:
        print(f"lowest_deps: failed with the lowest versions: {' '.join(error.cmd)}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
