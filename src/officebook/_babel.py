"""Babel extractors for what `extract_python` cannot see (used through babel.cfg, never at run time).

- the help texts of the command line: click keeps them as docstrings and `help=` strings, so the
  commands themselves are walked;
- the titles and descriptions of the JSON Schemas, from which the editor schemas, the authors'
  guide and `officebook new`'s comments are written in each shipped language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from officebook.vocabulary.schemas import SCHEMA_TEXT_KEYS


def extract_cli(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """The `_()` messages of cli/__init__.py, then the help of every command and option (the other modules
    of the cli package are read by Babel's own Python extractor)."""
    import click
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    from officebook.cli import main

    for text in command_help(main, click.Context(main)):
        yield 0, None, text, ["command-line help"]


def command_help(command, ctx) -> Iterator[str]:
    for text in (command.help, command.short_help, command.epilog):
        if text:
            yield text
    for param in command.get_params(ctx):
        if getattr(param, "help", None):
            yield param.help
    for sub in getattr(command, "commands", {}).values():
        yield from command_help(sub, ctx)


def extract_schema(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Every `title` and `description` of a JSON Schema (its `examples` are content, not interface)."""
    document = json.loads(fileobj.read().decode("utf-8"))
    for pointer, text in schema_texts(document):
        yield 0, None, text, [f"schema {pointer}"]


def schema_texts(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SCHEMA_TEXT_KEYS and isinstance(value, str):
                yield f"{pointer}/{key}", value
            elif key not in ("examples", "enum", "const", "default"):
                yield from schema_texts(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_texts(value, f"{pointer}/{index}")
