"""The web manual as Markdown pages, one set per language (model → pages; no MkDocs here).

`render_site(manual, lang)` returns every page's Markdown and the navigation. The Markdown uses
standard Python-Markdown, Material and pymdownx features only (front matter, attribute lists,
definition lists, tables, `md_in_html`, task lists), so any engine reading mkdocs.yml can build it.

Page paths (relative to the docs folder): `index.md`; `<kind>/index.md` per kind;
`<kind>/<id>/index.md` per item (so an item called `index` cannot clash with its kind's index);
`raci.md`, `org-chart.md`, `glossary.md`; `onboarding/index.md` and `onboarding/<post>/index.md`
(render/onboarding.py); with edition notes, `changes.md` and `review.md` (render/editions.py).
A site built with its printed handbooks (`build --pdf`) has them at `pdf/handbook-<lang>.pdf`, every
language's in every language's docs folder, and links them from the home page.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

import jinja2
import yaml

from officebook.collation import sort_key
from officebook.model import CATEGORIES, KINDS, BackRef, Item, Manual, Procedure, Ref, Step, Term, Text
from officebook.render.flowchart import web_flowchart
from officebook.render.itemlinks import site_links
from officebook.render.labels import LANGUAGE_NAMES, category_label, format_date, label, raci_cell
from officebook.render.markdown import markdown_text, plain_text, site_markdown, strip_controls
from officebook.render.orgchart import orgchart_svg

if TYPE_CHECKING:
    from officebook.render.editions import EditionNotes

SINGULAR = {"functions": "function", "duties": "duty", "procedures": "procedure", "standards": "standard",
            "posts": "post"}
SPECIAL_PAGES = {"raci": "raci.md", "org-chart": "org-chart.md", "glossary": "glossary.md"}
NAV_ITEM_LIMIT = 150
"""A kind with more items than this lists only its index page in the navigation (large manuals)."""

PERIOD_OF_FREQUENCY = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                       "annually": "year"}


@dataclass(frozen=True)
class SiteContent:
    """One language's pages (docs-relative path → Markdown) and its MkDocs `nav`."""

    lang: str
    pages: dict[str, str]
    nav: list


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


def term_anchors(manual: Manual) -> list[str]:
    """Stable anchors of the glossary terms, from the default-language term (unique)."""
    anchors: list[str] = []
    for term in manual.glossary:
        base = "term-" + (_slug(term.term.get()) or str(term.index + 1))
        anchor, count = base, 2
        while anchor in anchors:
            anchor, count = f"{base}-{count}", count + 1
        anchors.append(anchor)
    return anchors


def glossary_entries(manual: Manual, lang: str) -> list[tuple[Term, str]]:
    """The glossary's terms with their anchors, in the order of `lang`'s terms (officebook.collation):
    the default language's is the model's order; another language sorts its own terms."""
    entries = list(zip(manual.glossary, term_anchors(manual), strict=True))
    if lang == manual.info.default_language:
        return entries
    return sorted(entries, key=lambda pair: sort_key(pair[0].term.get(lang), manual.info.collation))


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


def indent(text: str, prefix: str = "    ", first: bool = False) -> str:
    lines = text.split("\n")
    return "\n".join((prefix + line if (i or first) and line else line) for i, line in enumerate(lines))


class PageContext:
    """What templates use to write one page: links relative to it, texts in its language."""

    def __init__(self, manual: Manual, lang: str, path: str) -> None:
        self.manual = manual
        self.lang = lang
        self.path = path
        self.allow_html = manual.info.allow_html

    # texts
    def text(self, value: Text | None) -> str:
        """A plain text value in this language, escaped for inline Markdown."""
        return inline(value.get(self.lang)) if value else ""

    def plain(self, value: Text | None) -> str:
        return plain_text(value.get(self.lang)) if value else ""

    def md(self, value: Text | None, top_heading: int | None = None, css_class: str = "") -> str:
        """A Markdown text of the content, sanitised, as blocks of the page (see site_markdown)."""
        if not value:
            return ""
        return site_markdown(self._linked(value), self.allow_html, top_heading=top_heading, css_class=css_class)

    def md_inline(self, value: Text | None) -> str:
        """Content Markdown inside a list item or table cell: sanitised HTML on one line."""
        return site_markdown(self._linked(value), self.allow_html, inline=True) if value else ""

    def _linked(self, value: Text) -> str:
        """The text in this language with item and asset links pointing at their pages and files."""
        return site_links(value.get(self.lang), self.manual, self.lang, self.path,
                          step_label=lambda number: label("step-number", self.lang, number=number))

    def entry_text(self, entry) -> str:
        """A checklist entry: a step's or task's action is Markdown, duty titles and criteria are plain text."""
        return self.md_inline(entry.text) if entry.key.startswith(("step:", "task:")) else self.text(entry.text)

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    # links
    def url(self, target: str) -> str:
        return relative_url(target, posixpath.dirname(self.path))

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
        """Where a step leads: linked step numbers with their conditions, or the end."""
        if step.is_end:
            return self.label("ends")
        parts = []
        for target in step_targets(procedure, step):
            text = self.step_link(procedure, target.id)
            if target.when:
                text += self.label("paren", text=self.text(target.when))
            if target.number <= step.number:
                text += " ↺"
            parts.append(text)
        return self.label("clause-separator").join(parts)

    def frequency(self, value: str | None) -> str:
        return self.label(value) if value else ""

    def category(self, value: str | None) -> str:
        return category_label(value, self.lang) if value else ""

    def raci_cell(self, role: str) -> str:
        return raci_cell(role, self.lang)

    def date(self, value: str | None) -> str:
        """A `YYYY-MM-DD` date as the reader writes it (2026年12月1日 in Chinese)."""
        return format_date(value, self.lang) if value else ""


# ---- back-references -----------------------------------------------------------------------------


def _field_label(ctx: PageContext, backref: BackRef) -> str:
    """`raci.responsible` → "Responsible"; `steps.check.actor` → "Step 2: Actor" (linked)."""
    field = backref.field
    source = backref.source
    if field.startswith("links."):
        return ctx.label("linked-in-text")
    if field.startswith("steps.") and source is not None:
        _, step_id, what = field.split(".", 2)
        procedure = ctx.manual.procedures.get(source.id)
        step_text = ctx.step_link(procedure, step_id) if procedure else inline(step_id)
        return f"{step_text} · {ctx.label('actor' if what == 'actor' else 'standards')}"
    keys = {
        "maintainer": "maintainer", "function": "function", "procedures": "procedures", "standards": "standards",
        "owner": "owner", "reports_to": "reports-to", "applies_to.posts": "applies-to",
        "applies_to.procedures": "applies-to",
    }
    if field.startswith("raci."):
        return ctx.label(field.split(".", 1)[1])
    return ctx.label(keys.get(field, field))


def backref_lines(ctx: PageContext, ref: Ref) -> list[str]:
    """One Markdown list line per referring item (or glossary term), with the fields that refer."""
    grouped: dict[tuple, list[str]] = {}
    anchors = term_anchors(ctx.manual)
    order = {kind: i for i, kind in enumerate(KINDS)}
    for backref in ctx.manual.referrers(ref):
        if backref.source is None:
            index = int(re.search(r"\[(\d+)\]", backref.field).group(1))
            term = next(t for t in ctx.manual.glossary if t.index == index)
            position = ctx.manual.glossary.index(term)
            key = (len(KINDS), position, "")
            text = f"[{inline(term.term.get(ctx.lang))}]({ctx.special('glossary', anchors[position])})"
            grouped.setdefault(key, [text, ctx.label("glossary")])
            continue
        kind_items = list(ctx.manual.kind(backref.source.kind))
        position = kind_items.index(backref.source.id) if backref.source.id in kind_items else len(kind_items)
        key = (order[backref.source.kind], position, backref.source.id)
        kind_name = ctx.label("paren", text=ctx.label(SINGULAR[backref.source.kind]))
        entry = grouped.setdefault(key, [ctx.link(backref.source) + kind_name])
        field_text = _field_label(ctx, backref)
        if field_text not in entry[1:]:
            entry.append(field_text)
    colon, separator = ctx.label("colon"), ctx.label("clause-separator")
    return [f"- {entry[0]}{colon}" + separator.join(entry[1:]) for _, entry in sorted(grouped.items())]


# ---- pages ---------------------------------------------------------------------------------------


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


def _render(template: str, ctx: PageContext, **values: object) -> str:
    text = _environment().get_template(template).render(ctx=ctx, manual=ctx.manual, **values)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def _item_front_matter(ctx: PageContext, item: Item) -> str:
    return front_matter(item.title.get(ctx.lang), description=ctx.plain(item.summary), tags=item.tag_names(ctx.lang))


def _page_for_item(manual: Manual, lang: str, item: Item) -> str:
    ctx = PageContext(manual, lang, item_path(item.ref))
    values: dict = {"item": item, "front": _item_front_matter(ctx, item), "backrefs": backref_lines(ctx, item.ref)}
    if item.kind == "procedures":
        values["flowchart"] = web_flowchart(item, manual, lang, id_prefix=f"flow-{item.id}")
    if item.kind == "posts":
        values["scope"] = checklist_scope(manual)
        values["periods"] = PERIOD_OF_FREQUENCY
    if item.kind == "standards":
        values["applies_to_posts"] = [p for p in manual.post_order if item.id in manual.applicable_standards.get(p, ())]
    return _render(f"{SINGULAR[item.kind]}.md.j2", ctx, **values)


def render_page(manual: Manual, lang: str, path: str, notes: EditionNotes | None = None,
                handbooks: Sequence[str] = ()) -> str:
    """The Markdown of one page, by its docs-relative path; `notes` add edition and review notices;
    the home page links the printed handbooks of the languages in `handbooks`."""
    from officebook.render import editions, onboarding

    if path == "index.md":
        ctx = PageContext(manual, lang, path)
        return _render("home.md.j2", ctx, front=front_matter(manual.info.title.get(lang), extra={"hide": ["navigation"]}),
                       kinds=KINDS, notes=notes, onboarding_index=onboarding.INDEX_PATH,
                       changes_page=editions.CHANGES_PATH, review_page=editions.REVIEW_PATH,
                       handbooks=handbook_links(lang, handbooks))
    if onboarding.is_onboarding_path(path):
        return onboarding.render_onboarding_page(manual, lang, path)
    if notes is not None and path in editions.edition_paths(notes):
        return editions.render_edition_page(manual, lang, path, notes)
    special = {v: k for k, v in SPECIAL_PAGES.items()}.get(path)
    if special:
        ctx = PageContext(manual, lang, path)
        wide = {"hide": ["navigation", "toc"]} if special == "raci" else None
        values: dict = {"front": front_matter(label(special, lang), extra=wide)}
        if special == "org-chart":
            values["chart"] = orgchart_svg(manual, lang, id_prefix="org")
        if special == "glossary":
            values["entries"] = glossary_entries(manual, lang)
        return _render(f"{special}.md.j2", ctx, **values)
    parts = path.split("/")
    if len(parts) == 2 and parts[0] in KINDS and parts[1] == "index.md":
        ctx = PageContext(manual, lang, path)
        return _render(f"{parts[0]}-index.md.j2", ctx, front=front_matter(label(parts[0], lang)),
                       items=list(manual.kind(parts[0]).values()), categories=CATEGORIES)
    if len(parts) == 3 and parts[0] in KINDS and parts[2] == "index.md":
        item = manual.kind(parts[0]).get(parts[1])
        if item is not None:
            page = _page_for_item(manual, lang, item)
            if notes is not None:
                page = editions.with_notices(page, editions.item_notices(PageContext(manual, lang, path), item, notes))
            return page
    raise KeyError(path)


def page_paths(manual: Manual, notes: EditionNotes | None = None) -> list[str]:
    """Every page of the site, in navigation order."""
    from officebook.render import editions, onboarding

    paths = ["index.md", *onboarding.onboarding_paths(manual)]
    for kind in KINDS:
        paths.append(kind_path(kind))
        paths += [item_path(Ref(kind, item_id)) for item_id in _kind_order(manual, kind)]
    paths += list(SPECIAL_PAGES.values())
    return paths + editions.edition_paths(notes)


def _kind_order(manual: Manual, kind: str) -> list[str]:
    return list(manual.post_order) if kind == "posts" else list(manual.kind(kind))


def navigation(manual: Manual, lang: str, item_limit: int = NAV_ITEM_LIMIT,
               notes: EditionNotes | None = None) -> list:
    """MkDocs `nav`: home, one section per kind (its index page first), the glossary.

    The RACI matrix sits with the duties, the organisation chart with the posts. A kind with more
    than `item_limit` items lists only its index page (which lists every item), to keep big manuals
    fast to build and light to load.
    """
    from officebook.render import editions, onboarding

    nav: list = [{label("home", lang): "index.md"}, onboarding.onboarding_nav(manual, lang, item_limit)]
    for kind in KINDS:
        section: list = [kind_path(kind)]
        if kind == "duties":
            section.append({label("raci", lang): SPECIAL_PAGES["raci"]})
        if kind == "posts":
            section.append({label("org-chart", lang): SPECIAL_PAGES["org-chart"]})
        ids = _kind_order(manual, kind)
        if len(ids) <= item_limit:
            section += [{theme_text(manual.kind(kind)[i].title.get(lang)): item_path(Ref(kind, i))} for i in ids]
        nav.append({label(kind, lang): section})
    nav += editions.edition_nav(notes, lang)
    nav.append({label("glossary", lang): SPECIAL_PAGES["glossary"]})
    return nav


def render_site(manual: Manual, lang: str, *, progress: Callable[[int, int], None] | None = None,
                item_limit: int = NAV_ITEM_LIMIT, notes: EditionNotes | None = None,
                handbooks: Sequence[str] = ()) -> SiteContent:
    """All pages of the site in `lang`; `progress(done, total)` is called as pages are rendered.
    `notes` (officebook.render.editions) add the edition's change and review pages and notices;
    `handbooks` are the languages whose printed handbook the site carries (at `handbook_path`)."""
    paths = page_paths(manual, notes)
    pages: dict[str, str] = {}
    for done, path in enumerate(paths, 1):
        pages[path] = render_page(manual, lang, path, notes, handbooks)
        if progress and (done % 100 == 0 or done == len(paths)):
            progress(done, len(paths))
    return SiteContent(lang, pages, navigation(manual, lang, item_limit, notes))


def step_targets(procedure: Procedure, step: Step) -> list[Step]:
    return [s for s in (procedure.step(t) for t in step.next) if s is not None]
