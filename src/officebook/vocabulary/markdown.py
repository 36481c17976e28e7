"""Content Markdown: one sanitising path for every output, and plain text escaped as text.

Content is untrusted (many hands write a manual, the whole office reads it). Every Markdown text goes
the same way: officebook's own Markdown renderer turns it into HTML (raw HTML in it escaped unless
the manual sets `allow_html: true`), then nh3 (the Ammonia allow-list sanitiser) keeps only allowed
tags, attributes and URLs. No escaping rules per Markdown syntax: whatever trick the Markdown plays,
the sanitiser sees the HTML a browser would see.

- `render_markdown(text, allow_html)`: sanitised HTML (the handbook, SVG labels, changelogs).
- `site_markdown(text, allow_html, ...)`: the sanitised HTML laid out for a generated MkDocs page,
  inert to any Markdown extension the site enables; headings stay Markdown headings (plain text),
  so they reach the table of contents and search as before.
- `markdown_text(text)`: plain text (a title, a name) as Markdown that shows exactly that text.
- `plain_text(text)`: the text of content Markdown without markup (flowchart boxes, descriptions).
- `link_target(url)`: the URL policy (http, https, mailto, tel and relative URLs; nothing else).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from officebook.vocabulary.textlinks import find_links, mask_code

# ---- the URL policy --------------------------------------------------------------------------------

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def url_scheme(url: str) -> str | None:
    """The scheme of `url` as a browser reads it (entities decoded, controls and spaces dropped,
    lower case), or None for a relative URL."""
    normalised = _IGNORED_IN_URL.sub("", html.unescape(url))
    match = _SCHEME.match(normalised)
    return match.group(1).lower() if match else None


def is_unsafe_url(url: str) -> bool:
    """True for a URL with a scheme other than http, https, mailto and tel (`javascript:`, `data:`, ...),
    and for a network path without a scheme (`//host/x`, `\\\\host\\share`): opened from a file on
    Windows, it reaches a network share."""
    scheme = url_scheme(url)
    if scheme is not None:
        return scheme not in SAFE_SCHEMES
    # A leading backslash: Markdown turns `\\host\share` into `\host\share` (a backslash escapes the
    # next); a Windows path either way, never a link within the manual.
    return is_network_path(url) or _IGNORED_IN_URL.sub("", html.unescape(url)).startswith("\\")


def is_network_path(url: str) -> bool:
    """A URL without a scheme that names another host: `//host/x`, `\\\\host\\share`, or mixed slashes."""
    return _IGNORED_IN_URL.sub("", html.unescape(url)).startswith(("//", "\\\\", "/\\", "\\/"))


def is_remote_url(url: str) -> bool:
    """True for a URL that leaves the manual: it has a scheme, or names another host (`//host/x`)."""
    return url_scheme(url) is not None or is_network_path(url)


def link_target(url: str) -> str | None:
    """Where a link or image in content may point: the URL itself when its scheme is allowed or it
    is relative, None (the attribute is dropped) otherwise. The one place that decides."""
    return None if is_unsafe_url(url) else url


# ---- sanitising ------------------------------------------------------------------------------------

# What officebook's Markdown renderer produces from plain Markdown.
MARKDOWN_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
})
# `allow_html: true` widens the tags; never script, style, forms, frames or embedded objects.
HTML_TAGS = MARKDOWN_TAGS | frozenset({
    "span", "div", "details", "summary", "sub", "sup", "del", "ins", "s", "mark", "kbd", "abbr",
    "dl", "dt", "dd", "b", "i", "u", "small", "caption", "colgroup", "col", "tfoot", "figure",
    "figcaption", "q", "cite", "dfn", "var", "samp", "ruby", "rt", "rp", "time", "wbr",
})
MARKDOWN_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
HTML_ATTRIBUTES = {
    **MARKDOWN_ATTRIBUTES,
    "*": {"class", "title", "lang", "dir"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "td": {"style", "colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "abbr": {"title"},
    "time": {"datetime"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and is_remote_url(value):
        return None  # never fetched, by the build or by the reader's browser (see _RemoteImagesAsLinks)
    if attribute in _URL_ATTRIBUTES:
        return link_target(value)
    return value


@lru_cache(maxsize=2)
def _cleaner(allow_html: bool) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(HTML_TAGS if allow_html else MARKDOWN_TAGS),
        attributes={tag: set(names) for tag, names in (HTML_ATTRIBUTES if allow_html else MARKDOWN_ATTRIBUTES).items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(SAFE_SCHEMES),
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def sanitise_html(fragment: str, allow_html: bool) -> str:
    """An HTML fragment reduced to the allowed tags, attributes and URL schemes."""
    return _cleaner(allow_html).clean(fragment)


# ---- rendering -------------------------------------------------------------------------------------

# C0 and C1 control characters but tab and line feed: never meaningful in a text, and STX/ETX are
# Python-Markdown's own placeholder markers; U+E000 and U+E001 are `tame_brackets`'.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000\ue001]")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class _EscapeHtml(Extension):
    """Treat raw HTML as text: `<b>` is shown as `<b>`, never interpreted."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class _RemoteImages(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter("img"):
            source = element.get("src", "")
            if is_remote_url(source):
                text, tail = element.get("alt") or source, element.tail
                element.clear()
                element.tag, element.text, element.tail = "a", text, tail
                element.set("href", source)


class _RemoteImagesAsLinks(Extension):
    """A remote image (`![plan](https://...)`) becomes a link to it: no build fetches it, and no
    reader's browser loads it unasked (a tracking pixel); `officebook check` warns."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_RemoteImages(md), "officebook_remote_images", 1)


@lru_cache(maxsize=4)
def _converter(allow_html: bool, remote_images: bool = False) -> markdown.Markdown:
    extensions: list = ["tables", "fenced_code"]
    extensions.append("md_in_html" if allow_html else _EscapeHtml())
    if not remote_images:
        extensions.append(_RemoteImagesAsLinks())
    return markdown.Markdown(extensions=extensions, output_format="html")


def _render_unsanitised(text: str, allow_html: bool, remote_images: bool = False) -> str:
    converter = _converter(allow_html, remote_images)
    try:
        return converter.convert(tame_brackets(strip_controls(text))).translate(_PUT_BACK)
    finally:
        converter.reset()


@lru_cache(maxsize=4096)
def render_markdown(text: str, allow_html: bool) -> str:
    """Content Markdown as sanitised HTML; raw HTML is escaped unless `allow_html` (then sanitised)."""
    return sanitise_html(_render_unsanitised(text, allow_html), allow_html)


class _RawTargets(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": ("link", "href"), "img": ("image", "src")}.get(tag)
        if wanted:
            value = dict(attrs).get(wanted[1])
            if value is not None:
                self.found.append((wanted[0], value))


_PARENTHESISED = re.compile(r"(!?)\[[^\[\]\n]{0,500}\]\(\s*([^\s()<>]{0,4096}\([^\s()<>]{0,4096}\)[^\s()<>]{0,4096})")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]{0,4096})>")


def link_targets(text: str, allow_html: bool) -> list[tuple[str, str]]:
    """`("link" | "image", URL)` for every link, image and autolink of content Markdown (raw HTML
    `<a href>` and `<img src>` too when `allow_html`), before the URL policy applies. Found by
    scanning, in linear time: `check` must stay fast whatever the text."""
    found = [("image" if link.image else "link", link.target) for link in find_links(text)]
    if "](" in text:  # destinations with parentheses, `javascript:alert(1)`, which find_links leaves out
        found += [("image" if match.group(1) else "link", match.group(2))
                  for match in _PARENTHESISED.finditer(mask_code(text))]
    if "<" in text:
        masked = mask_code(text)
        found += [("link", match.group(1)) for match in _AUTOLINK.finditer(masked)]
        if allow_html:
            parser = _RawTargets()
            parser.feed(masked)
            parser.close()
            found += parser.found
    return found


# Python-Markdown looks for the end of every `[` it meets, and rebuilds the text for every escape:
# thousands of unclosed or deeply nested brackets take it minutes to hours. Such brackets are set
# aside as private-use characters while it renders and put back as text afterwards (they would be
# shown as text anyway: the output is the same, only fast).
_BRACKETS_LEFT_ALONE = 1
_BRACKET_DEPTH = 3
_SET_ASIDE = {"[": "\ue000", "]": "\ue001"}
_PUT_BACK = {ord("\ue000"): "[", ord("\ue001"): "]"}


def tame_brackets(text: str) -> str:
    """`text` with the `[` that never close, those whose `](` never closes and the brackets nested
    deeper than three set aside."""
    if text.count("[") < _BRACKETS_LEFT_ALONE:
        return text
    masked = mask_code(text)
    pairs: dict[int, int] = {}
    open_brackets: list[int] = []
    for index, char in enumerate(masked):
        if char not in "[]" or (index and masked[index - 1] == "\\"):
            continue
        if char == "[":
            open_brackets.append(index)
        elif open_brackets:
            pairs[open_brackets.pop()] = index
    aside = set(open_brackets)  # never closed
    closed_parens: set[int] = set()
    open_parens: list[int] = []
    for index, char in enumerate(masked):
        if char == "(":
            open_parens.append(index)
        elif char == ")" and open_parens:
            closed_parens.add(open_parens.pop())
    for start, end in pairs.items():  # `[label](` whose destination never closes
        if masked[end + 1:end + 2] == "(" and end + 1 not in closed_parens:
            aside.update((start, end))
    closing_stack: list[int] = []
    for index in sorted(pairs):  # depth counted over matched brackets only
        while closing_stack and closing_stack[-1] < index:
            closing_stack.pop()
        if len(closing_stack) >= _BRACKET_DEPTH:
            aside.update((index, pairs[index]))
        closing_stack.append(pairs[index])
    if not aside:
        return text
    return "".join(_SET_ASIDE[char] if index in aside else char for index, char in enumerate(text))


_TAG = re.compile(r"<[^>]*>")
_SPACE_RUN = re.compile(r"[ \t\r\n]+")
_MARKUP = re.compile(r"[\\`*_\[\]<>&#!|~=+-]|^\s*\d+[.)]|\n\s*\n")


@lru_cache(maxsize=65536)
def plain_text(text: str) -> str:
    """The text of content Markdown without markup, on one line (to be escaped where it is used)."""
    if not _MARKUP.search(text):  # no markup at all: most titles and summaries
        return _SPACE_RUN.sub(" ", strip_controls(text)).strip()
    rendered = _render_unsanitised(text, allow_html=False)
    return _SPACE_RUN.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()


# ---- embedding in generated Markdown pages ---------------------------------------------------------

# Every ASCII character that any Markdown syntax or extension could act on (emphasis, code, links,
# attribute lists, tables, snippets, emoji, smart quotes...) is written as a numeric character
# reference: browsers show the character, Markdown sees no syntax. Line breaks too, so the HTML is
# one line that no line-based preprocessor (fences, snippets) can take for its own.
_MARKDOWN_ACTIVE = {ord(c): f"&#{ord(c)};" for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}
_MARKDOWN_ACTIVE.update({ord("\n"): "&#10;", ord("\t"): "&#9;"})


def markdown_text(text: str) -> str:
    """Plain text as inert Markdown: shows exactly `text`, interpreted as neither Markdown nor HTML."""
    return _SPACE_RUN.sub(" ", strip_controls(text)).translate(_MARKDOWN_ACTIVE)


def _inert(text: str) -> str:
    return strip_controls(text).translate(_MARKDOWN_ACTIVE)


_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _Blocks(HTMLParser):
    """Re-serialises sanitised HTML as top-level blocks: ("html", one inert line) or
    ("heading", level, plain text)."""

    def __init__(self, shift: int) -> None:
        super().__init__(convert_charrefs=True)
        self.shift = shift
        self.blocks: list[tuple] = []
        self.current: list[str] = []
        self.depth = 0
        self.heading: list[str] | None = None
        self.heading_level = 0

    def _level(self, tag: str) -> int:
        return min(6, _HEADINGS[tag] + self.shift)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0 and tag in _HEADINGS:
            self.heading, self.heading_level = [], self._level(tag)
            self.depth += 1
            return
        if self.heading is not None:
            self.depth += 0 if tag in _VOID else 1
            return
        name = f"h{self._level(tag)}" if tag in _HEADINGS else tag
        attributes = "".join(f' {key}="{_inert(value or "")}"' for key, value in attrs)
        self.current.append(f"<{name}{attributes}>")
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        if self.heading is not None:
            if self.depth == 0:
                self.blocks.append(("heading", self.heading_level, "".join(self.heading)))
                self.heading = None
            return
        name = f"h{self._level(tag)}" if tag in _HEADINGS else tag
        self.current.append(f"</{name}>")
        if self.depth == 0:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        elif self.depth or data.strip():
            self.current.append(_inert(data))
            if not self.depth:
                self._flush()

    def _flush(self) -> None:
        if self.current:
            self.blocks.append(("html", "".join(self.current)))
            self.current = []

    def close(self) -> None:
        super().close()
        self._flush()


def _heading_shift(fragment: str, top_heading: int | None) -> int:
    if top_heading is None:
        return 0
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", fragment)]
    return max(0, top_heading - min(levels)) if levels else 0


_BLOCK_START = re.compile(r"<(p|div|ul|ol|pre|table|blockquote|hr|dl|details|figure|h[1-6])[\s>]")


def site_markdown(text: str, allow_html: bool, *, top_heading: int | None = None, css_class: str = "",
                  inline: bool = False) -> str:
    """Content Markdown for a generated MkDocs page: the sanitised HTML, inert to Markdown.

    Top-level headings become Markdown headings of their plain text (demoted so the highest has
    level `top_heading`), so they reach the page's table of contents and search. With `css_class`
    the whole text is one `<div>` of that class (headings inside it stay HTML); with `inline` it is
    one line for a list item or table cell (a single paragraph loses its `<p>`).
    """
    fragment = render_markdown(text, allow_html)
    parser = _Blocks(_heading_shift(fragment, top_heading))
    parser.feed(fragment)
    parser.close()
    if css_class or inline:
        line = "".join(block[1] if block[0] == "html" else _heading_html(block) for block in parser.blocks)
        if inline:
            single = re.fullmatch(r"<p>((?:(?!</?p>).)*)</p>", line)
            return single.group(1) if single else line
        return f'<div class="{css_class}">{line}</div>'
    out = []
    for block in parser.blocks:
        if block[0] == "heading":
            out.append("#" * block[1] + " " + markdown_text(block[2]))
        else:
            line = block[1]
            out.append(line if _BLOCK_START.match(line) else f"<div>{line}</div>")
    return "\n\n".join(out)


def _heading_html(block: tuple) -> str:
    _, level, text = block
    return f"<h{level}>{_inert(text)}</h{level}>"
