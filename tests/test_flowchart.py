"""Flowchart geometry, read back from the SVG: every word in its box, a diamond at every branch,
no line shared by unrelated edges, none on a lane border or through a box, labels beside their
edge — over every chart of the default manual and of the case manuals, and over random step graphs."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from officebook.model import Manual, Procedure, Step, Text
from officebook.pipeline import run_check
from officebook.render.flowchart import (
    FlowchartLayout,
    WebFlowchartLayout,
    flowchart_svg,
    flowchart_title,
    step_box_text,
    web_flowchart,
)
from officebook.render.svgtext import text_width
from officebook.vocabulary.markdown import plain_text

TESTS = Path(__file__).parent
SVG = "{http://www.w3.org/2000/svg}"
PARALLEL_MIN = 6.0  # unrelated parallel lines that run side by side are at least this far apart


def _manuals() -> list[tuple[str, Manual]]:
    found = [("content", TESTS.parent / "content")]
    for manual_file in sorted((TESTS / "cases").rglob("manual.yaml")):
        found.append((manual_file.parent.relative_to(TESTS).as_posix(), manual_file.parent))
    manuals = []
    for name, root in found:
        result = run_check(root, use_cache=False)
        if result.manual is not None and result.manual.procedures:
            manuals.append((name, result.manual))
    return manuals


MANUALS = _manuals()
CHARTS = [(name, manual, procedure_id, lang, vertical)
          for name, manual in MANUALS for procedure_id in manual.procedures for lang in manual.info.languages
          for vertical in (False, True)]


@dataclass(frozen=True)
class Segment:
    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def vertical(self) -> bool:
        return self.x1 == self.x2

    def related(self, other: Segment) -> bool:
        return self.source == other.source or self.target == other.target


def _segments(path: ET.Element) -> list[Segment]:
    d = path.get("d")
    assert re.fullmatch(r"M-?[\d.]+ -?[\d.]+( [HV]-?[\d.]+)+", d), d  # absolute M, H, V only
    tokens = d.split(" ")
    x, y = float(tokens[0][1:]), float(tokens[1])
    segments = []
    for token in tokens[2:]:
        nx, ny = (float(token[1:]), y) if token[0] == "H" else (x, float(token[1:]))
        segments.append(Segment(path.get("data-from"), path.get("data-to"), x, y, nx, ny))
        x, y = nx, ny
    return segments


def _rect(element: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(element.get("x")), float(element.get("y"))
    return x, y, x + float(element.get("width")), y + float(element.get("height"))


def _crosses_inside(segment: Segment, rect: tuple[float, float, float, float], inset: float = 1.0) -> bool:
    left, top, right, bottom = rect[0] + inset, rect[1] + inset, rect[2] - inset, rect[3] - inset
    lo_x, hi_x = sorted((segment.x1, segment.x2))
    lo_y, hi_y = sorted((segment.y1, segment.y2))
    return lo_x < right and hi_x > left and lo_y < bottom and hi_y > top


def _gap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    dx = max(a[0] - b[2], b[0] - a[2], 0)
    dy = max(a[1] - b[3], b[1] - a[3], 0)
    return max(dx, dy)


def check_chart(svg: str, procedure: Procedure, lang: str) -> None:
    """Every invariant the issue names, read back from the SVG."""
    root = ET.fromstring(svg)
    assert procedure.title.get(lang) in root.find(f"{SVG}title").text
    width, height = float(root.get("width")), float(root.get("height"))
    squash = re.compile(r"\s+")

    # steps: the whole box text, inside the box, no ellipsis
    groups = {g.get("data-step"): g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == ["step"]}
    assert list(groups) == [s.id for s in procedure.steps]
    boxes = {}
    for step in procedure.steps:
        group = groups[step.id]
        rect = group.find(f"{SVG}rect")
        boxes[step.id] = box = _rect(rect)
        assert box[2] <= width and box[3] <= height
        texts = [t for t in group.iter(f"{SVG}text")]
        words = "".join(t.text for t in texts if t.get("font-size") == "12.5")
        assert squash.sub("", step_box_text(step, lang)) in squash.sub("", words), (step.id, words)
        assert "…" not in words
        for text in texts:
            x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
            line_w = text_width(text.text, size)
            left = x - line_w / 2 if text.get("text-anchor") == "middle" else x
            assert box[0] <= left and left + line_w <= box[2] + 1, (step.id, text.text)
            assert box[1] < y - size * 0.8 and y + size * 0.25 <= box[3], (step.id, text.text)
    for a in procedure.steps:
        for b in procedure.steps:
            if a.id < b.id:
                assert _gap(boxes[a.id], boxes[b.id]) > 0, (a.id, b.id)

    # decision markers: exactly the branching steps
    branching = {s.id for s in procedure.steps if len(set(s.next)) > 1}
    decisions = [e.get("data-step") for e in root.iter() if e.get("class") == "decision"]
    assert sorted(decisions) == sorted(branching)

    # edges: one per arrow of the step graph, from its source box to its target box
    edges = [p for p in root.iter(f"{SVG}path") if "edge" in p.get("class", "").split()]
    expected = sorted((s.id, t) for s in procedure.steps for t in set(s.next))
    assert sorted((p.get("data-from"), p.get("data-to")) for p in edges) == expected
    segments = []
    for path in edges:
        parts = _segments(path)
        source, target = boxes[path.get("data-from")], boxes[path.get("data-to")]
        start, end = (parts[0].x1, parts[0].y1), (parts[-1].x2, parts[-1].y2)
        assert source[0] <= start[0] <= source[2] and start[1] in (source[3], (source[1] + source[3]) / 2), path.get("d")
        assert target[0] < end[0] < target[2] and end[1] == target[1], path.get("d")
        assert not parts[-1].vertical or parts[-1].y2 > parts[-1].y1  # arrows come down into the box
        segments += parts
    for segment in segments:
        assert 0 <= min(segment.x1, segment.x2) and max(segment.x1, segment.x2) <= width
        assert 0 <= min(segment.y1, segment.y2) and max(segment.y1, segment.y2) <= height
        for step_id, box in boxes.items():
            assert not _crosses_inside(segment, box), (segment, step_id)

    # no line shared, or run closely alongside, by two edges that share neither end
    for index, a in enumerate(segments):
        for b in segments[index + 1:]:
            if a.related(b) or a.vertical != b.vertical:
                continue
            if a.vertical:
                distance, (a1, a2), (b1, b2) = abs(a.x1 - b.x1), sorted((a.y1, a.y2)), sorted((b.y1, b.y2))
            else:
                distance, (a1, a2), (b1, b2) = abs(a.y1 - b.y1), sorted((a.x1, a.x2)), sorted((b.x1, b.x2))
            overlap = min(a2, b2) - max(a1, b1)
            assert not (overlap > -2 and distance < PARALLEL_MIN), (a, b)

    # no line along a lane border
    lanes = [_rect(r) for r in root.iter(f"{SVG}rect") if "lane" in r.get("class", "").split()]
    assert lanes
    borders = {x for lane in lanes for x in (lane[0], lane[2])}
    for segment in segments:
        if segment.vertical:
            assert all(abs(segment.x1 - border) >= 4 for border in borders), segment

    # `when` labels: the whole text, beside an arrow into their step, over no other line or box
    labels = [g for g in root.iter(f"{SVG}g") if g.get("class") == "when"]
    for group in labels:
        step_id = group.get("data-step")
        step = procedure.step(step_id)
        words = "".join(t.text for t in group.iter(f"{SVG}text"))
        assert squash.sub("", plain_text(step.when.get(lang))) == squash.sub("", words)
        rect = _rect(group.find(f"{SVG}rect"))
        last = [_segments(p)[-1] for p in edges if p.get("data-to") == step_id]
        assert min(_gap(rect, (min(s.x1, s.x2), min(s.y1, s.y2), max(s.x1, s.x2), max(s.y1, s.y2)))
                   for s in last) <= 30
        for segment in segments:
            if segment.target != step_id:
                assert not _crosses_inside(segment, rect, inset=0.5), (step_id, segment)
        for box in boxes.values():
            assert _gap(rect, box) > 0 or rect[3] <= box[1] + 0.5
    assert {g.get("data-step") for g in labels} == {
        s.id for s in procedure.steps if s.when and any(s.id in other.next for other in procedure.steps)}


@pytest.mark.parametrize(("name", "manual", "procedure_id", "lang", "vertical"), CHARTS,
                         ids=[f"{c[0]}:{c[2]}:{c[3]}{':vertical' if c[4] else ''}" for c in CHARTS])
def test_every_chart_of_every_manual_keeps_every_word_and_misleads_no_reader(name, manual, procedure_id, lang,
                                                                             vertical):
    procedure = manual.procedures[procedure_id]
    svg = flowchart_svg(procedure, manual, lang, vertical=vertical)
    check_chart(svg, procedure, lang)
    assert svg == flowchart_svg(procedure, manual, lang, vertical=vertical)


def test_charts_fit_the_printed_column_and_a_phone():
    """Lanes are drawn for the handbook's 172 mm column (650 px), so print never scales text
    below its 9.4 pt; the one-column drawing fits a 360 px phone."""
    for _, manual in MANUALS:
        for procedure in manual.procedures.values():
            lanes = FlowchartLayout(procedure, manual, manual.info.languages[0])
            assert lanes.width <= 650 or len(lanes.lanes) > 6
            assert FlowchartLayout(procedure, manual, "en", vertical=True).width <= 358


def test_vertical_chart_names_the_actor_in_every_box():
    manual = dict(MANUALS)["content"]
    procedure = manual.procedures["request-handling"]
    root = ET.fromstring(flowchart_svg(procedure, manual, "zh", vertical=True))
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "lane"]) == 1
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "step":
            step = procedure.step(group.get("data-step"))
            bold = "".join(t.text for t in group.iter(f"{SVG}text") if t.get("font-size") == "11.5")
            assert bold == manual.posts[step.actor].title.get("zh")


def test_web_flowchart_offers_the_vertical_drawing_only_where_lanes_would_not_fit_a_phone():
    manual = dict(MANUALS)["content"]
    wide = web_flowchart(manual.procedures["request-handling"], manual, "zh")
    assert wide.vertical is not None and wide.min_width > 360 and wide.min_width % 40 == 0
    assert wide.title == flowchart_title(manual.procedures["request-handling"], "zh") == "流程图：请示件办理"
    one_post = _procedure([[1], [2], []], [0, 0, 0], ["Draft", "Check", "File"], ["", "", ""], ["", "", ""])
    narrow = web_flowchart(one_post, manual, "en")  # one lane fits a phone as it is
    assert narrow.vertical is None and narrow.min_width <= 360


_PATH_TOKEN = re.compile(r"[MHVhvlz]|-?\d+(?:\.\d+)?")
PRESENTATION = {"fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linejoin", "fill-opacity", "font-family",
                "font-size", "font-weight", "font-style", "text-anchor", "r", "rx"}


def _corners(element: ET.Element) -> list[tuple[float, float]]:
    """The corners of a polygon, or of a path of absolute M/H/V and relative h/v/l moves."""
    if element.get("points"):
        return [(float(x), float(y)) for x, y in (point.split(",") for point in element.get("points").split())]
    points: list[tuple[float, float]] = []
    command, numbers = "", []
    for token in [*_PATH_TOKEN.findall(element.get("d")), "z"]:
        if token.isalpha() and numbers or token == "z" and command:
            x, y = points[-1] if points else (0.0, 0.0)
            values = [float(n) for n in numbers]
            step = 2 if command in "Ml" else 1
            for index in range(0, len(values), step):
                value = values[index:index + step]
                x, y = {"M": (value[0], value[1] if step == 2 else y), "l": (x + value[0], y + value[-1]),
                        "H": (value[0], y), "V": (x, value[0]), "h": (x + value[0], y), "v": (x, y + value[0])}[command]
                points.append((x, y))
            numbers = []
        if token.isalpha():
            command = token
        else:
            numbers.append(token)
    return points


def _drawn(svg: str) -> list[tuple]:
    """What a drawing draws, in order: every shape's geometry and every text, read from the SVG."""
    drawn = []
    for element in ET.fromstring(svg).iter():
        tag = element.tag.removeprefix(SVG)
        geometry = [round(float(element.get(name, 0)), 1) for name in ("x", "y", "width", "height", "cx", "cy")]
        if tag in ("rect", "circle", "text"):
            drawn.append((tag, geometry, element.text if tag == "text" else None))
        elif tag in ("path", "polygon"):
            drawn.append(("shape", [(round(x, 1), round(y, 1)) for x, y in _corners(element)], None))
    return drawn


@pytest.mark.parametrize(("name", "manual", "procedure_id", "lang", "vertical"), CHARTS[::3],
                         ids=[f"{c[0]}:{c[2]}:{c[3]}{':vertical' if c[4] else ''}" for c in CHARTS[::3]])
def test_the_web_drawing_draws_what_the_printed_one_does_with_its_look_left_to_the_stylesheet(
        name, manual, procedure_id, lang, vertical):
    """The site's lighter drawing has every shape and text of the self-contained one (print, Word)
    at the same place; how they look is officebook.css's (that it looks the same is compared in
    Chromium, test_flowchart_browser)."""
    procedure = manual.procedures[procedure_id]
    post = procedure.steps[-1].actor
    web = WebFlowchartLayout(procedure, manual, lang, "flow", vertical=vertical, highlight_post=post).svg()
    printed = FlowchartLayout(procedure, manual, lang, "flow", vertical=vertical, highlight_post=post).svg()
    assert _drawn(web) == _drawn(printed)
    root = ET.fromstring(web)
    assert not {attribute for element in root.iter() for attribute in element.attrib} & PRESENTATION
    assert [e.get("id") for e in root.iter() if e.get("id")] == [e.get("id") for e in ET.fromstring(printed).iter()
                                                             if e.get("id")]
    assert root.get("role") == "img" and root.get("aria-labelledby") == "flow-title flow-desc"
    steps = [g for g in root.iter(f"{SVG}g") if "step" in g.get("class").split()]
    assert {g.get("id") for g in steps if "step--highlight" in g.get("class")} == {
        f"flow-step-{s.id}" for s in procedure.steps if s.actor == post}
    assert [g.get("id") for g in steps if "step--end" in g.get("class")] == [
        f"flow-step-{s.id}" for s in procedure.steps if s.is_end]
    assert len(web.encode()) < 0.65 * len(printed.encode())  # words and tooltips are most of what is left


def test_the_narrow_web_drawing_is_described_by_the_lanes_and_keeps_only_the_tooltips_that_say_more():
    manual = dict(MANUALS)["content"]
    procedure = manual.procedures["request-handling"]
    chart = web_flowchart(procedure, manual, "zh", id_prefix="flow-request-handling")
    lanes, vertical = ET.fromstring(chart.lanes), ET.fromstring(chart.vertical)
    assert lanes.find(f"{SVG}desc").get("id") == "flow-request-handling-desc" and vertical.find(f"{SVG}desc") is None
    assert vertical.get("aria-labelledby") == "flow-request-handling-v-title flow-request-handling-desc"
    assert vertical.get("aria-describedby") == "flow-request-handling-desc"
    assert vertical.find(f"{SVG}title").text == lanes.find(f"{SVG}title").text == "流程图：请示件办理"

    def tooltips(root: ET.Element) -> dict[str, str]:
        return {g.get("id").rsplit("-step-", 1)[1]: g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")
                if g.get("class", "").startswith("step") and g.find(f"{SVG}title") is not None}

    assert tooltips(lanes) == {s.id: f"{s.number}. {manual.posts[s.actor].title.get('zh')}: "
                                     f"{plain_text(s.action.get('zh'))}" for s in procedure.steps}
    assert set(tooltips(vertical)) == {s.id for s in procedure.steps if s.title}  # their boxes show the title
    untitled = _procedure([[1], []], [0, 1], ["Check the draft", "File it"], ["", ""], ["Check", ""])
    narrow = ET.fromstring(WebFlowchartLayout(untitled, manual, "en", vertical=True).svg())
    assert set(tooltips(narrow)) == {"s0"}  # the box of s1 shows its actor and whole action


def test_a_step_with_a_title_shows_the_title_and_one_without_shows_its_whole_action():
    procedure = _procedure([[1], []], [0, 1], ["Check the draft against the rules; return it if wrong.", "File it"],
                           ["", ""], ["Check", ""])
    root = ET.fromstring(flowchart_svg(procedure, dict(MANUALS)["content"], "en"))
    words = {g.get("data-step"): " ".join(t.text for t in g.iter(f"{SVG}text") if t.get("font-size") == "12.5")
             for g in root.iter(f"{SVG}g") if g.get("class") == "step"}
    assert words == {"s0": "Check", "s1": "File it"}


def test_highlighting_a_post_tints_its_lane_and_boxes_only():
    manual = dict(MANUALS)["content"]
    procedure = manual.procedures["request-handling"]
    post = procedure.actors[1]
    root = ET.fromstring(flowchart_svg(procedure, manual, "en", highlight_post=post))
    lanes = [r.get("data-post") for r in root.iter(f"{SVG}rect") if "lane--highlight" in r.get("class", "")]
    assert lanes == [post]
    steps = {g.get("data-step") for g in root.iter(f"{SVG}g") if "step--highlight" in g.get("class", "")}
    assert steps == {s.id for s in procedure.steps if s.actor == post}
    check_chart(flowchart_svg(procedure, manual, "en", highlight_post=post), procedure, "en")


# ---- random step graphs -------------------------------------------------------------------------

WORDS = ["审核", "签发", "登记", "立项督办", "draft", "review", "the", "countersign", "approve", "file",
         "（涉密）", "；", "，", "。", "extraordinarily-long-identifier"]


@st.composite
def step_graphs(draw):
    """A step graph valid per the contract: every step reachable from the first, an end reachable
    from every step (every step that is not an end has a forward arrow), loops allowed."""
    count = draw(st.integers(1, 10))
    ends = {count - 1} | {i for i in range(1, count - 1) if draw(st.integers(0, 5)) == 0}
    nexts: list[set[int]] = [set() for _ in range(count)]
    for i in range(count):
        if i in ends:
            continue
        nexts[i].add(draw(st.integers(i + 1, count - 1)))
        nexts[i] |= set(draw(st.lists(st.integers(0, count - 1), max_size=2)))
    for j in range(1, count):
        if not any(j in nexts[i] for i in range(j) if i not in ends):
            sources = [i for i in range(j) if i not in ends]
            nexts[draw(st.sampled_from(sources))].add(j)
    actors = [draw(st.integers(0, 4)) for _ in range(count)]
    texts = [" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=18))) for _ in range(count)]
    whens = [" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=8))) for _ in range(count)]
    titles = [" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))) for _ in range(count)]
    return [sorted(n) for n in nexts], actors, texts, whens, titles


def _procedure(nexts, actors, texts, whens, titles) -> Procedure:
    steps = tuple(
        Step(id=f"s{i}", number=i + 1, actor=f"p{actors[i]}", action=Text({"en": texts[i]}, "en"),
             title=Text({"en": titles[i]}, "en") if titles[i] else None,
             next=tuple(f"s{j}" for j in nexts[i]), when=Text({"en": whens[i]}, "en") if whens[i] else None)
        for i in range(len(nexts))
    )
    return Procedure(kind="procedures", id="random", file="x.yaml", title=Text({"en": "Random"}, "en"),
                     owner="p0", steps=steps)


@settings(max_examples=int(os.environ.get("FLOWCHART_EXAMPLES", "120")), deadline=None)
@given(step_graphs(), st.booleans())
def test_any_valid_step_graph_gives_a_chart_that_keeps_every_invariant(graph, vertical):
    manual = dict(MANUALS)["content"]  # its posts are not p0..p4: lanes are headed by the ids
    procedure = _procedure(*graph)
    svg = flowchart_svg(procedure, manual, "en", vertical=vertical)
    check_chart(svg, procedure, "en")
    assert svg == flowchart_svg(procedure, manual, "en", vertical=vertical)
