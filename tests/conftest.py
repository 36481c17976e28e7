import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"

# Findings and messages are compared in English; tests of other languages set the environment they test.
os.environ["OFFICEBOOK_LANG"] = "en"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Keep the check cache of test runs out of the user's cache directory."""
    os.environ["OFFICEBOOK_CACHE_DIR"] = str(tmp_path_factory.mktemp("officebook-cache"))
    yield


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
def site_url(tmp_path_factory):
    """The default manual's web site, built once and served on 127.0.0.1."""
    from browsing import served

    from officebook.build.site import build_site
    from officebook.pipeline import run_check

    root = tmp_path_factory.mktemp("browser-site") / "site"
    build_site(run_check(ROOT / "content", use_cache=False).manual, root)
    with served(root) as url:
        yield url


@pytest.fixture
def web(browser, site_url):
    """A fresh page on the default site that fails the test on console errors or remote requests."""
    from browsing import Watched

    watched = Watched(browser, site_url)
    yield watched
    watched.close()
