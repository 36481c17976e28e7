"""Flowcharts in real Chromium: step text never renders below 11 px, on a desktop (swimlanes) and
on a 390 px phone (one column with the actor in each box); whatever scrolls is keyboard-reachable;
the site's lighter drawings (classes styled by officebook.css) look exactly like the self-contained
ones print and Word draw."""

from __future__ import annotations

import io
from importlib.resources import files
from pathlib import Path

import pytest
from browsing import shot
from PIL import Image, ImageChops

from officebook.pipeline import run_check
from officebook.render.flowchart import FlowchartLayout, WebFlowchartLayout

PAGES = ["/procedures/request-handling/", "/procedures/decision-supervision/", "/procedures/emergency-response/",
         "/en/procedures/request-handling/", "/en/procedures/decision-supervision/",
         "/en/procedures/emergency-response/"]

_MEASURE = """() => {
    const visible = [...document.querySelectorAll('.officebook-flowchart-figure svg.officebook-flowchart')]
        .filter(svg => svg.getBoundingClientRect().width > 0);
    return visible.map(svg => {
        const scale = svg.getScreenCTM().a;
        const texts = [...svg.querySelectorAll('g.step text')];
        return {
            vertical: svg.classList.contains('officebook-flowchart--vertical'),
            width: svg.getBoundingClientRect().width,
            steps: svg.querySelectorAll('g.step').length,
            smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
            lowest: Math.min(...texts.map(t => t.getBoundingClientRect().height)),
            // its name and description, wherever on the page they are (the narrow drawing's are the lanes')
            described: ['aria-labelledby', 'aria-describedby'].flatMap(a => (svg.getAttribute(a) || '').split(' '))
                .filter(id => id).map(id => (document.getElementById(id) || {}).textContent || '').join(' | '),
        };
    });
}"""

_UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll('.md-content *')].filter(e => {
    const style = getComputedStyle(e);
    return /(auto|scroll)/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0;
}).map(e => e.className)"""


@pytest.mark.parametrize(("width", "vertical"), [(1280, False), (390, True)])
def test_step_text_renders_at_11_px_or_more_and_every_scroll_area_takes_the_keyboard(web, site_url, width,
                                                                                      vertical):
    page = web.page
    page.set_viewport_size({"width": width, "height": 900})
    for path in PAGES:
        page.goto(site_url + path)
        charts = page.evaluate(_MEASURE)
        assert len(charts) == 1, (path, charts)  # one drawing shown: swimlanes or the single column
        chart = charts[0]
        assert chart["vertical"] is vertical, (path, chart)
        assert chart["steps"] > 5
        assert chart["smallest"] >= 11 and chart["lowest"] >= 11, (path, chart)
        name, description, *described = chart["described"].split(" | ")
        assert name.startswith(("流程图：", "Flowchart: ")) and "1. " in description, chart["described"]
        assert described == ([description] if vertical else []), chart["described"]
        assert chart["width"] <= width - 20
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # the page never scrolls sideways
        assert page.evaluate(_UNREACHABLE_SCROLLERS) == [], path
        assert page.locator(".officebook-flow__lanes").get_attribute("tabindex") == "0"
    page.goto(site_url + PAGES[0])
    page.locator(".officebook-flowchart-figure").scroll_into_view_if_needed()
    shot(page, f"flowchart-{width}", full_page=True)


def test_lanes_region_is_reached_with_the_tab_key(web, site_url):
    page = web.page
    page.goto(site_url + PAGES[0])
    assert page.locator(".officebook-flow__lanes").is_visible()
    page.locator("#flowchart a.headerlink").focus()  # the link just before the chart
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('officebook-flow__lanes')")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "流程图：请示件办理"


def test_the_site_draws_its_lighter_flowcharts_pixel_for_pixel_as_print_and_word_draw_theirs(browser):
    """The web drawing leaves its colours, widths and fonts to officebook.css; the self-contained
    drawing (print, Word) carries them. Side by side in Chromium, at full size and scaled down as
    a column narrower than the chart shows it, they are the same pixels: lanes, highlights, loops,
    diamonds, ends, labels (English ones slanted), badges, actors."""
    css = files("officebook.render").joinpath("assets/officebook/officebook.css").read_text(encoding="utf-8")
    manual = run_check(Path(__file__).parent.parent / "content", use_cache=False).manual
    page = browser.new_page(viewport={"width": 900, "height": 1400})
    cases = [("request-handling", "zh", False, None, 1.0), ("request-handling", "zh", True, None, 0.92),
             ("decision-supervision", "en", False, "deputy-secretary-general", 0.88),
             ("decision-supervision", "en", True, "supervision-officer", 1.0)]
    for procedure_id, lang, vertical, post, scale in cases:
        procedure = manual.procedures[procedure_id]
        shots = []
        for layout, style in ((FlowchartLayout, ""), (WebFlowchartLayout, css)):
            chart = layout(procedure, manual, lang, "flow", vertical=vertical, highlight_post=post)
            svg = chart.svg().replace("<svg ", '<svg style="display:block;width:100%;height:auto" ', 1)
            page.set_content(f"<style>{style} body {{ margin: 0 }}</style>"
                             f"<div id='chart' style='width: {chart.width * scale}px'>{svg}</div>")
            shots.append(Image.open(io.BytesIO(page.locator("#chart").screenshot())).convert("RGB"))
        assert shots[0].size == shots[1].size
        assert ImageChops.difference(*shots).getbbox() is None, (procedure_id, lang, vertical)
    page.close()
