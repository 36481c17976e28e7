"""Where a flowchart's lanes, boxes and edges go (drawn by `drawing`, cut into pages by `pages`).

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
Graphviz and ELK are native/Java), hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from officebook.model import Manual, Procedure, Step
from officebook.render.svgtext import text_width, wrap
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
BADGE_INDENT = 2 * BADGE_R + 4  # a box's first line starts right of the step number's badge
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
SPINE = 0.34  # arrows meet a box this far across it
GUTTER_CLEAR = 7.0  # space between a gutter's outermost track and a box or the chart's edge

Point = tuple[float, float]


def flowchart_title(procedure: Procedure, lang: str) -> str:
    """The flowchart's accessible name, `流程图：公文审核`: the SVG's <title>, or an image's alt."""
    return label("flowchart", lang) + label("colon", lang) + procedure.title.get(lang)


def step_box_text(step: Step, lang: str) -> str:
    """What a step's box says: its `title` when it has one, otherwise its whole action."""
    return plain_text(step.name.get(lang))


@dataclass(frozen=True)
class Edge:
    """An arrow from one step's row to another's."""

    source: int  # row of the step the edge leaves
    target: int  # row of the step it enters

    @property
    def is_loop(self) -> bool:
        return self.target <= self.source


@dataclass
class _Run:
    """A vertical run in a gutter, over an interval of abstract heights (gap g = 2g, row r = 2r+1)."""

    edge: Edge
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


class FlowchartGeometry:
    """Positions of lanes, boxes and edges, laid out to `lanes_width` px (640 px: the web's column).
    `compact` (paper) draws the headers and the space above each box a little tighter, and lets
    the end marker under a last step share its height with the next row where that row is in
    another lane and no line passes the marker."""

    def __init__(self, procedure: Procedure, manual: Manual, lang: str, id_prefix: str = "flow", *,
                 vertical: bool = False, highlight_post: str | None = None,
                 lanes_width: float = LANES_WIDTH, compact: bool = False) -> None:
        self.procedure = procedure
        self.lanes_width = lanes_width
        self.compact = compact
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
            {Edge(row, self.row_of[target]) for row, step in enumerate(self.steps)
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
        self.kind: dict[Edge, str] = {}
        self.exits: dict[int, list[Edge]] = {g: [] for g in range(len(self.steps) + 1)}  # gap -> edges
        self.entries: dict[int, list[Edge]] = {g: [] for g in range(len(self.steps) + 1)}
        self.loops_into: dict[int, list[Edge]] = {g: [] for g in range(len(self.steps) + 1)}
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

    def _gutter_of(self, edge: Edge) -> int:
        """The lane boundary (0 = left of the first lane) whose channel the edge runs in."""
        source_lane, target_lane = self.lane_of[edge.source], self.lane_of[edge.target]
        if edge.is_loop:
            return min(source_lane, target_lane)
        if target_lane > source_lane:
            return target_lane
        return target_lane + 1

    def _route_gutters(self) -> None:
        by_boundary: dict[int, list[_Run]] = {}
        self.gutter_run: dict[Edge, _Run] = {}
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
        target = VERTICAL_WIDTH if self.vertical else self.lanes_width
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
            padding = 8 if self.compact else 12
            self.header_h = padding + HEADER_LINE * max(len(lines) for lines in self.header_lines)
        self.actor_lines: list[list[str]] = []
        self.text_lines: list[list[str]] = []
        self.box_h: list[float] = []
        for row, step in enumerate(self.steps):
            text_w = self._box_w(row) - 2 * BOX_PAD
            actor = (wrap(self.post_titles[step.actor], text_w, ACTOR_FONT, first_width=text_w - BADGE_INDENT,
                          overhang=BOX_PAD - 1) if self.vertical else [])
            first = text_w if actor else text_w - BADGE_INDENT
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

    def _label_left(self, row: int) -> float:
        """Where a `when` label starts: right of the arrows entering the box."""
        return self._center(row) + 6

    def _label_width(self, row: int) -> float:
        """A `when` label runs from right of the arrows entering the box to the box's right edge."""
        lane = self.lane_of[row]
        return self.box_left[lane] + self.box_widths[lane] - 2 - self._label_left(row)

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
        self.cut_y: list[float] = []
        for gap in range(count + 1):
            self.gap_top.append(y)
            above = gap - 1
            lowest = y + 24  # the box below starts no higher
            if gap == 0:
                y += 22 if self.compact else 26
            elif self.steps[above].is_end and self.compact and self._end_beside(above, gap):
                y += 4
                lowest = y + 24  # clear of the end ring (26 px under the box), which is in another lane
            elif self.steps[above].is_end:
                y += 32
            elif self.branching[above]:
                y += 6 + DIAMOND_H + 4
            else:
                y += 4
            self.exit_y.append(y + TRACK / 2)
            if self.exits[gap]:
                y += TRACK
            # Here every line that crosses the gap runs vertically: a page may cut the chart here.
            self.cut_y.append(y)
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
            pad = 3 if self.compact else 4
            y += pad
            self.label_top.append(y)
            if lines:
                y += LABEL_LINE * len(lines) + pad
            y = max(y + (6 if self.compact else 8), lowest)
            self.box_top.append(y)
            y += self.box_h[gap]
        self.height = y

    def _end_beside(self, end: int, row: int) -> bool:
        """Whether the end marker under row `end` is clear of `row` (below it, in another lane) and of
        the lines that turn in the gap between them."""
        if row >= len(self.steps) or self.lane_of[end] == self.lane_of[row]:
            return False
        x = self._center(end)
        for edge in self.entries[row] + self.loops_into[row]:
            xs = (self._gutter_x(edge), self._center(edge.target))
            if min(xs) - 10 <= x <= max(xs) + 10:
                return False
        return True

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

    def _gutter_x(self, edge: Edge) -> float:
        boundary = self._gutter_of(edge)
        return self.lane_x(boundary) + _track_offsets(self.gutter_tracks[boundary])[self.gutter_run[edge].track]

    def _diamond_mid(self, row: int) -> float:
        return self._bottom(row) + 6 + DIAMOND_H / 2

    # -- where the drawings put their marks and text (`drawing` for paper, `web` for the site) ----

    def header_text(self, lane: int) -> list[tuple[float, float, str]]:
        """A lane header's lines: the x each is centred on, its baseline, the line."""
        lines = self.header_lines[lane]
        x, top = self.lane_x(lane) + self.lane_w / 2, (self.header_h - HEADER_LINE * len(lines)) / 2
        return [(x, top + HEADER_LINE * index + 12, line) for index, line in enumerate(lines)]

    @staticmethod
    def arrowhead_corners(before: Point, tip: Point) -> tuple[Point, Point, Point]:
        """An arrowhead pointing the way from `before` to `tip`: the tip and its two back corners."""
        (x1, y1), (x2, y2) = before, tip
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        base = (x2 - dx * ARROW, y2 - dy * ARROW)
        return tip, (base[0] - dy * 4, base[1] + dx * 4), (base[0] + dy * 4, base[1] - dx * 4)

    def start_dot(self) -> tuple[float, float, float]:
        """The start dot's centre (x, y) and the top of the first box, which its arrow points at."""
        return self._center(0), self.gap_top[0] + 10, self.box_top[0]

    def end_ring(self, row: int) -> tuple[float, float, float]:
        """The ring under a last step: its x, the box's bottom (where its line starts), its centre y."""
        bottom = self._bottom(row)
        return self._center(row), bottom, bottom + 18

    def diamond_corners(self, row: int) -> list[Point]:
        """The decision diamond under a branching step: top, right, bottom and left corners."""
        x, mid, w, h = self._center(row), self._diamond_mid(row), DIAMOND_W / 2, DIAMOND_H / 2
        return [(x, mid - h), (x + w, mid), (x, mid + h), (x - w, mid)]

    def label_ground(self, row: int) -> tuple[float, float, float, float]:
        """The white ground under a step's `when` label: x, top, width, height."""
        lines = self.when_lines[row]
        return (self._label_left(row), self.label_top[row], max(text_width(line, LABEL_FONT) for line in lines) + 6,
                LABEL_LINE * len(lines) + 2)

    def label_text(self, row: int) -> list[tuple[float, float, str]]:
        """A `when` label's lines: where each starts, its baseline, the line."""
        x, top = self._label_left(row), self.label_top[row]  # the ground's corner, without measuring its text
        return [(x + 3, top + LABEL_LINE * (index + 1) - 2.5, line) for index, line in enumerate(self.when_lines[row])]

    def badge_centre(self, row: int) -> Point:
        """The centre of the step number's badge, in the box's top left corner."""
        return self.box_left[self.lane_of[row]] + BOX_PAD + BADGE_R - 2, self.box_top[row] + BOX_PAD + BADGE_R - 1

    def box_text(self, row: int) -> list[tuple[float, float, str, bool]]:
        """A box's lines: where each starts, its baseline, the line, and whether it names the actor
        (the narrow drawing's boxes do, above the step's text). The first line starts right of the
        badge; an empty line keeps its space."""
        lines = [(line, True) for line in self.actor_lines[row]] + [(line, False) for line in self.text_lines[row]]
        x, y = self.box_left[self.lane_of[row]] + BOX_PAD, self.box_top[row] + BOX_PAD + 13
        return [(x + (BADGE_INDENT if index == 0 else 0), y + LINE * index, line, actor)
                for index, (line, actor) in enumerate(lines) if line]

    def _route(self) -> None:
        """The corner points of every edge, from its source box to the tip of its arrow."""
        self.points: dict[Edge, list[tuple[float, float]]] = {}
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

