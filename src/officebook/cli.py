"""The command line: the only module that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from officebook import __version__
from officebook.diagnostics import Diagnostic, summary, to_json
from officebook.load import DEFAULT_MAX_BYTES, LoadLimits
from officebook.pipeline import CheckResult, run_check

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _display(diagnostic: Diagnostic, content_dir: Path) -> Diagnostic:
    """Findings carry paths relative to the content folder; show them as the user named the folder."""
    from dataclasses import replace

    shown = (content_dir / diagnostic.file).as_posix()
    return replace(diagnostic, file=shown[2:] if shown.startswith("./") else shown)


def report(result: CheckResult, content_dir: Path, output_format: str) -> None:
    """Print every finding, then a summary line (text to stderr; json and github to stdout)."""
    shown = [_display(d, content_dir) for d in result.diagnostics]
    if output_format == "json":
        click.echo(to_json(shown, result.files))
    elif output_format == "github":
        for diagnostic in shown:
            click.echo(diagnostic.as_github())
        click.echo(summary(shown, result.files), err=True)
    else:
        for diagnostic in shown:
            click.echo(diagnostic.as_text(), err=True)
        click.echo(summary(shown, result.files), err=True)


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


def run_checks(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool) -> CheckResult:
    return run_check(content_dir, strict=strict, limits=LoadLimits(max_bytes=max_file_size), use_cache=not no_cache)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="officebook")
def main() -> None:
    """officebook: an office's functions, duties, procedures, standards and posts, as a manual."""


@main.command()
@content_argument
@check_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="How to print findings.")
def check(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output_format: str) -> None:
    """Validate CONTENT_DIR (default: content/) and report every finding."""
    result = run_checks(content_dir, strict, max_file_size, no_cache)
    report(result, content_dir, output_format)
    sys.exit(EXIT_CONTENT if result.has_errors else EXIT_OK)
