"""Where a link between items or to an asset points in each output (`[label](kind/id)`, `assets/...`).

The Markdown of the content is rewritten before it is rendered: an item link becomes a link to the
item's page (site) or section (handbook), an empty label the item's title, an asset link a link to
the copy in the site or, in the handbook, the file itself (images are embedded). Everything else is
left to the Markdown renderer and its sanitiser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from officebook.model import Manual, Procedure, Ref
from officebook.vocabulary.textlinks import TextLink, asset_target, item_target, rewrite_links

SITE_ASSETS = "attachments"
"""The docs folder that holds the copies of content/assets/ (apart from officebook's own assets/)."""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")


def escape_label(text: str) -> str:
    """A title as the label of a Markdown link: HTML and Markdown specials escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def site_asset_path(asset: str) -> str:
    """`assets/forms/draft.docx` → its docs-relative path in the site."""
    return f"{SITE_ASSETS}/{asset.removeprefix('assets/')}"


def link_label(manual: Manual, ref: Ref, fragment: str | None, lang: str, step_label: Callable[[int], str]) -> str | None:
    """What an empty label shows: the item's title (with the step, for a step link); None if no item."""
    item = manual.item(ref)
    if item is None:
        return None
    title = item.title.get(lang)
    if isinstance(item, Procedure) and fragment and (step := item.step(fragment)):
        return f"{title} · {step_label(step.number)} {step.name.get(lang)}".strip()
    return title


def site_links(text: str, manual: Manual, lang: str, href: Callable[[str], str], *,
               step_label: Callable[[int], str]) -> str:
    """Content Markdown of a site page with item and asset links resolved: `href(docs_path)` is the
    address of a docs-relative file as the page links to it in the built site (officebook renders
    the text to HTML itself, so MkDocs never converts these links: they must be final)."""
    if "](" not in text and "]:" not in text:
        return text

    def replace(link: TextLink) -> tuple[str | None, str | None] | None:
        target = item_target(link.target)
        if target is not None:
            ref = Ref(target.kind, target.id)
            if manual.item(ref) is None:
                return None
            url = href(f"{ref.kind}/{ref.id}/index.md")
            if target.fragment:
                url += f"#step-{target.fragment}" if target.kind == "procedures" else f"#{target.fragment}"
            label = link_label(manual, ref, target.fragment, lang, step_label)
            return url, escape_label(label) if label is not None else None
        asset = asset_target(link.target)
        if asset is not None and asset in manual.assets:
            return href(site_asset_path(asset)), None
        return None

    return rewrite_links(text, replace)


def print_links(text: str, manual: Manual, lang: str, *, anchor, step_anchor, step_label: Callable[[int], str],
                linkable: bool = True) -> str:
    """Content Markdown of the handbook with item links to their sections, images to their files;
    without `linkable` (a booklet, which has no sections to link to) item links keep only their label."""
    if "](" not in text and "]:" not in text:
        return text

    def replace(link: TextLink) -> tuple[str | None, str | None] | None:
        target = item_target(link.target)
        if target is not None:
            ref = Ref(target.kind, target.id)
            if manual.item(ref) is None:
                return None
            label = link_label(manual, ref, target.fragment, lang, step_label)
            shown = escape_label(label) if label is not None else None
            if not linkable:
                return None, shown
            if target.kind == "procedures" and target.fragment:
                url = "#" + step_anchor(target.id, target.fragment)
            else:
                url = "#" + anchor(target.kind, target.id)
            return url, shown
        asset = asset_target(link.target)
        if asset is not None and asset in manual.assets:
            if link.image and manual.content_dir:
                return asset, None  # content-relative: the printer reads it from content/assets/ and nothing else
            return None, None  # a form to download: on paper, its name is what helps
        return None

    return rewrite_links(text, replace)
