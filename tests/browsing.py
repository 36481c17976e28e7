"""Helpers for the tests that drive the built web manual in real Chromium (fixtures in conftest.py)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = os.environ.get("OFFICEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
ARTIFACTS = Path(__file__).parent / "artifacts"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that left mid-file is no error
            super().handle_error(request, client_address)


@contextlib.contextmanager
def served(root: Path) -> Iterator[str]:
    """Serve the folder `root` on 127.0.0.1 from a thread; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A page whose console errors and requests off the machine are recorded (and blocked)."""

    def __init__(self, browser, allowed_prefix: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.errors: list[str] = []
        self.remote: list[str] = []
        self.allowed = allowed_prefix
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(
            f"{message.text} ({message.location.get('url')}:{message.location.get('lineNumber')})"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith((self.allowed, "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()
        assert self.remote == [], f"requests left the machine: {self.remote}"
        assert self.errors == [], f"console errors: {self.errors}"


def h1(page) -> str:
    return page.locator("h1").inner_text().rstrip("¶").strip()


def shot(page, name: str, full_page: bool = False) -> None:
    """Save a screenshot to tests/artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


@contextlib.contextmanager
def page_without_errors(browser, **options) -> Iterator:
    """A desktop page in Chinese (1280 × 900) whose scripts must raise nothing while it is used."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []
