"""The live preview (build/preview.py, build/incremental.py, build/changes.py): after each change, the
pages it rebuilds page by page are the pages a whole build makes of the same content."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from officebook.build.preview import Preview
from officebook.pipeline import run_check
from officebook.tempfiles import replace_file

FIXTURE = Path(__file__).parent / "golden" / "fixture" / "content"


def _preview(content: Path, work: Path, lang: str | None = None) -> Preview:
    preview = Preview(content, lang, None, check=lambda: run_check(content, use_cache=False).manual,
                      on_pages=lambda pages: None, work_dir=work)
    assert preview.render()
    preview.refresh()  # the first build
    return preview


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = [
    ("a title (the menu changes)", lambda c: _edit(c / "duties" / "daily-mail.yaml", "收发文件", "收发公文")),
    ("a task", lambda c: _edit(c / "duties" / "daily-mail.yaml", "上午十点前", "上午九点前")),
    ("a standard no longer applies to a post",
     lambda c: _edit(c / "standards" / "tidy-desk.yaml", "posts: [clerk, head]", "posts: [clerk]")),
    ("a new item", lambda c: (c / "standards" / "fresh-ink.yaml").write_text(
        "title: {zh: 墨迹清晰, en: Clear ink}\ncategory: quality\nstatement: {zh: 字迹清楚。, en: Write clearly.}\n"
        "applies_to:\n  posts: [head]\n", encoding="utf-8")),
    ("an item removed", lambda c: (c / "standards" / "fresh-ink.yaml").unlink()),
    ("a glossary term", lambda c: _edit(c / "glossary.yaml", "term:", "term:", )),
]


@pytest.mark.slow
def test_pages_rebuilt_one_by_one_are_those_of_a_whole_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "zh")
    try:
        for number, (what, edit) in enumerate(EDITS):
            edit(content)
            urls = preview.refresh()
            preview.settle()
            fresh = _preview(content, tmp_path / f"whole-{number}", "zh")
            try:
                served, whole = _site(preview.site_dir), _site(fresh.site_dir)
                assert sorted(served) == sorted(whole), what
                differing = [path for path in whole if served[path] != whole[path]]
                assert differing == [], f"{what}: {differing}"
                assert preview.pages == fresh.pages
            finally:
                fresh.site.close()
            if what == "a title (the menu changes)":
                assert urls == ["duties/daily-mail/"]
    finally:
        preview.site.close()


def test_only_the_items_own_page_comes_first(tmp_path):
    """The quick pass builds the edited item's page; the pages showing it follow in the background."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "en")
    try:
        _edit(content / "duties" / "daily-mail.yaml", "en: Daily mail", "en: Incoming post")
        assert preview.refresh() == ["duties/daily-mail/"]
        assert "Incoming post" in (preview.site_dir / "duties" / "daily-mail" / "index.html").read_text(encoding="utf-8")
        clerk = preview.site_dir / "posts" / "clerk" / "index.html"
        assert "Incoming post" not in clerk.read_text(encoding="utf-8")
        assert "posts/clerk/index.md" in preview._to_render  # it shows the duty
        preview.settle()
        assert "Incoming post" in clerk.read_text(encoding="utf-8")
        assert preview.refresh() == []  # nothing changed since
    finally:
        preview.site.close()


def test_a_served_file_is_replaced_whole_never_rewritten_in_place(tmp_path, monkeypatch):
    """While the preview rebuilds, a browser reading a page or the search index (a page that has just
    been told to reload fetches both) gets the old file or the new one, never a truncated one: nothing
    is written to a path the server serves; files are written beside it and renamed over it."""
    import mkdocs.utils

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "en")
    served = set(_site(preview.site_dir))
    writes: list[str] = []
    write_file = mkdocs.utils.write_file
    monkeypatch.setattr(mkdocs.utils, "write_file", lambda data, path: (
        writes.append(Path(path).relative_to(preview.site.site_dir).as_posix()), write_file(data, path)))
    try:
        _edit(content / "duties" / "daily-mail.yaml", "en: Daily mail", "en: Incoming post")
        preview.refresh()
        preview.settle()
        assert "Incoming post" in (preview.site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
        assert "Incoming post" in (preview.site_dir / "posts" / "clerk" / "index.html").read_text(encoding="utf-8")
        assert "duties/daily-mail/.index.html" in " ".join(writes)  # MkDocs' own writer, aimed beside the page
        # the theme's own pages (404.html, sitemap.xml) are written in place: no open page loads them
        in_place = [path for path in writes if path in served and not path.endswith(("404.html", "sitemap.xml"))]
        assert in_place == []
        assert [p for p in _site(preview.site_dir) if p.endswith(".partial")] == []
    finally:
        preview.site.close()


def test_a_save_writes_the_search_index_once_with_officebooks_words(tmp_path, monkeypatch):
    """The pages a save changed are indexed, given officebook's words (build/search.py) and written in
    one go: the index is not written as Material makes it and then read back and written again."""
    from officebook.build import search

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "zh")
    writes: list[str] = []
    replace = os.replace  # every served file is written beside and renamed over (tempfiles.replace_file)
    monkeypatch.setattr(os, "replace", lambda source, path: (writes.append(Path(path).name), replace(source, path)))
    try:
        _edit(content / "duties" / "daily-mail.yaml", "收发文件", "收发公文")
        preview.refresh()
        preview.settle()
        assert writes.count("search_index.json") == 1
        index = json.loads((preview.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert set(search.FIELDS) <= set(index["config"]["fields"])
        page = [doc for doc in index["docs"] if doc["location"] == "duties/daily-mail/"]
        assert page and page[0]["title"].replace("\u200b", "") == "收发公文" and "收发公文" in page[0]["keys"].split()
    finally:
        preview.site.close()


def test_pages_are_served_whole_while_the_site_is_built_again(tmp_path):
    """A change to manual.yaml builds the whole site again (MkDocs empties the folder it builds in):
    meanwhile every page is still found, whole, and the new one is served once complete; the folders
    of earlier builds are gone."""
    import threading

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "en")
    pages = [preview.site_dir / "index.html", preview.site_dir / "duties" / "daily-mail" / "index.html"]
    misses: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            for page in pages:
                try:
                    if not page.read_text(encoding="utf-8").rstrip().endswith("</html>"):
                        misses.append(f"{page.name}: cut short")
                except OSError as error:
                    misses.append(str(error))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        _edit(content / "manual.yaml", "Sample Office *Manual*", "Sample Office *Handbook*")
        assert preview.refresh() == [""]  # the whole site
    finally:
        done.set()
        reader.join()
        preview.site.close()
    assert misses == []
    assert "Sample Office *Handbook*" in pages[1].read_text(encoding="utf-8")  # the title is plain text
    assert sorted(p.name for p in (tmp_path / "live").iterdir() if p.name.startswith("served")) == ["served", "served-2"]


def test_a_change_already_shown_is_not_checked_or_reloaded_again(tmp_path):
    """The editor's save rebuilds at once; the file watcher, seeing the same written file after it,
    neither checks the content again nor reloads the pages a second time."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    checks = []
    preview = Preview(content, "en", None, check=lambda: checks.append(1) or run_check(content, use_cache=False).manual,
                      on_pages=lambda pages: None, work_dir=tmp_path / "live")
    assert preview.render()
    preview.refresh()
    try:
        before = preview.versions.current
        _edit(content / "duties" / "daily-mail.yaml", "by ten", "by nine")
        assert preview.rebuild([content / "duties" / "daily-mail.yaml"]) == ["duties/daily-mail/"]  # the save
        shown = preview.versions.current
        assert shown > before and preview.versions.changed_since("/duties/daily-mail/", before)
        assert not preview.versions.changed_since("/standards/tidy-desk/", before)  # only the pages changed
        counted = len(checks)
        assert preview.refresh() == []  # the watcher, after the save
        assert len(checks) == counted and preview.versions.current == shown
    finally:
        preview.site.close()


def test_a_file_replaced_while_it_is_sent_goes_out_whole_with_its_own_length(tmp_path, monkeypatch):
    """The search index renamed over the served one between the server's opening it and measuring
    it: the browser gets the file that was opened, under that file's length (MkDocs measured the path,
    and sent the old bytes under the new length)."""
    import io
    import os

    from officebook.build.livereload import Server

    (tmp_path / "search").mkdir()
    index = tmp_path / "search" / "search_index.json"
    index.write_bytes(b'{"docs":[]}')
    server = Server(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        measure = os.path.getsize

        def replaced_first(path):
            if path == str(index):
                replace_file(index, b'{"docs":[{"location":"x/","title":"X","text":""}]}')
            return measure(path)

        monkeypatch.setattr(os.path, "getsize", replaced_first)
        started = []
        environ = {"PATH_INFO": "/search/search_index.json", "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
        answer = server.serve_request(environ, lambda status, headers, *rest: started.append((status, headers)))
        body = b"".join(answer)
        answer.close()
        assert body == b'{"docs":[]}'
        assert started[0][0] == "200 OK" and ("Content-Length", str(len(body))) in started[0][1]
    finally:
        server.server_close()


# ---- the Host check ---------------------------------------------------------------------------------


def test_allowed_hosts():
    from officebook.build.hosts import allowed_hosts, host_allowed

    loopback = allowed_hosts("127.0.0.1", 8000)
    assert host_allowed("127.0.0.1:8000", loopback) and host_allowed("localhost:8000", loopback)
    assert host_allowed("[::1]:8000", loopback) and host_allowed("LOCALHOST:8000", loopback)
    for refused in ("evil.example", "evil.example:8000", "127.0.0.1:8001", "localhost", "", None,
                    "127.0.0.1:8000.evil.example"):
        assert not host_allowed(refused, loopback), refused
    named = allowed_hosts("127.0.0.1", 8000, ["manual.office.lan", "proxy.lan:9000"])
    assert host_allowed("manual.office.lan", named) and host_allowed("manual.office.lan:8000", named)
    assert host_allowed("proxy.lan:9000", named) and not host_allowed("proxy.lan", named)
    assert host_allowed("[::1]:8000", allowed_hosts("::1", 8000))


def _request(port: int, path: str, host: str) -> tuple[int, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _serve(content: Path, tmp_path: Path, *options: str):
    """`officebook serve` in a process; returns (process, port) once it answers."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "OFFICEBOOK_CACHE_DIR": str(tmp_path / "cache")}
    server = subprocess.Popen([sys.executable, "-m", "officebook", "serve", str(content), "--lang", "en",
                               "-a", f"127.0.0.1:{port}", *options],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 120
    while True:
        try:
            if _request(port, "/", f"127.0.0.1:{port}")[0] == 200:
                return server, port
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise AssertionError("the preview did not start: " + server.communicate()[0])
        time.sleep(0.3)


@pytest.mark.slow
def test_the_open_page_reloads_after_a_save(browser, tmp_path):
    """In Chromium: the page shows a saved change by itself (live reload, its script a file the
    pages' Content-Security-Policy allows: no console error)."""
    from browsing import Watched, h1

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    server, port = _serve(content, tmp_path)
    try:
        web = Watched(browser, f"http://127.0.0.1:{port}")
        try:
            web.page.goto(f"http://127.0.0.1:{port}/duties/daily-mail/")
            assert h1(web.page) == "Daily mail"
            web.page.wait_for_timeout(500)  # the live-reload poll is under way
            _edit(content / "duties" / "daily-mail.yaml", "en: Daily mail", "en: Incoming post")
            web.page.locator("h1", has_text="Incoming post").wait_for(timeout=30000)  # no reload by the test
        finally:
            web.close()
    finally:
        server.terminate()
        server.communicate(timeout=60)


@pytest.mark.slow
def test_a_save_reloads_the_pages_it_changed_once(browser, tmp_path):
    """In Chromium: after a file is saved, the open page showing it reloads once (not again when the
    background has rebuilt the other pages); an open page the change does not touch does not reload."""
    import json
    import time

    from browsing import Watched

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    server, port = _serve(content, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        duty, other = Watched(browser, base), Watched(browser, base)
        loads = {"duty": 0, "other": 0}
        duty.page.on("load", lambda: loads.__setitem__("duty", loads["duty"] + 1))
        other.page.on("load", lambda: loads.__setitem__("other", loads["other"] + 1))
        try:
            duty.page.goto(f"{base}/duties/daily-mail/")
            other.page.goto(f"{base}/standards/tidy-desk/")
            assert "daily-mail" not in other.page.content()  # a page the change cannot touch
            duty.page.wait_for_timeout(500)  # the live-reload polls are under way
            _edit(content / "duties" / "daily-mail.yaml", "by ten", "by nine")
            duty.page.get_by_text("Register the day's mail by nine").wait_for(timeout=30000)
            deadline = time.monotonic() + 60
            while json.loads(_request(port, "/_officebook/status", f"127.0.0.1:{port}")[1])["busy"]:
                assert time.monotonic() < deadline
                time.sleep(0.2)
            duty.page.wait_for_timeout(2000)  # a late second reload would come within this
            assert loads == {"duty": 2, "other": 1}
        finally:
            duty.close()
            other.close()
    finally:
        server.terminate()
        server.communicate(timeout=60)


@pytest.mark.slow
def test_serve_dirty_refuses_foreign_hosts_and_shows_a_save(tmp_path):
    """`serve --dirty` starts (it once aborted in strict mode), answers only its own address and the
    --allowed-host names (DNS rebinding gets 403), and serves a saved change."""
    import time

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    server, port = _serve(content, tmp_path, "--dirty", "--allowed-host", "manual.office.lan")
    own = f"127.0.0.1:{port}"
    try:
        status, page = _request(port, "/duties/daily-mail/", own)
        assert "Daily mail" in page
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.nip.io"):
            status, body = _request(port, "/duties/daily-mail/", host)
            assert status == 403 and "Daily mail" not in body, host
        assert _request(port, "/duties/daily-mail/", "manual.office.lan")[0] == 200
        assert _request(port, "/_officebook/status", own) == (200, '{"busy": false}')
        assert _request(port, "/_officebook/status", "evil.example")[0] == 403
        assert _request(port, "/duties/daily-mail/", f"localhost:{port}")[0] == 200
        _edit(content / "duties" / "daily-mail.yaml", "en: Daily mail", "en: Incoming post")
        deadline = time.monotonic() + 60
        while "Incoming post" not in _request(port, "/duties/daily-mail/", own)[1]:
            assert time.monotonic() < deadline, "the saved change was not served"
            time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    assert "strict mode" not in output and "Traceback" not in output, output


# ---- which pages a change touches -------------------------------------------------------------------


def test_links_are_read_from_markdown_and_html():
    from officebook.build.changes import links_of

    markdown = ("See [the clerk](../../posts/clerk/index.md#checklists), <a href=\"../../procedures/review/\">"
                "review</a>, [home](../../index.md), <a href='../../raci/index.html'>RACI</a>, "
                "[out](https://example.org/x) and [mail](mailto:a@b.c).")
    assert links_of("duties/daily-mail/index.md", markdown) == {
        "posts/clerk/index.md", "procedures/review/index.md", "index.md", "raci/index.md"}


def test_affected_pages_start_with_the_items_own():
    from officebook.build.changes import LinkIndex, ManualChanges, affected_pages
    from officebook.model import Ref

    pages = {
        "duties/a/index.md": "[clerk](../../posts/clerk/index.md)",
        "posts/clerk/index.md": "[a](../../duties/a/index.md)",
        "onboarding/clerk/index.md": "[a](../../duties/a/index.md)",
        "standards/s/index.md": "nothing",
        "duties/index.md": "[a](a/index.md)",
        "index.md": "", "raci.md": "", "posts/index.md": "",
    }
    index = LinkIndex.of(pages)
    assert index.linked_from["duties/a/index.md"] == {"posts/clerk/index.md", "onboarding/clerk/index.md",
                                                       "duties/index.md"}
    found = affected_pages(ManualChanges(frozenset({Ref("duties", "a")})), index, list(pages))
    assert found[0] == "duties/a/index.md"
    assert set(found) == {"duties/a/index.md", "posts/clerk/index.md", "onboarding/clerk/index.md",
                          "duties/index.md", "index.md", "raci.md"}
    index.set("posts/clerk/index.md", None)
    assert "posts/clerk/index.md" not in index.linked_from["duties/a/index.md"]
