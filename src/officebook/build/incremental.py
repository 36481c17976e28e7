"""One language's MkDocs site kept in memory, so that a change rebuilds only the pages it touches.

`LiveSite.build()` is an ordinary strict MkDocs build (`mkdocs.commands.build.build`), with a small
plugin that keeps what the build made: the configuration, the files, the navigation and the theme's
Jinja environment. `update()` then builds only the pages it is given — reading their Markdown again,
converting it and writing their HTML — and adds or removes pages and replaces the navigation when
the caller says they changed. `rebuild_html()` re-renders pages' HTML from their converted content
(after a navigation change: every page shows the menu), without converting Markdown again.

The search index is kept per page (Material's entries of each page); pages built since are indexed
and the index written again by `search_snapshot().run()`, which needs no lock (the caller improves
the written index afterwards: build/search.py).

MkDocs has no public API for building single pages: `_populate_page` and `_build_page` of
`mkdocs.commands.build` (MkDocs 1.6) are used as MkDocs' own build loop uses them. tests/
test_preview.py builds pages this way and compares them with a whole build, so an MkDocs release
that changes them fails there.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mkdocs.plugins import BasePlugin

from officebook.build.mkdocs_run import officebook_plugins
from officebook.build.search import write_search_index
from officebook.tempfiles import partial_path

log = logging.getLogger("mkdocs.officebook")

_SEARCH_MARKS = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")
"""What Material's search plugin removes from a page's HTML once it has indexed it."""


class LiveSite:
    """An MkDocs site (one generated mkdocs.yml) built once and then page by page."""

    def __init__(self, config_file: Path, site_dir: Path, *, serve_url: str | None = None,
                 prepare: Callable[[Any], None] | None = None) -> None:
        self.config_file = Path(config_file)
        self.site_dir = Path(site_dir)
        self.serve_url = serve_url
        self.prepare = prepare  # called with the loaded configuration before the build (e.g. site_url)
        self.config: Any = None
        self.files: Any = None
        self.nav: Any = None
        self.env: Any = None
        self.search_entries: dict[str, list[dict]] = {}  # page URL → Material's index entries
        self._unindexed: dict[str, SimpleNamespace] = {}  # page URL → the page as Material indexes it

    # ---- the whole build --------------------------------------------------------------------

    def load(self) -> Any:
        """Load the configuration (and run the plugins' `on_startup`); returns it."""
        from mkdocs.config import load_config

        config = load_config(str(self.config_file), site_dir=str(self.site_dir))
        officebook_plugins(config)
        keeper = _Keeper(self)
        config.plugins["officebook-live-site"] = keeper
        config.plugins.on_startup(command="serve", dirty=False)
        if self.prepare:
            self.prepare(config)
        self.config = config
        return config

    def build(self) -> None:
        """A whole, strict build (any warning fails it); keeps the files, navigation and environment."""
        from mkdocs.commands.build import build

        config = self.config or self.load()
        build(config, serve_url=self.serve_url)
        search = self._search()
        self.search_entries = {}
        if search is not None:
            for entry in search.search_index.entries:
                self.search_entries.setdefault(_page_of(entry["location"]), []).append(entry)

    def close(self) -> None:
        if self.config is not None:
            self.config.plugins.on_shutdown()
            self.config = None

    # ---- page by page -----------------------------------------------------------------------

    def page_url(self, src_uri: str) -> str | None:
        file = self.files.get_file_from_path(src_uri) if self.files else None
        return file.url if file is not None else None

    def convert(self, path: str, markdown: str) -> Any | None:
        """The page `path` with `markdown` converted to HTML, in a copy of its Page: the slow half of
        building a page (a post's page at 1,000 items takes most of a second), done without the
        caller's lock because nothing shared is changed. `update(..., converted=...)` puts it in place,
        as long as nothing changed the site in between. None when the page is not (yet) there."""
        from mkdocs.utils import meta

        file = self.files.get_file_from_path(path)
        if file is None or file.page is None:
            return None
        config, files = self.config, self.files
        page = copy.copy(file.page)
        page.links_to_anchors = None  # its own, not the served page's
        try:  # as _populate_page does, from the Markdown given instead of the file
            page.markdown, page.meta = meta.get_data(markdown)
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            page.render(config, files)
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
        except Exception:  # the site changed under it (a page came or went): built the usual way, under the lock
            log.debug("officebook: %s converted again under the lock", path, exc_info=True)
            return None
        return page

    def update(self, changed: Iterable[str], *, added: Iterable[str] = (), removed: Iterable[str] = (),
               nav: list | None = None, converted: dict[str, Any] | None = None) -> list[str]:
        """Build the pages `changed` (docs-relative paths whose Markdown was rewritten), after adding
        the pages `added` and removing `removed`; `nav` is the new navigation when it changed;
        `converted` has pages converted by `convert` since. Returns the URLs of the pages built. Pages
        not named keep their HTML (their menu too: see `rebuild_html`). Their search entries wait for
        `search_snapshot` (Material's indexing, with jieba, costs as much as building the page: it is
        done in the background)."""
        from mkdocs.commands.build import _populate_page
        from mkdocs.structure.files import File, set_exclusions
        from mkdocs.structure.pages import Page

        config, files = self.config, self.files
        for path in removed:
            file = files.get_file_from_path(path)
            if file is None:
                continue
            files.remove(file)
            self.search_entries.pop(file.url, None)
            self._unindexed.pop(file.url, None)
            _remove_output(Path(file.abs_dest_path), self.site_dir)
        new = [File(path, config.docs_dir, config.site_dir, config.use_directory_urls) for path in added
               if files.get_file_from_path(path) is None]
        for file in new:
            files.append(file)
        if new:
            set_exclusions(files, config)
        if nav is not None or new or removed:
            self._renavigate(nav)
        for file in new:
            if file.page is None:
                Page(None, file, config)
        pages = [(path, file.page) for path in changed
                 if (file := files.get_file_from_path(path)) and file.page is not None]
        indexed = self._search() is not None
        for path, page in pages:
            if converted and converted.get(path) is not None:
                page.__dict__.update(converted[path].__dict__)
            else:
                _populate_page(page, config, files)
            if indexed:
                # what Material indexes, kept for `search_snapshot`; the HTML loses the marks as
                # Material's indexing removes them
                self._unindexed[page.url] = SimpleNamespace(url=page.url, title=page.title, meta=page.meta,
                                                            toc=page.toc, content=page.content)
                page.content = _SEARCH_MARKS.sub("", page.content)
        return self._build_html([page for _, page in pages])

    def search_snapshot(self) -> SearchWork | None:
        """What `SearchWork.run` needs to bring the search index up to date (taken under the caller's
        lock; the work itself needs none)."""
        search = self._search()
        if search is None:
            return None
        work = SearchWork(self, dict(search.search_index.config), list(self._unindexed.values()),
                          [file.page.url for file in self._documentation_pages() if file.page is not None],
                          os.path.join(self.config.site_dir, "search", "search_index.json"))
        self._unindexed.clear()
        return work

    def rebuild_html(self, paths: Iterable[str]) -> list[str]:
        """Render the HTML of pages whose content is unchanged again (their menu, previous/next links)."""
        pages = [file.page for path in paths if (file := self.files.get_file_from_path(path)) and file.page is not None
                 and file.page.content is not None]
        return self._build_html(pages)

    def rebuild_templates(self) -> None:
        """The theme's own pages (404.html, sitemap.xml): after pages came or went, or the menu changed."""
        from mkdocs.commands.build import _build_theme_template

        for template in self.config.theme.static_templates:
            _build_theme_template(template, self.env, self.files, self.config, self.nav)

    def documentation_pages(self) -> list[str]:
        return [file.src_uri for file in self._documentation_pages()]

    def sync_static(self, prefix: str) -> None:
        """Copy the static files under `prefix` (docs-relative) that are new or changed since the last
        copy; add files that appeared, remove those gone."""
        from mkdocs.structure.files import File, set_exclusions

        from officebook.build.mkdocs_run import static_attachments

        config, files = self.config, self.files
        docs = Path(config.docs_dir)
        present = {p.relative_to(docs).as_posix() for p in (docs / prefix).rglob("*") if p.is_file()} \
            if (docs / prefix).is_dir() else set()
        for file in [f for f in files if f.src_uri.startswith(prefix + "/")]:
            if file.src_uri not in present:
                files.remove(file)
                _remove_output(Path(file.abs_dest_path), self.site_dir)
        for path in sorted(present):
            if files.get_file_from_path(path) is None:
                files.append(File(path, config.docs_dir, config.site_dir, config.use_directory_urls))
        static_attachments(files, config)
        set_exclusions(files, config)
        for file in files:
            if file.src_uri.startswith(prefix + "/"):
                file.copy_file(dirty=True)

    # ---- inside ---------------------------------------------------------------------------------

    def _documentation_pages(self) -> list:
        """The pages in the order of a whole build (`get_files`' order), pages added since included."""
        from mkdocs.structure.files import file_sort_key

        return sorted(self.files.documentation_pages(), key=file_sort_key)

    def _search(self):
        plugins = self.config.plugins
        for name in ("material/search", "search"):
            plugin = plugins.get(name)
            if plugin is not None and hasattr(plugin, "search_index"):
                return plugin
        return None

    def _renavigate(self, nav: list | None) -> None:
        """Build the navigation again over the same Page objects (their converted content is kept)."""
        from mkdocs.structure.nav import get_navigation

        config, files = self.config, self.files
        if nav is not None:
            config.nav = nav
        titles = dict(_nav_titles(config.nav or []))
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            page.parent = None
            page.previous_page = page.next_page = None
            if file.src_uri in titles:
                page.title = titles[file.src_uri]
        self.nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)

    def _build_html(self, pages: list) -> list[str]:
        """Render pages' HTML, Material's search index swapped for one that keeps nothing (pages are
        indexed by `search_snapshot`, or keep their entries)."""
        if not pages:
            return []
        search = self._search()
        saved = search.search_index if search is not None else None
        if search is not None:
            search.search_index = _Discard()
        doc_files = self._documentation_pages()
        try:
            for page in pages:
                _build_page_in_place(page, self.config, doc_files, self.nav, self.env)
        finally:
            if search is not None:
                search.search_index = saved
        return [page.url for page in pages]


class SearchWork:
    """Indexing pages and writing the search index, away from the lock that guards the site."""

    def __init__(self, site: LiveSite, config: dict, pages: list, order: list[str], path: str) -> None:
        self.site, self.config, self.pages, self.order, self.path = site, config, pages, order, path

    def run(self, improve: Callable[[dict], object]) -> None:
        """Index the pages, let `improve` change the index (officebook's words: build/search.py), then
        write it once."""
        index = _Entries(self.config)
        for page in self.pages:
            index.add_entry_from_context(page)
        fresh: dict[str, list[dict]] = {page.url: [] for page in self.pages}
        for entry in index.entries:
            fresh.setdefault(_page_of(entry["location"]), []).append(entry)
        entries = {**self.site.search_entries, **fresh}
        self.site.search_entries.update(fresh)
        index.entries = [entry for url in self.order for entry in entries.get(url, ())]
        data = json.loads(index.generate_search_index(None))  # Material's index, as Material makes it
        improve(data)
        write_search_index(Path(self.path), data)


def _build_page_in_place(page, config, doc_files, nav, env) -> None:
    """MkDocs' `_build_page`, its HTML written beside the served file and renamed over it: MkDocs
    truncates the file and then writes it, and a browser the preview has just told to reload (or
    one following a link) could read half a page."""
    from mkdocs.commands.build import _build_page

    file = page.file
    served = file.abs_dest_path
    partial = partial_path(Path(served))
    file.__dict__["abs_dest_path"] = str(partial)  # a cached property in MkDocs 1.6: shadowed for this write
    try:
        _build_page(page, config, doc_files, nav, env)
        if partial.exists():
            os.replace(partial, served)
    finally:
        file.__dict__["abs_dest_path"] = served
        partial.unlink(missing_ok=True)


def _Entries(config: dict):
    from material.plugins.search.plugin import SearchIndex

    return SearchIndex(**config)


class _Discard:
    """A search index that keeps nothing: pages built again for their menu only."""

    def add_entry_from_context(self, page) -> None:
        return None


class _Keeper(BasePlugin):
    """Keeps what a whole build makes: the files, the navigation and the Jinja environment."""

    def __init__(self, site: LiveSite) -> None:
        super().__init__()
        self.site = site

    def on_nav(self, nav, config, files):
        self.site.nav = nav
        return nav

    def on_env(self, env, config, files):
        self.site.env, self.site.files = env, files
        return env


def _nav_titles(entries: Any) -> Iterable[tuple[str, str]]:
    """(docs path, title) for every `{title: path}` entry of an MkDocs `nav`."""
    if isinstance(entries, list):
        for entry in entries:
            yield from _nav_titles(entry)
    elif isinstance(entries, dict):
        for title, value in entries.items():
            if isinstance(value, str):
                yield value, title
            else:
                yield from _nav_titles(value)


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def _remove_output(path: Path, site_dir: Path) -> None:
    """Remove a page's HTML and the folders it leaves empty (never `site_dir` itself)."""
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and site_dir in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
