"""The commands that read a manual and answer in text: check, export, import, diff, review."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from officebook import i18n
from officebook.cli.app import UI_LANGUAGE_GIVEN, main
from officebook.cli.errors import EXIT_CONTENT, EXIT_OK, Refused, fail, fail_on_edition
from officebook.cli.options import check_options, content_argument, load_manual, run_checks, write_atomically
from officebook.cli.reporting import echo, report
from officebook.i18n import gettext as _
from officebook.load import DEFAULT_MAX_BYTES


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
    manual = load_manual(content_dir, strict, max_file_size, no_cache)
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
        write_atomically(output / name, data)
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
    from officebook.importer import check_edited, plan_import, write_edited
    from officebook.xlsx_read import WorkbookError, read_raci_sheet

    manual = load_manual(content_dir, False, max_file_size, True, show_warnings=False)
    try:
        sheet = read_raci_sheet(workbook)
        if not click.get_current_context().meta.get(UI_LANGUAGE_GIVEN) and i18n.named_by_environment() is None:
            i18n.set_language(i18n.for_manual(sheet.language))  # nothing says otherwise: the workbook's language
        plan = plan_import(manual, sheet, content_dir)
    except WorkbookError as error:
        raise Refused(str(error)) from error
    for refused in plan.refused:
        echo(_("warning: {message}").format(message=refused), err=True)
    if plan.problems:
        for problem in plan.problems:
            echo(_("error: {message}").format(message=problem), err=True)
        fail(i18n.ngettext("{count} error; nothing written", "{count} errors; nothing written",
                           len(plan.problems)).format(count=len(plan.problems)))
    if plan.texts:
        result = check_edited(content_dir, plan.texts)
        if result.has_errors:
            report(result, content_dir, "text")
            fail(_("the imported roles break the content (see above); nothing written"))
    for change in plan.changes:
        for role in change.changes:
            echo(f"{change.file}: {role.describe()}")
    if not plan.changes:
        if not plan.refused:
            echo(_("{path}: no changes").format(path=workbook.as_posix()), err=True)
    elif dry_run:
        echo(i18n.ngettext("{count} duty would change (--dry-run: nothing written)",
                                 "{count} duties would change (--dry-run: nothing written)",
                                 len(plan.changes)).format(count=len(plan.changes)), err=True)
    else:
        write_edited(content_dir, plan.texts)
        echo(i18n.ngettext("{count} duty changed", "{count} duties changed", len(plan.changes)).format(
            count=len(plan.changes)), err=True)
    if plan.refused:
        echo(i18n.ngettext("{count} duty not applied: changed in the content since the export",
                           "{count} duties not applied: changed in the content since the export",
                           len(plan.refused)).format(count=len(plan.refused)), err=True)


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
    from officebook.pipeline import edition_of

    editions = []
    for given in (old, new):
        try:
            edition = (read_git_edition(repo, given, content_path, edition_of) if use_git
                       else read_edition(Path(given), edition_of))
        except EditionError as error:
            fail_on_edition(error, "officebook diff:")
        editions.append(edition)
    changes = diff_editions(*editions)
    if output_format == "json":
        echo(format_json(changes), nl=False)
    elif output_format == "markdown":
        echo(format_markdown(changes, lang), nl=False)
    else:
        echo(format_text(changes, lang), nl=False)


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
    manual = load_manual(content_dir, False, max_file_size, no_cache, show_warnings=False, today=day)
    found = due_for_review(manual, day, within)
    if output_format == "json":
        echo(json.dumps(as_dict(found), ensure_ascii=False, indent=2))
    else:
        echo(format_text(found, manual, lang), nl=False)

