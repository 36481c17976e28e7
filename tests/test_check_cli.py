"""`officebook check` as a user runs it: output forms, exit codes, strictness, the cache."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES, ROOT
from officebook.cli import main
from officebook.diagnostics import CODES

MINIMAL = CASES / "valid" / "minimal" / "content"
REF_UNKNOWN = CASES / "invalid" / "ref-unknown" / "content"
WARNING_ONLY = CASES / "invalid" / "review-overdue" / "content"


def run(*args):
    return CliRunner().invoke(main, ["check", "--no-cache", *map(str, args)])


def test_clean_content_exits_0_with_a_summary():
    result = run(MINIMAL)
    assert result.exit_code == 0
    assert result.output.strip().endswith("14 files checked: no problems")


def test_errors_exit_1_with_every_finding_and_a_summary():
    result = run(REF_UNKNOWN)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].endswith("error [ref.unknown] raci.responsible[2]: no post 'secetary' — did you mean 'secretary'?")
    assert lines[0].startswith(f"{REF_UNKNOWN.as_posix()}/duties/meetings.yaml:5:23:")
    assert lines[-1] == "7 files checked: 1 error, 1 warning"


def test_warnings_pass_unless_strict():
    assert run(WARNING_ONLY).exit_code == 0
    strict = run("--strict", WARNING_ONLY)
    assert strict.exit_code == 1 and "error [review.overdue]" in strict.output


def test_json_format():
    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(REF_UNKNOWN)])
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["errors"] == 1 and report["warnings"] == 1 and report["files"] == 7
    first = report["diagnostics"][0]
    assert first == {
        "code": "ref.unknown", "severity": "error", "file": f"{REF_UNKNOWN.as_posix()}/duties/meetings.yaml",
        "line": 5, "column": 23, "path": "raci.responsible[1]", "message": "no post 'secetary'",
        "hint": "did you mean 'secretary'?",
    }


def test_github_format():
    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "github", str(REF_UNKNOWN)])
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"::error file={REF_UNKNOWN.as_posix()}/duties/meetings.yaml,line=5,col=23,title=ref.unknown::")
    assert "no post 'secetary'" in line


def test_usage_errors_exit_2(tmp_path: Path):
    assert run(tmp_path / "missing").exit_code == 2
    assert CliRunner().invoke(main, ["check", "--format", "xml", str(MINIMAL)]).exit_code == 2
    assert CliRunner().invoke(main, ["check", "--max-file-size", "0", str(MINIMAL)]).exit_code == 2


@pytest.mark.slow
def test_default_folder_is_content():
    process = subprocess.run([sys.executable, "-m", "officebook", "check", "--no-cache"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr
    assert "files checked: no problems" in process.stderr


@pytest.fixture
def cached_minimal(tmp_path: Path, monkeypatch):
    """A copy of the minimal manual, and a `check` of it that uses a cache of its own (already warm)."""
    monkeypatch.setenv("OFFICEBOOK_CACHE_DIR", str(tmp_path / "cache"))
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)

    def check():
        return CliRunner().invoke(main, ["check", str(content)])

    assert check().exit_code == 0
    return content, check


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_cache_sees_edits_and_survives_deletion(tmp_path: Path, cached_minimal):
    content, check = cached_minimal
    assert list((tmp_path / "cache").iterdir())
    duty = content / "duties" / "document-handling.yaml"
    edit(duty, "[secretary]", "[secetary]")
    edited = check()
    assert edited.exit_code == 1 and "no post 'secetary'" in edited.output
    edit(duty, "[secetary]", "[secretary]")
    assert check().exit_code == 0
    shutil.rmtree(tmp_path / "cache")
    assert check().exit_code == 0
    (tmp_path / "cache").mkdir(exist_ok=True)
    for stale in (tmp_path / "cache").iterdir():
        stale.write_bytes(b"not a pickle")
    assert check().exit_code == 0


def test_cached_findings_still_point_into_the_file(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OFFICEBOOK_CACHE_DIR", str(tmp_path / "cache"))
    first = CliRunner().invoke(main, ["check", str(REF_UNKNOWN)]).output
    second = CliRunner().invoke(main, ["check", str(REF_UNKNOWN)]).output
    assert first == second and ":5:23: error [ref.unknown]" in second


def test_every_code_is_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in readme] == []


def test_cache_keeps_cross_file_findings_right(cached_minimal):
    """Edits that change another file's findings (a post losing its duty, a reporting cycle) show on re-check."""
    content, check = cached_minimal
    edit(content / "duties" / "service" / "vehicles.yaml", "responsible: [driver]", "responsible: [secretary]")
    assert "warning [post.no-duties]" in check().output
    edit(content / "posts" / "director.yaml", "title:", "reports_to: driver\ntitle:")
    output = check().output
    assert "error [post.cycle]" in output and "warning [post.no-duties]" in output
