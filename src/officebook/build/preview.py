"""`officebook serve`: the live preview, on MkDocs' own LiveReloadServer and its `.watch`.

The server watches the content folder and mkdocs.yml; on a change the content is checked again, the
pages whose Markdown changed are rewritten and MkDocs builds the site the server shows.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from officebook.build.errors import SiteBuildError
from officebook.build.mkdocs_config import UserConfig
from officebook.build.mkdocs_run import _quiet_jieba, officebook_plugins
from officebook.build.workdir import PreparedLanguage, prepare_language, write_overrides
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.tempfiles import temp_dir


class LivePreview:
    """`officebook serve`: MkDocs' live-reloading server over a generated docs folder that is kept
    in step with the content. When a content file (or mkdocs.yml) changes, the content is checked
    again and only the pages whose Markdown changed are rewritten; MkDocs sees them and rebuilds.

    `check()` returns (manual or None, anything) and is the caller's: findings are the caller's to
    show through `on_check`; `on_pages(changed)` hears which pages were rewritten.
    """

    def __init__(self, content_dir: Path, lang: str | None, config_file: Path | None, *,
                 check: Callable[[], Manual | None], on_pages: Callable[[list[str]], None],
                 work_dir: Path | None = None) -> None:
        self.content_dir = Path(content_dir)
        self.lang = lang
        self.config_file = config_file
        self.check = check
        self.on_pages = on_pages
        self.work_dir = Path(work_dir).resolve() if work_dir else temp_dir("serve")
        self.own_work_dir = work_dir is None
        self.prepared: PreparedLanguage | None = None

    def render(self) -> bool:
        """Check and render; False (the previous pages kept) when the content has errors."""
        manual = self.check()
        if manual is None:
            return False
        lang = self.lang or manual.info.default_language
        if lang not in manual.info.languages:
            raise SiteBuildError(_("the manual has no language {lang!r} (it has {languages})").format(
                lang=lang, languages=", ".join(manual.info.languages)))
        user = UserConfig.load(self.config_file)
        write_overrides(self.work_dir / "overrides", user)
        # One language is served: no language selector leading to sites that are not there.
        single = replace(manual, info=replace(manual.info, languages=(lang,)))
        self.prepared = prepare_language(single, lang, self.work_dir, user, offline=False)
        self.on_pages(list(self.prepared.changed))
        return True

    def serve(self, *, host: str, port: int, open_browser: bool = False, dirty: bool = False,
              on_ready: Callable[[str], None] | None = None) -> None:
        """Run MkDocs' live-reload server on host:port until interrupted (blocks), with the content
        watcher beside it; the work folder (when temporary) is removed however it ends.

        MkDocs' `serve` command is not used: its server is built here so that requests the file system
        cannot answer are refused before they reach it, and the folders it watches (the generated
        docs) stay ours to name. A port that is taken raises OSError; `on_ready(url)` hears when the
        first build is served."""
        from urllib.parse import urlsplit

        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
        from mkdocs.livereload import LiveReloadServer

        if self.prepared is None:
            raise SiteBuildError(_("the content has errors: nothing to serve yet"))
        _quiet_jieba()
        site_dir = self.work_dir / "served"
        config_file = self.prepared.config_file
        config = None
        try:
            config = load_config(str(config_file), site_dir=str(site_dir))
            officebook_plugins(config)
            config.plugins.on_startup(command="serve", dirty=dirty)
            mount_path = urlsplit(config.site_url or "/").path
            serve_url = _serve_url(host, port, mount_path)

            def builder(current=None) -> None:
                try:
                    if current is None:
                        if not self.render():
                            return
                        current = load_config(str(config_file), site_dir=str(site_dir))
                        officebook_plugins(current)
                    current.site_url = serve_url
                    build(current, serve_url=serve_url, dirty=dirty)
                except (MkDocsException, OSError, yaml.YAMLError, SiteBuildError) as error:
                    if current is config:  # the first build
                        raise SiteBuildError(_("MkDocs build failed: {reason}").format(reason=error)) from error
                    logging.getLogger("mkdocs").error(_("the preview could not be rebuilt: {reason}").format(reason=error))

            server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                                      mount_path=mount_path)
            # Daemon threads: once stopped (Ctrl-C, SIGTERM) and cleaned up, the process must not wait for
            # a request or watcher thread of the server at exit.
            server.serve_thread.daemon = True
            server.observer.daemon = True
            server.set_app(_refuse_unservable_paths(server.serve_request))
            server.error_handler = lambda code: _error_page(site_dir, code)
            config.site_url = serve_url
            server.server_bind()  # fails at once on a taken or impossible address, before building
            server.server_activate()
            server.server_bind = server.server_activate = lambda: None  # done: serve() must not repeat it
            builder(config)
            server.watch(str(self.content_dir))
            if self.config_file:
                server.watch(str(self.config_file))
            if on_ready:
                on_ready(serve_url)
            try:
                server.serve(open_in_browser=open_browser)
            finally:
                server.shutdown()
                server.server_close()
        finally:
            if config is not None:
                config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)
            self.close()

    def close(self) -> None:
        """Remove the work folder, when it is a temporary one."""
        if self.own_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def _serve_url(host: str, port: int, path: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path.rstrip('/')}/"


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


_UNSERVABLE = re.compile(r"[\x00-\x1f\x7f]")


def _refuse_unservable_paths(app):
    """A WSGI wrapper answering 400 for a path with control characters (`/%00`), which no file can
    have and which the file system rejects with an exception (a 500 and a traceback otherwise)."""

    def guarded(environ, start_response):
        if _UNSERVABLE.search(environ.get("PATH_INFO", "")):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: the path has control characters\n"]
        return app(environ, start_response)

    return guarded
