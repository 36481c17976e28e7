"""Pieces every generated site page uses: page paths, anchors, Markdown helpers, the page context and
the template environment. The site (render/site.py), the edition pages (render/editions.py) and the
onboarding pages (render/onboarding.py) all build on this module, which imports none of them.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from html import escape
from typing import TypeVar

import jinja2
import yaml

from officebook.model import Manual, Procedure, Ref, Step, Term, Text
from officebook.outline import date_text, flow_text, step_rows
from officebook.render.itemlinks import site_links
from officebook.render.prebuilt import prebuilt
from officebook.vocabulary.labels import LANGUAGE_NAMES, category_label, label, raci_cell
from officebook.vocabulary.markdown import markdown_text, plain_text, site_markdown, strip_controls

SPECIAL_PAGES = {"raci": "raci.md", "org-chart": "org-chart.md", "glossary": "glossary.md"}
_OWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")  # a link as PageContext.link writes it
T = TypeVar("T")
PERIOD_OF_FREQUENCY = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                       "annually": "year"}



def item_path(ref: Ref) -> str:
    return f"{ref.kind}/{ref.id}/index.md"


def kind_path(kind: str) -> str:
    return f"{kind}/index.md"


def handbook_path(lang: str) -> str:
    """Where a language's printed handbook sits in a site built with it (docs- and site-relative)."""
    return f"pdf/handbook-{lang}.pdf"


def handbook_links(lang: str, handbooks: Sequence[str]) -> dict:
    """The printed handbooks a page in `lang` links to: its own language's, then the others (name, lang, path)."""
    others = [{"name": LANGUAGE_NAMES.get(code, code), "lang": code, "path": handbook_path(code)}
              for code in handbooks if code != lang]
    return {"own": handbook_path(lang) if lang in handbooks else None, "others": others}


def step_anchor(step_id: str) -> str:
    return f"step-{step_id}"


def per_manual(manual: Manual, name: str, compute: Callable[[Manual], T]) -> T:
    """`compute(manual)`, worked out once per manual for all its pages: the glossary's anchors per
    page made a site with a glossary cost pages × terms². A Manual is frozen but unhashable (it holds
    mappings), so it is remembered by id, against a weak reference: a dead manual's id is never taken
    for a new one's, and what was derived from it goes with it."""
    key = id(manual)
    entry = _PER_MANUAL.get(key)
    if entry is None or entry[0]() is not manual:
        def forget(reference: weakref.ref, key: int = key) -> None:
            if _PER_MANUAL.get(key, (None,))[0] is reference:
                del _PER_MANUAL[key]

        entry = _PER_MANUAL[key] = (weakref.ref(manual, forget), {})
    derived = entry[1]
    if name not in derived:
        derived[name] = compute(manual)
    return derived[name]


_PER_MANUAL: dict[int, tuple[weakref.ref, dict[str, object]]] = {}


def term_anchors(manual: Manual) -> tuple[str, ...]:
    """Stable anchors of the glossary terms, from the default-language term (unique)."""
    return per_manual(manual, "term_anchors", _term_anchors)


def _term_anchors(manual: Manual) -> tuple[str, ...]:
    anchors: dict[str, None] = {}
    for term in manual.glossary:
        base = "term-" + (_slug(term.term.get()) or str(term.index + 1))
        anchor, count = base, 2
        while anchor in anchors:
            anchor, count = f"{base}-{count}", count + 1
        anchors[anchor] = None
    return tuple(anchors)


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")


def checklist_scope(manual: Manual) -> str:
    """Identifies the manual in the browser's storage, whatever its language or edition."""
    title = manual.info.title.get(manual.info.default_language)
    return hashlib.blake2b(title.encode(), digest_size=6).hexdigest()


# ---- Markdown text helpers -----------------------------------------------------------------------

@lru_cache(maxsize=65536)
def inline(text: str) -> str:
    """Plain text (a title, a name) safe to embed anywhere in Markdown, tables and headings included."""
    return markdown_text(text)


@lru_cache(maxsize=65536)
def relative_url(target: str, from_dir: str) -> str:
    """`target` (a docs-relative path) as seen from the docs-relative folder `from_dir`."""
    return posixpath.relpath(target, from_dir or ".")


def page_url(path: str, directory_urls: bool = True) -> str:
    """The site-relative address of a docs-relative file, as MkDocs gives it: `duties/x/index.md` →
    `duties/x/` (or `duties/x/index.html` without directory URLs), `raci.md` → `raci/` (`raci.html`),
    `index.md` → `` ; any other file keeps its path."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    return stem[:-len("index")] if stem.endswith("/index") else stem + "/"


@lru_cache(maxsize=65536)
def html_href(target: str, page: str, directory_urls: bool = True) -> str:
    """The link from the page at docs-relative `page` to the docs-relative file `target`, final (as
    MkDocs writes the links it converts): for links written as HTML, which MkDocs leaves alone."""
    here, there = page_url(page, directory_urls), page_url(target, directory_urls)
    base = here.rstrip("/") if here.endswith("/") or not here else posixpath.dirname(here)
    if there.endswith("/") or not there:
        return posixpath.relpath(there.rstrip("/") or ".", base or ".") + "/"
    return posixpath.relpath(there, base or ".")


def indent(text: str, prefix: str = "    ", first: bool = False) -> str:
    lines = text.split("\n")
    return "\n".join((prefix + line if (i or first) and line else line) for i, line in enumerate(lines))


class PageContext:
    """What templates use to write one page: links relative to it, texts in its language."""

    def __init__(self, manual: Manual, lang: str, path: str, directory_urls: bool = True) -> None:
        self.manual = manual
        self.lang = lang
        self.path = path
        self.directory_urls = directory_urls
        self.allow_html = manual.info.allow_html

    # texts
    def text(self, value: Text | None) -> str:
        """A plain text value in this language, escaped for inline Markdown."""
        return inline(value.get(self.lang)) if value else ""

    def plain(self, value: Text | None) -> str:
        """A text without markup on one line; links between items read as their labels (or titles)."""
        if not value:
            return ""
        text = site_links(value.get(self.lang), self.manual, self.lang, self.href,
                          step_label=lambda number: label("step-number", self.lang, number=number))
        return plain_text(text)

    def md(self, value: Text | None, top_heading: int | None = None, css_class: str = "") -> str:
        """A Markdown text of the content, sanitised, as blocks of the page (see site_markdown)."""
        if not value:
            return ""
        text = site_markdown(self._linked(value), self.allow_html, top_heading=top_heading, css_class=css_class)
        # the sanitised HTML (final already) is set aside from Python-Markdown; headings stay Markdown
        # lines, for the page's contents and its search sections
        parts, html = [], []
        for block in text.split("\n\n"):
            if block.startswith("#"):
                if html:
                    parts.append(prebuilt("".join(html)).strip("\n"))
                    html = []
                parts.append(block)
            else:
                html.append(block)
        if html:
            parts.append(prebuilt("".join(html)).strip("\n"))
        return "\n\n".join(parts)

    def md_inline(self, value: Text | None) -> str:
        """Content Markdown inside a list item or table cell: sanitised HTML on one line."""
        return site_markdown(self._linked(value), self.allow_html, inline=True) if value else ""

    def _linked(self, value: Text) -> str:
        """The text in this language with item and asset links pointing at their pages and files."""
        return site_links(value.get(self.lang), self.manual, self.lang, self.href,
                          step_label=lambda number: label("step-number", self.lang, number=number))

    def entry_text(self, entry) -> str:
        """A checklist entry: a step's or task's action is Markdown, duty titles and criteria are plain text."""
        return self.md_inline(entry.text) if entry.key.startswith(("step:", "task:")) else self.text(entry.text)

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    # links
    def url(self, target: str) -> str:
        """A docs-relative path for a Markdown link of this page (MkDocs converts and checks it)."""
        return relative_url(target, posixpath.dirname(self.path))

    def href(self, target: str) -> str:
        """A docs-relative path as a final address for HTML this page writes itself."""
        return html_href(target, self.path, self.directory_urls)

    def term_link(self, term: Term, anchor: str) -> str:
        """A glossary term as HTML, linked to its entry (`anchor`) on the glossary page."""
        href = f'{self.href(SPECIAL_PAGES["glossary"])}#{anchor}'
        return f'<a href="{escape(href, quote=True)}">{escape(term.term.get(self.lang))}</a>'

    def title_of(self, ref: Ref) -> str:
        item = self.manual.item(ref)
        return item.title.get(self.lang) if item else ref.id

    def link(self, ref: Ref | None, anchor: str = "", text: str | None = None) -> str:
        item = self.manual.item(ref) if ref is not None else None
        if item is None:
            return inline(ref.id) if ref else ""
        shown = inline(text if text is not None else item.title.get(self.lang))
        target = self.url(item_path(ref)) + (f"#{anchor}" if anchor else "")
        return f"[{shown}]({target})"

    def post(self, post_id: str | None) -> str:
        return self.link(Ref("posts", post_id)) if post_id else ""

    def post_title(self, post_id: str | None) -> str:
        """A post's title as plain text (not escaped)."""
        post = self.manual.posts.get(post_id or "")
        return post.title.get(self.lang) if post else (post_id or "")

    def links(self, kind: str, ids: Iterable[str]) -> str:
        return self.label("list-separator").join(self.link(Ref(kind, i)) for i in ids)

    def special(self, name: str, anchor: str = "") -> str:
        return self.url(SPECIAL_PAGES[name]) + (f"#{anchor}" if anchor else "")

    def kind_url(self, kind: str) -> str:
        return self.url(kind_path(kind))

    def step_link(self, procedure: Procedure, step_id: str) -> str:
        step = procedure.step(step_id)
        if step is None:
            return inline(step_id)
        shown = self.label("step-number", number=step.number)
        if self.path == item_path(procedure.ref):
            return f"[{shown}](#{step_anchor(step_id)})"
        return self.link(procedure.ref, step_anchor(step_id), shown)

    def next_steps(self, procedure: Procedure, step: Step) -> str:
        """Where a step leads, in the outline's one wording, each step linked."""
        row = next(row for row in step_rows(procedure) if row.id == step.id)
        return flow_text(row, self.lang, step_name=lambda target: self.step_link(procedure, target.id),
                         condition=self.text)

    # checklists
    def checklist_labels(self) -> str:
        """The words officebook.js shows around a list, in this page's language (JSON)."""
        keys = ("reset", "print", "period", "period-new", "shift-of", "reset-confirm", "reset-yes", "cancel", "undo", "cleared",
                "ticked-count", "start-afresh", "case-reference", "case-open", "case-close", "case-closed",
                "case-none", "case-open-list", "case-current")
        return json.dumps({key: label(key, self.lang) for key in keys}, ensure_ascii=False)

    # facts (name: value pairs) as ready-made HTML

    def html_of(self, value: str) -> str:
        """A value made by this context's own helpers — text escaped by `inline` (valid HTML already)
        and links `[text](docs path#anchor)` — as HTML with final addresses. Content never writes such
        a link: its texts reach this point with every Markdown character escaped."""
        def link(match: re.Match) -> str:
            target, _, anchor = match.group(2).partition("#")
            href = self.href(posixpath.normpath(posixpath.join(posixpath.dirname(self.path), target))) if target else ""
            return f'<a href="{escape(href + (f"#{anchor}" if anchor else ""), quote=True)}">{match.group(1)}</a>'
        return _OWN_LINK.sub(link, value)

    def facts_html(self, pairs: Iterable[tuple[str, str]], meta: Iterable[tuple[str, str]] = (),
                   lead: Text | None = None) -> str:
        """An item's summary (`lead`), its facts (a definition list; those without a value left out),
        then its bookkeeping (`meta`: maintainer, review date, source), quieter and out of the search
        index: one block."""
        def block(shown: list, css_class: str, extra: str = "") -> str:
            items = "".join(f"<dt>{escape(name)}</dt><dd>{self.html_of(value)}</dd>" for name, value in shown)
            return f'<div class="{css_class}"{extra}><dl>{items}</dl></div>' if shown else ""
        summary = site_markdown(self._linked(lead), self.allow_html, css_class="officebook-lead") if lead else ""
        html = summary + block([p for p in pairs if p[1]], "officebook-facts") + \
            block([p for p in meta if p[1]], "officebook-facts officebook-facts--meta", " data-search-exclude")
        return prebuilt(html) if html else ""

    def day_starts(self, post_id: str) -> str:
        """When the post's working day begins ("HH:MM"): its own `day_starts`, else the manual's."""
        post = self.manual.posts.get(post_id)
        return (post.day_starts if post and post.day_starts else None) or self.manual.info.day_starts or "00:00"

    def frequency(self, value: str | None) -> str:
        return self.label(value) if value else ""

    def category(self, value: str | None) -> str:
        return category_label(value, self.lang) if value else ""

    def raci_cell(self, role: str) -> str:
        return raci_cell(role, self.lang)

    def date(self, value: str | None) -> str:
        """A `YYYY-MM-DD` date as the reader writes it (2026年12月1日 in Chinese), as every output does."""
        return date_text(value, self.lang)


# ---- back-references -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("officebook.render", "templates/site"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    environment.filters["indent_md"] = indent
    environment.filters["inline"] = inline
    environment.filters["html_attr"] = lambda value: escape(str(value), quote=True)
    environment.filters["prebuilt"] = prebuilt
    return environment


def theme_text(text: str) -> str:
    """Plain text for a place where MkDocs and Material insert values as HTML (page and site titles,
    navigation, meta description, tags, footer): escaped, so it shows as written and runs nothing."""
    return escape(" ".join(strip_controls(text).split()), quote=True)


def front_matter(title: str, *, description: str = "", tags: Iterable[str] = (), extra: dict | None = None) -> str:
    """A page's front matter; its plain texts are escaped (`theme_text`), as Material shows them raw."""
    data: dict = {"title": theme_text(title)}
    if description:
        data["description"] = theme_text(description)
    if tags:
        data["tags"] = [theme_text(tag) for tag in tags]
    data.update(extra or {})
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000) + "---\n"


def render(template: str, ctx: PageContext, **values: object) -> str:
    """A page from its template, blank runs of lines closed up."""
    text = _environment().get_template(template).render(ctx=ctx, manual=ctx.manual, **values)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"



def step_targets(procedure: Procedure, step: Step) -> list[Step]:
    return [s for s in (procedure.step(t) for t in step.next) if s is not None]
