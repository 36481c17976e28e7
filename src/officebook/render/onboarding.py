"""The onboarding reference on the web: a "new here?" index and one page per post.

A post's onboarding page opens with who the post is (reporting lines, the organisation chart with the
post highlighted, the posts it works with most), then its first-day, first-week and first-month lists
as tickable checklists (the same lists, with the same stored ticks, as on the post's own page) and as a
sign-off sheet (completion dates, mentor and section chief, kept in the browser), then its duties, every
procedure it takes part in with the post's own steps (linked: the flowchart and every step are on the
procedure's page, not repeated here), the standards it must meet, the time limits it keeps, the
forms it uses and the glossary terms those pages use. The page only gathers what other pages say, so
it stays out of the search index (those pages are found instead). The facts come from the
post's `OnboardingView` and `officebook.newcomer`, which the printed booklet reads too.

Paths: `onboarding/index.md` and `onboarding/<post>/index.md`.
"""

from __future__ import annotations

from html import escape

from officebook.model import Manual, Term
from officebook.newcomer import terms_used
from officebook.render.itemlinks import site_asset_path
from officebook.render.orgchart import orgchart_svg
from officebook.render.pages import (
    PageContext,
    checklist_scope,
    front_matter,
    render,
    term_anchors,
    theme_text,
)
from officebook.render.prebuilt import prebuilt
from officebook.render.ticklists import TickLists
from officebook.vocabulary.labels import label

ONBOARDING_DIR = "onboarding"
INDEX_PATH = f"{ONBOARDING_DIR}/index.md"
PERIODS = ("first_day", "first_week", "first_month")


def onboarding_path(post: str) -> str:
    return f"{ONBOARDING_DIR}/{post}/index.md"


def onboarding_paths(manual: Manual) -> list[str]:
    """The index, then one page per post in reporting-tree order."""
    return [INDEX_PATH, *(onboarding_path(p) for p in manual.post_order)]


def is_onboarding_path(path: str) -> bool:
    return path.startswith(ONBOARDING_DIR + "/")


def onboarding_nav(manual: Manual, lang: str, item_limit: int) -> dict:
    """The navigation section: the index, and every post's page unless there are too many."""
    section: list = [INDEX_PATH]
    if len(manual.post_order) <= item_limit:
        section += [{theme_text(manual.posts[p].title.get(lang)): onboarding_path(p)} for p in manual.post_order]
    return {label("new-here", lang): section}


def render_onboarding_page(manual: Manual, lang: str, path: str, directory_urls: bool = True) -> str:
    ctx = PageContext(manual, lang, path, directory_urls)
    if path == INDEX_PATH:
        return render("onboarding-index.md.j2", ctx, front=front_matter(label("new-here", lang)))
    post_id = path[len(ONBOARDING_DIR) + 1:].split("/", 1)[0]
    post = manual.posts.get(post_id)
    if post is None or path != onboarding_path(post_id):
        raise KeyError(path)
    title = label("onboarding-title", lang, post=post.title.get(lang))
    view = manual.onboarding[post_id]
    anchors = term_anchors(manual)
    return render(
        "onboarding.md.j2", ctx, front=front_matter(title, description=ctx.plain(post.summary), extra={"search": {"exclude": True}}),
        title=title,
        post=post, view=view, periods=PERIODS, scope=checklist_scope(manual),
        ticks=TickLists(ctx, checklist_scope(manual)),
        terms=_terms_html(ctx, [(manual.glossary[i], anchors[i]) for i in terms_used(manual, post_id, lang)]),
        asset_paths={asset: site_asset_path(asset) for asset in view.forms},
        orgchart=orgchart_svg(manual, lang, id_prefix=f"org-{post_id}", highlight_post=post_id, around=True),
    )


def _terms_html(ctx: PageContext, terms: list[tuple[Term, str]]) -> str:
    """The glossary terms the post's pages use, each linked to its entry, with its definition: ready-made
    HTML (a post may meet a hundred terms, and Python-Markdown would only parse them back to this)."""
    if not terms:
        return ""
    colon = escape(ctx.label("colon"))
    items = "".join(f"<li>{ctx.term_link(term, anchor)}{colon}{escape(ctx.plain(term.definition))}</li>"
                    for term, anchor in terms)
    return prebuilt(f"<ul>{items}</ul>")
