"""Ready-made HTML in a generated page, set aside before Python-Markdown parses the page.

Flowcharts, checklists, the responsibility matrix and the organisation chart are built as HTML from
the data (links already final). Passed through Python-Markdown they would go through its HTML-block
parser, character by character, only to come out unchanged: most of the cost of a large site.
`prebuilt(html)` writes such HTML as one line marked `data-officebook-html`; the Markdown extension
below (registered in the generated mkdocs.yml) stores each marked line in Python-Markdown's own HTML
stash before any other processing, so it is inserted after the conversion, untouched.

The work folder keeps each block out of its page: `set_aside` replaces it with a reference by
content hash (`<div data-officebook-html="…"></div>`) and the build writes the block into the
store folder beside `docs/` (`build/files.py`), which the extension reads it back from. The Markdown
an engine parses is then the page's own text only, at any size of manual. MkDocs, ProperDocs and
Zensical all load the extension from mkdocs.yml; the store is named relative to that file, so the work
folder can be moved and built where it is.

The marker cannot come from content: content texts reach pages through the sanitiser, which keeps
no `data-` attribute (vocabulary/markdown.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

MARKER = "<div data-officebook-html"
STORE_FOLDER = "prebuilt"  # beside a work folder's docs/ (build/files.py)
_REFERENCE = re.compile(r'<div data-officebook-html="([0-9a-f]{32})"></div>')


def prebuilt(html: str, css_class: str = "") -> str:
    """`html` as one marked block of a generated page (a blank line before and after)."""
    one_line = html.replace("\r", "").replace("\n", " ")
    attribute = f' class="{css_class}"' if css_class else ""
    return f"\n\n{MARKER}{attribute}>{one_line}</div>\n\n"


def set_aside(page: str) -> tuple[str, dict[str, str]]:
    """The page with each ready-made block replaced by a reference to it, and the blocks by name
    (the hash of the block, so a changed block changes the page that refers to it)."""
    if MARKER not in page:
        return page, {}
    blocks: dict[str, str] = {}
    lines = page.split("\n")
    for number, line in enumerate(lines):
        if line.startswith(MARKER) and not _REFERENCE.fullmatch(line):
            name = hashlib.blake2b(line.encode("utf-8"), digest_size=16).hexdigest()
            blocks[name] = line
            lines[number] = f'{MARKER}="{name}"></div>'
    return "\n".join(lines), blocks


class PrebuiltMissing(Exception):
    """A page refers to a block the store does not hold: the work folder was moved or is partial."""


def _config_folder(md: markdown.Markdown) -> Path | None:
    """The folder of the mkdocs.yml being built. An extension is not told it, so it is asked of the
    engine converting the page: MkDocs and ProperDocs give their link rewriter (`relpath`) the
    configuration, Zensical registers its page context (`rendering_context`) with it."""
    if "relpath" in md.treeprocessors:
        path = getattr(md.treeprocessors["relpath"], "config", {}).get("config_file_path")
        if path:
            return Path(path).parent
    if "rendering_context" in md.preprocessors:
        root = (getattr(md.preprocessors["rendering_context"], "config", None) or {}).get("root_dir")
        if root:
            return Path(root)
    return None


class _SetAside(Preprocessor):
    def __init__(self, md: markdown.Markdown, store: str) -> None:
        super().__init__(md)
        self.store = store

    def run(self, lines: list[str]) -> list[str]:
        return [self.md.htmlStash.store(self._block(line)) if line.startswith(MARKER) else line for line in lines]

    def _block(self, line: str) -> str:
        reference = _REFERENCE.fullmatch(line)
        if reference is None:
            return line  # the block itself, as officebook's preview and tests convert pages
        store = Path(self.store)
        if not store.is_absolute():
            store = (_config_folder(self.md) or Path.cwd()) / store
        try:
            return (store / f"{reference[1]}.html").read_text(encoding="utf-8")
        except OSError as error:
            raise PrebuiltMissing(f"officebook: the ready-made HTML {reference[1]} is not in {store}; "
                                  "build the work folder again with officebook build") from error


class PrebuiltHtmlExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {"store": [STORE_FOLDER, "the folder of the ready-made blocks, relative to mkdocs.yml's"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # after normalize_whitespace (30), which would strip the stash's placeholder characters, and
        # before html_block (20): the line is never parsed
        md.preprocessors.register(_SetAside(md, self.getConfig("store")), "officebook_prebuilt", 25)


def makeExtension(**kwargs: object) -> PrebuiltHtmlExtension:
    return PrebuiltHtmlExtension(**kwargs)
