"""Running MkDocs in-process on a generated configuration: strictly, its messages collected, never printed.

Also the plugins officebook's own builds add to the configuration at run time (not written to
mkdocs.yml): progress reporting, and `StaticAttachments`, which makes every file under
`attachments/` (the content's assets) a static file, so that no asset — a `.md` file included — is
ever rendered as a page of the site.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from officebook.build.errors import Progress, SiteBuildError
from officebook.i18n import gettext as _
from officebook.render.itemlinks import SITE_ASSETS


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int) -> list[str]:
        return [f"{r.levelname}: {r.getMessage()}" for r in self.records if r.levelno >= level]


def _quiet_jieba() -> None:
    """jieba logs at DEBUG to its own stderr handler, from import on; keep it to warnings."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


@contextmanager
def collect_mkdocs_messages() -> Iterator[_Collector]:
    """Route MkDocs' (and jieba's) log messages to a collector instead of the terminal."""
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    jieba_logger = logging.getLogger("jieba")
    saved = (logger.level, logger.propagate, jieba_logger.level)
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    _quiet_jieba()
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        jieba_logger.setLevel(saved[2])


def _progress_plugin(lang: str, progress: Progress):
    from mkdocs.plugins import BasePlugin

    class ProgressPlugin(BasePlugin):
        """Counts pages as MkDocs writes them."""

        total = 0
        done = 0

        def on_files(self, files, config):
            self.total = len(files.documentation_pages())
            self.done = 0
            return files

        def on_post_page(self, output, page, config):
            self.done += 1
            if self.done % 50 == 0 or self.done == self.total:
                progress(_("{lang}: site").format(lang=lang), self.done, self.total)
            return output

    return ProgressPlugin()


class _StaticFile:
    """Marker base: see `static_attachments`."""


def static_attachments(files, config=None):
    """`on_files`: every file under `attachments/` becomes a static file — copied as it is, never
    rendered as a page (a `.md` asset included), never in the search index or the navigation."""
    from mkdocs.structure.files import File

    class StaticFile(File, _StaticFile):
        def is_documentation_page(self) -> bool:
            return False

        def is_static_page(self) -> bool:
            return False

    prefix = SITE_ASSETS + "/"
    for file in list(files):
        if file.src_uri.startswith(prefix) and file.is_documentation_page() and not isinstance(file, _StaticFile):
            files.remove(file)
            files.append(StaticFile(file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls,
                                    dest_uri=file.src_uri))
    return files


def officebook_plugins(config, *, lang: str = "", progress: Progress | None = None) -> None:
    """Add officebook's run-time plugins to a loaded MkDocs configuration."""
    from mkdocs.plugins import BasePlugin

    class StaticAttachments(BasePlugin):
        def on_files(self, files, config):
            return static_attachments(files, config)

    config.plugins["officebook-static-attachments"] = StaticAttachments()
    if progress:
        config.plugins["officebook-progress"] = _progress_plugin(lang, progress)


def run_mkdocs(config_file: Path, *, site_dir: Path | None = None, lang: str = "",
               progress: Progress | None = None) -> None:
    """Build one MkDocs site from a generated config, strictly (any warning fails the build), into
    `site_dir` (default: the config's own)."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # The model and the rendered pages stay alive during the build; keep the garbage collector
    # from walking them again and again while MkDocs allocates.
    gc.collect()
    gc.freeze()
    with collect_mkdocs_messages() as collector:
        try:
            overrides = {"site_dir": str(Path(site_dir).resolve())} if site_dir else {}
            config = load_config(str(config_file), **overrides)
            officebook_plugins(config, lang=lang, progress=progress)
            build(config)
        except OSError as error:
            reason = error.strerror or str(error)
            raise SiteBuildError(_("{what}: cannot write the site: {reason}").format(what=lang or config_file, reason=reason),
                                 collector.messages(logging.WARNING)) from error
        except (MkDocsException, yaml.YAMLError) as error:
            messages = collector.messages(logging.WARNING)
            raise SiteBuildError(_("{what}: MkDocs build failed: {reason}").format(what=lang or config_file, reason=error),
                                 messages) from error
        finally:
            gc.unfreeze()
