"""The RACI matrix as tables that fit across a page, each cell in its language's words (牵头、负责 in
Chinese — never the R/A/C/I letters; R/A in English, under the legend)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from officebook.model import Manual
from officebook.vocabulary.labels import raci_cell

RACI_PORTRAIT_POSTS = 6  # post columns that fit across a portrait page
RACI_LANDSCAPE_POSTS = 12  # … across a landscape page


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
    posts: tuple[str, ...]
    part: int  # 1-based, when the matrix is split into column groups
    parts: int
    rows: tuple[RaciRow, ...] = ()


def post_groups(posts: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The matrix's post columns in balanced groups that each fit across a page."""
    if not posts:
        return ()
    per_table = RACI_PORTRAIT_POSTS if len(posts) <= RACI_PORTRAIT_POSTS else RACI_LANDSCAPE_POSTS
    parts = -(-len(posts) // per_table)
    size = -(-len(posts) // parts)
    return tuple(tuple(posts[i: i + size]) for i in range(0, len(posts), size))


def raci_tables(manual: Manual, lang: str) -> tuple[RaciTable, ...]:
    groups = post_groups(manual.raci.posts)
    return tuple(
        RaciTable(group, part, len(groups), tuple(
            RaciRow(duty, tuple(RaciCell(post, role, raci_cell(role, lang))
                                for post in group for role in [manual.raci.cell(duty, post)]))
            for duty in manual.raci.duties))
        for part, group in enumerate(groups, start=1))


def raci_landscape(manual: Manual) -> bool:
    """The matrix goes on landscape pages when its posts do not fit across a portrait one."""
    return len(manual.raci.posts) > RACI_PORTRAIT_POSTS
