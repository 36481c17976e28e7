"""The organisation chart of posts as a standalone, deterministic inline SVG (top-down tree).

A post's subordinates stand side by side under it, each with its own subtree; when five or more
subordinates have no subordinates of their own they are laid out in a grid of four columns, so a
flat office stays readable instead of becoming one very wide row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from officebook.model import Manual
from officebook.render.svgtext import FONT_FAMILY, number, text_element, wrap
from officebook.vocabulary.labels import label

BOX_W = 156.0
FONT = 12.5
LINE = 16.0
PAD = 9.0
GAP_X = 18.0
GAP_Y = 34.0
GRID_COLUMNS = 4
GRID_FROM = 5
MARGIN = 10.0
INK = "#1f2937"
STROKE = "#1e4e8c"
HEAD_FILL = "#e3eaf3"
HIGHLIGHT_FILL = "#fff1c2"
HIGHLIGHT_STROKE = "#9a6700"


@dataclass
class _Node:
    post: str
    lines: list[str]
    children: list[_Node] = field(default_factory=list)
    x: float = 0.0  # left edge
    y: float = 0.0  # top edge
    width: float = 0.0  # of the whole subtree
    grid: bool = False

    @property
    def height(self) -> float:
        return 2 * PAD + LINE * len(self.lines)


def orgchart_svg(manual: Manual, lang: str, *, id_prefix: str = "org", highlight_post: str | None = None,
                 around: bool = False) -> str:
    """The posts as a tree under the head of the office (posts outside the tree start their own);
    `highlight_post`'s box is tinted and framed (a newcomer's "you are here"). With `around`, only the
    part of the tree around it: its chain of superiors, the posts beside it and the posts under it."""
    shown = neighbourhood(manual, highlight_post) if around and highlight_post in manual.posts else set(manual.post_order)
    nodes = {
        post: _Node(post, wrap(manual.posts[post].title.get(lang), BOX_W - 2 * PAD, FONT, max_lines=3))
        for post in manual.post_order if post in shown
    }
    roots: list[_Node] = []
    for post in nodes:
        parent = manual.posts[post].reports_to
        (nodes[parent].children if parent in nodes and parent != post else roots).append(nodes[post])
    row_height = max((n.height for n in nodes.values()), default=2 * PAD + LINE)
    x = MARGIN
    for root in roots:
        _measure(root)
        _place(root, x, MARGIN, row_height)
        x += root.width + GAP_X
    width = max(x - GAP_X + MARGIN, 2 * MARGIN + BOX_W)
    height = MARGIN + max((_bottom(root, row_height) for root in roots), default=0.0) + MARGIN
    title = label("org-chart", lang)
    if highlight_post in manual.posts:
        title += label("colon", lang) + manual.posts[highlight_post].title.get(lang)
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="officebook-orgchart" width="{number(width)}" '
         f'height="{number(height)}" viewBox="0 0 {number(width)} {number(height)}" role="img" '
         f'aria-labelledby="{id_prefix}-title" font-family="{FONT_FAMILY}">'),
        f'<title id="{id_prefix}-title">{escape(title, quote=False)}</title>',
    ]
    lines = [line for root in roots for line in _connectors(root, row_height)]
    if lines:  # one stroke for every connector, given once (SVG inherits it; every renderer draws it)
        parts += [f'<g stroke="{STROKE}" stroke-width="1.3">', *lines, "</g>"]
    for node in nodes.values():
        parts += list(_box(node, row_height, is_head=node in roots, highlighted=node.post == highlight_post))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def neighbourhood(manual: Manual, post: str) -> set[str]:
    """`post`, its superiors up to the head, the posts reporting to its superior, and its direct reports."""
    shown = {post, *manual.direct_reports(post)}
    parent = manual.posts[post].reports_to
    if parent in manual.posts:
        shown.update(manual.direct_reports(parent))
    superiors: set[str] = set()
    while parent in manual.posts and parent not in superiors:
        superiors.add(parent)
        parent = manual.posts[parent].reports_to
    return shown | superiors


def _measure(node: _Node) -> None:
    for child in node.children:
        _measure(child)
    leaves = node.children and all(not child.children for child in node.children)
    node.grid = bool(leaves) and len(node.children) >= GRID_FROM
    if node.grid:
        columns = min(GRID_COLUMNS, len(node.children))
        children_width = columns * BOX_W + (columns - 1) * GAP_X
    else:
        children_width = sum(c.width for c in node.children) + GAP_X * max(0, len(node.children) - 1)
    node.width = max(BOX_W, children_width)


def _place(node: _Node, left: float, top: float, row_height: float) -> None:
    node.y = top
    node.x = left + (node.width - BOX_W) / 2
    child_top = top + row_height + GAP_Y
    if node.grid:
        columns = min(GRID_COLUMNS, len(node.children))
        grid_left = left + (node.width - (columns * BOX_W + (columns - 1) * GAP_X)) / 2
        for index, child in enumerate(node.children):
            row, column = divmod(index, columns)
            child.width = BOX_W
            _place(child, grid_left + column * (BOX_W + GAP_X), child_top + row * (row_height + GAP_Y), row_height)
        return
    children_width = sum(c.width for c in node.children) + GAP_X * max(0, len(node.children) - 1)
    x = left + (node.width - children_width) / 2
    for child in node.children:
        _place(child, x, child_top, row_height)
        x += child.width + GAP_X


def _bottom(node: _Node, row_height: float) -> float:
    return max([node.y + row_height] + [_bottom(child, row_height) for child in node.children])


def _connectors(node: _Node, row_height: float) -> Iterable[str]:
    """Elbow lines: down from the post, along a bus above each row of subordinates, down to each."""
    if not node.children:
        return
    center = node.x + BOX_W / 2
    rows: dict[float, list[_Node]] = {}
    for child in node.children:
        rows.setdefault(child.y, []).append(child)
    last_bus = max(rows) - GAP_Y / 2
    yield _line(center, node.y + row_height, center, last_bus)
    for top, children in sorted(rows.items()):
        bus = top - GAP_Y / 2
        centers = [c.x + BOX_W / 2 for c in children]
        yield _line(min(centers + [center]), bus, max(centers + [center]), bus)
        for child_center in centers:
            yield _line(child_center, bus, child_center, top)
    for child in node.children:
        yield from _connectors(child, row_height)


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}"/>'


def _box(node: _Node, row_height: float, *, is_head: bool, highlighted: bool = False) -> Iterable[str]:
    fill = HIGHLIGHT_FILL if highlighted else HEAD_FILL if is_head else "#ffffff"
    stroke, width = (HIGHLIGHT_STROKE, "2.6") if highlighted else (STROKE, "1.3")
    cls = ' class="post post--highlight"' if highlighted else ' class="post"'
    yield (f'<rect{cls} data-post="{escape(node.post)}" x="{number(node.x)}" y="{number(node.y)}" width="{number(BOX_W)}" '
           f'height="{number(row_height)}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
    top = node.y + (row_height - LINE * len(node.lines)) / 2
    for index, line in enumerate(node.lines):
        yield text_element(node.x + BOX_W / 2, top + LINE * index + 12, line, size=FONT, anchor="middle",
                           weight="bold" if is_head or highlighted else "normal", fill=INK)


# ---- the office by sections (web: home page, organisation chart page) ----------------------------


@dataclass(frozen=True)
class Section:
    """A post that leads others, with every post under it (in reporting-tree order); `head` None
    for the posts that report to the leadership directly and lead no one."""

    head: str | None
    members: tuple[str, ...]


def _subtree(manual: Manual, post: str) -> list[str]:
    found: list[str] = []
    for child in manual.direct_reports(post):
        found += [child, *_subtree(manual, child)]
    return found


def post_sections(manual: Manual) -> tuple[list[str], list[Section]]:
    """The leadership and the sections of the office. The leadership is the head of the office (and
    any post outside the tree) with the chain of single deputies under it; every post reporting to
    the leadership that leads others is a section with its subtree; those leading no one form one
    last group."""
    roots = [p for p in manual.post_order if manual.posts[p].reports_to not in manual.posts]
    leaders: list[str] = []
    for root in roots:
        post = root
        leaders.append(post)
        while len(manual.direct_reports(post)) == 1 and manual.direct_reports(manual.direct_reports(post)[0]):
            post = manual.direct_reports(post)[0]
            leaders.append(post)
    sections: list[Section] = []
    alone: list[str] = []
    for leader in leaders:
        for child in manual.direct_reports(leader):
            if child in leaders:
                continue
            below = _subtree(manual, child)
            if below:
                sections.append(Section(child, tuple(below)))
            else:
                alone.append(child)
    if alone:
        sections.append(Section(None, tuple(alone)))
    return leaders, sections


def orgchart_html(manual: Manual, lang: str, href) -> str:
    """The organisation chart as nested boxes in HTML (one line): the leadership on top, then one
    block per section with its posts nested under their superiors. Text at body size on any screen,
    every box a link to its post (`href(post_id)`); the blocks wrap into rows on a narrow screen.

    Each section folds: its posts are a `<details open>` whose summary says how many there are
    (下设 3 个岗位), under the head's box. The head's box stays outside the summary, so it is a plain
    link (a link inside a summary is a control inside a control for a screen reader) and stays in
    view when the section is folded. Printing opens every section (officebook-orgchart.js).
    """
    leaders, sections = post_sections(manual)

    def box(post: str, css: str = "") -> str:
        title = escape(manual.posts[post].title.get(lang))
        return f'<a class="officebook-org__box{css}" href="{escape(href(post), quote=True)}">{title}</a>'

    def tree(post: str, within: tuple[str, ...]) -> str:
        children = [c for c in manual.direct_reports(post) if c in within]
        if not children:
            return ""
        return "<ul>" + "".join(f"<li>{box(c)}{tree(c, within)}</li>" for c in children) + "</ul>"

    def folding(key: str, posts: int, inner: str, heading: str = "") -> str:
        summary = f'{heading}<span class="officebook-org__count">{escape(label(key, lang, count=posts))}</span>'
        return f'<details class="officebook-org__posts" open><summary>{summary}</summary>{inner}</details>'

    parts = ['<div class="officebook-org">', '<div class="officebook-org__leaders">']
    parts += [box(p, " officebook-org__box--lead") for p in leaders]
    parts.append('</div><div class="officebook-org__sections">')
    for section in sections:
        parts.append('<section class="officebook-org__section">')
        if section.head is None:
            group = f'<span class="officebook-org__group">{escape(label("posts-alone", lang))}</span>'
            parts.append(folding("org-group-count", len(section.members),
                                 "<ul>" + "".join(f"<li>{box(p)}</li>" for p in section.members) + "</ul>", group))
        else:
            parts.append(box(section.head, " officebook-org__box--head")
                         + folding("org-section-count", len(section.members), tree(section.head, section.members)))
        parts.append("</section>")
    parts.append("</div></div>")
    return "".join(parts)
