"""Ready-made HTML in a generated page, set aside before Python-Markdown parses the page.

Flowcharts, the responsibility matrix and the organisation chart are built as HTML from the data
(links already final). Written into the Markdown as they are, they would go through Python-Markdown's
HTML-block parser, character by character, only to come out unchanged: most of the cost of a large
site. `prebuilt(html)` writes such HTML as one line marked `data-officebook-html`; the Markdown
extension below (registered in the generated mkdocs.yml) stores each marked line in Python-Markdown's
own HTML stash before any other processing, so it is inserted after the conversion, untouched.

An engine without the extension still builds the page: the marked line is ordinary raw HTML to it.
The marker cannot come from content: content texts reach pages through the sanitiser, which keeps
no `data-` attribute (vocabulary/markdown.py).
"""

from __future__ import annotations

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

MARKER = "<div data-officebook-html"


def prebuilt(html: str, css_class: str = "") -> str:
    """`html` as one marked block of a generated page (a blank line before and after)."""
    one_line = html.replace("\r", "").replace("\n", " ")
    attribute = f' class="{css_class}"' if css_class else ""
    return f"\n\n{MARKER}{attribute}>{one_line}</div>\n\n"


class _SetAside(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return [self.md.htmlStash.store(line) if line.startswith(MARKER) else line for line in lines]


class PrebuiltHtmlExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # after normalize_whitespace (30), which would strip the stash's placeholder characters, and
        # before html_block (20): the line is never parsed
        md.preprocessors.register(_SetAside(md), "officebook_prebuilt", 25)


def makeExtension(**kwargs) -> PrebuiltHtmlExtension:
    return PrebuiltHtmlExtension(**kwargs)
