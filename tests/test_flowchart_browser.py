"""Flowcharts in real Chromium: step text never renders below 11 px, on a desktop (swimlanes) and
on a 390 px phone (one column with the actor in each box); whatever scrolls is keyboard-reachable."""

from __future__ import annotations

import pytest
from browsing import shot

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
            smallest: Math.min(...texts.map(t => parseFloat(t.getAttribute('font-size')) * scale)),
            lowest: Math.min(...texts.map(t => t.getBoundingClientRect().height)),
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
