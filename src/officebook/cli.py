"""The command line: the only module that prints or exits."""

from __future__ import annotations

import errno
import logging
import sys
from pathlib import Path

import click

from officebook import __version__, i18n
from officebook.diagnostics import Diagnostic, did_you_mean_or_list, listed, summary, terminal_safe, to_json
from officebook.i18n import N_, Nn_
from officebook.i18n import gettext as _
from officebook.load import DEFAULT_MAX_BYTES, DEFAULT_MAX_IMAGE_PIXELS, LoadLimits
from officebook.pipeline import CheckResult, run_check

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class Refused(click.ClickException):
    """A request refused for what it finds (a folder that is not empty, a post the manual lacks), not
    for how the command line is written: exit 2 and the reason, without click's usage hint."""

    exit_code = EXIT_USAGE


_OS_REASONS = {
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EADDRINUSE: N_("the address is already in use"),
    errno.EADDRNOTAVAIL: N_("the address is not one of this machine's"),
}


def _os_reason(error: OSError, *, with_file: bool = True) -> str:
    """An operating-system failure in words: `path: reason` (or the reason alone)."""
    known = _OS_REASONS.get(error.errno)
    reason = _(known) if known else error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename and with_file else reason


def _shown_path(path: Path) -> str:
    """A path as the user would write it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _is_busy(error: OSError) -> bool:
    return error.errno == errno.EADDRINUSE


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line: control characters from the content are shown escaped, never sent raw."""
    click.echo(terminal_safe(message), err=err, nl=nl)


def _display(diagnostic: Diagnostic, content_dir: Path) -> Diagnostic:
    """Findings carry paths relative to the content folder; show them as the user named the folder."""
    from dataclasses import replace

    shown = (content_dir / diagnostic.file).as_posix()
    return replace(diagnostic, file=shown[2:] if shown.startswith("./") else shown)


def report(result: CheckResult, content_dir: Path, output_format: str) -> None:
    """Print every finding, then a summary line (text to stderr; json and github to stdout)."""
    shown = [_display(d, content_dir) for d in result.diagnostics]
    if output_format == "json":
        echo(to_json(shown, result.files))
    elif output_format == "github":
        for diagnostic in shown:
            echo(diagnostic.as_github())
        echo(summary(shown, result.files), err=True)
    else:
        for diagnostic in shown:
            echo(diagnostic.as_text(), err=True)
        echo(summary(shown, result.files), err=True)


# ---- the interface's language ---------------------------------------------------------------------
# Click words its own messages through a module-level `_` (gettext's); pointing it at officebook's
# catalogue is the only way click offers to translate "Usage:", "Options" and its usage errors.
# These are the ones officebook users meet, catalogued here so Babel extracts them.
CLICK_MESSAGES = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
    N_("Show the version and exit."), N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing command."),
    N_("No such option: {name}"), N_("No such command {name!r}."), N_("No such option {name!r}."),
    N_("Invalid value for {param_hint}: {message}"), N_("Invalid value: {message}"),
    N_("default: {default}"), N_("required"), N_("Aborted!"), N_("(dynamic)"), N_("env var: {var}"),
    N_("Option {name!r} requires an argument."), N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("file"), N_("directory"), N_("path"),
    N_("{value!r} does not match the format {format}."), N_("{value!r} does not match the formats {formats}."),
    N_("Choose from:\n\t{choices}"),
)
_CLICK_PLURALS = (
    Nn_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    Nn_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    Nn_("Did you mean {possibility}?", "(Possible options: {possibilities})"),
)


def _click_speaks_our_language() -> None:
    import importlib

    for name in ("core", "exceptions", "formatting", "types", "parser", "decorators", "termui"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = i18n.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext


class _TranslatedHelp:
    """Help texts are catalogued in English (scripts/i18n.py reads them from the commands) and
    translated when shown."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [self, *getattr(self, "commands", {}).values()]
        saved = [(command, command.help, command.short_help) for command in commands]
        params = [(param, param.help) for command in commands for param in command.get_params(ctx)
                  if getattr(param, "help", None)]
        try:
            for command, help_text, short_help in saved:
                command.help = _(help_text) if help_text else help_text
                command.short_help = _(short_help) if short_help else short_help
            for param, help_text in params:
                param.help = _(help_text)
            super().format_help(ctx, formatter)
        finally:
            for command, help_text, short_help in saved:
                command.help, command.short_help = help_text, short_help
            for param, help_text in params:
                param.help = help_text


class _HelpFormatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        heading = i18n.pgettext("help heading", "{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{heading}\n")


class _Context(click.Context):
    formatter_class = _HelpFormatter


class TranslatedCommand(_TranslatedHelp, click.Command):
    context_class = _Context


class TranslatedGroup(_TranslatedHelp, click.Group):
    command_class = TranslatedCommand
    context_class = _Context

    def main(self, *args, **kwargs):
        """Speak the environment's language (or --ui-lang's) for this run, then the caller's again."""
        _click_speaks_our_language()
        with i18n.using(i18n.from_environment()):
            return super().main(*args, **kwargs)


class _Commands(TranslatedGroup):
    """The command group: an operating-system failure no command expected (a full disk, a folder it
    may not write) is one line and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise  # click's own handling of a closed pipe
            command = f"officebook {ctx.invoked_subcommand}" if ctx.invoked_subcommand else "officebook"
            echo(_("{command}: error: {reason}").format(command=command, reason=_os_reason(error)), err=True)
            sys.exit(EXIT_CONTENT)


def _ui_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    language = i18n.normalize(value)
    if language is None:
        raise click.BadParameter(_("{value}: the interface speaks {languages}").format(
            value=value, languages=", ".join(i18n.SHIPPED)), ctx=ctx, param=param)
    i18n.set_language(language)


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
               link_model: bool = True) -> CheckResult:
    return run_check(content_dir, strict=strict, limits=_limits(max_file_size), use_cache=not no_cache,
                     link_model=link_model)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="officebook")
@click.option("--ui-lang", metavar="LANG", is_eager=True, expose_value=False, callback=_ui_language,
              help="Language of messages and help: zh_CN or en [default: $OFFICEBOOK_LANG, else LANGUAGE, "
                   "LC_ALL, LC_MESSAGES or LANG, as gettext reads them]. Put it before the command.")
def main() -> None:
    """officebook: an office's functions, duties, procedures, standards and posts, as a manual."""
    _exit_cleanly_on_sigterm()


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a CI timeout, `kill`, systemd) exits like Ctrl-C does, through every `finally`: the
    run removes its temporary and staging folders and leaves the previous output in place."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def terminate(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM kills at once
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)


@main.command()
@content_argument
@check_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="How to print findings.")
def check(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output_format: str) -> None:
    """Validate CONTENT_DIR (default: content/) and report every finding."""
    result = run_checks(content_dir, strict, max_file_size, no_cache, link_model=False)
    report(result, content_dir, output_format)
    sys.exit(EXIT_CONTENT if result.has_errors else EXIT_OK)


def _load_manual(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, *,
                 show_warnings: bool = True, today=None):
    """Check CONTENT_DIR for a command that needs the linked manual: print its findings to stderr
    (warnings only when `show_warnings`) and exit 1 on errors."""
    result = run_check(content_dir, strict=strict, limits=_limits(max_file_size),
                       use_cache=not no_cache, today=today)
    if result.has_errors or (show_warnings and result.diagnostics):
        report(result, content_dir, "text")
    if result.manual is None:
        sys.exit(EXIT_CONTENT)
    return result.manual


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed run never leaves half a file. A full disk or
    an unwritable folder is one error line and exit 1."""
    import os

    from officebook.tempfiles import partial_path, remove_stale

    partial = partial_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(path.parent)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        echo(_("error: cannot write {path}: {reason}").format(path=path, reason=_os_reason(error, with_file=False)), err=True)
        sys.exit(EXIT_CONTENT)


@main.command()
@content_argument
@check_options
@click.option("--format", "output_format", type=click.Choice(["json", "csv", "xlsx"]), default="json",
              show_default=True,
              help="json: the whole linked catalogue; csv: RACI matrix, assignments, checklists, duty list per "
                   "language; xlsx: one workbook per language (RACI, duties, checklists, posts).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("export"), show_default=True,
              help="Folder to write to; '-' prints the JSON export to stdout.")
def export(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output_format: str,
           output: Path) -> None:
    """Export CONTENT_DIR as JSON (officebook.json), CSV tables (UTF-8 with BOM, for spreadsheets) or
    Excel workbooks (officebook-<lang>.xlsx, whose RACI sheet `officebook import` reads back)."""
    from officebook.export import JSON_FILENAME, csv_tables, export_json

    if str(output) == "-" and output_format != "json":
        raise click.UsageError(_("only --format json can be written to stdout; give a folder with -o"))
    if output.exists() and not output.is_dir():
        raise Refused(_("{path} is not a folder").format(path=output))
    manual = _load_manual(content_dir, strict, max_file_size, no_cache)
    if output_format == "json":
        text = export_json(manual)
        if str(output) == "-":
            echo(text, nl=False)
            return
        files = {JSON_FILENAME: text.encode("utf-8")}
    elif output_format == "xlsx":
        from officebook.xlsx import xlsx_workbooks

        files = xlsx_workbooks(manual)
    else:
        files = csv_tables(manual)
    for name, data in files.items():
        _write_atomically(output / name, data)
        echo(_("wrote {path}").format(path=(output / name).as_posix()), err=True)


@main.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@content_argument
@click.option("--max-file-size", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest content file, in bytes.")
@click.option("--dry-run", is_flag=True, help="Print the changes, write nothing.")
def import_workbook(workbook: Path, content_dir: Path, max_file_size: int, dry_run: bool) -> None:
    """Read the edited RACI sheet of WORKBOOK (from export --format xlsx) and rewrite the raci of the
    changed duties in CONTENT_DIR, leaving every other byte of the files as it is."""
    from officebook.importer import WorkbookError, check_edited, plan_import, read_raci_sheet, write_edited

    manual = _load_manual(content_dir, False, max_file_size, True, show_warnings=False)
    try:
        sheet = read_raci_sheet(workbook)
    except WorkbookError as error:
        raise click.UsageError(str(error)) from error
    plan = plan_import(manual, sheet, content_dir)
    if plan.problems:
        for problem in plan.problems:
            echo(_("error: {message}").format(message=problem), err=True)
        echo(i18n.ngettext("{count} error; nothing written", "{count} errors; nothing written",
                                 len(plan.problems)).format(count=len(plan.problems)), err=True)
        sys.exit(EXIT_CONTENT)
    if plan.texts:
        result = check_edited(content_dir, plan.texts)
        if result.has_errors:
            report(result, content_dir, "text")
            echo(_("the imported roles break the content (see above); nothing written"), err=True)
            sys.exit(EXIT_CONTENT)
    for change in plan.changes:
        for role in change.changes:
            echo(f"{change.file}: {role.describe()}")
    if not plan.changes:
        echo(_("{path}: no changes").format(path=workbook.as_posix()), err=True)
    elif dry_run:
        echo(i18n.ngettext("{count} duty would change (--dry-run: nothing written)",
                                 "{count} duties would change (--dry-run: nothing written)",
                                 len(plan.changes)).format(count=len(plan.changes)), err=True)
    else:
        write_edited(content_dir, plan.texts)
        echo(i18n.ngettext("{count} duty changed", "{count} duties changed", len(plan.changes)).format(
            count=len(plan.changes)), err=True)


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--git", "use_git", is_flag=True,
              help="OLD and NEW are git revisions of the repository (read with git archive, read-only).")
@click.option("--content", "content_path", default="content", show_default=True,
              help="With --git: the content folder, relative to the repository's top folder.")
@click.option("--repo", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="With --git: a folder inside the repository.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="How to print the changes.")
@click.option("--lang", default=None,
              help="Language of the titles shown (default: the manual's default language).")
def diff(old: str, new: str, use_git: bool, content_path: str, repo: Path, output_format: str,
         lang: str | None) -> None:
    """Compare two editions: OLD and NEW are content folders or JSON exports, or git revisions (--git)."""
    from officebook.diff import (
        EditionError,
        diff_editions,
        format_json,
        format_markdown,
        format_text,
        read_edition,
        read_git_edition,
    )

    editions = []
    for given in (old, new):
        try:
            edition = read_git_edition(repo, given, content_path) if use_git else read_edition(Path(given))
        except EditionError as error:
            for diagnostic in error.diagnostics:
                echo(diagnostic.as_text(), err=True)
            echo(f"officebook diff: {error.message}", err=True)
            sys.exit(EXIT_CONTENT if error.diagnostics else EXIT_USAGE)
        editions.append(edition)
    changes = diff_editions(*editions)
    if output_format == "json":
        echo(format_json(changes), nl=False)
    elif output_format == "markdown":
        echo(format_markdown(changes, lang), nl=False)
    else:
        echo(format_text(changes, lang), nl=False)


def previous_option(function):
    return click.option(
        "--previous", type=click.Path(exists=True, path_type=Path), default=None,
        help="The previous edition (a content folder or a JSON export): adds what changed in this edition "
             "and marks the changed entries.",
    )(function)


def today_option(function):
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Count review dates from this day (YYYY-MM-DD) [default: today].")(function)


def _edition_notes(manual, previous: Path | None, today=None, *, reviews: bool = True):
    """The edition notes of the site or handbook; exits on a previous edition that cannot be read."""
    import datetime as dt

    from officebook.diff import EditionError, read_edition
    from officebook.render.editions import edition_notes

    try:
        old = read_edition(previous) if previous else None
    except EditionError as error:
        for diagnostic in error.diagnostics:
            echo(diagnostic.as_text(), err=True)
        echo(f"officebook: --previous {error.message}", err=True)
        sys.exit(EXIT_CONTENT if error.diagnostics else EXIT_USAGE)
    day = (today.date() if today else dt.date.today()) if reviews else None
    return edition_notes(manual, previous=old, today=day)


# ---- build and serve: the web manual ---------------------------------------------------------------


def _default_mkdocs_config(content_dir: Path, config_file: Path | None) -> Path | None:
    """--config, else the mkdocs.yml beside the content folder (the repository's), if there is one."""
    if config_file is not None:
        return config_file
    beside = content_dir.resolve().parent / "mkdocs.yml"
    return beside if beside.is_file() else None


class _ProgressLine:
    """Progress on stderr: one updating line on a terminal, one line per stage otherwise."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.interactive:
            click.echo(f"\r{stage}: {done}/{total}\033[K", err=True, nl=False)
            if done == total:
                echo("", err=True)
        elif stage != self.stage:
            echo(f"{stage}: {total}", err=True)
        self.stage = stage


def mkdocs_config_option(function):
    return click.option(
        "--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
        help="mkdocs.yml with your theme settings [default: the mkdocs.yml beside CONTENT_DIR, if any].",
    )(function)


@main.command()
@content_argument
@check_options
@mkdocs_config_option
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Folder of the site; replaced as a whole when the build succeeds.")
@click.option("--offline", is_flag=True,
              help="A site that works opened from a folder (no server), search included; loads nothing from the internet.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the generated Markdown and mkdocs.yml files here [default: a temporary folder].")
@previous_option
@today_option
@click.option("--pdf", "with_pdf", is_flag=True,
              help="Also print the handbook of every language (as `officebook pdf` does) into <output>/pdf/, "
                   "linked from the home page and the footer.")
def build(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, config_file: Path | None,
          output: Path, offline: bool, work_dir: Path | None, previous: Path | None, today, with_pdf: bool) -> None:
    """Check CONTENT_DIR, then build the web manual: one site per language (the default language at
    the root of the output, the others under <code>/)."""
    import shutil

    from officebook.build.pdf import site_pdf_path, write_handbooks
    from officebook.build.site import OutputRefused, SiteBuildError, build_site
    from officebook.tempfiles import staging_dir

    manual = _load_manual(content_dir, strict, max_file_size, no_cache)
    notes = _edition_notes(manual, previous, today)
    printed, pdf_staging = None, None
    if with_pdf:  # printed first, beside the output: a failure leaves the previous site untouched
        output.resolve().parent.mkdir(parents=True, exist_ok=True)
        pdf_staging = staging_dir(output.resolve(), "pdf")
    try:
        if pdf_staging:
            printed = _print_pdfs(lambda progress: write_handbooks(
                manual, pdf_staging, progress=progress, notes=_edition_notes(manual, previous, reviews=False)),
                staged=True)
        handbooks = {written.lang: written.path for written in printed.files} if printed else None
        result = build_site(manual, output, config_file=_default_mkdocs_config(content_dir, config_file),
                            offline=offline, work_dir=work_dir, protected=[content_dir], progress=_ProgressLine(),
                            notes=notes, handbooks=handbooks)
    except OutputRefused as error:
        raise Refused(error.summary) from error
    except SiteBuildError as error:
        for message in error.messages:
            echo(message, err=True)
        echo(_("error: {reason}; the previous site (if any) is unchanged").format(reason=error.summary), err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as error:
        staging = str(output.resolve().parent / f".{output.name}.")  # build_site's own folders: not worth naming
        named = bool(error.filename) and not str(error.filename).startswith(staging)
        echo(_("error: cannot build the site {path}/: {reason}; the previous site (if any) is unchanged").format(
            path=output.as_posix(), reason=_os_reason(error, with_file=named)), err=True)
        sys.exit(EXIT_CONTENT)
    finally:
        if pdf_staging:
            shutil.rmtree(pdf_staging, ignore_errors=True)
    languages = ", ".join(result.languages)
    echo(_("built {path}/ ({languages}): {pages} pages per language in {seconds:.1f} s").format(
        path=output.as_posix(), languages=languages, pages=result.pages, seconds=result.timings["total"]), err=True)
    if printed:
        linked = ", ".join(f"{output.as_posix()}/{site_pdf_path(written.lang)}" for written in printed.files)
        echo(_("handbooks linked from the home page: {files}").format(files=linked), err=True)


def _listen_address(ctx, param, value: str) -> tuple[str, int]:
    """`-a HOST:PORT` (`[::1]:8000` for IPv6) as (host, port)."""
    host, colon, port = value.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not colon or not host or not port.isdigit():
        raise click.BadParameter(_("'{value}' is not an address and a port: write e.g. 127.0.0.1:8000, "
                                   "localhost:8000 or 0.0.0.0:8000").format(value=value))
    if not 1 <= int(port) <= 65535:
        raise click.BadParameter(_("port {port} is outside 1–65535").format(port=port))
    return host, int(port)


class _SkipMessages(logging.Filter):
    """Leaves out MkDocs' messages that name officebook's temporary files instead of the user's."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Watching paths for changes" not in record.getMessage()


def _stop_on_sigterm() -> None:
    """SIGTERM ends `serve` as Ctrl-C does, so that its temporary folders are removed."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@main.command()
@content_argument
@check_options
@mkdocs_config_option
@click.option("--lang", default=None, help="Language to preview [default: the manual's default language].")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT",
              callback=_listen_address, help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--dirty", is_flag=True, help="Rebuild only changed pages (faster on big manuals; menus may lag).")
def serve(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, config_file: Path | None,
          lang: str | None, dev_addr: tuple[str, int], open_browser: bool, dirty: bool) -> None:
    """Preview the web manual with live reload: editing a YAML file re-renders the pages it affects."""
    from officebook.build.preview import LivePreview, SiteBuildError

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_SkipMessages())
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    mkdocs_config = _default_mkdocs_config(content_dir, config_file)
    state = {"errors": False, "started": False}

    def check_content():
        result = run_checks(content_dir, strict, max_file_size, no_cache)
        if result.diagnostics:
            report(result, content_dir, "text")
        if result.manual is None:
            if state["started"]:
                echo(_("officebook: the content has errors; the preview keeps the last good pages"), err=True)
        elif state["errors"]:
            echo(_("officebook: the content is valid again; the preview is up to date"), err=True)
        state["errors"] = result.manual is None
        return result.manual

    def rendered(pages: list[str]) -> None:
        if pages and state["started"]:
            echo("officebook: " + i18n.ngettext("{count} page re-rendered", "{count} pages re-rendered",
                                                       len(pages)).format(count=len(pages)), err=True)

    host, port = dev_addr
    watched = [content_dir] + ([mkdocs_config] if mkdocs_config else [])
    shown_watched = _(" and ").join(_shown_path(path) + ("/" if path.is_dir() else "") for path in watched)
    _stop_on_sigterm()
    preview = LivePreview(content_dir, lang, mkdocs_config, check=check_content, on_pages=rendered)
    try:
        if not preview.render():
            preview.close()
            sys.exit(EXIT_CONTENT)
        state["started"] = True
        preview.serve(host=host, port=port, open_browser=open_browser, dirty=dirty,
                      on_ready=lambda url: echo(_("officebook: serving {url}; watching {paths} for changes").format(
                          url=url, paths=shown_watched), err=True))
    except KeyboardInterrupt:
        echo(_("officebook: preview stopped"), err=True)
    except SiteBuildError as error:
        raise Refused(error.summary) from error
    except OSError as error:
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        message = _("error: cannot serve on {address}: {reason}").format(address=shown, reason=_os_reason(error))
        if _is_busy(error):
            message += _(" — is another preview running? Choose another port with -a")
        echo(message, err=True)
        sys.exit(EXIT_CONTENT)
    finally:
        preview.close()


@main.command()
@content_argument
@click.option("--max-file-size", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest content file, in bytes.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the check cache.")
@click.option("--within", type=click.IntRange(min=0), default=30, show_default=True,
              help="Also list entries due for review within this many days.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Count from this date (YYYY-MM-DD) instead of today.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the list.")
@click.option("--lang", default=None,
              help="Language of the titles shown (default: the manual's default language).")
def review(content_dir: Path, max_file_size: int, no_cache: bool, within: int, today,
           output_format: str, lang: str | None) -> None:
    """List entries past their review date or due within --within days, grouped by maintainer post."""
    import datetime as dt
    import json

    from officebook.review import as_dict, due_for_review, format_text

    day = today.date() if today else dt.date.today()
    manual = _load_manual(content_dir, False, max_file_size, no_cache, show_warnings=False, today=day)
    found = due_for_review(manual, day, within)
    if output_format == "json":
        echo(json.dumps(as_dict(found), ensure_ascii=False, indent=2))
    else:
        echo(format_text(found, manual, lang), nl=False)


@main.command()
@content_argument
@check_options
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the PDFs to.")
@click.option("--post", "posts", multiple=True, metavar="ID",
              help="Print this post's booklet (onboarding reference and checklist cards) instead of the "
                   "handbook; repeatable.")
@click.option("--all-posts", is_flag=True, help="Print a booklet for every post instead of the handbook.")
@click.option("--lang", "languages", multiple=True, metavar="CODE",
              help="Only this language; repeatable [default: every language of the manual].")
@click.option("--font", default=None, metavar="FAMILY|FILE",
              help="A font to use before the built-in choice (Noto CJK): a family name as `fc-list` shows it, "
                   "or a .ttf/.otf file [default: $OFFICEBOOK_PDF_FONT].")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Print this many files at once, each in its own process and memory (some 0.2 GiB plus "
                   "2.5 MiB a page).")
@click.option("--style", type=click.Choice(["official", "modern"]), default=None,
              help="official: as a Chinese office's internal documents (white cover, 一、（一） headings, "
                   "page numbers — 3 —); modern: coloured cover, decimal numbering [default: official "
                   "for Chinese, modern for other languages].")
@previous_option
def pdf(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output: Path,
        posts: tuple[str, ...], all_posts: bool, languages: tuple[str, ...], font: str | None,
        jobs: int, style: str | None, previous: Path | None) -> None:
    """Check CONTENT_DIR, then print the handbook: handbook-<lang>.pdf for every language.

    With --post, print that post's booklet instead: booklet-<post>-<lang>.pdf."""
    from officebook.build.pdf import write_booklets, write_handbooks

    manual = _load_manual(content_dir, strict, max_file_size, no_cache)
    for lang in languages:
        if lang not in manual.info.languages:
            raise Refused(_("--lang {lang}: the manual's languages are {languages}").format(
                lang=lang, languages=listed(manual.info.languages)))
    for post in posts:
        if post not in manual.posts:
            raise Refused(_("--post {post}: no such post — {hint}").format(
                post=post, hint=did_you_mean_or_list(post, manual.posts, _("the manual has no posts"))))
    booklets = tuple(manual.posts) if all_posts else posts
    notes = _edition_notes(manual, previous, reviews=False)
    if booklets:
        _print_pdfs(lambda progress: write_booklets(manual, booklets, output, languages=languages, font=font,
                                                    progress=progress, notes=notes, jobs=jobs, style=style))
    else:
        _print_pdfs(lambda progress: write_handbooks(manual, output, languages=languages, font=font,
                                                     progress=progress, notes=notes, jobs=jobs, style=style))


@main.command()
@content_argument
@check_options
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the Word documents to.")
@click.option("--post", "posts", multiple=True, metavar="ID",
              help="Write this post's 岗位说明书 (post description and checklists) instead of the handbook; "
                   "repeatable.")
@click.option("--all-posts", is_flag=True, help="Write a post description for every post instead of the handbook.")
@click.option("--lang", "languages", multiple=True, metavar="CODE",
              help="Only this language; repeatable [default: every language of the manual].")
@click.option("--reference-doc", "reference", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="A .docx whose styles and page setup to use (the office's own template) instead "
                                 "of officebook's.")
@click.option("--write-reference", "write_reference", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write officebook's styles as an empty .docx to this file (for --lang, default: the manual's "
                   "first language), to restyle and pass back with --reference-doc; writes nothing else.")
def docx(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output: Path,
         posts: tuple[str, ...], all_posts: bool, languages: tuple[str, ...], reference: Path | None,
         write_reference: Path | None) -> None:
    """Check CONTENT_DIR, then write the handbook as Word documents: handbook-<lang>.docx for every language.

    With --post, write that post's 岗位说明书 instead: booklet-<post>-<lang>.docx."""
    from officebook.build.docx import write_docx_booklets, write_docx_handbooks
    from officebook.build.pdf import PdfSystemError
    from officebook.render.docx import DocxSystemError, ReferenceDocError, reference_docx

    manual = _load_manual(content_dir, strict, max_file_size, no_cache)
    for lang in languages:
        if lang not in manual.info.languages:
            raise click.UsageError(_("--lang {lang}: the manual's languages are {languages}").format(
                lang=lang, languages=listed(manual.info.languages)))
    for post in posts:
        if post not in manual.posts:
            raise click.UsageError(_("--post {post}: no such post — {hint}").format(
                post=post, hint=did_you_mean_or_list(post, manual.posts, _("the manual has no posts"))))
    if write_reference is not None:
        _write_atomically(write_reference, reference_docx((languages or manual.info.languages)[0]))
        echo(_("wrote {path}").format(path=write_reference.as_posix()), err=True)
        return
    booklets = tuple(manual.posts) if all_posts else posts

    def progress(message: str) -> None:
        echo(f"{message} …", err=True)

    try:
        if booklets:
            result = write_docx_booklets(manual, booklets, output, languages=languages, reference=reference,
                                         progress=progress)
        else:
            result = write_docx_handbooks(manual, output, languages=languages, reference=reference,
                                          progress=progress)
    except ReferenceDocError as error:
        raise click.UsageError(f"--reference-doc {error}") from error
    except (DocxSystemError, PdfSystemError) as error:
        echo(_("error: {message}\n  hint: {hint}").format(message=error.message, hint=error.hint), err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as error:
        echo(_("error: cannot write the Word document: {reason}").format(reason=error), err=True)
        sys.exit(EXIT_CONTENT)
    for warning in result.warnings:
        echo(_("warning: {message}").format(message=warning), err=True)
    for written in result.files:
        echo(_("wrote {path} ({size} KiB, {seconds:.1f} s)").format(
            path=written.path.as_posix(), size=written.size // 1024, seconds=written.seconds), err=True)


def _print_pdfs(write, *, staged: bool = False):
    """Run a PDF writer of officebook.build.pdf with progress on stderr; a missing system piece or an
    unwritable file is one error and exit 1. Returns the PdfResult. `staged`: the files are written
    to a temporary folder first (`build --pdf`), so only their names are shown."""
    from officebook.build.pdf import PdfSystemError

    try:
        result = write(lambda message: echo(f"{message} …", err=True))
    except PdfSystemError as error:
        echo(_("error: {message}\n  hint: {hint}").format(message=error.message, hint=error.hint), err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as error:
        echo(_("error: cannot write the PDF: {reason}").format(reason=error), err=True)
        sys.exit(EXIT_CONTENT)
    for warning in result.warnings:
        echo(_("warning: {message}").format(message=warning), err=True)
    for written in result.files:
        if staged:
            echo(i18n.ngettext("printed {name} ({pages} page, {seconds:.1f} s)",
                                     "printed {name} ({pages} pages, {seconds:.1f} s)", written.pages).format(
                name=written.path.name, pages=written.pages, seconds=written.seconds), err=True)
        else:
            echo(i18n.ngettext("wrote {path} ({pages} page, {seconds:.1f} s)",
                                     "wrote {path} ({pages} pages, {seconds:.1f} s)", written.pages).format(
                path=written.path.as_posix(), pages=written.pages, seconds=written.seconds), err=True)
    return result


# ---- init and new: the authoring workflow ----------------------------------------------------------


def _write_plan(root: Path, files: dict[str, str], *, exclusive: bool = False) -> None:
    """Write each planned file under `root` (LF, UTF-8); `exclusive` never replaces a file."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x" if exclusive else "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--lang", "languages", default="zh,en", show_default=True,
              help="The manual's languages, comma-separated; the first is the default.")
@click.option("--refresh", is_flag=True,
              help="In an existing project, bring the editor schemas and the authors' guide up to this version.")
@click.option("--install", "install_spec", metavar="SPEC", default=None,
              help="How the project installs officebook (its requirements.txt, read by the CI workflow and the "
                   "README): a pip requirement such as officebook==1.0, git+URL@REV or a folder "
                   "[default: where this officebook was installed from, if that can be told].")
def init(directory: Path, languages: str, refresh: bool, install_spec: str | None) -> None:
    """Create a manual project in DIRECTORY (new or empty): example content of every kind, mkdocs.yml,
    a README, a CI workflow, schemas mapped for YAML editors, and the authors' guide."""
    from officebook.scaffold import (
        ScaffoldError,
        directory_problem,
        init_project,
        install_source,
        parse_languages,
        refresh_plan,
    )

    if refresh:
        try:
            plan = refresh_plan(directory)
        except ScaffoldError as error:
            raise Refused(str(error)) from error
        _write_plan(directory, plan.files)
        for relative in plan.files:
            echo(_("updated {path}").format(path=(directory / relative).as_posix()), err=True)
        state = _("up to date") if not plan.files else i18n.ngettext(
            "{count} file updated", "{count} files updated", len(plan.files)).format(count=len(plan.files))
        echo(f"{directory.as_posix()}: {state}", err=True)
        return
    try:
        chosen = parse_languages(languages)
    except ScaffoldError as error:
        raise click.BadParameter(str(error), param_hint="'--lang'") from error
    problem = directory_problem(directory)
    if problem:
        raise Refused(problem)
    try:
        install = install_source(install_spec)
    except ScaffoldError as error:
        raise click.BadParameter(str(error), param_hint="'--install'") from error
    plan = init_project(chosen, install=install)
    existed = directory.exists()
    try:
        _write_plan(directory, plan.files)
    except OSError as error:
        import shutil

        if existed:  # it was empty: leave it empty
            for child in directory.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        else:
            shutil.rmtree(directory, ignore_errors=True)
        echo(_("error: cannot write the project into {path}: {reason}; nothing was left there").format(
            path=directory.as_posix(), reason=_os_reason(error, with_file=False)), err=True)
        sys.exit(EXIT_CONTENT)
    for note in plan.notes:
        echo(_("note: {message}").format(message=note), err=True)
    echo(_("officebook is installed with: {requirement} (requirements.txt)").format(
        requirement=install.requirement), err=True)
    shown = directory.as_posix()
    echo(_("created {path}/ ({count} files; languages: {languages})\n"
                 "next: cd {path} && officebook check && officebook serve").format(
        path=shown, count=len(plan.files), languages=", ".join(chosen)), err=True)


@main.command()
@click.argument("kind")
@click.argument("item_id", metavar="ID")
@click.option("--title", "titles", multiple=True, metavar="[LANG=]TEXT",
              help="The title, in the default language or, as LANG=TEXT, in another (repeatable).")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
              show_default=True, help="The content folder.")
def new(kind: str, item_id: str, titles: tuple[str, ...], content_dir: Path) -> None:
    """Create KIND/ID.yaml (KIND: function, duty, procedure, standard or post) with every required field,
    in the manual's languages. ID may name sub-folders: duties/service/meals.yaml is `new duty service/meals`."""
    from officebook.scaffold import ScaffoldError, new_item

    try:
        plan = new_item(content_dir, kind, item_id, titles)
        _write_plan(content_dir, plan.files, exclusive=True)
    except ScaffoldError as error:
        raise Refused(str(error)) from error
    except FileExistsError as error:
        raise Refused(_("{path} already exists").format(path=error.filename)) from error
    for relative in plan.files:
        echo((content_dir / relative).as_posix())
    for note in plan.notes:
        echo(note, err=True)
