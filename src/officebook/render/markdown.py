"""Content Markdown: rendered to HTML, passed through into generated pages, or reduced to plain text.

Long texts of the content model are Markdown. Raw HTML in them is escaped unless the manual sets
`allow_html: true`; links to `javascript:`, `vbscript:` and `data:` URLs are always neutralised.

- `render_markdown(text, allow_html)` renders to an HTML fragment (the handbook, SVG labels).
- `markdown_source(text, allow_html, ...)` returns Markdown to embed in a generated MkDocs page:
  the Markdown is kept (so headings reach the table of contents and search), raw HTML and
  attribute lists are escaped, an unclosed code fence is closed and headings can be demoted.
- `plain_text(text)` strips the Markdown to plain text (flowchart boxes, link titles).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")


def is_unsafe_url(url: str) -> bool:
    """True for a URL a browser would run as script (`javascript:`, also when entity-encoded)."""
    normalised = _CONTROL_AND_SPACE.sub("", html.unescape(url)).lower()
    return normalised.startswith(UNSAFE_SCHEMES)


# ---- HTML ---------------------------------------------------------------------------------------


class _SafeUrls(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and is_unsafe_url(value):
                    element.set(attribute, "")


class _EscapeHtml(Extension):
    """Treat raw HTML as text: `<b>` is shown as `<b>`, never interpreted."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeUrls(md), "officebook_safe_urls", 1)


class _SafeUrlsOnly(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_SafeUrls(md), "officebook_safe_urls", 1)


@lru_cache(maxsize=2)
def _converter(allow_html: bool) -> markdown.Markdown:
    extensions: list = ["tables", _SafeUrlsOnly() if allow_html else _EscapeHtml()]
    if allow_html:
        extensions.append("md_in_html")
    return markdown.Markdown(extensions=extensions, output_format="html")


def render_markdown(text: str, allow_html: bool) -> str:
    """Render content Markdown to an HTML fragment; raw HTML is escaped unless `allow_html`."""
    converter = _converter(allow_html)
    try:
        return converter.convert(text)
    finally:
        converter.reset()


_TAG = re.compile(r"<[^>]*>")
_SPACE_RUN = re.compile(r"[ \t\r\n]+")


_MARKUP = re.compile(r"[\\`*_\[\]<>&#!|~=+-]|^\s*\d+[.)]|\n\s*\n")


@lru_cache(maxsize=65536)
def plain_text(text: str) -> str:
    """The text of content Markdown without markup, on one line."""
    if not _MARKUP.search(text):  # no markup at all: most titles and summaries
        return _SPACE_RUN.sub(" ", text).strip()
    rendered = render_markdown(text, allow_html=False)
    return _SPACE_RUN.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()


# ---- Markdown passthrough -------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_HEADING = re.compile(r"^(?P<indent> {0,3})(?P<hashes>#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]*://[^<>\s]*|[^<> !]+@[^@<> ]+)>")
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_REFERENCE_URL = re.compile(r"^( {0,3}\[[^\]]+\]:\s*<?)(\S*?)(>?(?:\s|$))", re.MULTILINE)


def markdown_source(text: str, allow_html: bool, *, top_heading: int | None = None) -> str:
    """Content Markdown made safe to embed in a generated page.

    Raw HTML and attribute lists (`{: onclick=...}`) are escaped unless `allow_html`; unsafe link
    URLs are emptied; an unclosed code fence is closed so it cannot swallow the rest of the page.
    With `top_heading`, headings are demoted so the highest one has that level (capped at 6).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = text.split("\n")
    segments = _split_fences(lines)
    shift = _heading_shift(segments, top_heading)
    out: list[str] = []
    for is_code, segment_lines in segments:
        if is_code:
            out.extend(segment_lines)
            continue
        prose = "\n".join(_shift_heading(line, shift) for line in segment_lines)
        out.append(_escape_prose(prose, allow_html))
    return "\n".join(out)


def _split_fences(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Alternate prose and fenced-code segments; an unclosed fence is closed at the end."""
    segments: list[tuple[bool, list[str]]] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if not opening:
            prose.append(lines[index])
            index += 1
            continue
        if prose:
            segments.append((False, prose))
            prose = []
        fence = opening["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        code = [lines[index]]
        index += 1
        while index < len(lines) and not closing.match(lines[index]):
            code.append(lines[index])
            index += 1
        if index < len(lines):
            code.append(lines[index])
            index += 1
        else:
            code.append(opening["indent"] + fence)
        segments.append((True, code))
    if prose:
        segments.append((False, prose))
    return segments


def _heading_shift(segments: list[tuple[bool, list[str]]], top_heading: int | None) -> int:
    if top_heading is None:
        return 0
    levels = [
        len(match["hashes"])
        for is_code, lines in segments
        if not is_code
        for line in lines
        if (match := _HEADING.match(line))
    ]
    levels += [
        1 if lines[i].lstrip().startswith("=") else 2
        for is_code, lines in segments
        if not is_code
        for i in range(1, len(lines))
        if _SETEXT.match(lines[i]) and lines[i - 1].strip() and not _is_list_or_rule(lines[i - 1])
    ]
    return max(0, top_heading - min(levels)) if levels else 0


def _is_list_or_rule(line: str) -> bool:
    return bool(re.match(r"^\s*([-*+]|\d+[.)])(\s|$)", line)) or bool(_SETEXT.match(line))


def _shift_heading(line: str, shift: int) -> str:
    if not shift:
        return line
    match = _HEADING.match(line)
    if not match:
        return line
    level = min(6, len(match["hashes"]) + shift)
    return match["indent"] + "#" * level + line[match.end():]


def _escape_prose(prose: str, allow_html: bool) -> str:
    """Escape raw HTML and attribute lists outside code spans; neutralise unsafe URLs."""
    pieces: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(prose):
        pieces.append(_escape_text(prose[position:span.start()], allow_html))
        pieces.append(span.group(0))
        position = span.end()
    pieces.append(_escape_text(prose[position:], allow_html))
    return "".join(pieces)


def _escape_text(text: str, allow_html: bool) -> str:
    text = _neutralise_inline_links(text)
    text = _REFERENCE_URL.sub(
        lambda m: m.group(1) + ("#" if is_unsafe_url(m.group(2)) else m.group(2)) + m.group(3), text
    )
    if allow_html:
        return text
    pieces: list[str] = []
    position = 0
    for link in _AUTOLINK.finditer(text):
        pieces.append(_escape_html_and_attributes(text[position:link.start()]))
        pieces.append(link.group(0))
        position = link.end()
    pieces.append(_escape_html_and_attributes(text[position:]))
    return "".join(pieces)


def _neutralise_inline_links(text: str) -> str:
    """`[x](javascript:...)` becomes `[x]()`; the parenthesised destination is matched with nesting."""
    pieces: list[str] = []
    position = 0
    while (start := text.find("](", position)) != -1:
        depth, end = 1, start + 2
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        destination = text[start + 2:end - 1].strip().lstrip("<").split(maxsplit=1)
        if depth == 0 and destination and is_unsafe_url(destination[0]):
            pieces.append(text[position:start] + "]()")
        else:
            pieces.append(text[position:start + 2])
            end = start + 2
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _escape_html_and_attributes(text: str) -> str:
    text = _HTML_START.sub("&lt;", text)
    return re.sub(r"(?<!\\)\{", r"\\{", text)
