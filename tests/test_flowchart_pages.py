"""Flowcharts on paper (officebook.render.flowchart.pages), read back from the SVG: a chart that fits a
page is one drawing, a longer one is cut between rows into parts no taller than the page, each step
in one part, and every line a cut crosses ends in a numbered connector on both sides of the cut."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_flowchart import MANUALS, SVG, _procedure, check_chart, step_graphs

from officebook.model import Procedure, Step, Text
from officebook.render.flowchart import FlowchartLayout, FlowchartParts, printed_flowchart
from officebook.render.flowchart.pages import CAPTION_ROOM, MIN_SCALE, TEXT_BLOCKS, clip, crossing_x

DEFAULT = dict(MANUALS)["content"]


def long_procedure(count: int = 30, lang: str = "zh") -> Procedure:
    """`count` steps over three posts, a branch at step 4 and a rework loop from step count-4 back to 3."""
    posts = ("secretary-section-chief", "deputy-secretary-general", "archivist")
    loop_from = count - 5
    steps = []
    for i in range(count):
        nexts: tuple[str, ...] = ()
        if i == loop_from:
            nexts = (f"s{i + 1}", "s2")
        elif i == 3:
            nexts = ("s4", f"s{count - 1}")
        elif i < count - 1:
            nexts = (f"s{i + 1}",)
        words = {"zh": f"第{i + 1}项审核工作", "en": f"Review item {i + 1}"}
        steps.append(Step(id=f"s{i}", number=i + 1, actor=posts[(i // 2) % 3], action=Text(words, lang),
                          next=nexts, when=Text({"zh": "需要修改", "en": "Needs changes"}, lang) if i == 2 else None))
    return Procedure(kind="procedures", id="long", file="x.yaml", title=Text({"zh": "长流程", "en": "Long"}, lang),
                     owner=posts[0], steps=tuple(steps))


def connectors(svg: str, side: str | None = None) -> list[tuple[str, str, str]]:
    """(number, leaves/enters, words) of every connector of a part (at its top or bottom only)."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class", "")
        if kind.startswith("connector ") and side in (None, group.get("data-side")):
            texts = [t.text for t in group.iter(f"{SVG}text")]
            found.append((texts[0], kind.split("--")[1], "".join(texts[1:])))
    return found


def steps_in(svg: str) -> list[str]:
    return [g.get("data-step") for g in ET.fromstring(svg).iter(f"{SVG}g")
            if g.get("class", "").split()[:1] == ["step"]]


@pytest.mark.parametrize("lang, style", [("zh", "official"), ("en", "modern")])
def test_every_chart_of_the_default_manual_prints_whole_on_a_portrait_page(lang, style):
    column, height = TEXT_BLOCKS[style, False]
    for procedure in DEFAULT.procedures.values():
        printed = printed_flowchart(procedure, DEFAULT, lang, style, id_prefix="f")
        assert len(printed.parts) == 1 and not printed.landscape, procedure.id
        root = ET.fromstring(printed.parts[0])
        scale = printed.width / float(root.get("width"))
        assert MIN_SCALE - 1e-3 <= scale <= 1 + 1e-3 and printed.width <= column + 0.01
        assert float(root.get("height")) * scale <= height - CAPTION_ROOM + 0.5, procedure.id
        check_chart(printed.parts[0], procedure, lang)


def test_compact_layouts_keep_every_invariant():
    for name, manual in MANUALS:
        for procedure in manual.procedures.values():
            for lang in manual.info.languages:
                svg = FlowchartLayout(procedure, manual, lang, compact=True).svg()
                check_chart(svg, procedure, lang)
                assert float(ET.fromstring(svg).get("height")) <= float(
                    ET.fromstring(FlowchartLayout(procedure, manual, lang).svg()).get("height")), (name, procedure.id)


@pytest.mark.parametrize("lang, style", [("zh", "official"), ("en", "modern")])
def test_a_chart_too_tall_for_a_page_prints_in_parts_with_matching_connectors(lang, style):
    procedure = long_procedure(lang=lang)
    printed = printed_flowchart(procedure, DEFAULT, lang, style, id_prefix="f")
    column, height = TEXT_BLOCKS[style, False]
    assert len(printed.parts) >= 2 and not printed.landscape and printed.width <= column + 0.01
    seen: list[str] = []
    for index, svg in enumerate(printed.parts):
        root = ET.fromstring(svg)
        assert float(root.get("height")) * printed.width / float(root.get("width")) <= height - CAPTION_ROOM + 0.5
        continued = {"zh": "（续）", "en": " (continued)"}[lang] if index else ""
        assert root.find(f"{SVG}title").text.endswith(procedure.title.get(lang) + continued)
        seen += steps_in(svg)
    assert seen == [step.id for step in procedure.steps]  # every step once, in order
    parts = [connectors(svg) for svg in printed.parts]
    # between two parts, the connectors below the first are those above the second
    for upper, lower in zip(printed.parts, printed.parts[1:], strict=False):
        assert sorted(n for n, _, _ in connectors(upper, "bottom")) == sorted(n for n, _, _ in connectors(lower, "top"))
        assert connectors(upper, "bottom")
    numbers = {number for part in parts for number, _, _ in part}
    for number in numbers:
        ends = [(index, kind) for index, part in enumerate(parts) for n, kind, _ in part if n == number]
        assert sorted(kind for _, kind in ends).count("leaves") == sorted(kind for _, kind in ends).count("enters")
    words = " ".join(text for part in parts for _, _, text in part)
    if lang == "zh":
        assert re.search(r"转第\d+步“第\d+项审核工作”", words) and re.search(r"接第\d+步“第\d+项审核工作”", words)
        assert "接第26步" in words and "转第3步" in words  # the rework loop 26 → 3, on both parts
    else:
        assert "From step 26: Review item 26" in words and "To step 3: Review item 3" in words
    dashed = [p for svg in printed.parts for p in ET.fromstring(svg).iter(f"{SVG}path")
              if "connector-line" in p.get("class", "") and p.get("stroke-dasharray")]
    assert len(dashed) >= 2  # the loop's line continues dashed at both ends of its cut


def wide_procedure(count: int) -> Procedure:
    """`count` steps in a line, over eight posts in turn: too wide for a portrait column."""
    steps = tuple(Step(id=f"s{i}", number=i + 1, actor=f"post-{i % 8}", action=Text({"zh": f"第{i + 1}项工作"}, "zh"),
                       next=(f"s{i + 1}",) if i < count - 1 else ()) for i in range(count))
    return Procedure(kind="procedures", id="wide", file="x.yaml", title=Text({"zh": "宽流程"}, "zh"), owner="post-0",
                     steps=steps)


def test_a_wide_chart_goes_on_a_landscape_page_whole_or_in_parts():
    printed = printed_flowchart(wide_procedure(8), DEFAULT, "zh", "official", id_prefix="f")
    assert printed.landscape and len(printed.parts) == 1
    assert printed.width <= TEXT_BLOCKS["official", True][0] + 0.01
    printed = printed_flowchart(wide_procedure(20), DEFAULT, "zh", "official", id_prefix="f")
    assert printed.landscape and len(printed.parts) >= 2
    height = TEXT_BLOCKS["official", True][1] - CAPTION_ROOM
    for svg in printed.parts:
        root = ET.fromstring(svg)
        assert float(root.get("height")) * printed.width / float(root.get("width")) <= height + 0.5


def test_clip_keeps_the_pieces_of_a_line_between_two_heights():
    line = [(0, 0), (0, 50), (30, 50), (30, 200)]
    assert clip(line, 40, 100) == [[(0, 40), (0, 50), (30, 50), (30, 100)]]
    assert clip(line, 60, 300) == [[(30, 60), (30, 200)]]
    assert clip(line, 210, 300) == []
    assert crossing_x(line, 120) == 30 and crossing_x(line, 50) is None


@settings(max_examples=60, deadline=None)
@given(step_graphs(), st.floats(80, 400))
def test_any_chart_cut_into_parts_keeps_each_step_once_and_each_cut_line_marked(graph, tallest):
    procedure = _procedure(*graph)
    layout = FlowchartLayout(procedure, DEFAULT, "en", compact=True)
    parts = FlowchartParts(layout, tallest)
    svgs = parts.svgs()
    assert [s for svg in svgs for s in steps_in(svg)] == [step.id for step in procedure.steps]
    for (first, end), svg in zip(parts.rows, svgs, strict=True):
        assert parts.part_height(first, end) <= tallest or end - first == 1
        assert abs(float(ET.fromstring(svg).get("height")) - parts.part_height(first, end)) < 0.01
    for (_, end), upper, lower in zip(parts.rows, svgs, svgs[1:], strict=False):
        cut = layout.cut_y[end]
        crossing = {edge for edge in layout.edges if crossing_x(layout.points[edge], cut) is not None}
        below, above = connectors(upper, "bottom"), connectors(lower, "top")
        assert len(crossing) == len(below) == len(above)
        assert sorted(n for n, _, _ in below) == sorted(n for n, _, _ in above)
        # the flow leaves one part where it enters the other
        assert sorted((n, k) for n, k, _ in below) == sorted((n, "leaves" if k == "enters" else "enters")
                                                             for n, k, _ in above)


def test_a_step_taller_than_a_page_is_shrunk_to_the_page():
    procedure = long_procedure(count=12)
    steps = list(procedure.steps)
    steps[5] = Step(id="s5", number=6, actor=steps[5].actor, action=Text({"zh": "逐项核对" * 300}, "zh"), next=steps[5].next)
    huge = Procedure(kind="procedures", id="huge", file="x.yaml", title=procedure.title, owner=procedure.owner,
                     steps=tuple(steps))
    printed = printed_flowchart(huge, DEFAULT, "zh", "official", id_prefix="f")
    height = TEXT_BLOCKS["official", False][1] - CAPTION_ROOM
    assert len(printed.parts) >= 2
    for svg in printed.parts:
        root = ET.fromstring(svg)
        assert float(root.get("height")) * printed.width / float(root.get("width")) <= height + 0.5
