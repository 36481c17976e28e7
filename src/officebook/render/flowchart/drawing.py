"""A laid-out flowchart drawn as a standalone, deterministic, semantic SVG.

Presentation attributes only, so that WeasyPrint and CairoSVG draw it as the browser does. Each
element comes with the vertical extent it covers, so that `pages` can draw a part of the chart
from the same elements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from officebook.outline import flow_text, step_rows
from officebook.render.flowchart.layout import (
    ACTOR_FONT,
    ARROW,
    BADGE_R,
    FONT,
    HEADER_FONT,
    LABEL_FONT,
    Edge,
    FlowchartGeometry,
    Point,
    flowchart_title,
)
from officebook.render.svgtext import CJK_TEXT, FONT_FAMILY, number, text_element
from officebook.vocabulary.labels import label
from officebook.vocabulary.markdown import plain_text

INK = "#1f2937"
FLOW = "#1e4e8c"
REWORK = "#b45309"
LANE_FILLS = ("#f3f6fa", "#ffffff")
HIGHLIGHT_FILL = "#fff4d6"
LANE_LINE = "#c4cedb"
HEADER_FILL = "#e3eaf3"
BOX_STROKE = "#1e4e8c"

Element = tuple[float, float, str]  # the top and bottom it covers, and its markup


def _points(corners: Sequence[Point]) -> str:
    return " ".join(f"{number(x)},{number(y)}" for x, y in corners)


class FlowchartLayout(FlowchartGeometry):
    """The laid-out chart with its drawing: `svg()` is the whole chart."""

    def svg(self) -> str:
        """The whole chart."""
        parts = [self.svg_open(self.height, describe=True)]
        parts += [markup for _, _, markup in self.lane_elements(0.0, self.height)]
        parts += [markup for _, _, markup in self.header_elements()]
        for edge in self.edges:
            parts += [markup for _, _, markup in self.edge_elements(edge, self.points[edge], arrow=True)]
        parts += [markup for _, _, markup in self.node_elements()]
        parts.append("</svg>")
        return "\n".join(parts) + "\n"

    def svg_open(self, height: float, *, describe: bool, suffix: str = "") -> str:
        """The `<svg>` start tag of a drawing `height` px tall, with its title and description when
        `describe` (a part adds `suffix` to the title and ids)."""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="officebook-flowchart'
                f'{" officebook-flowchart--vertical" if self.vertical else ""}" '
                f'width="{number(self.width)}" height="{number(height)}" '
                f'viewBox="0 0 {number(self.width)} {number(height)}" '
                f'font-family="{FONT_FAMILY}"')
        if not describe:
            return head + ' aria-hidden="true">'
        prefix = self.prefix + suffix
        title = self.title() + (suffix and label("flowchart-continued", self.lang))
        return "\n".join([
            head + f' role="img" aria-labelledby="{prefix}-title {prefix}-desc">',
            f'<title id="{prefix}-title">{escape(title, quote=False)}</title>',
            f'<desc id="{prefix}-desc">{escape(self.description(), quote=False)}</desc>',
        ])

    def title(self) -> str:
        """The drawing's accessible name."""
        return flowchart_title(self.procedure, self.lang)

    def description(self) -> str:
        """What the drawing shows, the flow in words, for screen readers."""
        desc = label("flowchart-desc", self.lang, title=self.procedure.title.get(self.lang), count=len(self.steps))
        return desc + " " + self._flow_text()

    def step_tooltip(self, row: int) -> str:
        """A step box's tooltip: its number, actor and whole action."""
        step = self.steps[row]
        return f"{step.number}. {self.post_titles[step.actor]}: {plain_text(step.action.get(self.lang))}"

    def _flow_text(self) -> str:
        """The flow in words, for screen readers."""
        sentences = []
        for row in step_rows(self.procedure):
            where = flow_text(row, self.lang, condition=lambda text: plain_text(text.get(self.lang)))
            sentences.append(f"{row.number}. {self.post_titles[row.actor]}{label('colon', self.lang)}{where}.")
        return " ".join(sentences)

    def lane_elements(self, top: float, height: float) -> Iterable[Element]:
        """The lanes' backgrounds from `top`, `height` px tall."""
        for lane, post in enumerate(self.lanes):
            x = self.lane_x(lane)
            highlighted = post is not None and post == self.highlight
            fill = HIGHLIGHT_FILL if highlighted else LANE_FILLS[lane % 2]
            data = f' data-post="{escape(post)}"' if post else ""
            cls = "lane lane--highlight" if highlighted else "lane"
            yield top, top + height, (
                f'<rect class="{cls}"{data} x="{number(x)}" y="{number(top)}" width="{number(self.lane_w)}" '
                f'height="{number(height)}" fill="{fill}" stroke="{LANE_LINE}" stroke-width="1"/>')

    def header_elements(self) -> Iterable[Element]:
        """The lane headers: each post's name above its lane."""
        for lane in range(len(self.header_lines)):
            parts = [f'<g class="lane-header"><rect x="{number(self.lane_x(lane))}" y="0" width="{number(self.lane_w)}" '
                     f'height="{number(self.header_h)}" fill="{HEADER_FILL}" stroke="{LANE_LINE}" stroke-width="1"/>']
            parts += [text_element(x, y, line, size=HEADER_FONT, anchor="middle", weight="bold", fill=INK)
                      for x, y, line in self.header_text(lane)]
            parts.append("</g>")
            yield 0, self.header_h, "".join(parts)

    def edge_elements(self, edge: Edge, points: Sequence[tuple[float, float]], *, arrow: bool) -> Iterable[Element]:
        """The line through `points` (a whole edge, or the piece of it on one page), with the arrowhead
        at its last point when `arrow`."""
        loop = edge.is_loop
        colour = REWORK if loop else FLOW
        commands = [f"M{number(points[0][0])} {number(points[0][1])}"]
        for (_, py), (qx, qy) in zip(points, points[1:], strict=False):
            commands.append(f"H{number(qx)}" if py == qy else f"V{number(qy)}")
        data = self.edge_data(edge)
        dash = ' stroke-dasharray="5 3"' if loop else ""
        ys = [p[1] for p in points]
        yield min(ys), max(ys), (f'<path class="edge{" edge--loop" if loop else ""}" {data} d="{" ".join(commands)}" '
                                 f'fill="none" stroke="{colour}" stroke-width="1.5" stroke-linejoin="round"{dash}/>')
        if arrow:
            yield self.arrowhead(points[-2], points[-1], colour, data)

    def edge_data(self, edge: Edge) -> str:
        source, target = self.steps[edge.source].id, self.steps[edge.target].id
        return f'data-from="{escape(source)}" data-to="{escape(target)}"'

    def arrowhead(self, before: Point, tip: Point, colour: str, data: str) -> Element:
        """An arrowhead at `tip`, pointing the way from `before`."""
        corners = self.arrowhead_corners(before, tip)
        ys = [y for _, y in corners]
        return min(ys), max(ys), (f'<polygon class="arrowhead" {data} points="{_points(corners)}" fill="{colour}"/>')

    def node_elements(self) -> Iterable[Element]:
        """Everything but the lanes and the edges: start, ends and decisions, `when` labels, boxes."""
        yield from self._markers()
        for row in range(len(self.steps)):
            yield from self._label(row)
            yield from self._box(row)

    def _markers(self) -> Iterable[Element]:
        """The start dot, an end ring under each last step, a decision diamond under each branching step."""
        if not self.steps:
            return
        x, cy, top = self.start_dot()
        yield cy - 7, top, (
            f'<g class="start"><circle cx="{number(x)}" cy="{number(cy)}" r="7" fill="{INK}"/>'
            f'<path d="M{number(x)} {number(cy + 7)} V{number(top - ARROW)}" stroke="{INK}" stroke-width="1.5"/>'
            f'<polygon points="{_points(self.arrowhead_corners((x, cy), (x, top)))}" fill="{INK}"/></g>')
        for row, step in enumerate(self.steps):
            if step.is_end:
                x, bottom, cy = self.end_ring(row)
                yield bottom, cy + 8, (
                    f'<g class="end"><path d="M{number(x)} {number(bottom)} V{number(cy - 8)}" stroke="{INK}" '
                    f'stroke-width="1.4"/><circle cx="{number(x)}" cy="{number(cy)}" r="8" fill="#ffffff" '
                    f'stroke="{INK}" stroke-width="1.6"/><circle cx="{number(x)}" cy="{number(cy)}" r="4.5" '
                    f'fill="{INK}"/></g>')
            elif self.branching[row]:
                corners = self.diamond_corners(row)
                yield corners[0][1], corners[2][1], (
                    f'<polygon class="decision" data-step="{escape(step.id)}" points="{_points(corners)}" '
                    f'fill="#ffffff" stroke="{FLOW}" stroke-width="1.5"/>')

    def _label(self, row: int) -> Iterable[Element]:
        lines = self.when_lines[row]
        if not lines or not self._has_entries(row):
            return
        x, top, width, height = self.label_ground(row)
        full = plain_text(self.steps[row].when.get(self.lang))
        style = "normal" if CJK_TEXT.search(full) else "italic"  # a slanted CJK face is a synthetic one
        parts = [f'<g class="when" data-step="{escape(self.steps[row].id)}">'
                 f'<rect x="{number(x)}" y="{number(top)}" width="{number(width)}" height="{number(height)}" '
                 f'rx="3" fill="#ffffff" fill-opacity="0.9"/>']
        parts += [text_element(x, y, line, size=LABEL_FONT, fill=INK, style=style) for x, y, line in self.label_text(row)]
        parts.append("</g>")
        yield top, top + height, "".join(parts)

    def _box(self, row: int) -> Iterable[Element]:
        step = self.steps[row]
        x = self.box_left[self.lane_of[row]]
        y = self.box_top[row]
        height = self.box_h[row]
        highlighted = step.actor is not None and step.actor == self.highlight
        full = self.step_tooltip(row)
        stroke = 2.2 if step.is_end or highlighted else 1.3
        parts = [
            f'<g class="step{" step--highlight" if highlighted else ""}" data-step="{escape(step.id)}" '
            f'id="{self.prefix}-step-{escape(step.id)}"><title>{escape(full, quote=False)}</title>',
            f'<rect x="{number(x)}" y="{number(y)}" width="{number(self._box_w(row))}" height="{number(height)}" '
            f'rx="6" fill="{HIGHLIGHT_FILL if highlighted else "#ffffff"}" stroke="{BOX_STROKE}" '
            f'stroke-width="{stroke}"/>',
        ]
        badge_x, badge_y = self.badge_centre(row)
        parts.append(f'<circle cx="{number(badge_x)}" cy="{number(badge_y)}" r="{number(BADGE_R)}" fill="{FLOW}"/>')
        parts.append(text_element(badge_x, badge_y + 4, str(step.number), size=11, anchor="middle", weight="bold",
                                  fill="#ffffff"))
        parts += [text_element(x, y, line, size=ACTOR_FONT, weight="bold", fill=FLOW) if actor
                  else text_element(x, y, line, size=FONT, fill=INK) for x, y, line, actor in self.box_text(row)]
        parts.append("</g>")
        yield y, y + height, "\n".join(parts)
