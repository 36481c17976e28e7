import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
SECOND_EDITION = CASES / "valid" / "second-edition" / "content"

# Findings and messages are compared in English; tests of other languages set the environment they test.
os.environ["OFFICEBOOK_LANG"] = "en"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Keep the check cache of test runs out of the user's cache directory."""
    os.environ["OFFICEBOOK_CACHE_DIR"] = str(tmp_path_factory.mktemp("officebook-cache"))
    yield


# Fixtures that build a site or start a browser: a test using one is slow (`-m "not slow"` leaves it out)
# without having to say so itself.
SLOW_FIXTURES = frozenset({"browser", "web", "site_url", "default_site", "default_offline_site", "yaml_language_server",
                           "default_handbooks", "default_booklets", "second_edition_handbooks",
                           "default_word_handbook_pdf"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def run_tool(command: Sequence[str], *, timeout: float = 600, **options) -> subprocess.CompletedProcess:
    """Run an outside tool (npm, pip, LibreOffice, git) that must succeed; when it fails, the test fails
    with the tool's own output, so the cause is read from that run rather than found by another."""
    try:
        run = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout, **options)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{' '.join(map(str, command))} did not finish in {timeout} s:\n"
                    f"{_decoded(error.stdout)}\n{_decoded(error.stderr)}")
    if run.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited with {run.returncode}:\n{run.stdout}\n{run.stderr}")
    return run


def officebook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`officebook ARGS` run in this process through click's CliRunner (fast), from `cwd`; the result
    as subprocess.run gives it. An exception the command did not turn into an exit fails the test.
    Tests of what only a real process shows (signals, locale, start-up) run `python -m officebook`."""
    from click.testing import CliRunner

    from officebook.cli import main

    before = Path.cwd()
    os.chdir(cwd or before)
    try:
        result = CliRunner().invoke(main, [str(arg) for arg in args])
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["officebook", *args], result.exit_code, result.stdout, result.stderr)


def _decoded(output: bytes | str | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def expected_file(case: Path) -> Path:
    """An invalid case's expected findings: `expected.<interface language>.txt` (`expected.zh_CN.txt`,
    checked as a Chinese author reads them), else `expected.txt` (English)."""
    return next(case.glob("expected.*.txt"), case / "expected.txt")


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under root (UTF-8), making folders; returns root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (Playwright's sync API allows one instance per process).
    Skips when Playwright or Debian's chromium (/usr/bin/chromium, or $OFFICEBOOK_CHROMIUM) is missing."""
    from browsing import CHROMIUM, CHROMIUM_ARGS

    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def default_site(tmp_path_factory) -> Path:
    """The default manual's web site, built once per run for every test that reads it (site, search,
    browser): tests read it, never change it."""
    from officebook.build.site import build_site
    from officebook.pipeline import run_check

    root = tmp_path_factory.mktemp("default-site") / "site"
    build_site(run_check(ROOT / "content", use_cache=False).manual, root)
    return root


@pytest.fixture(scope="session")
def default_offline_site(tmp_path_factory) -> Path:
    """The default manual's web site for reading from a folder (`--offline`: `.html` addresses), built
    once per run for every test that reads it (search, links): tests read it, never change it."""
    from officebook.build.site import build_site
    from officebook.pipeline import run_check

    root = tmp_path_factory.mktemp("default-offline-site") / "site"
    build_site(run_check(ROOT / "content", use_cache=False).manual, root, offline=True)
    return root


def _printed(content: Path, out: Path, *args: str) -> Path:
    result = officebook("pdf", content, "-o", out, "--no-cache", "--jobs", "2", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def default_handbooks(tmp_path_factory) -> Path:
    """The folder of the default manual's printed handbooks (handbook-zh.pdf, handbook-en.pdf), printed
    once per run by `officebook pdf` for every module that reads them (PDF, flowcharts in print): tests
    read them, never change them."""
    return _printed(ROOT / "content", tmp_path_factory.mktemp("default-handbooks"))


@pytest.fixture(scope="session")
def default_booklets(tmp_path_factory) -> Path:
    """The folder of the default manual's Chinese post booklets (booklet-<post>-zh.pdf, every post),
    printed once per run for every module that reads them (printed pages, onboarding reference)."""
    return _printed(ROOT / "content", tmp_path_factory.mktemp("default-booklets"), "--all-posts", "--lang", "zh")


@pytest.fixture(scope="session")
def second_edition_handbooks(tmp_path_factory) -> Path:
    """The folder of the second-edition case manual's printed handbooks (zh official, en modern), printed
    once per run for every module that reads them (printed pages, printing in parts)."""
    return _printed(SECOND_EDITION, tmp_path_factory.mktemp("second-edition-handbooks"))


@pytest.fixture(scope="session")
def default_word_handbook_pdf(tmp_path_factory) -> Path:
    """The default manual's Chinese Word handbook as `officebook docx` writes it (contents numbered by
    LibreOffice's layout), printed to PDF by LibreOffice once per run for every test that reads it.
    Skips without LibreOffice Writer or pdftotext."""
    import shutil

    from officebook.build.docx import write_docx_handbooks
    from officebook.build.pagination import can_paginate
    from officebook.pipeline import run_check

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not can_paginate() or soffice is None or not Path("/usr/lib/libreoffice/program/libswlo.so").exists():
        pytest.skip("LibreOffice Writer and pdftotext are needed (Debian: libreoffice-writer, poppler-utils)")
    out = tmp_path_factory.mktemp("default-word-handbook")
    written = write_docx_handbooks(run_check(ROOT / "content", use_cache=False).manual, out,
                                   languages=["zh"]).files[0].path
    run_tool([soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
              "--outdir", str(out), str(written)], timeout=900)
    return out / "handbook-zh.pdf"


@pytest.fixture(scope="session")
def site_url(default_site):
    """The default manual's web site served on 127.0.0.1."""
    from browsing import served

    with served(default_site) as url:
        yield url


@pytest.fixture
def web(browser, site_url):
    """A fresh page on the default site that fails the test on console errors or remote requests."""
    from browsing import Watched

    watched = Watched(browser, site_url)
    yield watched
    watched.close()
