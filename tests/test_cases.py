"""Folders of valid and invalid manuals: adding a case is adding a folder."""

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, ROOT
from officebook.pipeline import run_check

VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", [*VALID, ROOT], ids=[*(p.name for p in VALID), "default-content"])
def test_valid_manual_has_no_findings(case: Path):
    result = run_check(case / "content", strict=True, use_cache=False)
    assert [d.as_text() for d in result.diagnostics] == []
    assert result.manual is not None


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_manual_reports_exactly_the_expected_findings(case: Path):
    args = shlex.split((case / "args.txt").read_text()) if (case / "args.txt").exists() else []
    before = {p: p.read_bytes() for p in (case / "content").rglob("*") if p.is_file()}
    run = subprocess.run(
        [sys.executable, "-m", "officebook", "check", "--no-cache", *args, "content"],
        cwd=case, capture_output=True, text=True, timeout=60,
    )
    findings = [line for line in run.stderr.splitlines() if ": error [" in line or ": warning [" in line]
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert findings == expected
    assert "Traceback" not in run.stderr
    has_error = any(": error [" in line for line in expected)
    assert run.returncode == (1 if has_error else 0)
    assert {p: p.read_bytes() for p in (case / "content").rglob("*") if p.is_file()} == before


# Codes whose defect git cannot store, tested where the test makes it.
COVERED_ELSEWHERE = {"file.not-regular": "a FIFO or device: tests/test_untrusted.py"}


def test_every_code_has_an_invalid_case():
    from officebook.diagnostics import CODES

    covered = {line.split("[", 1)[1].split("]", 1)[0]
               for case in INVALID for line in (case / "expected.txt").read_text().splitlines()}
    assert set(CODES) - covered - set(COVERED_ELSEWHERE) == set()
