"""`officebook serve` (and the site `officebook edit` shows): the live preview of one language.

It runs on MkDocs' own `LiveReloadServer`, which watches the content folder and mkdocs.yml (its
`.watch`; no other watcher). After a change the content is checked again and compared with the
previous manual item by item; only the pages the change touches are rendered and built again
(`build/changes.py`, `build/incremental.py`) and the browser reloads. The rest follows in a
background thread: pages too large for the quick pass, every page's menu after a navigation change
(a new or removed item, a changed title), the search index, and a check that renders every page
again and rebuilds any the quick pass missed. `--dirty` skips the background work (menus and the
search index may lag).

For the editor (`officebook edit`, src/officebook/edit/):

    preview = Preview(content_dir, None, mkdocs_yml, check=..., on_pages=...)
    preview.render()                       # check and render; False when the content has errors
    preview.add_route("/_edit/", wsgi_app) # requests under the prefix go to the editor's app
    preview.add_front(middleware)          # around every page (the editor's `/?token=…`)
    preview.serve(host=..., port=..., allowed_hosts=[...])    # blocks
    # in the editor's request thread, after writing a content file:
    urls = preview.rebuild([written_path]) # → ["duties/x/", ...]: the pages updated; browsers reload

`rebuild` is synchronous and thread-safe (one build at a time). Every request, the editor's too,
passes the Host check (`build/hosts.py`: `allowed_hosts`, `guard_hosts`) before anything else.
The generated pages carry a Content-Security-Policy allowing only the site's own script files: an
editor page served inside the site loads its script from a file (no inline script, no `eval`).
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.livereload import _SCRIPT_TEMPLATE

from officebook.build.changes import LinkIndex, affected_pages, compare, own_pages
from officebook.build.errors import SiteBuildError
from officebook.build.files import write_page
from officebook.build.hosts import allowed_hosts as hosts_for
from officebook.build.hosts import guard_hosts
from officebook.build.incremental import LiveSite
from officebook.build.livereload import (
    LIVERELOAD_SCRIPT,
    PageVersions,
    Server,
    error_page,
    files_state,
    refuse_unservable_paths,
    serve_from,
    serve_url,
)
from officebook.build.mkdocs_config import UserConfig
from officebook.build.mkdocs_run import _quiet_jieba
from officebook.build.search import improve_search_data, improve_search_index
from officebook.build.workdir import PreparedLanguage, copy_attachments, prepare_language, write_overrides
from officebook.gc_pause import paused_gc
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.itemlinks import SITE_ASSETS, site_asset_path
from officebook.render.site import SPECIAL_PAGES, navigation, page_paths, render_page, term_anchors
from officebook.tempfiles import temp_dir

log = logging.getLogger("mkdocs.officebook")

BACKGROUND_CHUNK = 25
"""Pages built per hold of the lock in the background, so a new save never waits long for it."""
STATUS_PATH = "/_officebook/status"
"""`{"busy": true}` while background work is left (scripts/bench.py waits for it)."""


class Preview:
    """The live preview: `render()`, then `serve()` (blocks); `rebuild()` from other threads.

    `check()` returns the checked manual or None (findings are the caller's to show);
    `on_pages(paths)` hears which pages were rendered again (docs-relative Markdown paths)."""

    def __init__(self, content_dir: Path, lang: str | None, config_file: Path | None, *,
                 check: Callable[[], Manual | None], on_pages: Callable[[list[str]], None],
                 work_dir: Path | None = None, dirty: bool = False) -> None:
        self.content_dir = Path(content_dir)
        self.lang = lang
        self.config_file = config_file
        self.check = check
        self.on_pages = on_pages
        self.dirty = dirty
        self.work_dir = Path(work_dir).resolve() if work_dir else temp_dir("serve")
        self.own_work_dir = work_dir is None
        self.site_dir = self.work_dir / "served"  # a link to the folder of the last whole build (`serve_from`)
        self._whole_builds = 0
        self.prepared: PreparedLanguage | None = None
        self.manual: Manual | None = None  # the manual served (one language)
        self.pages: dict[str, str] = {}  # docs path → Markdown served
        self.nav: list = []
        self.links = LinkIndex()
        self.site: LiveSite | None = None
        self.serve_url: str | None = None
        self.routes: list[tuple[str, Callable]] = []
        self.fronts: list[Callable[[Callable], Callable]] = []
        self.directory_urls = True
        self.page_tags: list[str] = []
        self._config_text: str | None = None
        self._lock = threading.RLock()
        self._generation = 0
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._to_render: dict[str, None] = {}  # pages the change may touch: render, compare, build
        self._pending: dict[str, None] = {}  # pages whose menu changed: HTML to render again
        self._reload_when_done: set[str] = set()  # pages the background rebuilt: they reload when it is done
        self._templates_stale = False
        self._comparing = False
        self._search_stale = False
        self._reconcile = False
        self._server = None
        self._checked_state: tuple | None = None  # the files as they were when last checked
        self.versions = PageVersions()  # which pages changed when: open pages reload after their own changes

    # ---- rendering ------------------------------------------------------------------------------

    def _served(self, manual: Manual) -> tuple[str, Manual]:
        lang = self.lang or manual.info.default_language
        if lang not in manual.info.languages:
            raise SiteBuildError(_("the manual has no language {lang!r} (it has {languages})").format(
                lang=lang, languages=", ".join(manual.info.languages)))
        # One language is served: no language selector leading to sites that are not there.
        return lang, replace(manual, info=replace(manual.info, languages=(lang,)))

    def render(self) -> bool:
        """Check and render every page into the work folder; False (nothing changed) when the content
        has errors."""
        with self._lock:
            self._checked_state = files_state(self.content_dir, self.config_file)
            manual = self.check()
            if manual is None:
                return False
            self._render_all(manual)
            return True

    def _render_all(self, manual: Manual) -> None:
        lang, single = self._served(manual)
        user = UserConfig.load(self.config_file)
        write_overrides(self.work_dir / "overrides", user)
        self.directory_urls = user.data.get("use_directory_urls", True) is not False  # as prepare_language
        self.prepared = prepare_language(single, lang, self.work_dir, user, offline=False)
        self.manual, self.pages = single, dict(self.prepared.content.pages)
        self.nav = self.prepared.content.nav
        self.links = LinkIndex.of(self.pages)
        self._config_text = self._read_config()
        self.on_pages(list(self.prepared.changed))

    def _render_page(self, manual: Manual, lang: str, path: str) -> str:
        return render_page(manual, lang, path, directory_urls=self.directory_urls)

    def _read_config(self) -> str | None:
        try:
            return self.config_file.read_text(encoding="utf-8") if self.config_file else None
        except OSError:
            return None

    # ---- the whole site ---------------------------------------------------------------------------

    def _build_all(self) -> None:
        """Build the whole site (the first build, or after manual.yaml or mkdocs.yml changed)."""
        from mkdocs.exceptions import MkDocsException

        self._whole_builds += 1
        folder = self.work_dir / f"{self.site_dir.name}-{self._whole_builds}"  # served from `site_dir` once complete
        shutil.rmtree(folder, ignore_errors=True)
        site = LiveSite(self.prepared.config_file, folder, serve_url=self.serve_url,
                        prepare=lambda config: setattr(config, "site_url", self.serve_url))
        try:
            site.build()
        except (MkDocsException, OSError) as error:
            site.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise SiteBuildError(_("MkDocs build failed: {reason}").format(reason=error)) from error
        serve_from(self.site_dir, folder)
        self._let_go_of_site()
        self.site = site
        self._to_render.clear()
        self._pending.clear()
        self._improve_search()
        # The site just built lives as long as it is served: later collections need not walk it (a full
        # collection over it took up to half a second of a save at 1,000 items). The previous site is
        # let go first.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.reload_browsers(None)

    def _improve_search(self) -> None:
        improve_search_index(self.site_dir, self.manual, self.manual.info.default_language, term_anchors(self.manual))

    @staticmethod
    def _search_improver(manual: Manual) -> Callable[[dict], object]:
        return lambda data: improve_search_data(data, manual, manual.info.default_language, term_anchors(manual))

    # ---- after a change -------------------------------------------------------------------------

    def rebuild(self, changed_paths: Iterable[Path | str] = ()) -> list[str]:
        """Check the content again and rebuild the pages a change touched; returns their URLs
        (relative to the site root, e.g. `duties/x/`) and reloads the browsers. `changed_paths` (the
        files written) are a hint for the log only: what changed is found by comparing the manual."""
        return self.refresh()

    def refresh(self) -> list[str]:
        """Bring the served site up to date with the content (the server's builder, and `rebuild`); the
        URLs built, whose open pages reload. Files unchanged since the last check (the watcher seeing
        a file the editor's save has already shown) are not checked again: nothing is built or reloaded."""
        state = files_state(self.content_dir, self.config_file)
        if state == self._checked_state and self.site is not None:
            return []
        self._generation += 1  # the background gives way at once
        with self._lock:
            if state == self._checked_state and self.site is not None:  # another thread checked them meanwhile
                return []
            self._checked_state = state  # taken before the check: a change during it is seen next time
            with paused_gc():  # a full collection would walk the whole served site: it waits for the background
                urls = self._refresh()
            self.reload_browsers(urls)
            return urls

    def _refresh(self) -> list[str]:
        manual = self.check()
        if manual is None:
            return []
        if self.manual is None or self.site is None:
            self._render_all(manual)
            self._build_all()
            return [""]
        lang, single = self._served(manual)
        changes = compare(self.manual, single)
        config_text = self._read_config()
        if changes.info or config_text != self._config_text:
            self._render_all(manual)
            self._build_all()
            return [""]
        if changes.nothing:
            return []
        return self._update(lang, single, changes)

    def _update(self, lang: str, manual: Manual, changes) -> list[str]:
        """The quick pass: the changed items' own pages (and new pages) rendered, built and served;
        what else the change touches is queued for the background."""
        started = time.perf_counter()
        new_paths = page_paths(manual)
        existing = set(new_paths)
        old_paths = set(self.pages)
        added = [path for path in new_paths if path not in old_paths]
        removed = sorted(old_paths - existing)
        own = [path for ref in sorted(changes.items, key=lambda r: (r.kind, r.id)) for path in own_pages(ref)
               if path in existing] + ([SPECIAL_PAGES["glossary"]] if changes.glossary else [])
        rendered = {path: self._render_page(manual, lang, path) for path in dict.fromkeys(own + added)}
        if changes.glossary or changes.assets:
            later = list(new_paths)  # terms and files are linked from anywhere: every page
        else:
            later = affected_pages(changes, self.links, new_paths, rendered)
        changed = self._store({path: markdown for path, markdown in rendered.items()
                               if self.pages.get(path) != markdown})
        docs = self.prepared.config_file.parent / "docs"
        self.reload_browsers([url for path in removed if (url := self.site.page_url(path)) is not None])
        for path in removed:
            (docs / path).unlink(missing_ok=True)
            self.pages.pop(path, None)
            self.links.set(path, None)
        nav = navigation(manual, lang)
        nav_changed = nav != self.nav
        self.nav, self.manual = nav, manual
        if changes.assets:
            copy_attachments({site_asset_path(a): Path(manual.content_dir) / a for a in manual.assets}, docs, set())
            self.site.sync_static(SITE_ASSETS)
        urls = self.site.update(changed, added=added, removed=removed, nav=nav if nav_changed else None)
        for path in later:
            if path not in rendered:
                self._to_render[path] = None
        for path in changed:
            self._pending.pop(path, None)
        if nav_changed or added or removed:
            self._templates_stale = True
        if nav_changed and not self.dirty:
            for path in self.site.documentation_pages():
                if path not in changed:
                    self._pending.setdefault(path, None)
        self._search_stale = True
        self._reconcile = not self.dirty
        log.debug("officebook: %d pages rebuilt first in %.2f s; %d to compare after", len(changed),
                  time.perf_counter() - started, len(self._to_render))
        self.on_pages(changed)
        self._wake.set()
        return urls

    def _store(self, pages: dict[str, str]) -> list[str]:
        """Write pages' new Markdown into the docs folder and remember it; returns their paths."""
        docs = self.prepared.config_file.parent / "docs"
        for path, markdown in pages.items():
            write_page(docs, path, markdown)  # the store keeps blocks no page uses until the next full build
            self.pages[path] = markdown
            self.links.set(path, markdown)
        return list(pages)

    # ---- in the background ------------------------------------------------------------------------

    def _background(self) -> None:
        """What the quick pass left, a chunk at a time, giving way to a new change (which raises
        `_generation`): the other touched pages, every page's menu after a navigation change, the
        search index, then the comparison of every page."""
        while not self._stopped.is_set():
            self._wake.wait(timeout=1.0)
            if self._stopped.is_set():
                return
            self._wake.clear()
            try:
                self._catch_up()
            except Exception as error:  # the preview keeps serving; the next change tries again
                log.error(_("the preview could not be rebuilt: {reason}").format(reason=error))

    def _step(self, generation: int) -> bool:
        """One piece of background work; False when there is none left (or a new change came). Pages
        are rendered and the search index is made without the lock; only MkDocs' work holds it."""
        with self._lock:
            if generation != self._generation or self.site is None:
                return False
            manual, lang = self.manual, self.manual.info.default_language
            paths = list(self._to_render)[:BACKGROUND_CHUNK]
            for path in paths:
                del self._to_render[path]
        if paths:
            rendered = {}
            for path in paths:
                if generation != self._generation:
                    break
                rendered[path] = self._render_page(manual, lang, path)
            for done, path in enumerate(paths):
                # Markdown is converted without the lock; the page is put in place under it, one at a
                # time: a save waits for one page's HTML at most, not for its conversion
                changed = generation == self._generation and path in rendered and self.pages.get(path) != rendered[path]
                converted = self.site.convert(path, rendered[path]) if changed else None
                with self._lock:
                    if generation != self._generation or path not in rendered:  # a new change: the rest wait
                        self._to_render = {**dict.fromkeys(paths[done:]), **self._to_render}
                        return False
                    if self.pages.get(path) != rendered[path]:
                        built = self.site.update(self._store({path: rendered[path]}), converted={path: converted})
                        self._reload_when_done.update(built)
                        self._pending.pop(path, None)
                time.sleep(0)
            return True
        with self._lock:
            if generation != self._generation:
                return False
            if self._pending:
                started = time.perf_counter()
                while self._pending and time.perf_counter() - started < 0.05:
                    path = next(iter(self._pending))
                    del self._pending[path]
                    self._reload_when_done.update(self.site.rebuild_html([path]))
                return True
            if self._templates_stale:
                self._templates_stale = False
                self.site.rebuild_templates()
            if self._reload_when_done:  # each page once, when its content and menu are both new
                self.reload_browsers(self._reload_when_done)
                self._reload_when_done = set()
            work = self.site.search_snapshot() if self._search_stale else None
            self._search_stale = False
        if work is not None:
            work.run(self._search_improver(manual))
        return False

    def settle(self) -> None:
        """Do the background work now, in this thread (for scripts and tests without `serve`)."""
        self._catch_up()

    def _catch_up(self) -> None:
        generation = self._generation
        while self._step(generation):
            time.sleep(0)  # let a request or a save take the lock
        with self._lock:
            if generation != self._generation:
                return
            manual, reconcile = self.manual, self._reconcile
            self._reconcile = False
        if reconcile:
            self._comparing = True
            try:
                if not self._compare_every_page(manual, generation):
                    self._reconcile = self._reconcile or not self._stopped.is_set()  # a change came: again after it
            finally:
                self._comparing = False

    @property
    def busy(self) -> bool:
        """Whether background work is left (pages, menus, the search index, the full comparison)."""
        return bool(self._to_render or self._pending or self._templates_stale or self._search_stale
                    or self._reconcile or self._comparing)

    def _compare_every_page(self, manual: Manual, generation: int) -> bool:
        """Render every page again and rebuild those that differ from what is served (a change whose
        effect the rules of build/changes.py did not foresee); False when a new change cut it short."""
        lang = manual.info.default_language
        missed = {}
        for path in page_paths(manual):
            if generation != self._generation or self._stopped.is_set():
                return False
            markdown = self._render_page(manual, lang, path)
            if self.pages.get(path) != markdown:
                missed[path] = markdown
        if not missed:
            return True
        with self._lock:
            if generation != self._generation:
                return False
            log.debug("officebook: %d pages found changed by the full comparison: %s", len(missed), sorted(missed))
            self.reload_browsers(self.site.update(self._store(missed)))
            work = self.site.search_snapshot()
        if work is not None:
            work.run(self._search_improver(manual))
        return True

    # ---- the server ----------------------------------------------------------------------------

    def add_page_tag(self, html: str) -> None:
        """Put `html` (e.g. the editor's `<script src=…>` for its 编辑 links) before `</body>` of every page
        served. Call before `serve()`; scripts must be files (the pages' policy allows no inline script)."""
        self.page_tags.append(html)

    def add_route(self, prefix: str, app: Callable) -> None:
        """Send requests whose path starts with `prefix` (e.g. `/_edit/`) to the WSGI `app`, after the
        Host check. Call before `serve()`."""
        self.routes.append((prefix, app))

    def add_front(self, wrap: Callable[[Callable], Callable]) -> None:
        """Put a WSGI middleware (`wrap(app) -> app`) in front of every page, after the Host check (the
        editor takes its token from the printed address `/?token=…`). Call before `serve()`."""
        self.fronts.append(wrap)

    def reload_browsers(self, urls: Iterable[str] | None = None) -> None:
        """Have the open pages among `urls` (site-relative page URLs; every page when None) reload themselves."""
        self.versions.changed(urls)

    def serve(self, *, host: str, port: int, open_browser: bool = False, allowed_hosts: Iterable[str] = (),
              on_ready: Callable[[str], None] | None = None) -> None:
        """Serve on host:port until interrupted (blocks); the work folder (when temporary) is removed
        however it ends. A port that is taken raises OSError; `on_ready(url)` hears when the first
        build is served. Requests whose Host is not host:port (or one of `allowed_hosts`) get 403."""

        if self.prepared is None:
            raise SiteBuildError(_("the content has errors: nothing to serve yet"))
        _quiet_jieba()
        user = UserConfig.load(self.config_file)
        mount_path = urlsplit(user.data.get("site_url") or "/").path
        self.serve_url = serve_url(host, port, mount_path)
        worker = threading.Thread(target=self._background, daemon=True, name="officebook-preview")
        try:
            server = Server(builder=self._builder, host=host, port=port, root=str(self.site_dir),
                             mount_path=mount_path, polling_interval=0.25)
            self._server = server
            # Daemon threads: once stopped (Ctrl-C, SIGTERM) and cleaned up, the process must not wait for
            # a request or watcher thread of the server at exit.
            server.serve_thread.daemon = True
            server.observer.daemon = True
            server.build_delay = 0.05
            server.page_tags = "".join(self.page_tags)
            server.site_epoch = lambda: self.versions.current
            app = self._dispatch(server)
            for wrap in self.fronts:
                app = wrap(app)
            server.set_app(guard_hosts(refuse_unservable_paths(app), hosts_for(host, port, allowed_hosts)))
            server.error_handler = lambda code: error_page(self.site_dir, code)
            server.server_bind()  # fails at once on a taken or impossible address, before building
            server.server_activate()
            server.server_bind = server.server_activate = lambda: None  # done: serve() must not repeat it
            with self._lock:
                self._build_all()
            server.watch(str(self.content_dir))
            if self.config_file:
                server.watch(str(self.config_file))
            worker.start()
            if on_ready:
                on_ready(self.serve_url)
            try:
                server.serve(open_in_browser=open_browser)
            finally:
                server.shutdown()
                server.server_close()
        finally:
            self._stopped.set()
            self._wake.set()
            self.versions.stop()
            if worker.is_alive():
                worker.join(timeout=5)
            self._server = None
            self._let_go_of_site()
            self.site_dir.unlink(missing_ok=True)
            self.close()

    def _let_go_of_site(self) -> None:
        """Close the site served until now and remove its folder."""
        if self.site is not None:
            self.site.close()
            shutil.rmtree(self.site.site_dir, ignore_errors=True)
            self.site = None

    def _builder(self) -> None:
        started = time.perf_counter()
        try:
            urls = self.refresh()
            log.debug("officebook: refreshed in %.2f s: %s", time.perf_counter() - started, urls[:5])
        except Exception as error:  # the server keeps the last good site
            logging.getLogger("mkdocs").error(_("the preview could not be rebuilt: {reason}").format(reason=error))

    def _dispatch(self, server) -> Callable:
        # MkDocs' live-reload script, its request naming the page it was loaded in (`PageVersions.wait`)
        script = _SCRIPT_TEMPLATE.substitute(
            epoch="+document.currentScript.dataset.epoch",
            request_id='document.currentScript.dataset.request+"?page="+encodeURIComponent(location.pathname)',
        ).encode()

        def app(environ, start_response):
            path = environ.get("PATH_INFO", "")
            if path.startswith("/livereload/"):
                answer = self.versions.wait(environ, start_response, urlsplit(self.serve_url or "/").path,
                                            timeout=server.poll_response_timeout)
                if answer is not None:
                    return answer
            if path == STATUS_PATH:
                body = json.dumps({"busy": self.busy}).encode()
                start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                                          ("Content-Length", str(len(body)))])
                return [body]
            if path == LIVERELOAD_SCRIPT:
                start_response("200 OK", [("Content-Type", "application/javascript"),
                                          ("Content-Length", str(len(script)))])
                return [script]
            for prefix, route in self.routes:
                if path.startswith(prefix):
                    return route(environ, start_response)
            return server.serve_request(environ, start_response)

        return app

    def close(self) -> None:
        """Remove the work folder, when it is a temporary one."""
        if self.own_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
