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
from officebook.outline import function_matrix
from officebook.vocabulary.labels import label


def _attr(text: str) -> str:
    return escape(text, quote=True)


def function_table(manual: Manual, lang: str, function_id: str, href: Callable[[str, str], str]) -> str:
    """The matrix of one function's duties (`href(kind, id)` links an item), or "" without duties."""
    matrix = function_matrix(manual, lang, function_id)
    if matrix is None:
        return ""
    title = manual.functions[function_id].title.get(lang)
    names = {post: _attr(manual.posts[post].title.get(lang)) for post in matrix.posts}  # the phone card's label per cell
    head = "".join(f'<th scope="col"><a href="{_attr(href("posts", p))}">{escape(manual.posts[p].title.get(lang))}</a></th>'
                   for p in matrix.posts)
    rows = []
    for row in matrix.rows:
        cells = []
        for cell in row.cells:
            if not cell.role:
                cells.append("<td></td>")
                continue
            text = escape(cell.words)
            if cell.leads:  # who leads: in bold
                text = f"<strong>{text}</strong>"
            cells.append(f'<td data-post="{names[cell.post]}">{text}</td>')
        duty = manual.duties[row.duty]
        rows.append(f'<tr><th scope="row"><a href="{_attr(href("duties", duty.id))}">{escape(duty.title.get(lang))}</a></th>'
                    + "".join(cells) + "</tr>")
    return (f'<div class="officebook-raci-scroll" role="region" tabindex="0" aria-label="{_attr(title)}" data-search-exclude>'
            f'<table class="officebook-raci-table"><thead><tr><th scope="col">{escape(label("duty", lang))}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
