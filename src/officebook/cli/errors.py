"""How a command ends in failure: one message on stderr and click's exit codes (1 for the content or
the machine, 2 for how the command was asked). Every command fails through here."""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from officebook.diagnostics import terminal_safe
from officebook.i18n import N_
from officebook.i18n import gettext as _

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


def os_reason(error: OSError, *, with_file: bool = True) -> str:
    """An operating-system failure in words: `path: reason` (or the reason alone)."""
    known = _OS_REASONS.get(error.errno)
    reason = _(known) if known else error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename and with_file else reason


def is_busy(error: OSError) -> bool:
    return error.errno == errno.EADDRINUSE


def fail(message: str, code: int = EXIT_CONTENT) -> NoReturn:
    """End the command: `message` on stderr (control characters escaped), then exit `code`."""
    click.echo(terminal_safe(message), err=True)
    sys.exit(code)


@contextmanager


def failing_as_one_line(cannot: str, system_errors: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Run a writer: a missing system piece (an error of `system_errors`, with its `message` and
    `hint`) or an operating-system failure (`cannot`, worded with `{reason}`) is one message and exit 1."""
    try:
        yield
    except system_errors as error:
        fail(_("error: {message}\n  hint: {hint}").format(message=error.message, hint=error.hint))
    except OSError as error:
        fail(cannot.format(reason=error))


def fail_on_edition(error, what: str) -> NoReturn:
    """A previous edition or one side of a diff that cannot be read: its findings, then one line;
    exit 1 for findings in its content, 2 for a name that names nothing readable."""
    for diagnostic in error.diagnostics:
        click.echo(terminal_safe(diagnostic.as_text()), err=True)
    fail(f"{what} {error.message}", EXIT_CONTENT if error.diagnostics else EXIT_USAGE)
