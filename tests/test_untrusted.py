"""Content as an attacker writes it, against the loader, the cache, the sanitiser and the run's
temporary files: nothing hangs, crashes, reads outside the content folder, lies or stays behind."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASES, ROOT
from officebook.cli import main
from officebook.load import LoadLimits, read_file
from officebook.pipeline import discover, run_check
from officebook.vocabulary.markdown import SAFE_SCHEMES, render_markdown, site_markdown, url_scheme

MINIMAL = CASES / "valid" / "minimal" / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(MINIMAL, target)
    return target


def codes(result) -> list[tuple[str, str]]:
    return [(d.code, d.file) for d in result.diagnostics if d.is_error]


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "officebook", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


# ---- the loader --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_fifo_is_a_finding_and_nothing_hangs(content: Path, tmp_path: Path):
    os.mkfifo(content / "posts" / "pipe.yaml")
    result = run_check(content, use_cache=False)
    assert ("file.not-regular", "posts/pipe.yaml") in codes(result)
    for command in (["check", str(content)], ["export", str(content), "-o", str(tmp_path / "out")]):
        run = cli(*command, timeout=30)  # a FIFO that is opened for reading blocks forever
        assert run.returncode == 1 and "file.not-regular" in run.stderr and "Traceback" not in run.stderr


def test_symlink_to_dev_zero_is_not_followed(content: Path):
    (content / "posts" / "zero.yaml").symlink_to("/dev/zero")
    result = run_check(content, use_cache=False)
    assert ("file.outside", "posts/zero.yaml") in codes(result)


def test_reading_stops_at_the_limit_whatever_the_size_says(tmp_path: Path, monkeypatch):
    raw, _, found = read_file(Path("/dev/zero"), "zero.yaml", LoadLimits(max_bytes=1000))
    assert raw is None and found[0].code == "file.not-regular"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"title: " + b"x" * 5000)
    real_fstat = os.fstat

    def lying_fstat(descriptor):  # a file that grows after stat, or a file system that lies
        result = real_fstat(descriptor)
        return os.stat_result((*result[:6], 10, *result[7:]))

    monkeypatch.setattr(os, "fstat", lying_fstat)
    raw, _, found = read_file(big, "big.yaml", LoadLimits(max_bytes=1000))
    assert raw is None and found[0].code == "file.too-large"


def test_directory_loop_and_outside_folder_are_findings(content: Path, tmp_path: Path):
    (content / "duties" / "again").symlink_to("..")
    outside = tmp_path / "foreign"
    outside.mkdir()
    (outside / "intruder.yaml").write_text("title: Intruder\n", encoding="utf-8")
    (content / "posts" / "foreign").symlink_to(outside)
    found = discover(content)
    assert [(d.code, d.file) for d in found.diagnostics] == [("file.loop", "duties/again"),
                                                              ("file.outside", "posts/foreign")]
    assert not any("intruder" in rel for rel in found.files)


def test_unreadable_folder_is_a_finding(content: Path, monkeypatch):
    locked = content / "standards" / "locked"
    locked.mkdir()
    (locked / "secret.yaml").write_text("title: x\n", encoding="utf-8")
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads everything: make the folder fail as an unreadable one does
        real_scandir = os.scandir

        def scandir(path="."):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        result = run_check(content, use_cache=False)
    finally:
        locked.chmod(0o755)
    assert ("file.unreadable", "standards/locked") in codes(result)


def test_path_longer_than_path_max_is_a_finding(content: Path):
    descriptor = os.open(content / "posts", os.O_RDONLY)
    try:
        for _ in range(40):  # 40 × 120 characters: past PATH_MAX (4096)
            os.mkdir("d" * 120, dir_fd=descriptor)
            inner = os.open("d" * 120, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        created = os.open("deep.yaml", os.O_WRONLY | os.O_CREAT, dir_fd=descriptor)
        os.write(created, b"title: Deep\n")
        os.close(created)
    finally:
        os.close(descriptor)
    result = run_check(content, use_cache=False)
    assert any(code == "file.unreadable" and file.startswith("posts/ddd") for code, file in codes(result))
    shutil.rmtree(content / "posts" / ("d" * 120))


@pytest.mark.slow
def test_alias_amplification_by_size_is_refused_and_what_passes_builds(content: Path, tmp_path: Path):
    (content / "functions" / "bomb.yaml").write_text(
        "title: Bomb\naim: x\ndescription: &big " + "x" * 500_000 + "\nprinciples: [" + ", ".join(["*big"] * 2000)
        + "]\n", encoding="utf-8")
    result = run_check(content, use_cache=False)
    assert ("yaml.alias-limit", "functions/bomb.yaml") in codes(result)
    (content / "functions" / "bomb.yaml").write_text(
        "title: Bomb\naim: x\ndescription: &big " + "x" * 10_000 + "\nprinciples: [" + ", ".join(["*big"] * 8)
        + "]\n", encoding="utf-8")
    run = cli("export", str(content), "-o", str(tmp_path / "out"), "--no-cache")
    assert run.returncode == 0, run.stderr


# ---- the cache -------------------------------------------------------------------------------------


def _export(content: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["export", str(content), "-o", "-", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_damaged_cache_never_changes_a_result(content: Path, tmp_path: Path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("OFFICEBOOK_CACHE_DIR", str(cache))
    expected = _export(content, "--no-cache")
    assert _export(content) == expected
    (cache_file,) = cache.glob("check-*.marshal")
    pristine = cache_file.read_bytes()
    randomness = random.Random(11)
    for trial in range(40):
        damaged = bytearray(pristine)
        for _ in range(1 + trial % 5):
            position = randomness.randrange(len(damaged))
            damaged[position] ^= 1 << randomness.randrange(8)
        cache_file.write_bytes(bytes(damaged))
        assert _export(content) == expected
    cache_file.write_bytes(pristine[: len(pristine) // 2])  # a partial write
    assert _export(content) == expected


def test_foreign_cache_is_not_trusted(content: Path, tmp_path: Path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("OFFICEBOOK_CACHE_DIR", str(cache))
    expected = _export(content, "--no-cache")
    other = tmp_path / "other"
    shutil.copytree(content, other)
    (other / "manual.yaml").write_text((other / "manual.yaml").read_text(encoding="utf-8").replace(
        "Sample", "Forged"), encoding="utf-8")
    _export(other)
    (own,) = [p for p in cache.glob("check-*.marshal")]
    _export(content)
    mine = next(p for p in cache.glob("check-*.marshal") if p != own)
    mine.write_bytes(own.read_bytes())  # another manual's cache, checksum and all, under this manual's name
    assert _export(content) == expected


# ---- the sanitiser ---------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "JaVaScRiPt:", "&#106;",
    "data:text/html,", "vbscript:", "<a href=\"", "\">", "[x](", ")", "![i](", "<", ">", "`", "``", "```", "~~~",
    "\n", "\n\n", "    ", "> ", "- ", "1. ", "# ", "[r]: ", "[r]", "{: onclick=x }", "<details ontoggle=alert(1)>",
    "<iframe srcdoc=", "<svg onload=alert(1)>", "\"", "'", "&", "&#x6A;", "\t", "%0A", "<!--", "-->", "<style>",
    "url(http://e)", " style=\"", "<object data=", "<base href=", "x", "文本", "\x00", "\x1b", "|", "*", "_",
])
MARKDOWN_TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join)


class _Unsafe(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "link", "meta"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "style") and "url(" in (value or ""):
                self.found.append(f"{tag}.{name}")
            if name in ("href", "src") and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.found.append(f"{tag}.{name}={value}")


def unsafe(html: str) -> list[str]:
    parser = _Unsafe()
    parser.feed(html)
    parser.close()
    return parser.found


SITE_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc",
                   "pymdownx.details", "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.snippets"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MARKDOWN_TEXT, allow_html=st.booleans())
def test_sanitised_html_never_holds_script_handlers_or_unsafe_urls(text, allow_html):
    assert unsafe(render_markdown(text, allow_html)) == []
    page = site_markdown(text, allow_html, top_heading=3)
    # as MkDocs renders the page, with the extensions a site may enable
    assert unsafe(markdown.markdown(page, extensions=SITE_EXTENSIONS)) == []
    inline = site_markdown(text, allow_html, inline=True)
    assert unsafe(markdown.markdown("- [ ] " + inline, extensions=SITE_EXTENSIONS)) == []


# ---- the run's own files ---------------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.slow
def test_stale_staging_and_partial_files_are_removed_by_the_next_run(content: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    dead, alive = _dead_pid(), os.getppid()  # a live process other than this one
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / f".officebook.json.{dead}.partial", tmp_path / f".site.new-{dead}-abc",
             tmp_path / f".site.old-{dead}-def", tmp_path / "tmp" / f"officebook-site-{dead}-x"]
    kept = [out / f".officebook.json.{alive}.partial", tmp_path / f".site.new-{alive}-abc",
            tmp_path / "unrelated.new-1-x"]
    for path in stale + kept:
        path.mkdir() if "partial" not in path.name else path.write_bytes(b"half")
    assert CliRunner().invoke(main, ["export", str(content), "-o", str(out), "--no-cache"]).exit_code == 0
    from officebook.build.site import build_site

    build_site(run_check(content, use_cache=False).manual, tmp_path / "site")
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


@pytest.mark.slow
def test_sigterm_leaves_no_temporary_folder(tmp_path: Path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "OFFICEBOOK_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "officebook", "build", str(ROOT / "content"), "-o",
                                str(tmp_path / "site")], env=env, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(temp.glob("officebook-site-*")):
        time.sleep(0.05)  # wait until the build is under way
    assert list(temp.glob("officebook-site-*")), "the build made its work folder"
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert list(temp.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []
    assert not (tmp_path / "site").exists()


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 300 KiB tmpfs, where the test may mount one (root, and a kernel that lets it); else skip."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not shutil.which("mount"):
        pytest.skip("no mount command")
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.mark.slow
def test_full_disk_is_one_clear_error_and_leaves_nothing(small_disk: Path):
    (small_disk / "filler").write_bytes(b"\0" * (300 * 1024 - 8192))
    export = cli("export", str(ROOT / "content"), "--format", "csv", "-o", str(small_disk / "export"), "--no-cache")
    assert export.returncode == 1 and "Traceback" not in export.stderr
    assert "no space left on the disk" in export.stderr
    build = cli("build", str(ROOT / "content"), "-o", str(small_disk / "site"), "--no-cache", timeout=600)
    assert build.returncode == 1 and "Traceback" not in build.stderr
    leftovers = [p.name for p in small_disk.rglob("*") if "partial" in p.name or ".new-" in p.name]
    assert leftovers == []
    assert not (small_disk / "site").exists()


# ---- the terminal ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_control_characters_never_reach_the_terminal(content: Path):
    (content / "posts" / "director.yaml").write_text(
        (content / "posts" / "director.yaml").read_text(encoding="utf-8")
        + '"\\e]0;pwned\\a\\e[2J\\x9b31m\\u202e": x\n', encoding="utf-8")
    for output_format in ("text", "github", "json"):
        run = cli("check", str(content), "--no-cache", "--format", output_format)
        assert run.returncode == 1
        shown = run.stdout + run.stderr
        assert not any(ch in shown for ch in "\x1b\x07\x9b\u202e"), output_format
        if output_format == "json":
            keys = [d["message"] for d in json.loads(run.stdout)["diagnostics"]]
            assert any("\x1b]0;pwned" in message for message in keys), "JSON still says what the key was"


@pytest.mark.slow
@pytest.mark.parametrize("bomb", ["[" * 100_000 + "](x)", "`a" * 100_000 + "](x)", "[<*_`](" * 20_000,
                                  "`" * 200_000 + "](x)", "![" * 50_000],
                         ids=["brackets", "code-spans", "mixed", "backticks", "images"])
def test_bracket_and_backtick_bombs_never_hang_check_or_rendering(content: Path, bomb: str):
    """Markdown a renderer looks far ahead for: check and the renderer get through it (a hang would
    end at the timeout); the output shows it as text."""
    (content / "functions" / "bomb.yaml").write_text(
        yaml.safe_dump({"title": "Bomb", "aim": "x", "description": bomb}, width=10**7), encoding="utf-8")
    run = cli("check", str(content), "--no-cache", timeout=120)
    assert "Traceback" not in run.stderr
    assert unsafe(site_markdown(bomb, True)) == []
