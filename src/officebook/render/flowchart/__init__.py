"""A procedure's flowchart: swimlanes laid out in `layout`, drawn as SVG in `drawing`, and for paper
kept whole on a page or cut into parts with off-page connectors in `pages`."""

from __future__ import annotations

from dataclasses import dataclass

from officebook.model import Manual, Procedure
from officebook.render.flowchart.drawing import FlowchartLayout
from officebook.render.flowchart.layout import FONT, flowchart_title, step_box_text
from officebook.render.flowchart.pages import FlowchartParts, PrintedFlowchart, fit_flowchart, printed_flowchart
from officebook.render.flowchart.web import WebFlowchartLayout

__all__ = ["FlowchartLayout", "FlowchartParts", "PrintedFlowchart", "WebFlowchart", "WebFlowchartLayout", "fit_flowchart",
           "flowchart_svg", "flowchart_title", "printed_flowchart", "step_box_text", "web_flowchart"]


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
    """Both drawings of a procedure for its web page, styled by the site's stylesheet (`web`); the
    narrow one is described by the lanes' description."""
    layout = WebFlowchartLayout(procedure, manual, lang, id_prefix, highlight_post=highlight_post)
    # Below this width step text would render under 11 px (12.5 px scaled by 0.88).
    min_width = int(-(-layout.width * 11 / FONT // 40) * 40)
    vertical = None
    if min_width > PHONE_WIDTH:
        vertical = WebFlowchartLayout(procedure, manual, lang, id_prefix + "-v", vertical=True,
                                      highlight_post=highlight_post, described_by=f"{id_prefix}-desc").svg()
    return WebFlowchart(flowchart_title(procedure, lang), layout.svg(), vertical, min_width)
