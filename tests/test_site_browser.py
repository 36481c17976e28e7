"""The built web manual in real Chromium: languages, search, checklists, flowcharts, accessibility,
and no request ever leaves the machine. Screenshots go to tests/artifacts/ for people to look at.

Needs Debian's chromium (/usr/bin/chromium, or $OFFICEBOOK_CHROMIUM); skipped when it is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browsing import ARTIFACTS, Watched, h1, shot

from officebook.build.site import build_site
from officebook.pipeline import run_check

TESTS = Path(__file__).parent
FIXTURE = TESTS / "golden" / "fixture" / "content"


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-offline") / "site"
    build_site(run_check(FIXTURE, use_cache=False).manual, root, offline=True)
    return root


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_home_page_opens_with_the_posts_and_a_search_box(web, site_url, width, height):
    page = web.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{site_url}/")
    assert h1(page) == "市人民政府办公室工作手册"
    assert page.locator("html").get_attribute("lang") == "zh"
    posts = len(list((TESTS.parent / "content" / "posts").rglob("*.yaml")))
    links = page.locator(".officebook-org--home a.officebook-org__box")
    assert posts >= 11 and links.count() == posts
    assert page.locator(".officebook-org__section").count() >= 3  # grouped by section
    search = page.locator(".officebook-search-box__input")
    for element in (search, links.first, page.locator(".officebook-org__box--head").first):
        box = element.bounding_box()
        assert box and box["y"] + box["height"] <= height, "on the first screen"
    shot(page, f"home-zh-{width}")
    search.press_sequentially("值班")
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert page.locator(".md-search__input").input_value() == "值班"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site_url}/en/")
    assert h1(page) == "Handbook of the General Office of the Municipal People's Government"
    assert page.locator("html").get_attribute("lang") == "en"


def test_language_switch_lands_on_the_same_page(web, site_url):
    page = web.page
    page.goto(f"{site_url}/posts/secretarial-officer/")
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_url(f"{site_url}/en/posts/secretarial-officer/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang=zh]").click()
    page.wait_for_url(f"{site_url}/posts/secretarial-officer/")


def _search(page, query: str):
    """Type a query as a reader does: Material reads the box on keyup (an IME commit gives one)."""
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=15_000)
    return results


def _hrefs(results) -> list[str]:
    return results.evaluate_all("links => links.map(link => link.getAttribute('href'))")


def test_search_in_chinese_finds_the_right_page(web, site_url):
    page = web.page
    page.goto(f"{site_url}/")
    results = _search(page, "督查")
    hrefs = _hrefs(results)
    assert any("functions/supervision-inspection/" in h for h in hrefs), hrefs
    assert any("posts/supervision-officer/" in h for h in hrefs), hrefs
    shot(page, "search-zh")
    page.locator(".md-search-result__item > a[href*='functions/supervision-inspection/']").first.click()
    page.wait_for_url(re.compile(r".*/functions/supervision-inspection/.*"))
    assert h1(page) == "督办督查"
    page.goto(f"{site_url}/")
    results = _search(page, "公文")
    hrefs = _hrefs(results)[:6]
    assert any("/document-" in h for h in hrefs), hrefs  # the document procedures and standards
    # (a page shown only as the heading of its matching section, the glossary's, highlights nothing)
    assert all("h=%E5%85%AC%E6%96%87" in h for h in hrefs if not h.endswith("?h=")), "the whole word, not 公 alone"


def test_search_in_english_and_by_id(web, site_url):
    page = web.page
    page.goto(f"{site_url}/en/")
    results = _search(page, "supervision")
    hrefs = _hrefs(results)
    assert any("supervision-inspection/" in h for h in hrefs), hrefs
    page.locator(".md-search-result__item > a[href*='supervision-inspection/']").first.click()
    page.wait_for_url(re.compile(r".*supervision.*"))
    page.goto(f"{site_url}/en/")
    results = _search(page, "document-drafting")
    hrefs = _hrefs(results)[:5]
    assert any("/document-" in h for h in hrefs), hrefs  # the document procedures and standards


def test_checklist_ticks_survive_a_reload_and_reset(web, site_url):
    page = web.page
    page.goto(f"{site_url}/posts/secretarial-officer/")
    daily = page.locator(".officebook-checklist[data-list=daily]")
    box = daily.locator("input[type=checkbox]").first
    assert not box.is_checked() and box.is_enabled()
    name = daily.locator(".officebook-ticks input").first.evaluate("box => box.nextSibling.textContent")
    assert daily.get_by_role("checkbox", name=name).count() == 1  # the line's text names its box
    box.click()
    assert box.is_checked()
    shot(page, "post-checklists", full_page=True)
    page.reload()
    box = page.locator(".officebook-checklist[data-list=daily] input[type=checkbox]").first
    assert box.is_checked(), "the tick is remembered"
    stored = page.evaluate("Object.keys(localStorage)")
    assert any(key.endswith(":secretarial-officer:daily") for key in stored), stored
    page.locator(".officebook-checklist[data-list=daily] .officebook-checklist__reset").click()
    page.locator(".officebook-checklist[data-list=daily] .officebook-checklist__confirm").click()
    assert not box.is_checked()
    page.reload()
    assert not page.locator(".officebook-checklist[data-list=daily] input[type=checkbox]").first.is_checked()


def test_checklist_starts_fresh_in_a_new_period(web, site_url):
    page = web.page
    page.goto(f"{site_url}/posts/secretarial-officer/")
    key = page.evaluate(
        "() => { const l = document.querySelector('.officebook-checklist[data-list=daily]');"
        " return ['officebook:v1', l.dataset.scope, l.dataset.post, l.dataset.list].join(':'); }")
    first = page.evaluate("document.querySelector('.officebook-checklist[data-list=daily] input').dataset.key")
    page.evaluate(f"localStorage.setItem({key!r}, JSON.stringify({{period: '2000-01-01', ticked: [{first!r}]}}))")
    page.reload()
    assert not page.locator(".officebook-checklist[data-list=daily] input[type=checkbox]").first.is_checked()


def test_procedure_flowchart_renders_as_svg(web, site_url):
    page = web.page
    page.goto(f"{site_url}/procedures/document-drafting/")
    chart = page.locator("svg.officebook-flowchart:visible")  # swimlanes; the phone drawing is hidden
    assert chart.count() == 1 and page.locator("svg.officebook-flowchart--vertical").count() == 1
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 300
    assert chart.locator("g[id^=flow-document-drafting-step-]").count() == 9
    chart.scroll_into_view_if_needed()
    shot(page, "procedure-flowchart", full_page=True)


@pytest.mark.parametrize("lang", ["", "/en"])
def test_raci_index_leads_to_every_function_table(web, site_url, lang):
    """The matrix is split by function (no page grows with duties × posts): the RACI page links each
    function's table, on the function's page."""
    page = web.page
    page.goto(f"{site_url}{lang}/raci/")
    links = page.locator("article a[href$='#raci']")
    assert links.count() == len(list((TESTS.parent / "content" / "functions").glob("*.yaml")))
    assert page.locator(".officebook-raci-table").count() == 0
    shot(page, "raci-index" + lang.replace("/", "-"))
    links.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("#raci") and page.locator("#raci").count() == 1
    assert page.locator(".officebook-raci-table").count() == 1


@pytest.mark.parametrize("path", ["/functions/service-guarantee/", "/en/functions/service-guarantee/"])
def test_raci_matrix_reads_across_on_a_desktop_and_as_cards_on_a_phone(web, site_url, path):
    page = web.page
    page.goto(site_url + path + "#raci")
    tables = page.locator(".officebook-raci-table")
    assert tables.count() == 1
    header = tables.first.locator("thead th").nth(1)
    assert header.evaluate("th => getComputedStyle(th).writingMode") == "horizontal-tb"
    widths = page.evaluate("""() => [...document.querySelectorAll('.officebook-raci-table thead th:not(:first-child)')]
        .map(th => Math.round(th.getBoundingClientRect().width))""")
    assert max(widths) - min(widths) <= 1, widths  # one column width for every post on the page
    assert tables.first.locator("td").first.evaluate("td => getComputedStyle(td).borderRightStyle") == "solid"
    roles = page.locator(".officebook-raci-table td:not(:empty)")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.officebook-raci-table td:not(:empty)')]
        .filter(td => getComputedStyle(td).whiteSpace !== 'nowrap' || td.scrollWidth > td.clientWidth + 1)
        .map(td => td.textContent)""")
    assert roles.count() > 10 and overflowing == []  # a role on one line, within its column
    assert header.evaluate("th => getComputedStyle(th).position") == "sticky"
    assert tables.first.locator("tbody th").first.evaluate("th => getComputedStyle(th).position") == "sticky"
    shot(page, "raci-" + path.strip("/").replace("/", "-"))
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
        row = tables.first.locator("tbody tr").first
        assert row.locator("th a").is_visible()
        cell = row.locator("td:not(:empty)").first
        assert cell.evaluate("td => getComputedStyle(td, '::before').content").strip('"')  # the post named
        # a card takes the column's width, its title no sticky column's edge
        column = page.locator("article.md-content__inner").evaluate("a => a.clientWidth")
        assert row.evaluate("tr => tr.getBoundingClientRect().width") >= 0.9 * column
        assert row.locator("th").evaluate("th => getComputedStyle(th).boxShadow") == "none"
        shot(page, "raci-phone-" + path.strip("/").replace("/", "-"))
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_org_chart_is_read_at_body_size_and_links_every_post(web, site_url):
    page = web.page
    page.goto(f"{site_url}/org-chart/")
    boxes = page.locator(".officebook-org a.officebook-org__box")
    posts = len(list((TESTS.parent / "content" / "posts").rglob("*.yaml")))
    assert boxes.count() == posts
    sizes = page.evaluate("""() => [...document.querySelectorAll('.officebook-org__box')]
        .map(box => parseFloat(getComputedStyle(box).fontSize))""")
    assert min(sizes) >= 12
    right = page.evaluate("""() => Math.max(...[...document.querySelectorAll('.officebook-org__box')]
        .map(box => box.getBoundingClientRect().right))""")
    assert right <= 1280
    shot(page, "org-chart-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        boxes.first.click()
        page.wait_for_url(re.compile(r".*/posts/[a-z-]+/$"))
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_org_chart_sections_fold_by_keyboard_and_print_whole(web, site_url):
    page = web.page
    page.goto(f"{site_url}/org-chart/")
    sections = page.locator(".officebook-org__section")
    folds = page.locator("details.officebook-org__posts")
    assert folds.count() == sections.count() >= 3 and folds.evaluate_all("ds => ds.every(d => d.open)")
    first = sections.first
    head = first.locator("a.officebook-org__box--head")
    posts = first.locator("li a.officebook-org__box")
    assert posts.first.is_visible()
    head.focus()
    page.keyboard.press("Tab")  # the next stop is the section's fold control, then Enter folds it
    summary = first.locator("summary")
    assert summary.evaluate("s => s === document.activeElement")
    page.keyboard.press("Enter")
    assert not posts.first.is_visible() and head.is_visible()  # the head stays, a link to its post
    count = summary.locator(".officebook-org__count")
    assert count.is_visible() and re.search(r"\d", count.inner_text())
    assert count.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12
    shot(page, "org-chart-folded-zh")
    page.emulate_media(media="print")  # a folded section is printed whole, and folded again after
    try:
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert folds.evaluate_all("ds => ds.every(d => d.open)")
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        assert not folds.first.evaluate("d => d.open")
    finally:
        page.emulate_media(media="screen")
    page.keyboard.press("Space")
    assert posts.first.is_visible()


@pytest.mark.parametrize("path", ["/", "/posts/secretarial-officer/", "/procedures/document-drafting/", "/en/functions/service-guarantee/",
                                  "/en/posts/secretary-general/", "/glossary/", "/org-chart/"])
def test_no_serious_accessibility_violations(web, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    web.page.goto(site_url + path)
    results = Axe().run(web.page)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_print_view_fits_the_longest_checklist_on_one_a4_page(web, site_url):
    page = web.page
    page.goto(f"{site_url}/posts/secretary-general/")
    longest = page.evaluate("""() => {
        const lists = [...document.querySelectorAll('.officebook-checklist, .officebook-case')];
        const list = lists.reduce((a, b) => a.querySelectorAll('li').length >= b.querySelectorAll('li').length ? a : b);
        window.print = () => {};  // the print dialog; afterprint never comes, so the print view stays
        list.querySelector('.officebook-checklist__print').click();
        return [list.dataset.list, list.querySelectorAll('li').length];
    }""")
    assert longest[1] >= 10, longest
    page.emulate_media(media="print")
    visible = page.evaluate("""() => [...document.querySelector('.md-content__inner').children]
        .filter(e => getComputedStyle(e).display !== 'none').map(e => e.dataset.list || e.tagName)""")
    assert visible == [longest[0]]
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "checklist-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
        assert "(A4)" in info, info


def test_offline_site_works_from_a_folder(browser, offline_site):
    watched = Watched(browser, "file://")
    page = watched.page
    page.goto((offline_site / "index.html").as_uri())
    assert h1(page) == "示例办公室工作手册"
    results = _search(page, "审核")
    assert results.count() >= 1
    page.goto((offline_site / "procedures" / "review" / "index.html").as_uri())
    assert page.locator("svg.officebook-flowchart:not(.officebook-flowchart--vertical)").is_visible()
    page.hover(".md-header__option .md-select")
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_url(re.compile(r".*/en/procedures/review/index\.html$"))
    shot(page, "offline-procedure-en")
    watched.close()
