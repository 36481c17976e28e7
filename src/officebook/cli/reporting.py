"""What the command line prints: findings, progress, the files written."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from officebook import i18n
from officebook.diagnostics import Diagnostic, summary, terminal_safe, to_json
from officebook.pipeline import CheckResult


def shown_path(path: Path) -> str:
    """A path as the user would write it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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


class ProgressLine:
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


def report_written(result, *, staged: bool = False) -> None:
    """The warnings and files of a PDF writer's result; `staged`: written to a temporary folder first
    (`build --pdf`), so only their names are shown."""
    from officebook.i18n import gettext as _

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
