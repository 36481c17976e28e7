"""The onboarding reference on the web: a "new here?" index and one page per post.

A post's onboarding page holds its first-day, first-week and first-month lists as tickable
checklists (the same lists, with the same stored ticks, as on the post's own page), then what the
post involves: its duties, the procedures it owns or acts in, the standards it must meet, its
reporting lines, and the glossary terms those pages use.

Paths: `onboarding/index.md` and `onboarding/<post>/index.md`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from officebook.model import Manual, Ref, Text
from officebook.render.labels import label
from officebook.render.pages import (
    PageContext,
    checklist_scope,
    front_matter,
    render,
    term_anchors,
)

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
        section += [{manual.posts[p].title.get(lang): onboarding_path(p)} for p in manual.post_order]
    return {label("new-here", lang): section}


def render_onboarding_page(manual: Manual, lang: str, path: str) -> str:
    ctx = PageContext(manual, lang, path)
    if path == INDEX_PATH:
        return render("onboarding-index.md.j2", ctx, front=front_matter(label("new-here", lang)))
    post_id = path[len(ONBOARDING_DIR) + 1:].split("/", 1)[0]
    post = manual.posts.get(post_id)
    if post is None or path != onboarding_path(post_id):
        raise KeyError(path)
    title = label("onboarding-title", lang, post=post.title.get(lang))
    anchors = term_anchors(manual)
    return render(
        "onboarding.md.j2", ctx, front=front_matter(title, description=ctx.plain(post.summary)), title=title,
        post=post, view=manual.onboarding[post_id], periods=PERIODS, scope=checklist_scope(manual),
        terms=[(manual.glossary[i], anchors[i]) for i in terms_used(manual, post_id, lang)],
    )


# ---- the glossary terms a post's work uses --------------------------------------------------------


def work_refs(manual: Manual, post: str) -> list[Ref]:
    """The post and everything its onboarding reference lists: duties, procedures, standards."""
    view = manual.onboarding[post]
    return [
        Ref("posts", post),
        *(Ref("duties", d) for d in view.duties),
        *(Ref("procedures", p) for p in (*view.procedures_owned, *view.procedures_acted_in)),
        *(Ref("standards", s) for s in view.standards),
    ]


def terms_used(manual: Manual, post: str, lang: str) -> list[int]:
    """Positions in the glossary of the terms that the post's pages use: the term appears in their
    texts (in `lang`), or the term's `see` names one of them."""
    refs = work_refs(manual, post)
    corpus = "\n".join(text for ref in refs for text in _texts(manual.item(ref), lang)).casefold()
    named = set(refs)
    used = []
    for position, term in enumerate(manual.glossary):
        word = term.term.get(lang).strip().casefold()
        if any(ref in named for ref in term.see) or (word and _mentions(corpus, word)):
            used.append(position)
    return used


def _mentions(corpus: str, word: str) -> bool:
    """Whole words for Latin-script terms ("file" is not in "profile"); substrings for Chinese."""
    if word.isascii():
        return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", corpus) is not None
    return word in corpus


def _texts(value: object, lang: str) -> Iterator[str]:
    """Every text of an item (steps and onboarding lists included) in `lang`."""
    if isinstance(value, Text):
        yield value.get(lang)
    elif isinstance(value, tuple):
        for entry in value:
            yield from _texts(entry, lang)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name), lang)
