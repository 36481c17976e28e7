"""The responsibility matrix on the web: one table per function, built as HTML from the data.

Each function's table has the posts that hold a role in its duties as columns (never every post of
the office: the page grows with the roles, not with duties × posts), post names written across,
one column width for every post on the page, grid lines, the header row and the duty column
sticky while the table scrolls. On a phone each duty becomes a card listing its posts with their
roles (the empty cells hidden; officebook.css). The HTML is final (links are page addresses),
to be inserted into the page as it is, and lean: an empty cell is `<td></td>`, a role's cell carries
only the post's name for the phone card; the stylesheet does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from officebook.model import Manual
from officebook.vocabulary.labels import label, raci_cell


def _attr(text: str) -> str:
    return escape(text, quote=True)


def function_table(manual: Manual, lang: str, function_id: str, href: Callable[[str, str], str]) -> str:
    """The matrix of one function's duties (`href(kind, id)` links an item), or "" without duties."""
    duties = manual.duties_of_function(function_id)
    if not duties:
        return ""
    involved = {post for duty in duties for post in duty.raci.members}
    posts = [post for post in manual.raci.posts if post in involved]
    title = manual.functions[function_id].title.get(lang)
    names = {post: _attr(manual.posts[post].title.get(lang)) for post in posts}  # the phone card's label per cell
    head = "".join(f'<th scope="col"><a href="{_attr(href("posts", p))}">{escape(manual.posts[p].title.get(lang))}</a></th>'
                   for p in posts)
    rows = []
    for duty in duties:
        cells = []
        for post in posts:
            role = manual.raci.cell(duty.id, post)
            if not role:
                cells.append("<td></td>")
                continue
            text = escape(raci_cell(role, lang))
            if "R" in role or "A" in role:  # who leads: in bold
                text = f"<strong>{text}</strong>"
            cells.append(f'<td data-post="{names[post]}">{text}</td>')
        rows.append(f'<tr><th scope="row"><a href="{_attr(href("duties", duty.id))}">{escape(duty.title.get(lang))}</a></th>'
                    + "".join(cells) + "</tr>")
    return (f'<div class="officebook-raci-scroll" role="region" tabindex="0" aria-label="{_attr(title)}" data-search-exclude>'
            f'<table class="officebook-raci-table"><thead><tr><th scope="col">{escape(label("duty", lang))}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
