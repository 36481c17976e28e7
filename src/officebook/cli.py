"""The command line: the only module that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from officebook import __version__
from officebook.diagnostics import Diagnostic, summary, terminal_safe, to_json
from officebook.load import DEFAULT_MAX_BYTES, LoadLimits
from officebook.pipeline import CheckResult, run_check

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


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
    return function


def run_checks(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool,
               link_model: bool = True) -> CheckResult:
    return run_check(content_dir, strict=strict, limits=LoadLimits(max_bytes=max_file_size), use_cache=not no_cache,
                     link_model=link_model)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="officebook")
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
    result = run_check(content_dir, strict=strict, limits=LoadLimits(max_bytes=max_file_size),
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
        echo(f"error: cannot write {path}: {error.strerror or error}", err=True)
        sys.exit(EXIT_CONTENT)


@main.command()
@content_argument
@check_options
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json",
              show_default=True,
              help="json: the whole linked catalogue; csv: RACI matrix, checklists, duty list per language.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("export"), show_default=True,
              help="Folder to write to; '-' prints the JSON export to stdout.")
def export(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output_format: str,
           output: Path) -> None:
    """Export CONTENT_DIR as JSON (officebook.json) or CSV tables (UTF-8 with BOM, for spreadsheets)."""
    from officebook.export import JSON_FILENAME, csv_tables, export_json

    if str(output) == "-" and output_format != "json":
        raise click.UsageError("only --format json can be written to stdout; give a folder with -o")
    if output.exists() and not output.is_dir():
        raise click.UsageError(f"{output} is not a folder")
    manual = _load_manual(content_dir, strict, max_file_size, no_cache)
    if output_format == "json":
        text = export_json(manual)
        if str(output) == "-":
            echo(text, nl=False)
            return
        files = {JSON_FILENAME: text.encode("utf-8")}
    else:
        files = csv_tables(manual)
    for name, data in files.items():
        _write_atomically(output / name, data)
        echo(f"wrote {(output / name).as_posix()}", err=True)


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
                manual, pdf_staging, progress=progress, notes=_edition_notes(manual, previous, reviews=False),
                assets=content_dir / "assets"))
        handbooks = {written.lang: written.path for written in printed.files} if printed else None
        result = build_site(manual, output, config_file=_default_mkdocs_config(content_dir, config_file),
                            offline=offline, work_dir=work_dir, protected=[content_dir], progress=_ProgressLine(),
                            notes=notes, handbooks=handbooks)
    except OutputRefused as error:
        raise click.UsageError(error.summary) from error
    except SiteBuildError as error:
        for message in error.messages:
            echo(message, err=True)
        echo(f"error: {error.summary}; the previous site (if any) is unchanged", err=True)
        sys.exit(EXIT_CONTENT)
    finally:
        if pdf_staging:
            shutil.rmtree(pdf_staging, ignore_errors=True)
    languages = ", ".join(result.languages)
    echo(f"built {output.as_posix()}/ ({languages}): {result.pages} pages per language "
               f"in {result.timings['total']:.1f} s", err=True)
    if printed:
        linked = ", ".join(f"{output.as_posix()}/{site_pdf_path(written.lang)}" for written in printed.files)
        echo(f"handbooks linked from the home page: {linked}", err=True)


@main.command()
@content_argument
@check_options
@mkdocs_config_option
@click.option("--lang", default=None, help="Language to preview [default: the manual's default language].")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--dirty", is_flag=True, help="Rebuild only changed pages (faster on big manuals; menus may lag).")
def serve(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, config_file: Path | None,
          lang: str | None, dev_addr: str, open_browser: bool, dirty: bool) -> None:
    """Preview the web manual with live reload: editing a YAML file re-renders the pages it affects."""
    import logging

    from officebook.build.site import LivePreview, SiteBuildError

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)

    def check_content():
        result = run_checks(content_dir, strict, max_file_size, no_cache)
        if result.diagnostics:
            report(result, content_dir, "text")
        return result.manual

    def rendered(pages: list[str]) -> None:
        if pages:
            echo(f"officebook: {len(pages)} page(s) re-rendered", err=True)

    preview = LivePreview(content_dir, lang, _default_mkdocs_config(content_dir, config_file),
                          check=check_content, on_pages=rendered)
    try:
        if not preview.render():
            sys.exit(EXIT_CONTENT)
        preview.serve(dev_addr=dev_addr, open_browser=open_browser, dirty=dirty)
    except SiteBuildError as error:
        raise click.UsageError(error.summary) from error


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
@previous_option
def pdf(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output: Path,
        posts: tuple[str, ...], all_posts: bool, languages: tuple[str, ...], font: str | None,
        jobs: int, previous: Path | None) -> None:
    """Check CONTENT_DIR, then print the handbook: handbook-<lang>.pdf for every language.

    With --post, print that post's booklet instead: booklet-<post>-<lang>.pdf."""
    from officebook.build.pdf import write_booklets, write_handbooks

    manual = _load_manual(content_dir, strict, max_file_size, no_cache)
    for lang in languages:
        if lang not in manual.info.languages:
            raise click.UsageError(f"--lang {lang}: the manual's languages are {', '.join(manual.info.languages)}")
    for post in posts:
        if post not in manual.posts:
            raise click.UsageError(f"--post {post}: no such post{_did_you_mean(post, manual.posts)}")
    booklets = tuple(manual.posts) if all_posts else posts

    if booklets:
        _print_pdfs(lambda progress: write_booklets(manual, booklets, output, languages=languages, font=font,
                                                    progress=progress, jobs=jobs, assets=content_dir / "assets"))
    else:
        notes = _edition_notes(manual, previous, reviews=False)
        _print_pdfs(lambda progress: write_handbooks(manual, output, languages=languages, font=font,
                                                     progress=progress, notes=notes, jobs=jobs,
                                                     assets=content_dir / "assets"))


def _print_pdfs(write):
    """Run a PDF writer of officebook.build.pdf with progress on stderr; a missing system piece or an
    unwritable file is one error and exit 1. Returns the PdfResult."""
    from officebook.build.pdf import PdfSystemError

    try:
        result = write(lambda message: echo(f"{message} …", err=True))
    except PdfSystemError as error:
        echo(f"error: {error.message}\n  hint: {error.hint}", err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as error:
        echo(f"error: cannot write the PDF: {error}", err=True)
        sys.exit(EXIT_CONTENT)
    for warning in result.warnings:
        echo(f"warning: {warning}", err=True)
    for written in result.files:
        echo(f"wrote {written.path.as_posix()} ({written.pages} pages, {written.seconds:.1f} s)", err=True)
    return result


def _did_you_mean(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" — did you mean {close[0]}?" if close else ""


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
def init(directory: Path, languages: str, refresh: bool) -> None:
    """Create a manual project in DIRECTORY (new or empty): example content of every kind, mkdocs.yml,
    a README, a CI workflow, schemas mapped for YAML editors, and the authors' guide."""
    from officebook.scaffold import ScaffoldError, directory_problem, init_project, parse_languages, refresh_plan

    if refresh:
        try:
            plan = refresh_plan(directory)
        except ScaffoldError as error:
            raise click.UsageError(str(error)) from error
        _write_plan(directory, plan.files)
        for relative in plan.files:
            echo(f"updated {(directory / relative).as_posix()}", err=True)
        echo(f"{directory.as_posix()}: " + ("up to date" if not plan.files else f"{len(plan.files)} files updated"),
                   err=True)
        return
    try:
        chosen = parse_languages(languages)
    except ScaffoldError as error:
        raise click.BadParameter(str(error), param_hint="'--lang'") from error
    problem = directory_problem(directory)
    if problem:
        raise click.UsageError(problem)
    plan = init_project(chosen)
    try:
        _write_plan(directory, plan.files)
    except OSError as error:
        raise click.UsageError(f"cannot write into {directory}: {error}") from error
    for note in plan.notes:
        echo(f"note: {note}", err=True)
    shown = directory.as_posix()
    echo(f"created {shown}/ ({len(plan.files)} files; languages: {', '.join(chosen)})\n"
               f"next: cd {shown} && officebook check && officebook serve", err=True)


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
        raise click.UsageError(str(error)) from error
    except FileExistsError as error:
        raise click.UsageError(f"{error.filename} already exists") from error
    for relative in plan.files:
        echo((content_dir / relative).as_posix())
    for note in plan.notes:
        echo(note, err=True)
