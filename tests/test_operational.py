"""Operational failures (a full disk, a folder officebook may not write, a missing font) are one clear
line and exit 1 in every command, never a traceback; runtime refusals carry no usage hint."""

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from officebook.cli import main

MINIMAL = CASES / "valid" / "minimal" / "content"


def _run(*args: str):
    return CliRunner().invoke(main, [*args])


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "/somewhere/file")


def test_export_on_a_full_disk_is_one_line_and_leaves_no_partial_file(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "write_bytes", _full_disk)
    result = _run("export", str(MINIMAL), "--no-cache", "--format", "csv", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"error: cannot write {tmp_path / 'out' / 'raci-zh.csv'}: no space left on the disk"
    assert "Traceback" not in result.output
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
def test_build_that_may_not_write_its_output_is_one_line(tmp_path, monkeypatch):
    def refused(staging, target):
        raise PermissionError(errno.EACCES, "Permission denied", str(staging))  # officebook's own folder: not named

    monkeypatch.setattr("officebook.build.site.replace_folder", refused)
    result = _run("build", str(MINIMAL), "--no-cache", "-o", str(tmp_path / "site"))
    assert result.exit_code == 1, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"error: cannot write the site {tmp_path / 'site'}: Permission denied; " \
                   "the previous site (if any) is unchanged"
    assert [p.name for p in tmp_path.iterdir()] == [], "the staging folder is removed"


def test_init_on_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch):
    import officebook.cli.authoring as cli

    real = cli._write_plan

    def fails_half_way(root, files, **kwargs):
        real(root, dict(list(files.items())[:3]), **kwargs)
        _full_disk()

    monkeypatch.setattr(cli, "_write_plan", fails_half_way)
    result = _run("init", str(tmp_path / "project"))
    assert result.exit_code == 1
    assert "no space left on the disk; nothing was left there" in result.stderr
    assert not (tmp_path / "project").exists()


def test_any_command_turns_an_unexpected_os_error_into_one_line(monkeypatch):
    def unreadable(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "content/manual.yaml")

    monkeypatch.setattr("officebook.cli.options.run_check", unreadable)
    result = _run("review", str(MINIMAL), "--no-cache")
    assert result.exit_code == 1
    assert result.stderr == "officebook review: error: content/manual.yaml: permission denied\n"


def test_a_missing_font_is_one_error_with_a_hint(tmp_path):
    result = _run("pdf", str(MINIMAL), "--no-cache", "--font", str(tmp_path / "none.otf"), "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "error: the font file" in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["build", "-o", "{tmp}"], "refusing to replace"),
    (["init", "{tmp}"], "is not empty"),
    (["new", "duty", "Bad_Id", "--content", str(MINIMAL)], "is not a valid id"),
    (["pdf", "--post", "nobody", "-o", "{tmp}/pdf"], "no such post"),
])
def test_runtime_refusals_say_why_without_the_usage_hint(tmp_path, args, message):
    (tmp_path / "keep.txt").write_text("x")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if args[0] in ("build", "pdf"):
        args = [args[0], str(MINIMAL), "--no-cache", *args[1:]]
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Try '" not in result.stderr and "Usage:" not in result.stderr
