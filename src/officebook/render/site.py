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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from officebook.collation import sort_key
from officebook.model import CATEGORIES, BackRef, Item, Manual, Ref, Term
from officebook.outline import function_matrices
from officebook.render import editions, onboarding
from officebook.render.editions import EditionNotes
from officebook.render.flowchart import web_flowchart
from officebook.render.orgchart import orgchart_html
from officebook.render.pages import (
    PERIOD_OF_FREQUENCY,
    SPECIAL_PAGES,
    PageContext,
    checklist_scope,
    front_matter,
    handbook_links,
    handbook_path,
    indent,
    inline,
    item_path,
    kind_path,
    per_manual,
    relative_url,
    render,
    step_anchor,
    step_targets,
    term_anchors,
    theme_text,
)
from officebook.render.raci import function_table
from officebook.render.ticklists import TickLists
from officebook.vocabulary.kinds import ITEM_KINDS, SINGULAR
from officebook.vocabulary.labels import label

__all__ = [  # the page pieces are re-exported: callers of this module's older names keep working
    "NAV_ITEM_LIMIT", "PERIOD_OF_FREQUENCY", "SINGULAR", "SPECIAL_PAGES", "PageContext", "SiteContent",
    "backref_html", "checklist_scope", "glossary_entries", "front_matter", "handbook_links", "handbook_path", "indent", "inline",
    "item_path", "kind_path", "navigation", "page_paths", "relative_url", "render_page", "render_site",
    "step_anchor", "step_targets", "term_anchors", "theme_text",
]

def glossary_entries(manual: Manual, lang: str) -> list[tuple[Term, str]]:
    """The glossary's terms with their anchors, in the order of `lang`'s terms (officebook.collation):
    the default language's is the model's order; another language sorts its own terms."""
    entries = list(zip(manual.glossary, term_anchors(manual), strict=True))
    if lang == manual.info.default_language:
        return entries
    return sorted(entries, key=lambda pair: sort_key(pair[0].term.get(lang), manual.info.collation))


NAV_ITEM_LIMIT = 150
"""A kind with more items than this lists only its index page in the navigation (large manuals)."""

@dataclass(frozen=True)
class SiteContent:
    """One language's pages (docs-relative path → Markdown) and its MkDocs `nav`."""

    lang: str
    pages: dict[str, str]
    nav: list


def _field_group(backref: BackRef) -> tuple[str, str]:
    """The label key a back-reference is grouped under (`raci.responsible` → "responsible", a step's
    actor → "actor"), and the step it names ("" if none)."""
    field = backref.field
    if field.startswith("links."):
        return "linked-in-text", ""
    if field.startswith("steps.") and backref.source is not None:
        _, step_id, what = field.split(".", 2)
        return ("actor" if what == "actor" else "standards"), step_id
    if field.startswith("raci."):
        return field.split(".", 1)[1], ""
    keys = {
        "maintainer": "maintainer", "function": "function", "procedures": "procedures", "standards": "standards",
        "owner": "owner", "reports_to": "reports-to", "applies_to.posts": "applies-to",
        "applies_to.procedures": "applies-to",
    }
    return keys.get(field, field), ""


def backref_html(ctx: PageContext, ref: Ref, listed: dict[str, list[tuple[str, str, set[str]]]] | None = None) -> str:
    """What refers to an item, for the manual's keepers: one line per kind and field — `职责（牵头）：甲、乙`,
    `流程（承办岗位）：收文办理（第 2、5 步）` — links only (each item's page says the rest). Ready-made
    HTML, left out of search (the referring pages are found themselves); "" when nothing refers.
    `listed`: the page's own sections that list items of a kind (kind → [(anchor, title, ids)]); a
    line whose items they all list points to them (`职责（牵头）：见本页“承担的职责”`) instead."""
    manual = ctx.manual
    order = {kind: i for i, kind in enumerate(ITEM_KINDS)}
    anchors = term_anchors(manual)
    positions = per_manual(manual, "item_places", _item_places)
    groups: dict[tuple, dict[tuple, list]] = {}  # (kind's place, first seen, field) → item → [link, step numbers]
    seen: dict[tuple, tuple] = {}  # (kind's place, field) → its key in `groups`
    for backref in manual.referrers(ref):
        if backref.source is None:
            position = positions["glossary"][int(re.search(r"\[(\d+)\]", backref.field).group(1))]
            link = ctx.term_link(manual.glossary[position], anchors[position])
            groups.setdefault((len(ITEM_KINDS), 0, "glossary"), {}).setdefault((position, ""), [link])
            continue
        source = backref.source
        field, step_id = _field_group(backref)
        group = (order[source.kind], field)
        if group not in seen:
            seen[group] = (order[source.kind], len(seen), field)
            groups[seen[group]] = {}
        items = groups[seen[group]]
        key = (positions[source.kind].get(source.id, len(positions[source.kind])), source.id)
        entry = items.get(key)
        if entry is None:
            title = manual.item(source).title.get(ctx.lang) if manual.item(source) else source.id
            entry = items[key] = [f'<a href="{escape(ctx.href(item_path(source)), quote=True)}">{escape(title)}</a>']
        procedure = manual.procedures.get(source.id) if source.kind == "procedures" else None
        step = procedure.step(step_id) if procedure and step_id else None
        if step is not None and step.number not in entry:
            entry.append(step.number)
    if not groups:
        return ""
    colon, separator = escape(ctx.label("colon")), escape(ctx.label("list-separator"))
    lines: list[list] = []  # [kind's name, [field names], what follows the colon]
    pointers: dict[tuple, list] = {}  # (kind's place, anchors) → its line: fields that point alike share it
    for (kind_order, _, field), items in sorted(groups.items()):
        if kind_order == len(ITEM_KINDS):
            lines.append([ctx.label("glossary"), [], separator.join(entry[0] for _, entry in sorted(items.items()))])
            continue
        kind = ITEM_KINDS[kind_order]
        ids = {item_id for _, item_id in items}
        sections = [(anchor, title, section_ids) for anchor, title, section_ids
                    in (listed or {}).get(kind, ()) if ids & section_ids]
        if sections and ids <= set().union(*(section_ids for *_, section_ids in sections)):
            key = (kind_order, tuple(anchor for anchor, *_ in sections))
            if key in pointers:
                pointers[key][1].append(ctx.label(field))
                continue
            links = separator.join(f'<a href="#{anchor}">{escape(title)}</a>' for anchor, title, _ in sections)
            before, after = (escape(part) for part in ctx.label("see-on-page", sections="\0").split("\0"))
            pointers[key] = [ctx.label(kind), [ctx.label(field)], f"{before}{links}{after}"]
            lines.append(pointers[key])
            continue
        shown = []
        for _, (link, *numbers) in sorted(items.items()):
            steps = ctx.label("step-number" if len(numbers) == 1 else "step-numbers",
                              number=ctx.label("list-separator").join(map(str, sorted(numbers))))
            shown.append(link + (escape(ctx.label("paren", text=steps)) if numbers else ""))
        lines.append([ctx.label(kind), [ctx.label(field)], separator.join(shown)])
    html = "".join(
        f"<li>{escape(name + (ctx.label('paren', text=ctx.label('list-separator').join(fields)) if fields else ''))}"
        f"{colon}{what}</li>" for name, fields, what in lines)
    return f'<ul class="officebook-backrefs" data-search-exclude>{html}</ul>'


# ---- pages ---------------------------------------------------------------------------------------


def _item_front_matter(ctx: PageContext, item: Item, extra: dict | None = None) -> str:
    return front_matter(item.title.get(ctx.lang), description=ctx.plain(item.summary), tags=item.tag_names(ctx.lang),
                        extra=extra)


def _item_places(manual: Manual) -> dict[str, dict]:
    """Each item's place in its kind's order; under "glossary", each term's place by its index in the file."""
    places: dict[str, dict] = {kind: {item_id: i for i, item_id in enumerate(manual.kind(kind))} for kind in ITEM_KINDS}
    places["glossary"] = {term.index: i for i, term in enumerate(manual.glossary)}
    return places


def _page_for_item(manual: Manual, lang: str, item: Item, directory_urls: bool = True) -> str:
    ctx = PageContext(manual, lang, item_path(item.ref), directory_urls)
    listed: dict = {}  # what the page lists itself (its template's sections), which back-references point to
    if item.kind == "posts":
        view = manual.onboarding[item.id]
        listed = {"duties": [("duties", label("post-duties", lang), set(view.duties))],
                  "procedures": [("procedures-owned", label("procedures-owned", lang), set(view.procedures_owned)),
                                 ("procedures-acted-in", label("procedures-acted-in", lang), set(view.procedures_acted_in))],
                  "standards": [("standards", label("standards-applying", lang), set(view.standards))]}
    if item.kind == "functions":
        listed = {"duties": [("duties", label("function-duties", lang), set(manual.function_duties.get(item.id, ())))]}
    values: dict = {"item": item, "front": _item_front_matter(ctx, item), "backrefs": backref_html(ctx, item.ref, listed)}
    if item.kind == "functions":
        values["raci_table"] = function_table(manual, lang, item.id, lambda kind, i: ctx.href(item_path(Ref(kind, i))))
        if values["raci_table"]:  # the matrix reads across: the page's own contents make way for it
            values["front"] = _item_front_matter(ctx, item, {"hide": ["toc"]})
    if item.kind == "procedures":
        values["flowchart"] = web_flowchart(item, manual, lang, id_prefix=f"flow-{item.id}")
    if item.kind == "posts":
        values["ticks"] = TickLists(ctx, checklist_scope(manual))
        values["periods"] = PERIOD_OF_FREQUENCY
    if item.kind == "standards":
        values["applies_to_posts"] = manual.applying_posts.get(item.id, ())
    return render(f"{SINGULAR[item.kind]}.md.j2", ctx, **values)


def _sections_html(ctx: PageContext, css_class: str = "") -> str:
    """The office's posts by section as nested boxes (render/orgchart.py), linked from this page."""
    chart = orgchart_html(ctx.manual, ctx.lang, lambda post: ctx.href(item_path(Ref("posts", post))))
    if css_class:
        chart = chart.replace('<div class="officebook-org">', f'<div class="officebook-org {css_class}">', 1)
    return chart


def render_page(manual: Manual, lang: str, path: str, notes: EditionNotes | None = None,
                handbooks: Sequence[str] = (), directory_urls: bool = True) -> str:
    """The Markdown of one page, by its docs-relative path; `notes` add edition and review notices;
    the home page links the printed handbooks of the languages in `handbooks`; `directory_urls`
    is MkDocs' setting of the same name (False offline), for the links written as HTML."""
    if path == "index.md":
        ctx = PageContext(manual, lang, path, directory_urls)
        return render("home.md.j2", ctx, front=front_matter(manual.info.title.get(lang), extra={"hide": ["navigation"]}),
                       kinds=ITEM_KINDS, notes=notes, onboarding_index=onboarding.INDEX_PATH,
                       changes_page=editions.CHANGES_PATH, review_page=editions.REVIEW_PATH, handbooks=handbook_links(lang, handbooks),
                       posts_html=_sections_html(ctx, "officebook-org--home"))
    if onboarding.is_onboarding_path(path):
        return onboarding.render_onboarding_page(manual, lang, path, directory_urls)
    if notes is not None and path in editions.edition_paths(notes):
        return editions.render_edition_page(manual, lang, path, notes, directory_urls)
    special = {v: k for k, v in SPECIAL_PAGES.items()}.get(path)
    if special:
        ctx = PageContext(manual, lang, path, directory_urls)
        wide = None
        values: dict = {"front": front_matter(label(special, lang), extra=wide)}
        if special == "org-chart":
            values["chart"] = _sections_html(ctx)
        if special == "raci":
            values["tables"] = [(manual.functions[table.function], len(table.rows), len(table.posts))
                                for table in function_matrices(manual, lang)]
            values["function_path"] = lambda function: item_path(function.ref)
        if special == "glossary":
            values["entries"] = glossary_entries(manual, lang)
        return render(f"{special}.md.j2", ctx, **values)
    parts = path.split("/")
    if len(parts) == 2 and parts[0] in ITEM_KINDS and parts[1] == "index.md":
        ctx = PageContext(manual, lang, path, directory_urls)
        return render(f"{parts[0]}-index.md.j2", ctx, front=front_matter(label(parts[0], lang)),
                       items=list(manual.kind(parts[0]).values()), categories=CATEGORIES)
    if len(parts) == 3 and parts[0] in ITEM_KINDS and parts[2] == "index.md":
        item = manual.kind(parts[0]).get(parts[1])
        if item is not None:
            page = _page_for_item(manual, lang, item, directory_urls)
            if notes is not None:
                page = editions.with_notices(page, editions.item_notices(PageContext(manual, lang, path, directory_urls), item, notes))
            return page
    raise KeyError(path)


def page_paths(manual: Manual, notes: EditionNotes | None = None) -> list[str]:
    """Every page of the site, in navigation order."""
    paths = ["index.md", *onboarding.onboarding_paths(manual)]
    for kind in ITEM_KINDS:
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
    nav: list = [{label("home", lang): "index.md"}, onboarding.onboarding_nav(manual, lang, item_limit)]
    for kind in ITEM_KINDS:
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
                handbooks: Sequence[str] = (), directory_urls: bool = True) -> SiteContent:
    """All pages of the site in `lang`; `progress(done, total)` is called as pages are rendered.
    `notes` (officebook.render.editions) add the edition's change and review pages and notices;
    `handbooks` are the languages whose printed handbook the site carries (at `handbook_path`)."""
    paths = page_paths(manual, notes)
    pages: dict[str, str] = {}
    for done, path in enumerate(paths, 1):
        pages[path] = render_page(manual, lang, path, notes, handbooks, directory_urls)
        if progress and (done % 100 == 0 or done == len(paths)):
            progress(done, len(paths))
    return SiteContent(lang, pages, navigation(manual, lang, item_limit, notes))
