"""A laid-out flowchart drawn for the web manual: `drawing`'s picture, pixel for pixel in Chromium,
in under half its bytes.

A procedure page carries two drawings (the lanes, and one column for narrow screens); with
presentation attributes on every element they were 4 MB of a 1,000-item manual's Markdown per
language. Here each element carries its geometry and a class; colours, widths and fonts are the
site stylesheet's (officebook.css, "flowchart"), written once. Arrowheads and diamonds are short
relative paths (a marker would need a definition and a reference in every drawing, and a marker
defined in the hidden drawing is not drawn in the shown one). The narrow drawing is described by
the lanes' description, and its boxes, which name the actor, carry a tooltip only where the box
shows the step's title rather than its whole action. No attribute the site does not read is
written (the self-contained drawing's data-from/data-to/data-post/data-step).

Print and Word keep `drawing`'s self-contained SVG: WeasyPrint and CairoSVG never see the site's
stylesheet. Coordinates are absolute, as there: a group moved by `transform` puts some glyph
edges differently.

The stylesheet picks some elements by their place, to keep the markup short: lanes are the
drawing's only `rect` children (every second one white), an arrowhead is the path right after its
edge, a step's badge is its `circle` and the `text` after it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape

from officebook.render.flowchart.drawing import FlowchartLayout
from officebook.render.flowchart.layout import (
    ARROW,
)
from officebook.render.svgtext import CJK_TEXT, number
from officebook.vocabulary.markdown import plain_text


def _text(x: float, y: float, content: str, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f'<text{attribute} x="{number(x)}" y="{number(y)}">{escape(content, quote=False)}</text>'


def _relative(points: Sequence[tuple[float, float]]) -> str:
    """A closed shape from its first point by relative moves between the coordinates as `number`
    writes them: the same corners as `drawing`'s absolute polygon, in fewer characters."""
    rounded = [(float(number(x)), float(number(y))) for x, y in points]
    path, previous = f"M{number(rounded[0][0])} {number(rounded[0][1])}", ""
    for (x1, y1), (x2, y2) in zip(rounded, rounded[1:], strict=False):
        dx, dy = number(x2 - x1), number(y2 - y1)
        command, values = ("h", [dx]) if dy == "0" else ("v", [dy]) if dx == "0" else ("l", [dx, dy])
        for index, value in enumerate(values):
            if index == 0 and command != previous:
                path += command + value
            else:  # a repeated command drops its letter; a minus sign separates numbers, else a space
                path += ("" if value.startswith("-") else " ") + value
        previous = command
    return path + "z"


class WebFlowchartLayout(FlowchartLayout):
    """The laid-out chart drawn for the site: `svg()` is the whole chart, styled by officebook.css.

    `described_by` is the id of another drawing's `<desc>` on the same page that describes this
    one too (the narrow drawing is described by the lanes'): this drawing then has none."""

    def __init__(self, *args, described_by: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.described_by = described_by

    def svg(self) -> str:
        return "".join([self._open(), *self._lanes(), *self._headers(), *self._edges(), *self._markers(),
                        *self._rows(), "</svg>\n"])

    def _open(self) -> str:
        width, height = number(self.width), number(self.height)
        prefix = self.prefix
        desc = self.described_by or f"{prefix}-desc"
        # a <desc> child describes its drawing; another drawing's must be named as its description
        described = f' aria-describedby="{desc}"' if self.described_by else ""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="officebook-flowchart'
                f'{" officebook-flowchart--vertical" if self.vertical else ""}" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{prefix}-title {desc}"{described}>'
                f'<title id="{prefix}-title">{escape(self.title(), quote=False)}</title>')
        if self.described_by:
            return head
        return head + f'<desc id="{prefix}-desc">{escape(self.description(), quote=False)}</desc>'

    def _lanes(self) -> Iterator[str]:
        for lane, post in enumerate(self.lanes):
            highlight = " lane--highlight" if post is not None and post == self.highlight else ""
            yield (f'<rect class="lane{highlight}" x="{number(self.lane_x(lane))}" '
                   f'width="{number(self.lane_w)}" height="{number(self.height)}"/>')

    def _headers(self) -> Iterator[str]:
        if not self.header_lines:
            return
        yield '<g class="lane-header">'
        for lane in range(len(self.header_lines)):
            yield f'<rect x="{number(self.lane_x(lane))}" width="{number(self.lane_w)}" height="{number(self.header_h)}"/>'
            for x, y, line in self.header_text(lane):
                yield _text(x, y, line)
        yield "</g>"

    def _edges(self) -> Iterator[str]:
        for edge in self.edges:
            points = self.points[edge]
            commands = f"M{number(points[0][0])} {number(points[0][1])}"
            for (_, py), (qx, qy) in zip(points, points[1:], strict=False):
                commands += f"H{number(qx)}" if py == qy else f"V{number(qy)}"
            loop = " edge--loop" if edge.is_loop else ""
            yield f'<path class="edge{loop}" d="{commands}"/>'
            yield f'<path d="{_relative(self.arrowhead_corners(points[-2], points[-1]))}"/>'

    def _markers(self) -> Iterator[str]:
        """The start dot, an end ring under each last step, a decision diamond under each branching step."""
        if not self.steps:
            return
        x, cy, top = self.start_dot()
        yield (f'<g class="start"><circle cx="{number(x)}" cy="{number(cy)}"/>'
               f'<path d="M{number(x)} {number(cy + 7)}V{number(top - ARROW)}"/>'
               f'<path d="{_relative(self.arrowhead_corners((x, cy), (x, top)))}"/></g>')
        for row, step in enumerate(self.steps):
            if step.is_end:
                x, bottom, ring = self.end_ring(row)
                cy, cx = number(ring), number(x)
                yield (f'<g class="end"><path d="M{cx} {number(bottom)}V{number(bottom + 10)}"/>'
                       f'<circle cx="{cx}" cy="{cy}"/><circle cx="{cx}" cy="{cy}"/></g>')
            elif self.branching[row]:
                yield f'<path class="decision" d="{_relative(self.diamond_corners(row))}"/>'

    def _rows(self) -> Iterator[str]:
        for row in range(len(self.steps)):
            yield from self._when(row)
            yield self._step(row)

    def _when(self, row: int) -> Iterator[str]:
        lines = self.when_lines[row]
        if not lines or not self._has_entries(row):
            return
        x, top, width, height = self.label_ground(row)
        italic = "" if CJK_TEXT.search(plain_text(self.steps[row].when.get(self.lang))) else " when--italic"
        parts = [f'<g class="when{italic}"><rect x="{number(x)}" y="{number(top)}" width="{number(width)}" '
                 f'height="{number(height)}"/>']
        parts += [_text(x, y, line) for x, y, line in self.label_text(row)]
        yield "".join(parts) + "</g>"

    def _step(self, row: int) -> str:
        """A step's box; its tooltip (number, actor, whole action) where it says more than the box."""
        step = self.steps[row]
        x, y = self.box_left[self.lane_of[row]], self.box_top[row]
        highlighted = step.actor is not None and step.actor == self.highlight
        modifiers = (" step--end" if step.is_end else "") + (" step--highlight" if highlighted else "")
        parts = [f'<g class="step{modifiers}" id="{self.prefix}-step-{escape(step.id)}">']
        if not self.vertical or plain_text(step.action.get(self.lang)) != plain_text(step.name.get(self.lang)):
            parts.append(f"<title>{escape(self.step_tooltip(row), quote=False)}</title>")
        parts.append(f'<rect x="{number(x)}" y="{number(y)}" width="{number(self._box_w(row))}" '
                     f'height="{number(self.box_h[row])}"/>')
        badge_x, badge_y = self.badge_centre(row)
        parts.append(f'<circle cx="{number(badge_x)}" cy="{number(badge_y)}"/>')
        parts.append(_text(badge_x, badge_y + 4, str(step.number)))
        parts += [_text(x, y, line, "actor" if actor else "") for x, y, line, actor in self.box_text(row)]
        return "".join(parts) + "</g>"
