"""The authoring workflow's commands: init, new and languages."""

from __future__ import annotations

from pathlib import Path

import click

from officebook import i18n
from officebook.cli.app import main
from officebook.cli.errors import Refused, fail, os_reason
from officebook.cli.reporting import echo
from officebook.i18n import gettext as _


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
        fail(_("error: cannot write the project into {path}: {reason}; nothing was left there").format(
            path=directory.as_posix(), reason=os_reason(error, with_file=False)))
    for note in plan.notes:
        echo(_("note: {message}").format(message=note), err=True)
    echo(_("officebook is installed with: {requirement} (requirements.txt)").format(
        requirement=install.requirement), err=True)
    shown = directory.as_posix()
    echo(_("created {path}/ ({count} files; languages: {languages})\n"
                 "next: cd {path} && officebook check && officebook serve").format(
        path=shown, count=len(plan.files), languages=", ".join(chosen)), err=True)
    if len(chosen) > 1:
        echo(_("for a manual in {language} only: officebook languages {language} (in {path})").format(
            language=chosen[0], path=shown), err=True)


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


@main.command("languages")
@click.argument("languages", metavar="CODES")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
              show_default=True, help="The content folder.")
@click.option("--dry-run", is_flag=True, help="Print the files that would change and change nothing.")
def languages_command(languages: str, content_dir: Path, dry_run: bool) -> None:
    """Give the manual the languages CODES (comma-separated, the first is the default), e.g. `zh` for a
    Chinese-only manual: manual.yaml lists them, and every text keeps only their strings (one language:
    plain strings). Comments and the other lines of each file stay as they are."""
    from officebook.languages import LanguagesError, switch_languages
    from officebook.scaffold import ScaffoldError, parse_languages

    try:
        chosen = parse_languages(languages)
    except ScaffoldError as error:
        raise click.BadParameter(str(error), param_hint="'CODES'") from error
    try:
        plan = switch_languages(content_dir, chosen)
    except LanguagesError as error:
        raise Refused(str(error)) from error
    if not dry_run:
        try:
            _write_plan(content_dir, plan.files)
        except OSError as error:
            fail(_("cannot write {path}: {reason}").format(path=error.filename, reason=os_reason(error, with_file=False)))
    for relative in plan.files:
        echo((content_dir / relative).as_posix())
    for relative, count in plan.untranslated.items():
        echo(i18n.ngettext("{path}: {count} text has no '{lang}' yet and keeps its old default-language string",
                           "{path}: {count} texts have no '{lang}' yet and keep their old default-language strings",
                           count).format(path=(content_dir / relative).as_posix(), count=count, lang=chosen[0]), err=True)
    if dry_run:
        summary = i18n.ngettext("{count} file would change (the manual's languages: {languages}); nothing written",
                                "{count} files would change (the manual's languages: {languages}); nothing written",
                                len(plan.files))
    else:
        summary = i18n.ngettext("{count} file changed; the manual's languages: {languages}",
                                "{count} files changed; the manual's languages: {languages}", len(plan.files))
    echo(summary.format(count=len(plan.files), languages=", ".join(chosen)), err=True)
