"""The command group: its options, the interface's language, and the SIGTERM and OSError safety
net every command runs under."""

from __future__ import annotations

import errno

import click

from officebook import __version__, i18n
from officebook.cli.errors import fail, os_reason
from officebook.i18n import N_, Nn_
from officebook.i18n import gettext as _

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


class _HelpContext(click.Context):
    formatter_class = _HelpFormatter


class TranslatedCommand(_TranslatedHelp, click.Command):
    context_class = _HelpContext


class TranslatedGroup(_TranslatedHelp, click.Group):
    command_class = TranslatedCommand
    context_class = _HelpContext

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
            fail(_("{command}: error: {reason}").format(command=command, reason=os_reason(error)))


def _ui_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    language = i18n.normalize(value)
    if language is None:
        raise click.BadParameter(_("{value}: the interface speaks {languages}").format(
            value=value, languages=", ".join(i18n.SHIPPED)), ctx=ctx, param=param)
    i18n.set_language(language)
    ctx.meta[UI_LANGUAGE_GIVEN] = True


UI_LANGUAGE_GIVEN = "officebook.ui_lang"  # ctx.meta key: --ui-lang chose the interface's language


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
