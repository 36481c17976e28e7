"""Checks where authors commit and push: the pre-commit hook and GitHub Actions annotations."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, write_files
from officebook.scaffold import init_project

pytestmark = pytest.mark.slow  # pre-commit, git and GitHub annotations in new processes

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Author", "GIT_AUTHOR_EMAIL": "author@example.org",
                "GIT_COMMITTER_NAME": "Author", "GIT_COMMITTER_EMAIL": "author@example.org"}


def _run(command: list[str], cwd: Path, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_the_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["officebook-check"]
    hook = hooks[0]
    assert hook["entry"] == "officebook check" and hook["args"] == ["--strict"]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "content/duties/service/meals.yaml")
    assert re.search(hook["files"], "content/manual.yml")
    assert not re.search(hook["files"], "README.md")


def _snapshot_of_this_repository() -> tuple[Path, str]:
    """A git repository holding this working tree as it is (committed or not), as `pre-commit
    try-repo` would make, and its commit.

    pre-commit builds the hook's environment (officebook and its dependencies installed by pip: most
    of this test's time) once per repository and revision. The snapshot is kept in the test cache
    under a hash of its files, with fixed commit dates, so a run with the same working tree reuses the
    environment the previous run built; a changed tree replaces both."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT).stdout
    files = sorted(r for r in filter(None, listed.split("\0")) if not r.startswith("tests/")
                   and ((ROOT / r).is_file() or (ROOT / r).is_symlink()))
    digest = hashlib.blake2b(digest_size=12)
    for relative in files:
        source = ROOT / relative
        digest.update(relative.encode() + b"\0")
        digest.update(os.readlink(source).encode() if source.is_symlink() else source.read_bytes())
        digest.update(b"\0")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officebook-tests" / "pre-commit"
    target = cache / f"hook-{digest.hexdigest()}"
    if not (target / ".git").is_dir() or _run(["git", "rev-parse", "HEAD"], target).returncode != 0:
        shutil.rmtree(cache, ignore_errors=True)  # another tree: its snapshot and environment are stale
        staging = cache / f".staging-{os.getpid()}"
        staging.mkdir(parents=True)
        for relative in files:
            source = ROOT / relative
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                os.symlink(os.readlink(source), staging / relative)
            else:
                shutil.copy2(source, staging / relative)
        env = {**os.environ, **GIT_IDENTITY, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
               "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull}
        for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "snapshot"]):
            step = _run(command, staging, env)
            assert step.returncode == 0, step.stdout + step.stderr
        staging.rename(target)
    return target, _run(["git", "rev-parse", "HEAD"], target).stdout.strip()


def test_pre_commit_hook_refuses_a_broken_file_and_passes_a_fixed_one(tmp_path):
    """A manual project uses the hook as its README says; a commit with a typo'd key is refused."""
    pre_commit = [sys.executable, "-m", "pre_commit"]
    hook_repository, rev = _snapshot_of_this_repository()
    project = write_files(tmp_path / "manual", init_project(("zh", "en")).files)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repository}\n    rev: {rev}\n    hooks:\n      - id: officebook-check\n")
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(hook_repository.parent / "home"),
           "OFFICEBOOK_CACHE_DIR": str(tmp_path / "officebook-cache"),
           # pip installs the hook's environment without compiling all ~2,900 modules of officebook's
           # dependencies to bytecode first: Python compiles the few the hook imports when it runs
           "PIP_COMPILE": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    assert _run(["git", "init", "-q"], project, env).returncode == 0
    installed = _run([*pre_commit, "install"], project, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert _run(["git", "add", "-A"], project, env).returncode == 0
    first = _run(["git", "commit", "-q", "-m", "A new manual"], project, env)
    assert first.returncode == 0, first.stdout + first.stderr  # the examples pass the hook

    post = project / "content/posts/secretary.yaml"
    post.write_text(post.read_text(encoding="utf-8").replace("maintainer:", "maintainr:"), encoding="utf-8")
    assert _run(["git", "add", str(post)], project, env).returncode == 0
    refused = _run(["git", "commit", "-q", "-m", "A typo"], project, env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "officebook check" in output and "Failed" in output
    line = post.read_text(encoding="utf-8").splitlines().index("maintainr: director") + 1
    assert f"content/posts/secretary.yaml:{line}:1: error [schema.unknown-key] maintainr: unknown field " \
           "'maintainr' — did you mean 'maintainer'?" in output
    assert _run(["git", "rev-list", "--count", "HEAD"], project).stdout.strip() == "1"

    fixed_text = post.read_text(encoding="utf-8").replace("maintainr:", "maintainer:") + "tags: [secretariat]\n"
    post.write_text(fixed_text, encoding="utf-8")
    (project / "README.md").write_text("# Our manual\n", encoding="utf-8")
    assert _run(["git", "add", "-A"], project, env).returncode == 0
    fixed = _run([*pre_commit, "run"], project, env)
    assert fixed.returncode == 0 and re.search(r"officebook check\.+Passed", fixed.stdout), fixed.stdout
    assert _run(["git", "commit", "-q", "-m", "Fixed"], project, env).returncode == 0

    (project / "README.md").write_text("# Our office manual\n", encoding="utf-8")
    assert _run(["git", "add", "README.md"], project, env).returncode == 0
    skipped = _run([*pre_commit, "run"], project, env)  # no content file staged: nothing to check
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout, skipped.stdout


# ---- GitHub Actions annotations -----------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning) ((?:[a-z]+=[^,:]*)(?:,[a-z]+=[^,:]*)*)::(.*)$")


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@pytest.fixture
def awkward_manual(tmp_path) -> Path:
    """A manual whose findings carry ',' ':' '%' and a newline in file names, keys and messages."""
    project = write_files(tmp_path / "manual", init_project(("zh", "en")).files)
    (project / "content/posts/100%,a:b.yaml").write_text(
        'title: {zh: 司机, en: Driver}\nreports_to: director\n"50%, a: b\\nc": 1\nsummary: "Drives: 100%, always"\n',
        encoding="utf-8")
    (project / "content/duties/document-handling.yaml").write_text(
        "title: {zh: 公文处理, en: Document handling}\nfunction: coordination\nfrequency: daily\n"
        "raci:\n  responsible: [secretary, '100%,a:b']\n  accountable: director\n", encoding="utf-8")
    return project


def test_check_format_github_escapes_properties_and_messages(awkward_manual):
    run = _run([sys.executable, "-m", "officebook", "check", "--no-cache", "--format", "github", "content"],
               awkward_manual)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines and all(ANNOTATION.match(line) for line in lines), run.stdout
    annotations = []
    for line in lines:
        level, properties, message = ANNOTATION.match(line).groups()
        fields = dict(part.split("=", 1) for part in properties.split(","))
        annotations.append((level, {k: _unescape(v) for k, v in fields.items()}, _unescape(message)))
    assert run.stderr.strip().endswith("9 files checked: 3 errors, 1 warning")  # the summary goes to stderr
    by_code = {fields["title"]: (level, fields, message) for level, fields, message in annotations}

    level, fields, message = by_code["schema.unknown-key"]
    assert level == "error"
    assert fields == {"file": "content/posts/100%,a:b.yaml", "line": "3", "col": "1", "title": "schema.unknown-key"}
    assert "unknown field '50%, a: b\nc'" in message  # the newline survives, escaped on the wire
    assert "%0A" in next(line for line in lines if "schema.unknown-key" in line)

    level, fields, message = by_code["id.invalid"]
    assert fields["file"] == "content/posts/100%,a:b.yaml"
    assert message.startswith("[id.invalid] '100%,a:b' is not a valid id")

    level, fields, message = by_code["schema.pattern"]
    assert fields["file"] == "content/duties/document-handling.yaml"
    assert (fields["line"], fields["col"]) == ("5", "28")
    assert "raci.responsible[2]" in message and "'100%,a:b'" in message

    level, fields, message = by_code["i18n.missing"]
    assert (level, fields["line"]) == ("warning", "4")
    assert message.startswith("[i18n.missing] summary: only in the default language 'zh'")
