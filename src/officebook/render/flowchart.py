"""A procedure's flowchart as a standalone, deterministic inline SVG.

Layout: one swimlane (column) per acting post, headed by the post's title; one row per step, in
list order, so each row holds exactly one box. Arrows follow `Step.next`:

- to the next row: straight down, or down-across-down through the gap between the rows;
- forward past other rows: down into the gap, across to a gutter between lanes, down the gutter,
  across the gap above the target and down into it;
- back to an earlier step (rework): from the box's right side to a gutter right of both boxes, up,
  and into the target's right side — dashed and in a second colour, so loops stand out.

Every arrow into a step carries that step's `when`, drawn once above the step's box, right of where
the arrows enter. A filled dot marks the start, a ringed dot each end. Vertical runs in the same
gutter and horizontal runs in the same gap get separate tracks unless they share a source or a
target (then they merge, like a bus). Only presentation attributes are used, so WeasyPrint renders it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from officebook.model import Manual, Procedure, Step
from officebook.render.labels import label
from officebook.render.markdown import first_sentence, plain_text
from officebook.render.svgtext import CJK_TEXT, FONT_FAMILY, number, text_element, text_width, wrap

FONT = 12.5
LINE = 16.0
LABEL_FONT = 11.0
LABEL_LINE = 14.0
HEADER_FONT = 13.0
BOX_PAD = 8.0
BADGE_R = 9.0
TRACK = 7.0
MIN_BOX_H = 38.0
ACTION_LINES = 4
LABEL_LINES = 3
HEADER_LINES = 3
TARGET_WIDTH = 760.0

INK = "#1f2937"
FLOW = "#1e4e8c"
REWORK = "#b45309"
LANE_FILLS = ("#f3f6fa", "#ffffff")
LANE_LINE = "#c4cedb"
HEADER_FILL = "#e3eaf3"
BOX_STROKE = "#1e4e8c"


@dataclass(frozen=True)
class _Edge:
    source: int  # row of the step the arrow leaves
    target: int  # row of the step it enters

    @property
    def is_rework(self) -> bool:
        return self.target <= self.source

    @property
    def is_adjacent(self) -> bool:
        return self.target == self.source + 1


@dataclass
class _Segment:
    """A run that needs a track: a vertical run in a gutter or a horizontal run in a gap."""

    edge: _Edge
    low: float  # interval along the run, in abstract or pixel units
    high: float
    track: int = 0
    min_track: int = 0


def flowchart_svg(procedure: Procedure, manual: Manual, lang: str, *, id_prefix: str = "flow") -> str:
    """The flowchart of `procedure` in `lang` as an `<svg>` element (ids start with `id_prefix`)."""
    return _Layout(procedure, manual, lang, id_prefix).svg()


def flowchart_title(procedure: Procedure, lang: str) -> str:
    """The flowchart's accessible name, `Flowchart: Document review`: the SVG's <title>, or an image's alt."""
    return label("flowchart", lang) + label("colon", lang) + procedure.title.get(lang)


def _assign_tracks(segments: list[_Segment], pad: float = 0.0) -> int:
    """Greedy interval colouring, in the given order; runs sharing a source or a target may share
    a track, and a run never goes below its `min_track`."""
    placed: list[_Segment] = []
    for segment in segments:
        track = segment.min_track
        while any(
            other.track == track
            and other.low <= segment.high + pad
            and segment.low <= other.high + pad
            and other.edge.source != segment.edge.source
            and other.edge.target != segment.edge.target
            for other in placed
        ):
            track += 1
        segment.track = track
        placed.append(segment)
    return 1 + max((s.track for s in placed), default=-1)


class _Layout:
    def __init__(self, procedure: Procedure, manual: Manual, lang: str, id_prefix: str) -> None:
        self.procedure = procedure
        self.lang = lang
        self.prefix = id_prefix
        self.steps: tuple[Step, ...] = procedure.steps
        self.row_of = {step.id: row for row, step in enumerate(self.steps)}
        self.lanes: list[str | None] = list(procedure.actors)
        if any(step.actor is None for step in self.steps):
            self.lanes.append(None)
        self.lane_of = [self.lanes.index(step.actor) for step in self.steps]
        self.lane_titles = [
            manual.posts[post].title.get(lang) if post in manual.posts else (post or "?")
            for post in self.lanes
        ]
        self.edges = sorted(
            {_Edge(row, self.row_of[target]) for row, step in enumerate(self.steps)
             for target in step.next if target in self.row_of},
            key=lambda e: (e.source, e.target),
        )
        self._route_gutters()
        self._measure()
        self._route_gaps()
        self._place_rows()

    # -- abstract routing: which gutter, which track --------------------------------------------

    def _route_gutters(self) -> None:
        """Choose the gutter (lane boundary) of every run along a gutter, and its track."""
        self.gutter_of: dict[_Edge, int] = {}
        by_boundary: dict[int, list[_Segment]] = {}
        for edge in self.edges:
            source_lane, target_lane = self.lane_of[edge.source], self.lane_of[edge.target]
            if edge.is_rework:
                boundary = max(source_lane, target_lane) + 1
                low, high = 2 * edge.target + 1, 2 * edge.source + 1
            elif edge.is_adjacent:
                continue
            else:
                if target_lane > source_lane:
                    boundary = target_lane
                elif target_lane < source_lane:
                    boundary = target_lane + 1
                else:
                    boundary = source_lane
                low, high = 2 * (edge.source + 1), 2 * edge.target
            self.gutter_of[edge] = boundary
            by_boundary.setdefault(boundary, []).append(_Segment(edge, low, high))
        self.gutter_segments = {
            edge: segment for segments in by_boundary.values() for segment in segments
            for edge in [segment.edge]
        }
        self.gutter_tracks = {
            boundary: _assign_tracks(sorted(segments, key=lambda s: (s.low, s.high, s.edge.source, s.edge.target)))
            for boundary, segments in sorted(by_boundary.items())
        }

    # -- sizes ----------------------------------------------------------------------------------

    def _measure(self) -> None:
        lanes = max(1, len(self.lanes))
        max_tracks = max(self.gutter_tracks.values(), default=0)
        self.half_gutter = max(14.0, TRACK * max_tracks / 2 + 8)
        self.lane_w = max(150.0, min(220.0, TARGET_WIDTH / lanes))
        self.box_w = self.lane_w - 2 * self.half_gutter
        if self.box_w < 120:
            self.lane_w += 120 - self.box_w
            self.box_w = 120.0
        self.margin = self.half_gutter + 2
        self.width = lanes * self.lane_w + 2 * self.margin
        text_w = self.box_w - 2 * BOX_PAD
        self.header_lines = [
            wrap(title, self.lane_w - 12, HEADER_FONT, max_lines=HEADER_LINES) for title in self.lane_titles
        ]
        self.header_h = 14 + LINE * max((len(lines) for lines in self.header_lines), default=1)
        self.action_lines: list[list[str]] = []
        self.box_h: list[float] = []
        for step in self.steps:
            text = first_sentence(plain_text(step.action.get(self.lang)))
            lines = wrap(text, text_w, FONT, max_lines=ACTION_LINES, first_width=text_w - 2 * BADGE_R - 4)
            self.action_lines.append(lines)
            self.box_h.append(max(MIN_BOX_H, 2 * BOX_PAD + LINE * len(lines) + 2))
        label_w = self.box_w / 2 - 6
        self.when_lines = [
            wrap(plain_text(step.when.get(self.lang)), label_w, LABEL_FONT, max_lines=LABEL_LINES)
            if step.when else []
            for step in self.steps
        ]

    # -- gaps between rows: horizontal runs -----------------------------------------------------

    def _lane_center(self, lane: int) -> float:
        return self.margin + (lane + 0.5) * self.lane_w

    def _gutter_x(self, edge: _Edge) -> float:
        boundary = self.gutter_of[edge]
        tracks = self.gutter_tracks[boundary]
        offset = (self.gutter_segments[edge].track - (tracks - 1) / 2) * TRACK
        if tracks % 2:  # keep every track off the lane border itself
            offset += TRACK / 2
        return self.margin + boundary * self.lane_w + offset

    def _route_gaps(self) -> None:
        """Gap g lies above row g (gap len(steps) below the last): give each horizontal run a track,
        runs leaving the row above first, runs only entering the row below after them."""
        count = len(self.steps)
        self.exit_runs: dict[int, list[_Segment]] = {g: [] for g in range(count + 1)}
        self.entry_runs: dict[int, list[_Segment]] = {g: [] for g in range(count + 1)}
        for edge in self.edges:
            if edge.is_rework:
                continue
            source_x = self._lane_center(self.lane_of[edge.source])
            target_x = self._lane_center(self.lane_of[edge.target])
            if edge.is_adjacent:
                if source_x != target_x:
                    self.exit_runs[edge.target].append(
                        _Segment(edge, min(source_x, target_x), max(source_x, target_x)))
                continue
            gutter_x = self._gutter_x(edge)
            self.exit_runs[edge.source + 1].append(
                _Segment(edge, min(source_x, gutter_x), max(source_x, gutter_x)))
            self.entry_runs[edge.target].append(
                _Segment(edge, min(target_x, gutter_x), max(target_x, gutter_x)))
        self.gap_tracks: dict[int, int] = {}
        for gap in range(count + 1):
            exits = sorted(self.exit_runs[gap], key=lambda s: (s.low, s.high, s.edge.target))
            exit_tracks = _assign_tracks(exits, pad=4)
            entries = sorted(self.entry_runs[gap], key=lambda s: (s.low, s.high, s.edge.source))
            for segment in entries:
                if self._entry_would_overlap_exit(gap):
                    segment.min_track = exit_tracks
            self.gap_tracks[gap] = _assign_tracks(exits + entries, pad=4)

    def _entry_would_overlap_exit(self, gap: int) -> bool:
        """An arrow entering the row below a gap runs down the same line as one leaving the row
        above when both rows share a lane and the upper step does not lead to the lower one: then
        entering runs go below every leaving run, so the two vertical lines never overlap."""
        if gap == 0 or gap == len(self.steps):
            return False
        same_lane = self.lane_of[gap - 1] == self.lane_of[gap]
        return same_lane and _Edge(gap - 1, gap) not in self.edges

    def _place_rows(self) -> None:
        """Vertical positions: each gap stacks a marker zone, its tracks and the `when` label."""
        count = len(self.steps)
        y = self.header_h
        self.gap_top: list[float] = []
        self.track_top: list[float] = []
        self.box_top: list[float] = []
        for gap in range(count + 1):
            self.gap_top.append(y)
            above_is_end = gap == 0 or self.steps[gap - 1].is_end
            y += 28 if above_is_end else 6
            self.track_top.append(y)
            y += TRACK * self.gap_tracks[gap]
            if gap < count:
                y += 6 + LABEL_LINE * len(self.when_lines[gap]) + (4 if self.when_lines[gap] else 0)
                y = max(y, self.gap_top[gap] + 22)
                self.box_top.append(y)
                y += self.box_h[gap]
            else:
                y += 6
        self.height = y

    def _track_y(self, gap: int, track: int) -> float:
        return self.track_top[gap] + TRACK * (track + 0.5)

    # -- drawing --------------------------------------------------------------------------------

    def svg(self) -> str:
        title = flowchart_title(self.procedure, self.lang)
        desc = label("flowchart-desc", self.lang, title=self.procedure.title.get(self.lang), count=len(self.steps))
        parts = [
            (f'<svg xmlns="http://www.w3.org/2000/svg" class="officebook-flowchart" '
             f'width="{number(self.width)}" height="{number(self.height)}" '
             f'viewBox="0 0 {number(self.width)} {number(self.height)}" role="img" '
             f'aria-labelledby="{self.prefix}-title {self.prefix}-desc" font-family="{FONT_FAMILY}">'),
            f'<title id="{self.prefix}-title">{escape(title, quote=False)}</title>',
            f'<desc id="{self.prefix}-desc">{escape(desc + " " + self._flow_text(), quote=False)}</desc>',
        ]
        parts += self._lanes()
        parts += self._start_and_ends()
        for edge in self.edges:
            parts += self._edge(edge)
        parts += self._when_labels()
        for row in range(len(self.steps)):
            parts += self._box(row)
        parts.append("</svg>")
        return "\n".join(parts) + "\n"

    def _flow_text(self) -> str:
        """The flow in words, for screen readers."""
        sentences = []
        for row, step in enumerate(self.steps):
            targets = [self.row_of[t] + 1 for t in step.next if t in self.row_of]
            where = label("goes-to", self.lang, numbers=", ".join(map(str, targets))) if targets else label("ends", self.lang)
            sentences.append(f"{step.number}. {self.lane_titles[self.lane_of[row]]}: {where}.")
        return " ".join(sentences)

    def _lanes(self) -> Iterable[str]:
        for lane, lines in enumerate(self.header_lines):
            x = self.margin + lane * self.lane_w
            yield (f'<rect x="{number(x)}" y="0" width="{number(self.lane_w)}" height="{number(self.height)}" '
                   f'fill="{LANE_FILLS[lane % 2]}" stroke="{LANE_LINE}" stroke-width="1"/>')
            yield (f'<rect x="{number(x)}" y="0" width="{number(self.lane_w)}" height="{number(self.header_h)}" '
                   f'fill="{HEADER_FILL}" stroke="{LANE_LINE}" stroke-width="1"/>')
            top = (self.header_h - LINE * len(lines)) / 2
            for index, line in enumerate(lines):
                yield text_element(x + self.lane_w / 2, top + LINE * index + 12, line, size=HEADER_FONT,
                                   anchor="middle", weight="bold", fill=INK)

    def _start_and_ends(self) -> Iterable[str]:
        if not self.steps:
            return
        x = self._lane_center(self.lane_of[0])
        cy = self.gap_top[0] + 11
        yield f'<circle cx="{number(x)}" cy="{number(cy)}" r="7" fill="{INK}"/>'
        yield from self._arrow([(x, cy + 7), (x, self.box_top[0])], FLOW, dashed=False)
        for row, step in enumerate(self.steps):
            if not step.is_end:
                continue
            x = self._lane_center(self.lane_of[row])
            bottom = self.box_top[row] + self.box_h[row]
            cy = bottom + 17
            yield (f'<line x1="{number(x)}" y1="{number(bottom)}" x2="{number(x)}" y2="{number(cy - 8)}" '
                   f'stroke="{INK}" stroke-width="1.4"/>')
            yield (f'<circle cx="{number(x)}" cy="{number(cy)}" r="8" fill="#ffffff" stroke="{INK}" '
                   f'stroke-width="1.6"/>')
            yield f'<circle cx="{number(x)}" cy="{number(cy)}" r="4.5" fill="{INK}"/>'

    def _edge(self, edge: _Edge) -> Iterable[str]:
        source_x = self._lane_center(self.lane_of[edge.source])
        target_x = self._lane_center(self.lane_of[edge.target])
        bottom = self.box_top[edge.source] + self.box_h[edge.source]
        top = self.box_top[edge.target]
        if edge.is_rework:
            gutter_x = self._gutter_x(edge)
            offset = min(8.0, self.box_h[edge.target] / 4)
            leave_y = self.box_top[edge.source] + self.box_h[edge.source] / 2 + offset
            enter_y = self.box_top[edge.target] + self.box_h[edge.target] / 2 - offset
            source_right = source_x + self.box_w / 2
            target_right = target_x + self.box_w / 2
            points = [(source_right, leave_y), (gutter_x, leave_y), (gutter_x, enter_y), (target_right, enter_y)]
            yield from self._arrow(points, REWORK, dashed=True)
            return
        if edge.is_adjacent:
            if source_x == target_x:
                points = [(source_x, bottom), (target_x, top)]
            else:
                y = self._track_y(edge.target, self._run(self.exit_runs[edge.target], edge).track)
                points = [(source_x, bottom), (source_x, y), (target_x, y), (target_x, top)]
            yield from self._arrow(points, FLOW, dashed=False)
            return
        gutter_x = self._gutter_x(edge)
        leave_y = self._track_y(edge.source + 1, self._run(self.exit_runs[edge.source + 1], edge).track)
        enter_y = self._track_y(edge.target, self._run(self.entry_runs[edge.target], edge).track)
        points = [(source_x, bottom), (source_x, leave_y), (gutter_x, leave_y), (gutter_x, enter_y),
                  (target_x, enter_y), (target_x, top)]
        yield from self._arrow(points, FLOW, dashed=False)

    @staticmethod
    def _run(runs: list[_Segment], edge: _Edge) -> _Segment:
        return next(run for run in runs if run.edge == edge)

    @staticmethod
    def _arrow(points: list[tuple[float, float]], colour: str, *, dashed: bool) -> Iterable[str]:
        """An orthogonal polyline ending in a filled arrowhead (a polygon, not an SVG marker)."""
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        (x1, y1), (x2, y2) = points[-2], points[-1]
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        length, half = 8.0, 4.0
        base = (x2 - dx * length, y2 - dy * length)
        shortened = points[:-1] + [base]
        path = " ".join(("M" if i == 0 else "L") + f"{number(x)} {number(y)}" for i, (x, y) in enumerate(shortened))
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        yield (f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5" '
               f'stroke-linejoin="round"{dash}/>')
        left = (base[0] - dy * half, base[1] + dx * half)
        right = (base[0] + dy * half, base[1] - dx * half)
        yield (f'<polygon points="{number(x2)},{number(y2)} {number(left[0])},{number(left[1])} '
               f'{number(right[0])},{number(right[1])}" fill="{colour}"/>')

    def _when_labels(self) -> Iterable[str]:
        for row, lines in enumerate(self.when_lines):
            if not lines:
                continue
            x = self._lane_center(self.lane_of[row]) + 6
            bottom = self.box_top[row] - 4
            top = bottom - LABEL_LINE * len(lines)
            width = max(text_width(line, LABEL_FONT) for line in lines) + 6
            full = plain_text(self.steps[row].when.get(self.lang))
            style = "normal" if CJK_TEXT.search(full) else "italic"  # a slanted CJK face is a synthetic one
            yield f"<g><title>{escape(full, quote=False)}</title>"
            yield (f'<rect x="{number(x - 2)}" y="{number(top - 1)}" width="{number(width)}" '
                   f'height="{number(LABEL_LINE * len(lines) + 2)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>')
            for index, line in enumerate(lines):
                yield text_element(x + 1, top + LABEL_LINE * (index + 1) - 3.5, line, size=LABEL_FONT,
                                   fill=INK, style=style)
            yield "</g>"

    def _box(self, row: int) -> Iterable[str]:
        step = self.steps[row]
        x = self._lane_center(self.lane_of[row]) - self.box_w / 2
        y = self.box_top[row]
        height = self.box_h[row]
        full = f"{step.number}. {self.lane_titles[self.lane_of[row]]}: {plain_text(step.action.get(self.lang))}"
        yield f'<g id="{self.prefix}-step-{escape(step.id)}"><title>{escape(full, quote=False)}</title>'
        yield (f'<rect x="{number(x)}" y="{number(y)}" width="{number(self.box_w)}" height="{number(height)}" '
               f'rx="6" fill="#ffffff" stroke="{BOX_STROKE}" stroke-width="{2.2 if step.is_end else 1.3}"/>')
        badge_x, badge_y = x + BOX_PAD + BADGE_R - 2, y + BOX_PAD + BADGE_R - 2
        yield f'<circle cx="{number(badge_x)}" cy="{number(badge_y)}" r="{number(BADGE_R)}" fill="{FLOW}"/>'
        yield text_element(badge_x, badge_y + 4, str(step.number), size=11, anchor="middle", weight="bold",
                           fill="#ffffff")
        lines = self.action_lines[row]
        text_top = y + BOX_PAD - 1
        for index, line in enumerate(lines):
            indent = 2 * BADGE_R + 4 if index == 0 else 0
            yield text_element(x + BOX_PAD + indent, text_top + LINE * index + 12.5, line, size=FONT, fill=INK)
        yield "</g>"
