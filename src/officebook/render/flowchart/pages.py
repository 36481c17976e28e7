"""A flowchart on paper: whole on a portrait page where it fits, else whole on a landscape page, else
cut between rows into page-sized parts, each a drawing of its own.

A part repeats the lane headers. Every line a cut crosses ends at the cut in an off-page connector on
both parts (the off-page connector of common flowchart practice: a small numbered pentagon pointing
the way the flow goes): "转第6步“批办”" where the flow leaves a part, "接第5步“拟办”" where it comes
in, the loops back included; where the title would wrap, the step's number alone. A cut lies where every crossing line runs vertically (the
layout's `cut_y`), so a line is continued, never redrawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from officebook.model import Manual, Procedure
from officebook.render.flowchart.drawing import FLOW, INK, REWORK, FlowchartLayout
from officebook.render.flowchart.layout import LABEL_FONT, LABEL_LINE, Edge, step_box_text
from officebook.render.svgtext import number, text_element, text_width, wrap
from officebook.vocabulary.labels import label

MM = 96 / 25.4  # CSS px in a millimetre
# The text block of each print style, in CSS px (width, height), as print.css and print-official.css
# set the page margins: portrait and landscape A4.
TEXT_BLOCKS = {
    ("modern", False): (172 * MM, 251 * MM), ("modern", True): (261 * MM, 172 * MM),
    ("official", False): (156 * MM, 225 * MM), ("official", True): (237 * MM, 156 * MM),
}
CAPTION_ROOM = 13.5 * MM  # the caption (11 pt, 1.4 lines), its spacing and the figure's margins (print.css)
WIDTH_STEPS = 10  # layouts tried between the column's width and the widest that prints at MIN_SCALE
MIN_SCALE = 1 / 1.1  # the smallest a chart is printed: its smallest text (11 px) stays 7.5 pt
PENTAGON_W = 14.0
PENTAGON_H = 18.0
PENTAGON_POINT = 6.0  # how far the point sticks out of the square part
BAND_PAD = 5.0
CONNECTOR_TEXT_GAP = 4.0


@dataclass(frozen=True)
class PrintedFlowchart:
    """A procedure's flowchart as printed: `parts` (SVGs, one per page, a single one when whole),
    each `width` CSS px wide on the page, on landscape pages when `landscape`."""

    landscape: bool
    width: float
    parts: tuple[str, ...]


def printed_flowchart(procedure: Procedure, manual: Manual, lang: str, style: str, *, id_prefix: str,
                      highlight_post: str | None = None) -> PrintedFlowchart:
    """The chart for a handbook or booklet in a print style: whole on a portrait page, else whole on
    a landscape page, else in parts (`fit_flowchart`)."""
    pages = [(width, height - CAPTION_ROOM) for width, height in (TEXT_BLOCKS[style, False], TEXT_BLOCKS[style, True])]
    return fit_flowchart(procedure, manual, lang, pages, id_prefix=id_prefix, highlight_post=highlight_post)


def fit_flowchart(procedure: Procedure, manual: Manual, lang: str, pages: Sequence[tuple[float, float]], *,
                  id_prefix: str, highlight_post: str | None = None) -> PrintedFlowchart:
    """Lay the chart out for the first of `pages` (the width and height the drawing may take, in CSS
    px; the second one, if any, is a landscape page) that holds it whole, else cut it into parts for
    the first page whose column holds its lanes at `MIN_SCALE` or more.

    A chart that is a little too tall for a page is laid out again a little wider than the column
    and printed scaled to it (down to `MIN_SCALE`): its labels and boxes wrap into fewer lines."""

    def layouts(column: float, height: float) -> Iterable[tuple[FlowchartLayout, float]]:
        widest = 0.0
        for step in range(WIDTH_STEPS + 1):
            layout = FlowchartLayout(procedure, manual, lang, id_prefix, highlight_post=highlight_post,
                                     lanes_width=column / (1 - step * (1 - MIN_SCALE) / WIDTH_STEPS), compact=True)
            if layout.width <= widest:  # its lanes are as wide as they get
                break
            widest = layout.width
            yield layout, min(1.0, column / layout.width, height / layout.height)

    for index, (column, height) in enumerate(pages):
        for layout, scale in layouts(column, height):
            if scale >= MIN_SCALE:
                return PrintedFlowchart(index > 0, layout.width * scale, (layout.svg(),))
    for index, (column, height) in enumerate(pages):
        layout, _ = next(iter(layouts(column, height)))
        if layout.width * MIN_SCALE <= column or index == len(pages) - 1:
            scale = min(1.0, column / layout.width)
            parts = FlowchartParts(layout, height / scale)
            # a single step taller than the page (a box of many lines) is shrunk to it
            scale = min(scale, height / max(parts.part_height(first, end) for first, end in parts.rows))
            return PrintedFlowchart(index > 0, layout.width * scale, tuple(parts.svgs()))
    raise ValueError("no page to print on")


@dataclass
class Connector:
    """One end of a line cut by a page break: a numbered pentagon in the band beside the cut."""

    edge: Edge
    x: float
    leaves: bool  # the flow leaves the part here (else it comes in)
    lines: list[str]
    level: int = 0
    y: float = 0.0  # the pentagon's centre, relative to the band's edge at the cut
    number: int = 0

    @property
    def text_right(self) -> float:
        return self.x + PENTAGON_W / 2 + CONNECTOR_TEXT_GAP + max(text_width(line, LABEL_FONT) for line in self.lines)


@dataclass
class _Band:
    """The connectors beside one cut on one side: `below` the cut on the upper part, else above
    it on the lower part; `height` px."""

    connectors: list[Connector] = field(default_factory=list)
    height: float = 0.0


def clip(points: Sequence[tuple[float, float]], top: float, bottom: float) -> list[list[tuple[float, float]]]:
    """The pieces of an axis-aligned polyline between the heights `top` and `bottom`."""
    pieces: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        low, high = min(y1, y2), max(y1, y2)
        if high < top or low > bottom or (y1 == y2 and not top <= y1 <= bottom):
            if current:
                pieces.append(current)
                current = []
            continue
        start = (x1, min(max(y1, top), bottom))
        end = (x2, min(max(y2, top), bottom))
        if current and current[-1] == start:
            current.append(end)
        else:
            if current:
                pieces.append(current)
            current = [start, end]
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) > 1 and piece[0] != piece[-1]]


def crossing_x(points: Sequence[tuple[float, float]], y: float) -> float | None:
    """Where the polyline crosses the height `y` (on a vertical stretch), or None."""
    for (x1, y1), (_, y2) in zip(points, points[1:], strict=False):
        if min(y1, y2) < y < max(y1, y2):
            return x1
    return None


class FlowchartParts:
    """`layout` cut between rows into parts no taller than `tallest` px each (a row taller than that
    is a part of its own): as few parts as can be, then as few lines cut, then parts as even as
    can be."""

    def __init__(self, layout: FlowchartLayout, tallest: float) -> None:
        self.layout = layout
        count = len(layout.steps)
        self.bands: dict[tuple[int, bool], _Band] = {}
        for gap in range(1, count):
            for below in (True, False):
                self.bands[gap, below] = self._band(gap, below)
        self.rows = self._partition(tallest)
        self._number()

    # -- where to cut ---------------------------------------------------------------------------

    def _span(self, first: int, end: int) -> tuple[float, float]:
        """The chart's heights from above row `first` to below row `end - 1`."""
        layout = self.layout
        top = layout.header_h if first == 0 else layout.cut_y[first]
        bottom = layout.height if end == len(layout.steps) else layout.cut_y[end]
        return top, bottom

    def part_height(self, first: int, end: int) -> float:
        top, bottom = self._span(first, end)
        height = self.layout.header_h + bottom - top
        if first > 0:
            height += self.bands[first, False].height
        if end < len(self.layout.steps):
            height += self.bands[end, True].height
        return height

    def _partition(self, tallest: float) -> list[tuple[int, int]]:
        """Rows of each part, chosen over every set of cuts (dynamic programming on the last cut)."""
        count = len(self.layout.steps)
        best: list[tuple[tuple[int, int, float], list[tuple[int, int]]] | None] = [None] * (count + 1)
        best[0] = ((0, 0, 0.0), [])
        for end in range(1, count + 1):
            for first in range(end):
                before = best[first]
                height = self.part_height(first, end)
                if before is None or (height > tallest and end - first > 1):
                    continue
                (parts, crossings, highest), rows = before
                cost = (parts + 1, crossings + (len(self.bands[end, True].connectors) if end < count else 0),
                        max(highest, height))
                if best[end] is None or cost < best[end][0]:
                    best[end] = (cost, [*rows, (first, end)])
        result = best[count]
        return result[1] if result else [(0, count)]

    # -- the connectors -------------------------------------------------------------------------

    def _band(self, gap: int, below: bool) -> _Band:
        """The connectors of the lines crossing the cut above row `gap`, placed in levels: the one
        furthest right nearest the cut, so that no line to a connector further off crosses another's
        pentagon or words."""
        layout = self.layout
        cut = layout.cut_y[gap]
        band = _Band()
        for edge in layout.edges:
            x = crossing_x(layout.points[edge], cut)
            if x is None:
                continue
            leaves = below != edge.is_loop  # forward lines leave the upper part, loops the lower one
            row = edge.target if leaves else edge.source
            step = layout.steps[row]
            key = "connector-to" if leaves else "connector-from"
            room = max(layout.width - (x + PENTAGON_W / 2 + CONNECTOR_TEXT_GAP) - 4, 40.0)
            lines = wrap(label(key, layout.lang, number=step.number, title=step_box_text(step, layout.lang)),
                         room, LABEL_FONT, max_lines=2, overhang=0)
            if len(lines) > 1:  # the step's number alone where its title would wrap
                lines = wrap(label(key + "-short", layout.lang, number=step.number), room, LABEL_FONT, max_lines=2,
                             overhang=0)
            band.connectors.append(Connector(edge, x, leaves, lines))
        band.connectors.sort(key=lambda c: -c.x)
        levels: list[list[Connector]] = []
        for connector in band.connectors:
            level = 0
            while level < len(levels) and any(connector.text_right + 6 > other.x - PENTAGON_W / 2
                                              for other in levels[level]):
                level += 1
            if level == len(levels):
                levels.append([])
            levels[level].append(connector)
            connector.level = level
        offset = BAND_PAD
        for members in levels:
            height = max(PENTAGON_H + 2, *(LABEL_LINE * len(c.lines) + 2 for c in members))
            for connector in members:
                connector.y = offset + height / 2
            offset += height + 2
        band.height = offset + BAND_PAD if levels else 0.0
        return band

    def _number(self) -> None:
        """Number the cut lines in reading order; a line cut twice keeps its number."""
        numbers: dict[Edge, int] = {}
        for _, end in self.rows[:-1]:
            for connector in sorted(self.bands[end, True].connectors, key=lambda c: c.x):
                numbers.setdefault(connector.edge, len(numbers) + 1)
        for band in self.bands.values():
            for connector in band.connectors:
                connector.number = numbers.get(connector.edge, 0)

    # -- drawing --------------------------------------------------------------------------------

    def svgs(self) -> list[str]:
        """One drawing per part (the whole chart when it is one part)."""
        if len(self.rows) == 1:
            return [self.layout.svg()]
        return [self._part_svg(index, first, end) for index, (first, end) in enumerate(self.rows)]

    def _part_svg(self, index: int, first: int, end: int) -> str:
        layout = self.layout
        count = len(layout.steps)
        top, bottom = self._span(first, end)
        above = self.bands[first, False] if first > 0 else _Band()
        below = self.bands[end, True] if end < count else _Band()
        height = self.part_height(first, end)
        offset = layout.header_h + above.height - top  # chart height y is drawn at y + offset
        parts = [layout.svg_open(height, describe=True, suffix=f"-part{index + 1}" if index else "")]
        parts += [markup for _, _, markup in layout.lane_elements(0.0, height)]
        parts += [markup for _, _, markup in layout.header_elements()]
        parts.append(f'<g transform="translate(0 {number(offset)})">')
        for edge in layout.edges:
            whole = layout.points[edge]
            for piece in clip(whole, top, bottom):
                parts += [markup for _, _, markup in layout.edge_elements(edge, piece, arrow=piece[-1] == whole[-1])]
        parts += [markup for low, high, markup in layout.node_elements() if top <= (low + high) / 2 < bottom]
        parts.append("</g>")
        parts += self._connectors(above, layout.header_h + above.height, upward=True)
        parts += self._connectors(below, top + offset + (bottom - top), upward=False)
        parts.append("</svg>")
        return "\n".join(parts) + "\n"

    def _connectors(self, band: _Band, cut: float, *, upward: bool) -> Iterable[str]:
        """The band's connectors, drawn from the cut at height `cut`: above it when `upward`."""
        layout = self.layout
        for connector in band.connectors:
            cy = cut - connector.y if upward else cut + connector.y
            loop = connector.edge.is_loop
            colour = REWORK if loop else FLOW
            points_down = not loop
            # The pentagon's side facing the cut: its point when the flow comes from the cut's far side.
            near = cy + (PENTAGON_H / 2 if upward else -PENTAGON_H / 2)
            dash = ' stroke-dasharray="5 3"' if loop else ""
            data = layout.edge_data(connector.edge)
            yield (f'<path class="connector-line{" edge--loop" if loop else ""}" {data} '
                   f'd="M{number(connector.x)} {number(cut)} V{number(near)}" fill="none" stroke="{colour}" '
                   f'stroke-width="1.5"{dash}/>')
            if connector.leaves:
                _, _, markup = layout.arrowhead((connector.x, cut), (connector.x, near), colour, data)
                yield markup
            yield self._pentagon(connector, cy, points_down, colour, "top" if upward else "bottom")

    def _pentagon(self, connector: Connector, cy: float, points_down: bool, colour: str, side: str) -> str:
        x, half = connector.x, PENTAGON_W / 2
        square = PENTAGON_H - PENTAGON_POINT
        top = cy - PENTAGON_H / 2
        if points_down:
            corners = [(x - half, top), (x + half, top), (x + half, top + square), (x, top + PENTAGON_H),
                       (x - half, top + square)]
            digit_y = top + square / 2 + 4
        else:
            corners = [(x, top), (x + half, top + PENTAGON_POINT), (x + half, top + PENTAGON_H),
                       (x - half, top + PENTAGON_H), (x - half, top + PENTAGON_POINT)]
            digit_y = top + PENTAGON_POINT + square / 2 + 4
        points = " ".join(f"{number(px)},{number(py)}" for px, py in corners)
        kind = "leaves" if connector.leaves else "enters"
        parts = [f'<g class="connector connector--{kind}" data-connector="{connector.number}" data-side="{side}">'
                 f'<polygon points="{points}" fill="#ffffff" stroke="{colour}" stroke-width="1.4"/>',
                 text_element(x, digit_y, str(connector.number), size=10.5, anchor="middle", weight="bold",
                              fill=colour)]
        text_x = x + half + CONNECTOR_TEXT_GAP
        first = cy - LABEL_LINE * len(connector.lines) / 2 + LABEL_LINE - 3.5
        for index, line in enumerate(connector.lines):
            parts.append(text_element(text_x, first + LABEL_LINE * index, line, size=LABEL_FONT, fill=INK))
        parts.append("</g>")
        return "".join(parts)

