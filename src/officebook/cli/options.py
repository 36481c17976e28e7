"""What several commands share: the content argument and options, loading the checked manual, the
edition notes, writing a file whole."""

from __future__ import annotations

from pathlib import Path

import click

from officebook.cli.errors import EXIT_CONTENT, fail, fail_on_edition, os_reason
from officebook.cli.reporting import report
from officebook.i18n import gettext as _
from officebook.link import LinkMemo
from officebook.load import DEFAULT_MAX_BYTES, DEFAULT_MAX_IMAGE_PIXELS, LoadLimits
from officebook.pipeline import CheckResult, run_check


def content_argument(function):
    return click.argument(
        "content_dir", required=False, default="content",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
    )(function)


def check_options(function):
    function = click.option("--strict", is_flag=True, help="Treat warnings as errors.")(function)
    function = click.option("--max-file-size", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
                            show_default=True, help="Largest content file, in bytes.")(function)
    function = click.option("--no-cache", is_flag=True, help="Do not read or write the check cache.")(function)
    function = click.option("--max-image-pixels", type=click.IntRange(min=1), default=DEFAULT_MAX_IMAGE_PIXELS,
                            show_default=True, expose_value=False, callback=_remember_pixel_budget,
                            help="Largest image under content/assets/, in pixels.")(function)
    return function


def _remember_pixel_budget(context: click.Context, _parameter, value: int) -> int:
    context.meta["officebook.max_image_pixels"] = value
    return value


def _limits(max_file_size: int) -> LoadLimits:
    """The load limits the command line set: file size here, the pixel budget from the context."""
    context = click.get_current_context(silent=True)
    pixels = context.meta.get("officebook.max_image_pixels", DEFAULT_MAX_IMAGE_PIXELS) if context else \
        DEFAULT_MAX_IMAGE_PIXELS
    return LoadLimits(max_bytes=max_file_size, max_image_pixels=pixels)


def run_checks(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool,
               link_model: bool = True, link_memo: LinkMemo | None = None) -> CheckResult:
    return run_check(content_dir, strict=strict, limits=_limits(max_file_size), use_cache=not no_cache,
                     link_model=link_model, link_memo=link_memo)


def previous_option(function):
    return click.option(
        "--previous", type=click.Path(exists=True, path_type=Path), default=None,
        help="The previous edition (a content folder or a JSON export): adds what changed in this edition "
             "and marks the changed entries.",
    )(function)


def today_option(function):
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Count review dates from this day (YYYY-MM-DD) [default: today].")(function)


def mkdocs_config_option(function):
    return click.option(
        "--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
        help="mkdocs.yml with your theme settings [default: the mkdocs.yml beside CONTENT_DIR, if any].",
    )(function)


def default_mkdocs_config(content_dir: Path, config_file: Path | None) -> Path | None:
    """--config, else the mkdocs.yml beside the content folder (the repository's), if there is one."""
    if config_file is not None:
        return config_file
    beside = content_dir.resolve().parent / "mkdocs.yml"
    return beside if beside.is_file() else None


def load_manual(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, *,
                 show_warnings: bool = True, today=None):
    """Check CONTENT_DIR for a command that needs the linked manual: print its findings to stderr
    (warnings only when `show_warnings`) and exit 1 on errors."""
    result = run_check(content_dir, strict=strict, limits=_limits(max_file_size),
                       use_cache=not no_cache, today=today)
    if result.has_errors or (show_warnings and result.diagnostics):
        report(result, content_dir, "text")
    if result.manual is None:
        raise SystemExit(EXIT_CONTENT)
    return result.manual


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed run never leaves half a file. A full disk or
    an unwritable folder is one error line and exit 1."""
    from officebook.tempfiles import remove_stale, replace_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(path.parent)
        replace_file(path, data)
    except OSError as error:
        fail(_("error: cannot write {path}: {reason}").format(path=path, reason=os_reason(error, with_file=False)))


def edition_notes(manual, previous: Path | None, today=None, *, reviews: bool = True):
    """The edition notes of the site or handbook; exits on a previous edition that cannot be read."""
    import datetime as dt

    from officebook.diff import EditionError, read_edition
    from officebook.export import export_data
    from officebook.pipeline import edition_of
    from officebook.render.editions import edition_notes as notes_of

    try:
        old = read_edition(previous, edition_of) if previous else None
    except EditionError as error:
        fail_on_edition(error, "officebook: --previous")
    day = (today.date() if today else dt.date.today()) if reviews else None
    current = export_data(manual, derived=False) if old is not None else None
    return notes_of(manual, previous=old, current=current, today=day)
