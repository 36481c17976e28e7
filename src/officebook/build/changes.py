"""Which pages of the site a content change touches: the preview's guide to rebuilding little.

Two checked manuals, before and after a save, are compared item by item (items are frozen
dataclasses). A changed item touches its own pages (its page; a post's onboarding page too), the
pages that link it (back-references, checklists, RACI, onboarding, indexes: every page that shows
an item links it), the pages of the items it links before and after (they show it in their
back-references), its kind's index and the home page. The pages that link an item are read from the
Markdown itself (`LinkIndex`), so no rule here has to know what a template shows.

What this misses the preview finds by rendering every page again in the background
(`preview.Preview`): these rules only decide what is rebuilt first.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from officebook.model import Manual, Ref
from officebook.render import onboarding
from officebook.render.site import SPECIAL_PAGES, item_path, kind_path
from officebook.vocabulary.kinds import ITEM_KINDS as KINDS

_LINK = re.compile(r"""(?:\]\(|href=["'])([^)"'\s#?]+)""")


@dataclass(frozen=True)
class ManualChanges:
    """What differs between two manuals."""

    items: frozenset[Ref] = frozenset()  # added, removed or changed
    info: bool = False  # manual.yaml: title, languages ... (the site's configuration changes)
    glossary: bool = False
    assets: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.items or self.info or self.glossary or self.assets)


def compare(old: Manual, new: Manual) -> ManualChanges:
    items = set()
    for kind in KINDS:
        before, after = old.kind(kind), new.kind(kind)
        items |= {Ref(kind, ident) for ident in before.keys() | after.keys() if before.get(ident) != after.get(ident)}
    # a post's place in the reporting tree changes the order of posts (and of their pages' menus)
    return ManualChanges(frozenset(items), old.info != new.info, old.glossary != new.glossary,
                         old.assets != new.assets)


def item_of(path: str) -> Ref | None:
    """The item whose own page `path` is (`duties/x/index.md`, `onboarding/<post>/index.md`)."""
    parts = path.split("/")
    if len(parts) == 3 and parts[2] == "index.md":
        if parts[0] in KINDS:
            return Ref(parts[0], parts[1])
        if onboarding.is_onboarding_path(path) and path != onboarding.INDEX_PATH:
            return Ref("posts", parts[1])
    return None


def own_pages(ref: Ref) -> list[str]:
    pages = [item_path(ref)]
    if ref.kind == "posts":
        pages.append(onboarding.onboarding_path(ref.id))
    return pages


def links_of(path: str, markdown: str) -> set[str]:
    """The docs-relative pages a page's Markdown links (Markdown links and HTML `href`s, inline SVG's too)."""
    folder = posixpath.dirname(path)
    found = set()
    for target in _LINK.findall(markdown):
        if "://" in target or target.startswith(("mailto:", "/", "data:")):
            continue
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved.endswith(".html"):  # a final address (HTML written by the renderer)
            resolved = resolved[:-len(".html")] + ".md"
        elif not resolved.endswith(".md"):
            resolved = posixpath.join(resolved, "index.md")
        found.add(resolved)
    return found


@dataclass
class LinkIndex:
    """Which pages link which: built from the Markdown of every page, kept up to date page by page."""

    links: dict[str, set[str]] = field(default_factory=dict)  # page → pages it links
    linked_from: dict[str, set[str]] = field(default_factory=dict)  # page → pages linking it

    @classmethod
    def of(cls, pages: Mapping[str, str]) -> LinkIndex:
        index = cls()
        for path, markdown in pages.items():
            index.set(path, markdown)
        return index

    def set(self, path: str, markdown: str | None) -> None:
        for target in self.links.pop(path, ()):
            self.linked_from.get(target, set()).discard(path)
        if markdown is None:
            return
        targets = links_of(path, markdown)
        self.links[path] = targets
        for target in targets:
            self.linked_from.setdefault(target, set()).add(path)


def affected_pages(changes: ManualChanges, index: LinkIndex, new_pages: Iterable[str],
                   render_new: Mapping[str, str] | None = None) -> list[str]:
    """The pages to render again for `changes`, the changed items' own pages first. `render_new` maps
    a changed item's page to its new Markdown when already rendered (to follow its new links)."""
    existing = set(new_pages)
    first: list[str] = []
    then: set[str] = set()
    for ref in sorted(changes.items, key=lambda r: (r.kind, r.id)):
        own = own_pages(ref)
        first += own
        for page in own:
            then |= index.linked_from.get(page, set())
            targets = set(index.links.get(page, ())) | (links_of(page, render_new[page])
                                                        if render_new and page in render_new else set())
            for target in targets:
                linked = item_of(target)
                then |= set(own_pages(linked)) if linked else {target}
        then.add(kind_path(ref.kind))
        then.add("index.md")
        if ref.kind in ("duties", "posts", "functions"):
            then.add(SPECIAL_PAGES["raci"])
        if ref.kind == "posts":
            then |= {SPECIAL_PAGES["org-chart"], onboarding.INDEX_PATH}
    ordered = list(dict.fromkeys(first)) + sorted(then - set(first))
    return [page for page in ordered if page in existing]
