"""The preview's server: MkDocs' `LiveReloadServer`, with open pages reloading only after a change of
their own (`PageVersions`), and the small guards and helpers `build/preview.py` serves with."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qs, unquote
from wsgiref.util import FileWrapper

from mkdocs.livereload import LiveReloadServer, _timestamp

from officebook.tempfiles import partial_path

LIVERELOAD_SCRIPT = "/_officebook/livereload.js"


class PageVersions:
    """Which version of the site (an epoch, in milliseconds) last changed each page.

    A page is served with the current version; its live-reload request (MkDocs' script, naming the
    page: `/livereload/<epoch>/<request>?page=<path>`) waits in `wait` until that page, or every page,
    changes after it, and the page reloads. A save therefore reloads the pages it changed, each once
    (not every open page, nor again when the file watcher sees the file the save wrote)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.current = _timestamp()
        self._pages: dict[str, int] = {}
        self._every_page = 0
        self._stopped = False

    def changed(self, urls: Iterable[str] | None) -> None:
        """Pages (site-relative URLs; every page when None) changed now."""
        keys = None if urls is None else [page_key(url) for url in urls]
        if keys == []:
            return
        with self._condition:
            self.current = max(_timestamp(), self.current + 1)
            if keys is None:
                self._every_page = self.current
            for key in keys or ():
                self._pages[key] = self.current
            self._condition.notify_all()

    def changed_since(self, url: str, epoch: int) -> bool:
        return self._every_page > epoch or self._pages.get(page_key(url), 0) > epoch

    def wait(self, environ: dict, start_response: Callable, mount_path: str, *, timeout: float) -> list[bytes] | None:
        """Answer a live-reload request: a higher epoch as soon as its page changes, its own after
        `timeout`. None when the request is not one."""
        found = re.fullmatch(r"/livereload/([0-9]+)/[0-9]+", environ.get("PATH_INFO", ""))
        if not found:
            return None
        epoch = int(found[1])
        path = unquote(parse_qs(environ.get("QUERY_STRING", "")).get("page", [""])[0])
        page = path[len(mount_path):] if path.startswith(mount_path) else path
        with self._condition:
            self._condition.wait_for(lambda: self.changed_since(page, epoch) or self._stopped, timeout=timeout)
            answer = self.current if self.changed_since(page, epoch) else epoch
        body = str(answer).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "no-store"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    def stop(self) -> None:
        """Answer every waiting request now (the server stops)."""
        with self._condition:
            self._stopped = True
            self._condition.notify_all()


class Server(LiveReloadServer):
    """MkDocs' server, its live-reload script loaded from a file (`LIVERELOAD_SCRIPT`) instead of
    written into the page: the pages' Content-Security-Policy allows no inline script."""

    page_tags = ""  # what else goes before </body> (Preview.add_page_tag)
    site_epoch: Callable[[], int] = staticmethod(_timestamp)  # the preview's version of the site (PageVersions.current)

    def _serve_request(self, environ, start_response):
        """MkDocs' answer, its Content-Length that of the file it opened. MkDocs measures the file by
        its path after opening it; the preview renames new files over served ones (`replace_file`), and
        a file replaced in between would be sent with the new file's length and the old file's bytes."""
        started: list[tuple] = []
        answer = super()._serve_request(environ, lambda *arguments: started.append(arguments))
        if answer is None:
            return None
        status, headers, *rest = started[0]
        opened = getattr(answer, "filelike", None)
        if isinstance(answer, FileWrapper) and isinstance(opened, io.BufferedReader):  # a page is sent from memory
            size = str(os.fstat(opened.fileno()).st_size)
            headers = [(name, size if name == "Content-Length" else value) for name, value in headers]
        start_response(status, headers, *rest)
        return answer

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        epoch = self.site_epoch()
        try:
            body_end = content.rindex(b"</body>")
        except ValueError:
            body_end = len(content)
        tag = f'<script src="{LIVERELOAD_SCRIPT}" data-epoch="{epoch}" data-request="{_timestamp()}"></script>'
        tag += self.page_tags
        return content[:body_end] + tag.encode() + content[body_end:]


def serve_from(link: Path, folder: Path) -> None:
    """Make `link`, the folder the server serves, point at `folder` (beside it), in one rename: a
    whole build goes into a folder of its own and is swapped in complete. MkDocs' build first empties
    the folder it builds into, and pages asked for meanwhile were not found."""
    staged = partial_path(link)
    staged.unlink(missing_ok=True)
    staged.symlink_to(folder.name)
    if link.is_dir() and not link.is_symlink():  # a work folder from before the served folder was a link
        shutil.rmtree(link)
    os.replace(staged, link)


def files_state(content_dir: Path, config_file: Path | None) -> tuple:
    """What the content folder's files (assets too) and mkdocs.yml look like on disk: names, sizes,
    modification times, inodes. Equal states mean nothing was saved in between (cheap: no file is read)."""
    found = []
    for folder, folders, files in os.walk(content_dir):
        folders.sort()
        for name in sorted(files):
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            found.append((folder, name, info.st_size, info.st_mtime_ns, info.st_ino))
    if config_file:
        try:
            info = os.stat(config_file)
            found.append((str(config_file), "", info.st_size, info.st_mtime_ns, info.st_ino))
        except OSError:
            pass
    return tuple(found)


def page_key(url: str) -> str:
    """A page's URL as the live-reload requests name it: `duties/x/`, `/duties/x/index.html` → `duties/x/index.html`."""
    url = url.lstrip("/")
    return url + "index.html" if url == "" or url.endswith("/") else url


def serve_url(host: str, port: int, path: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path.rstrip('/')}/"


def error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


_UNSERVABLE = re.compile(r"[\x00-\x1f\x7f]")


def refuse_unservable_paths(app):
    """A WSGI wrapper answering 400 for a path with control characters (`/%00`), which no file can
    have and which the file system rejects with an exception (a 500 and a traceback otherwise)."""

    def guarded(environ, start_response):
        if _UNSERVABLE.search(environ.get("PATH_INFO", "")):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: the path has control characters\n"]
        return app(environ, start_response)

    return guarded
