"""The RACI matrix as one table per function, split on paper into tables that fit across a page; each
cell in its language's words (牵头、负责 in Chinese — never the R/A/C/I letters; R/A in English, under
the legend). The site, the PDF and the Word file all render these tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from officebook.model import Manual
from officebook.vocabulary.labels import raci_cell

RACI_PORTRAIT_POSTS = 6  # post columns that fit across a portrait page
RACI_LANDSCAPE_POSTS = 12  # … across a landscape page
KEPT_WHOLE_ROWS = 10  # a table of at most this many duties is not split across pages


@dataclass(frozen=True)
class RaciCell:
    post: str
    role: str  # R, A, C, I or combinations like R/A; "" without a role
    words: str  # the role as the language writes it

    @property
    def accountable(self) -> bool:
        return "A" in self.role.split("/")

    @property
    def leads(self) -> bool:
        """Responsible or accountable: the cells shown in bold."""
        return bool({"R", "A"} & set(self.role.split("/")))


@dataclass(frozen=True)
class RaciRow:
    duty: str
    cells: tuple[RaciCell, ...]


@dataclass(frozen=True)
class RaciTable:
    """One function's duties against the posts that hold a role in them (never every post of the
    office: a table grows with the roles, not with duties × posts). On paper a function whose posts do
    not fit across the page is split into parts, each with some of the posts; on the web it is whole."""

    function: str
    posts: tuple[str, ...]
    rows: tuple[RaciRow, ...]
    part: int = 1  # 1-based
    parts: int = 1

    @property
    def kept_whole(self) -> bool:
        """Short enough to stay on one page: it goes whole to the next rather than leave a few rows behind."""
        return len(self.rows) <= KEPT_WHOLE_ROWS


def post_groups(posts: Sequence[str], per_table: int) -> tuple[tuple[str, ...], ...]:
    """Post columns in balanced groups of at most `per_table`."""
    if not posts:
        return ()
    parts = -(-len(posts) // per_table)
    size = -(-len(posts) // parts)
    return tuple(tuple(posts[i: i + size]) for i in range(0, len(posts), size))


def function_matrix(manual: Manual, lang: str, function_id: str) -> RaciTable | None:
    """One function's matrix, whole; None for a function without duties."""
    duty_ids = manual.function_duties.get(function_id, ())
    if not duty_ids:
        return None
    involved = {post for duty in duty_ids for post in manual.duties[duty].raci.members}
    posts = tuple(post for post in manual.raci.posts if post in involved)
    return RaciTable(function_id, posts, tuple(
        RaciRow(duty, tuple(RaciCell(post, role, raci_cell(role, lang)) for post in posts
                            for role in [manual.raci.cell(duty, post)]))
        for duty in duty_ids))


def function_matrices(manual: Manual, lang: str) -> tuple[RaciTable, ...]:
    """Every function's matrix, in function order."""
    return tuple(table for function_id in manual.functions
                 if (table := function_matrix(manual, lang, function_id)) is not None)


def raci_landscape(matrices: Sequence[RaciTable]) -> bool:
    """The matrices go on landscape pages when one's posts do not fit across a portrait page."""
    return any(len(table.posts) > RACI_PORTRAIT_POSTS for table in matrices)


def raci_tables(matrices: Sequence[RaciTable], landscape: bool) -> tuple[RaciTable, ...]:
    """The matrices as they go on paper: each split into parts whose posts fit across the page."""
    per_table = RACI_LANDSCAPE_POSTS if landscape else RACI_PORTRAIT_POSTS
    tables = []
    for matrix in matrices:
        groups = post_groups(matrix.posts, per_table)  # every duty has an accountable post: never empty
        start = 0
        for part, group in enumerate(groups, start=1):
            columns = slice(start, start + len(group))
            start += len(group)
            tables.append(RaciTable(matrix.function, group, tuple(
                RaciRow(row.duty, row.cells[columns]) for row in matrix.rows), part, len(groups)))
    return tuple(tables)
