"""The command line: the only package that prints or exits.

`app` holds the command group and its language, `errors` the one way a command fails, `reporting`
what is printed; the commands live by what they make: `content` (check, export, import, diff,
review), `web` (build, serve, edit), `printed` (pdf, docx), `authoring` (init, new).
"""

from officebook.cli import authoring, content, printed, web  # noqa: F401  (each registers its commands)
from officebook.cli.app import main

__all__ = ["main"]
