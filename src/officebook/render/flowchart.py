"""A procedure's flowchart as a standalone, deterministic, semantic inline SVG.

The layout follows BPMN swimlanes and the layered (Sugiyama) scheme of Graphviz dot and ELK: one
lane (column) per acting post, in order of first appearance; one layer (row) per step, in list
order, so the chart reads in the order of the steps table and each row holds exactly one box.
Because a row holds one box, the space left and right of it is free, and every edge can be routed
with a fixed set of rules that keep lines apart by construction rather than by search:

- from a step whose `next` branches, the edges leave a decision diamond below its box;
- forward edges leave the box (or the diamond) downwards. If the target's lane has no other box
  between the two rows, the edge crosses once, in the gap below the source, and drops down the
  target lane's centre line (straight down when both share a lane). Otherwise it crosses to the
  channel (gutter) beside the target lane, runs down the gutter on a track of its own, and enters
  the target from the gap right above it;
- loops back (rework) leave the box's left side (or the diamond's left corner), run up the gutter
  left of both lanes on a track of their own, and enter the target's top left of centre, each
  loop at its own point with its own arrowhead, dashed and in a second colour;
- every gap between rows stacks, from the top: the start/end/diamond zone, one track for the
  edges leaving the row above, one for the edges entering the row below, one per loop entering
  it, and the `when` label of the row below, right of the arrows that enter it.

So a lane's centre line between two boxes only ever carries edges into the lower box, gutter
tracks are given by interval colouring (edges may share a track only when they share a source
or a target and are both forward), and no line runs on a lane border or through a box. A
maintained pure-Python library that does swimlane partitions with orthogonal channel routing
without a browser or a Java runtime at build time does not exist (grandalf does layering only,
Graphviz and ELK are native/Java), hence this module. Presentation attributes only, so
WeasyPrint draws it as the browser does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from officebook.model import Manual, Procedure, Step
from officebook.outline import flow_text, step_rows
from officebook.render.svgtext import CJK_TEXT, FONT_FAMILY, number, text_element, text_width, wrap
from officebook.vocabulary.labels import label
from officebook.vocabulary.markdown import plain_text

FONT = 12.5
LINE = 17.0
ACTOR_FONT = 11.5
LABEL_FONT = 11.0
LABEL_LINE = 14.0
HEADER_FONT = 13.0
HEADER_LINE = 16.0
BOX_PAD = 8.0
BADGE_R = 9.0
TRACK = 8.0  # distance between two parallel lines
LOOP_DX = 14.0  # distance between the points where loops enter a box's top
DIAMOND_W = 30.0
DIAMOND_H = 20.0
ARROW = 8.0
LANES_WIDTH = 640.0  # fits the handbook's text column (172 mm) at full size: text stays 9.4 pt
VERTICAL_WIDTH = 350.0  # a 390 px phone's column (358 px) at full size, a 360 px one's at 94 %
MIN_LANE = 104.0
MAX_LANE = 260.0
MIN_BOX = 84.0
BAND_HEIGHT = 120.0  # the tallest printed slice of a chart made of several rows (32 mm)
SPINE = 0.34  # arrows meet a box this far across it
GUTTER_CLEAR = 7.0  # space between a gutter's outermost track and a box or the chart's edge

INK = "#1f2937"
FLOW = "#1e4e8c"
REWORK = "#b45309"
LANE_FILLS = ("#f3f6fa", "#ffffff")
HIGHLIGHT_FILL = "#fff4d6"
LANE_LINE = "#c4cedb"
HEADER_FILL = "#e3eaf3"
BOX_STROKE = "#1e4e8c"


def flowchart_svg(procedure: Procedure, manual: Manual, lang: str, *, id_prefix: str = "flow",
                  vertical: bool = False, highlight_post: str | None = None) -> str:
    """The flowchart of `procedure` in `lang` as an `<svg>` element (ids start with `id_prefix`).

    `vertical` draws one column with the actor named in each box (for narrow screens);
    `highlight_post` tints that post's lane and boxes."""
    return FlowchartLayout(procedure, manual, lang, id_prefix, vertical=vertical,
                           highlight_post=highlight_post).svg()


@dataclass(frozen=True)
class WebFlowchart:
    """A web page's flowchart: the lanes drawing, and a one-column drawing for screens too narrow
    to show the lanes with step text at 11 px or more (None when the lanes fit a phone)."""

    title: str
    lanes: str
    vertical: str | None
    min_width: int  # the narrowest the lanes drawing may be shown at, in CSS px (a multiple of 40)


PHONE_WIDTH = 360  # a 390 px phone's content column, less a little


def web_flowchart(procedure: Procedure, manual: Manual, lang: str, *, id_prefix: str = "flow",
                  highlight_post: str | None = None) -> WebFlowchart:
    """Both drawings of a procedure for its web page."""
    layout = FlowchartLayout(procedure, manual, lang, id_prefix, highlight_post=highlight_post)
    # Below this width step text would render under 11 px (12.5 px scaled by 0.88).
    min_width = int(-(-layout.width * 11 / FONT // 40) * 40)
    vertical = None
    if min_width > PHONE_WIDTH:
        vertical = FlowchartLayout(procedure, manual, lang, id_prefix + "-v", vertical=True,
                                   highlight_post=highlight_post).svg()
    return WebFlowchart(flowchart_title(procedure, lang), layout.svg(), vertical, min_width)


def flowchart_title(procedure: Procedure, lang: str) -> str:
    """The flowchart's accessible name, `流程图：公文审核`: the SVG's <title>, or an image's alt."""
    return label("flowchart", lang) + label("colon", lang) + procedure.title.get(lang)


def step_box_text(step: Step, lang: str) -> str:
    """What a step's box says: its `title` when it has one, otherwise its whole action."""
    return plain_text(step.name.get(lang))


@dataclass(frozen=True)
class _Edge:
    source: int  # row of the step the edge leaves
    target: int  # row of the step it enters

    @property
    def is_loop(self) -> bool:
        return self.target <= self.source


@dataclass
class _Run:
    """A vertical run in a gutter, over an interval of abstract heights (gap g = 2g, row r = 2r+1)."""

    edge: _Edge
    low: int
    high: int
    track: int = 0


def _assign_tracks(runs: list[_Run]) -> int:
    """Greedy interval colouring in a fixed order: two overlapping runs share a track only when
    both go forward and share their source or their target (a bus). Returns the track count."""
    placed: list[_Run] = []
    for run in runs:
        track = 0
        while any(
            other.track == track and other.low <= run.high and run.low <= other.high
            and not (not run.edge.is_loop and not other.edge.is_loop
                     and (run.edge.source == other.edge.source or run.edge.target == other.edge.target))
            for other in placed
        ):
            track += 1
        run.track = track
        placed.append(run)
    return 1 + max((r.track for r in placed), default=-1)


def _track_offsets(count: int) -> list[float]:
    """Where a gutter's tracks lie relative to its lane border: a whole track away at least, so
    that no line runs along the border, alternately right and left of it."""
    return sorted(TRACK * (index // 2 + 1) * (1 if index % 2 == 0 else -1) for index in range(count))


class FlowchartLayout:
    """Positions of lanes, boxes and edges; `svg()` draws them, `svg_band()` draws a horizontal slice."""

    def __init__(self, procedure: Procedure, manual: Manual, lang: str, id_prefix: str = "flow", *,
                 vertical: bool = False, highlight_post: str | None = None) -> None:
        self.procedure = procedure
        self.lang = lang
        self.prefix = id_prefix
        self.vertical = vertical
        self.highlight = highlight_post
        self.steps: tuple[Step, ...] = procedure.steps
        self.row_of = {step.id: row for row, step in enumerate(self.steps)}
        posts: list[str | None] = list(procedure.actors)
        if any(step.actor is None for step in self.steps):
            posts.append(None)
        self.posts = posts
        self.post_titles = {
            post: manual.posts[post].title.get(lang) if post in manual.posts else (post or "?") for post in posts
        }
        self.lanes: list[str | None] = [None] if vertical else posts
        self.lane_of = [0 if vertical else posts.index(step.actor) for step in self.steps]
        self.edges = sorted(
            {_Edge(row, self.row_of[target]) for row, step in enumerate(self.steps)
             for target in step.next if target in self.row_of},
            key=lambda e: (e.source, e.target),
        )
        self.branching = [len({t for t in step.next if t in self.row_of}) > 1 for step in self.steps]
        self._classify()
        self._route_gutters()
        self._measure()
        self._place_rows()
        self._route()

    # -- which way each edge goes ---------------------------------------------------------------

    def _lane_free(self, lane: int, first: int, last: int) -> bool:
        """No box of `lane` in rows first..last."""
        return all(self.lane_of[row] != lane for row in range(first, last + 1))

    def _classify(self) -> None:
        """Each forward edge drops down the target lane (`drop`) or takes a gutter (`gutter`)."""
        self.kind: dict[_Edge, str] = {}
        self.exits: dict[int, list[_Edge]] = {g: [] for g in range(len(self.steps) + 1)}  # gap -> edges
        self.entries: dict[int, list[_Edge]] = {g: [] for g in range(len(self.steps) + 1)}
        self.loops_into: dict[int, list[_Edge]] = {g: [] for g in range(len(self.steps) + 1)}
        for edge in self.edges:
            source_lane, target_lane = self.lane_of[edge.source], self.lane_of[edge.target]
            if edge.is_loop:
                self.kind[edge] = "loop"
                self.loops_into[edge.target].append(edge)
            elif self._lane_free(target_lane, edge.source + 1, edge.target - 1):
                self.kind[edge] = "straight" if source_lane == target_lane else "drop"
                if source_lane != target_lane:
                    self.exits[edge.source + 1].append(edge)
            else:
                self.kind[edge] = "gutter"
                self.exits[edge.source + 1].append(edge)
                self.entries[edge.target].append(edge)
        for loops in self.loops_into.values():
            loops.sort(key=lambda e: -e.source)  # the loop from furthest down enters nearest the centre

    def _gutter_of(self, edge: _Edge) -> int:
        """The lane boundary (0 = left of the first lane) whose channel the edge runs in."""
        source_lane, target_lane = self.lane_of[edge.source], self.lane_of[edge.target]
        if edge.is_loop:
            return min(source_lane, target_lane)
        if target_lane > source_lane:
            return target_lane
        return target_lane + 1

    def _route_gutters(self) -> None:
        by_boundary: dict[int, list[_Run]] = {}
        self.gutter_run: dict[_Edge, _Run] = {}
        for edge in self.edges:
            if self.kind[edge] == "gutter":
                run = _Run(edge, 2 * (edge.source + 1), 2 * edge.target)
            elif self.kind[edge] == "loop":
                leave = 2 * (edge.source + 1) if self.branching[edge.source] else 2 * edge.source + 1
                run = _Run(edge, 2 * edge.target, leave)
            else:
                continue
            self.gutter_run[edge] = run
            by_boundary.setdefault(self._gutter_of(edge), []).append(run)
        self.gutter_tracks = {
            boundary: _assign_tracks(sorted(runs, key=lambda r: (r.edge.is_loop, r.low, r.high, r.edge.source,
                                                                  r.edge.target)))
            for boundary, runs in sorted(by_boundary.items())
        }

    # -- sizes ----------------------------------------------------------------------------------

    def _extent(self, boundary: int) -> tuple[float, float]:
        """How far a gutter's tracks reach left and right of its lane border."""
        offsets = _track_offsets(self.gutter_tracks.get(boundary, 0))
        return max([0.0] + [-o for o in offsets]), max([0.0] + offsets)

    def _measure(self) -> None:
        lanes = len(self.lanes)
        self.margin = self._extent(0)[0] + GUTTER_CLEAR
        right_margin = self._extent(lanes)[1] + GUTTER_CLEAR
        target = VERTICAL_WIDTH if self.vertical else LANES_WIDTH
        widest = target if self.vertical else MAX_LANE
        self.lane_w = max(MIN_LANE, min(widest, (target - self.margin - right_margin) / lanes))
        # Each box fills its lane but for the tracks of the gutters on either side.
        insets = [(self._extent(lane)[1] + GUTTER_CLEAR, self._extent(lane + 1)[0] + GUTTER_CLEAR)
                  for lane in range(lanes)]
        self.lane_w = max([self.lane_w] + [MIN_BOX + left + right for left, right in insets])
        self.box_left = [self.lane_x(lane) + left for lane, (left, _) in enumerate(insets)]
        self.box_widths = [self.lane_w - left - right for left, right in insets]
        self.width = self.margin + lanes * self.lane_w + right_margin
        if self.vertical:
            self.header_lines: list[list[str]] = []
            self.header_h = 0.0
        else:
            self.header_lines = [wrap(self.post_titles[post], self.lane_w - 12, HEADER_FONT) for post in self.lanes]
            self.header_h = 12 + HEADER_LINE * max(len(lines) for lines in self.header_lines)
        self.actor_lines: list[list[str]] = []
        self.text_lines: list[list[str]] = []
        self.box_h: list[float] = []
        badge_w = 2 * BADGE_R + 4
        for row, step in enumerate(self.steps):
            text_w = self._box_w(row) - 2 * BOX_PAD
            actor = (wrap(self.post_titles[step.actor], text_w, ACTOR_FONT, first_width=text_w - badge_w,
                          overhang=BOX_PAD - 1) if self.vertical else [])
            first = text_w if actor else text_w - badge_w
            lines = wrap(step_box_text(step, self.lang), text_w, FONT, first_width=first, overhang=BOX_PAD - 1)
            self.actor_lines.append(actor)
            self.text_lines.append(lines)
            self.box_h.append(2 * BOX_PAD + 2 + LINE * (len(actor) + len(lines)))
        self.when_lines = [
            wrap(plain_text(step.when.get(self.lang)), self._label_width(row) - 6, LABEL_FONT, overhang=0)
            if step.when else []
            for row, step in enumerate(self.steps)
        ]

    def _box_w(self, row: int) -> float:
        return self.box_widths[self.lane_of[row]]

    def _label_width(self, row: int) -> float:
        """A `when` label runs from right of the arrows entering the box to the box's right edge."""
        lane = self.lane_of[row]
        return self.box_left[lane] + self.box_widths[lane] - 2 - (self._center(row) + 6)

    def _place_rows(self) -> None:
        """Vertical positions of every zone of every gap, and of the boxes."""
        count = len(self.steps)
        y = self.header_h
        self.gap_top: list[float] = []
        self.exit_y: list[float] = []
        self.entry_y: list[float] = []
        self.loop_y: list[list[float]] = []
        self.label_top: list[float] = []
        self.box_top: list[float] = []
        for gap in range(count + 1):
            self.gap_top.append(y)
            above = gap - 1
            if gap == 0:
                y += 26
            elif self.steps[above].is_end:
                y += 32
            elif self.branching[above]:
                y += 6 + DIAMOND_H + 4
            else:
                y += 4
            self.exit_y.append(y + TRACK / 2)
            if self.exits[gap]:
                y += TRACK
            if (self.exits[gap] and self.entries[gap] and self.lane_of[above] == self.lane_of[gap]):
                y += 6  # a line leaving the row above and one entering the row below share x: keep them apart
            self.entry_y.append(y + TRACK / 2)
            if self.entries[gap]:
                y += TRACK
            loops = self.loops_into[gap]
            self.loop_y.append([y + TRACK * (k + 0.5) for k in range(len(loops))])
            y += TRACK * len(loops)
            if gap == count:
                self.label_top.append(y)
                y += 6
                break
            lines = self.when_lines[gap] if self._has_entries(gap) else []
            y += 4
            self.label_top.append(y)
            if lines:
                y += LABEL_LINE * len(lines) + 4
            y = max(y + 8, self.gap_top[gap] + 24)
            self.box_top.append(y)
            y += self.box_h[gap]
        self.height = y

    def _has_entries(self, row: int) -> bool:
        return any(edge.target == row for edge in self.edges)

    # -- coordinates ----------------------------------------------------------------------------

    def lane_x(self, lane: int) -> float:
        return self.margin + lane * self.lane_w

    def _center(self, row: int) -> float:
        """Where arrows enter and leave the box: left of its middle, so that the `when` label to its
        right has two thirds of the box's width, and loops enter to its left."""
        lane = self.lane_of[row]
        return self.box_left[lane] + self.box_widths[lane] * SPINE

    def _bottom(self, row: int) -> float:
        return self.box_top[row] + self.box_h[row]

    def _gutter_x(self, edge: _Edge) -> float:
        boundary = self._gutter_of(edge)
        return self.lane_x(boundary) + _track_offsets(self.gutter_tracks[boundary])[self.gutter_run[edge].track]

    def _diamond_mid(self, row: int) -> float:
        return self._bottom(row) + 6 + DIAMOND_H / 2

    def _route(self) -> None:
        """The corner points of every edge, from its source box to the tip of its arrow."""
        self.points: dict[_Edge, list[tuple[float, float]]] = {}
        for edge in self.edges:
            s, t = edge.source, edge.target
            cs, ct = self._center(s), self._center(t)
            kind = self.kind[edge]
            if kind == "loop":
                gx = self._gutter_x(edge)
                k = self.loops_into[t].index(edge)
                spacing = min(LOOP_DX, (ct - self.box_left[self.lane_of[t]] - 8) / len(self.loops_into[t]))
                enter_x = ct - spacing * (k + 1)
                enter_y = self.loop_y[t][k]
                if self.branching[s]:
                    mid = self._diamond_mid(s)
                    points = [(cs, self._bottom(s)), (cs, mid), (gx, mid)]
                else:
                    mid = self.box_top[s] + self.box_h[s] / 2
                    points = [(self.box_left[self.lane_of[s]], mid), (gx, mid)]
                points += [(gx, enter_y), (enter_x, enter_y), (enter_x, self.box_top[t])]
            elif kind == "straight":
                points = [(cs, self._bottom(s)), (ct, self.box_top[t])]
            elif kind == "drop":
                y = self.exit_y[s + 1]
                points = [(cs, self._bottom(s)), (cs, y), (ct, y), (ct, self.box_top[t])]
            else:
                gx = self._gutter_x(edge)
                y1, y2 = self.exit_y[s + 1], self.entry_y[t]
                points = [(cs, self._bottom(s)), (cs, y1), (gx, y1), (gx, y2), (ct, y2), (ct, self.box_top[t])]
            self.points[edge] = points

    # -- drawing --------------------------------------------------------------------------------

    def svg(self) -> str:
        """The whole chart."""
        return self._svg_element(0.0, self.height, with_header=True, describe=True)

    def bands(self, tallest: float = BAND_HEIGHT) -> list[tuple[float, float]]:
        """Horizontal slices of the chart below the header, cut just under a box: a printed chart
        may break between pages there and repeat the lane headers. Consecutive rows are joined
        into one slice up to `tallest` px (each slice is one image for the printer to draw)."""
        cuts = [self.header_h] + [self._bottom(row) + 2 for row in range(len(self.steps) - 1)] + [self.height]
        kept = [cuts[0]]
        for index, cut in enumerate(cuts[1:], start=1):
            following = cuts[index + 1] if index + 1 < len(cuts) else None
            if following is None or following - kept[-1] > tallest:
                kept.append(cut)
        return list(zip(kept, kept[1:], strict=False))

    def svg_band(self, top: float, bottom: float, *, describe: bool = False) -> str:
        """The part of the chart between `top` and `bottom` (the header alone is `0, header_h`)."""
        return self._svg_element(top, bottom, with_header=True, describe=describe)

    def _svg_element(self, top: float, bottom: float, *, with_header: bool, describe: bool) -> str:
        height = bottom - top
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="officebook-flowchart'
                f'{" officebook-flowchart--vertical" if self.vertical else ""}" '
                f'width="{number(self.width)}" height="{number(height)}" '
                f'viewBox="0 {number(top)} {number(self.width)} {number(height)}" '
                f'font-family="{FONT_FAMILY}"')
        parts: list[str]
        if describe:
            title = flowchart_title(self.procedure, self.lang)
            desc = label("flowchart-desc", self.lang, title=self.procedure.title.get(self.lang),
                         count=len(self.steps))
            parts = [
                head + f' role="img" aria-labelledby="{self.prefix}-title {self.prefix}-desc">',
                f'<title id="{self.prefix}-title">{escape(title, quote=False)}</title>',
                f'<desc id="{self.prefix}-desc">{escape(desc + " " + self._flow_text(), quote=False)}</desc>',
            ]
        else:
            parts = [head + ' aria-hidden="true">']
        for low, high, markup in self._elements(with_header):
            if high >= top - 1 and low <= bottom + 1:
                parts.append(markup)
        parts.append("</svg>")
        return "\n".join(parts) + "\n"

    def _flow_text(self) -> str:
        """The flow in words, for screen readers."""
        sentences = []
        for row in step_rows(self.procedure):
            where = flow_text(row, self.lang, condition=lambda text: plain_text(text.get(self.lang)))
            sentences.append(f"{row.number}. {self.post_titles[row.actor]}{label('colon', self.lang)}{where}.")
        return " ".join(sentences)

    def _elements(self, with_header: bool) -> Iterable[tuple[float, float, str]]:
        """Every element with the vertical extent it covers, in drawing order."""
        yield from self._lanes(with_header)
        for edge in self.edges:
            yield from self._edge(edge)
        yield from self._markers()
        for row in range(len(self.steps)):
            yield from self._label(row)
            yield from self._box(row)

    def _lanes(self, with_header: bool) -> Iterable[tuple[float, float, str]]:
        for lane, post in enumerate(self.lanes):
            x = self.lane_x(lane)
            highlighted = post is not None and post == self.highlight
            fill = HIGHLIGHT_FILL if highlighted else LANE_FILLS[lane % 2]
            data = f' data-post="{escape(post)}"' if post else ""
            cls = "lane lane--highlight" if highlighted else "lane"
            yield 0, self.height, (
                f'<rect class="{cls}"{data} x="{number(x)}" y="0" width="{number(self.lane_w)}" '
                f'height="{number(self.height)}" fill="{fill}" stroke="{LANE_LINE}" stroke-width="1"/>')
        if not with_header:
            return
        for lane, lines in enumerate(self.header_lines):
            x = self.lane_x(lane)
            parts = [f'<g class="lane-header"><rect x="{number(x)}" y="0" width="{number(self.lane_w)}" '
                     f'height="{number(self.header_h)}" fill="{HEADER_FILL}" stroke="{LANE_LINE}" stroke-width="1"/>']
            top = (self.header_h - HEADER_LINE * len(lines)) / 2
            for index, line in enumerate(lines):
                parts.append(text_element(x + self.lane_w / 2, top + HEADER_LINE * index + 12, line,
                                          size=HEADER_FONT, anchor="middle", weight="bold", fill=INK))
            parts.append("</g>")
            yield 0, self.header_h, "".join(parts)

    def _edge(self, edge: _Edge) -> Iterable[tuple[float, float, str]]:
        points = self.points[edge]
        loop = edge.is_loop
        colour = REWORK if loop else FLOW
        (x1, y1), (x2, y2) = points[-2], points[-1]
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        base = (x2 - dx * ARROW, y2 - dy * ARROW)
        commands = [f"M{number(points[0][0])} {number(points[0][1])}"]
        for (_, py), (qx, qy) in zip(points, points[1:], strict=False):
            commands.append(f"H{number(qx)}" if py == qy else f"V{number(qy)}")
        source, target = self.steps[edge.source].id, self.steps[edge.target].id
        data = f'data-from="{escape(source)}" data-to="{escape(target)}"'
        dash = ' stroke-dasharray="5 3"' if loop else ""
        ys = [p[1] for p in points]
        low, high = min(ys), max(ys)
        yield low, high, (f'<path class="edge{" edge--loop" if loop else ""}" {data} d="{" ".join(commands)}" '
                          f'fill="none" stroke="{colour}" stroke-width="1.5" stroke-linejoin="round"{dash}/>')
        left = (base[0] - dy * 4, base[1] + dx * 4)
        right = (base[0] + dy * 4, base[1] - dx * 4)
        yield y2 - ARROW, y2, (
            f'<polygon class="arrowhead" {data} points="{number(x2)},{number(y2)} {number(left[0])},'
            f'{number(left[1])} {number(right[0])},{number(right[1])}" fill="{colour}"/>')

    def _markers(self) -> Iterable[tuple[float, float, str]]:
        """The start dot, an end ring under each last step, a decision diamond under each branching step."""
        if not self.steps:
            return
        x, cy = self._center(0), self.gap_top[0] + 10
        top = self.box_top[0]
        yield cy - 7, top, (
            f'<g class="start"><circle cx="{number(x)}" cy="{number(cy)}" r="7" fill="{INK}"/>'
            f'<path d="M{number(x)} {number(cy + 7)} V{number(top - ARROW)}" stroke="{INK}" stroke-width="1.5"/>'
            f'<polygon points="{number(x)},{number(top)} {number(x - 4)},{number(top - ARROW)} '
            f'{number(x + 4)},{number(top - ARROW)}" fill="{INK}"/></g>')
        for row, step in enumerate(self.steps):
            x, bottom = self._center(row), self._bottom(row)
            if step.is_end:
                cy = bottom + 18
                yield bottom, cy + 8, (
                    f'<g class="end"><path d="M{number(x)} {number(bottom)} V{number(cy - 8)}" stroke="{INK}" '
                    f'stroke-width="1.4"/><circle cx="{number(x)}" cy="{number(cy)}" r="8" fill="#ffffff" '
                    f'stroke="{INK}" stroke-width="1.6"/><circle cx="{number(x)}" cy="{number(cy)}" r="4.5" '
                    f'fill="{INK}"/></g>')
            elif self.branching[row]:
                mid = self._diamond_mid(row)
                w, h = DIAMOND_W / 2, DIAMOND_H / 2
                yield mid - h, mid + h, (
                    f'<polygon class="decision" data-step="{escape(step.id)}" points="{number(x)},{number(mid - h)} '
                    f'{number(x + w)},{number(mid)} {number(x)},{number(mid + h)} {number(x - w)},{number(mid)}" '
                    f'fill="#ffffff" stroke="{FLOW}" stroke-width="1.5"/>')

    def _label(self, row: int) -> Iterable[tuple[float, float, str]]:
        lines = self.when_lines[row]
        if not lines or not self._has_entries(row):
            return
        x = self._center(row) + 6
        top = self.label_top[row]
        height = LABEL_LINE * len(lines) + 2
        width = max(text_width(line, LABEL_FONT) for line in lines) + 6
        full = plain_text(self.steps[row].when.get(self.lang))
        style = "normal" if CJK_TEXT.search(full) else "italic"  # a slanted CJK face is a synthetic one
        parts = [f'<g class="when" data-step="{escape(self.steps[row].id)}">'
                 f'<rect x="{number(x)}" y="{number(top)}" width="{number(width)}" height="{number(height)}" '
                 f'rx="3" fill="#ffffff" fill-opacity="0.9"/>']
        for index, line in enumerate(lines):
            parts.append(text_element(x + 3, top + LABEL_LINE * (index + 1) - 2.5, line, size=LABEL_FONT,
                                      fill=INK, style=style))
        parts.append("</g>")
        yield top, top + height, "".join(parts)

    def _box(self, row: int) -> Iterable[tuple[float, float, str]]:
        step = self.steps[row]
        x = self.box_left[self.lane_of[row]]
        y = self.box_top[row]
        height = self.box_h[row]
        actor = self.post_titles[step.actor]
        highlighted = step.actor is not None and step.actor == self.highlight
        full = f"{step.number}. {actor}: {plain_text(step.action.get(self.lang))}"
        stroke = 2.2 if step.is_end or highlighted else 1.3
        parts = [
            f'<g class="step{" step--highlight" if highlighted else ""}" data-step="{escape(step.id)}" '
            f'id="{self.prefix}-step-{escape(step.id)}"><title>{escape(full, quote=False)}</title>',
            f'<rect x="{number(x)}" y="{number(y)}" width="{number(self._box_w(row))}" height="{number(height)}" '
            f'rx="6" fill="{HIGHLIGHT_FILL if highlighted else "#ffffff"}" stroke="{BOX_STROKE}" '
            f'stroke-width="{stroke}"/>',
        ]
        badge_x, badge_y = x + BOX_PAD + BADGE_R - 2, y + BOX_PAD + BADGE_R - 1
        parts.append(f'<circle cx="{number(badge_x)}" cy="{number(badge_y)}" r="{number(BADGE_R)}" fill="{FLOW}"/>')
        parts.append(text_element(badge_x, badge_y + 4, str(step.number), size=11, anchor="middle", weight="bold",
                                  fill="#ffffff"))
        line_y = y + BOX_PAD + 13
        indent = 2 * BADGE_R + 4
        for index, line in enumerate(self.actor_lines[row]):
            parts.append(text_element(x + BOX_PAD + (indent if index == 0 else 0), line_y, line, size=ACTOR_FONT,
                                      weight="bold", fill=FLOW))
            line_y += LINE
        first_indent = 0 if self.actor_lines[row] else indent
        for index, line in enumerate(self.text_lines[row]):
            if line:
                parts.append(text_element(x + BOX_PAD + (first_indent if index == 0 else 0), line_y, line,
                                          size=FONT, fill=INK))
            line_y += LINE
        parts.append("</g>")
        yield y, y + height, "\n".join(parts)
