"""Folders of valid and invalid manuals: adding a case is adding a folder.

An invalid case holds `content/`, optionally `args.txt` (options of `officebook check`), and the findings
it must print, one a line: `expected.txt` in English, or `expected.zh_CN.txt` in Chinese (checked with
`--ui-lang zh_CN`, as a Chinese author reads them). Cases run in this process through click's
CliRunner; tests/test_check_cli.py keeps one run through a real interpreter."""

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES, ROOT, expected_file
from officebook.cli import main
from officebook.pipeline import run_check

VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", [*VALID, ROOT], ids=[*(p.name for p in VALID), "default-content"])
def test_valid_manual_has_no_findings(case: Path):
    result = run_check(case / "content", strict=True, use_cache=False)
    assert [d.as_text() for d in result.diagnostics] == []
    assert result.manual is not None


SEVERITY = {"en": (": error [", ": warning ["), "zh_CN": (": 错误 [", ": 警告 [")}


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_manual_reports_exactly_the_expected_findings(case: Path, monkeypatch):
    args = shlex.split((case / "args.txt").read_text()) if (case / "args.txt").exists() else []
    expected_path = expected_file(case)
    ui_language = expected_path.name.split(".")[1] if expected_path.name.count(".") == 2 else "en"
    before = {p: p.read_bytes() for p in (case / "content").rglob("*") if p.is_file()}
    monkeypatch.chdir(case)
    run = CliRunner().invoke(main, ["--ui-lang", ui_language, "check", "--no-cache", *args, "content"])
    error, warning = SEVERITY[ui_language]
    findings = [line for line in run.stderr.splitlines() if error in line or warning in line]
    expected = expected_path.read_text(encoding="utf-8").splitlines()
    assert findings == expected
    assert run.exception is None or isinstance(run.exception, SystemExit), run.exc_info
    has_error = any(error in line for line in expected)
    assert run.exit_code == (1 if has_error else 0)
    assert {p: p.read_bytes() for p in (case / "content").rglob("*") if p.is_file()} == before


# Codes whose defect git cannot store, tested where the test makes it.
COVERED_ELSEWHERE = {"file.not-regular": "a FIFO or device: tests/test_untrusted.py"}


def test_every_code_has_an_invalid_case():
    from officebook.diagnostics import CODES

    covered = {line.split("[", 1)[1].split("]", 1)[0]
               for case in INVALID for line in expected_file(case).read_text(encoding="utf-8").splitlines()}
    assert set(CODES) - covered - set(COVERED_ELSEWHERE) == set()
