"""A post's checklists in real Chromium: ticking by the whole line, keyboard, periods in words, reset
with undo, and case sheets kept in localStorage (the second-edition case manual)."""

import datetime as dt
import re

import pytest
from browsing import Watched, served, shot

from conftest import CASES
from officebook.build.site import build_site
from officebook.pipeline import run_check

DAILY = ".officebook-checklist[data-list=daily]"
CASE = ".officebook-case[data-list=case-urgent-report]"


@pytest.fixture(scope="module")
def second_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("second-edition-site") / "site"
    build_site(run_check(CASES / "valid" / "second-edition" / "content", use_cache=False).manual, root)
    with served(root) as url:
        yield url


@pytest.fixture
def page(browser, second_site):
    watched = Watched(browser, second_site)
    watched.page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 30))
    yield watched.page
    assert watched.errors == []
    watched.close()


def _stored(page, name: str):
    return page.evaluate(f"""() => {{
        const key = Object.keys(localStorage).find(k => k.endsWith(':duty-officer:{name}'));
        return key ? JSON.parse(localStorage.getItem(key)) : null; }}""")


def test_clicking_anywhere_on_a_line_ticks_it_and_the_tick_is_kept(page, second_site):
    page.goto(f"{second_site}/posts/duty-officer/")
    daily = page.locator(DAILY)
    box = daily.get_by_role("checkbox", name=re.compile("测试值班电话和传真畅通"))
    assert not box.is_checked()
    daily.get_by_text("测试值班电话和传真畅通").click()
    assert box.is_checked()
    daily.locator(".officebook-ticks small").first.click()  # the quiet duty name is part of the line too
    assert daily.locator("input").first.is_checked()
    assert daily.get_by_role("status").inner_text() == "已完成 2/7"
    page.reload()
    assert page.locator(DAILY).get_by_role("checkbox", name=re.compile("测试值班电话")).is_checked()
    assert set(_stored(page, "daily")["ticked"]) == {"task:duty-shift/1", "task:duty-shift/2"}


def test_lines_tick_from_the_keyboard_with_a_visible_focus(page, second_site):
    page.goto(f"{second_site}/posts/duty-officer/")
    first = page.locator(f"{DAILY} input").first
    first.focus()
    label = page.locator(f"{DAILY} .officebook-ticks label").first
    outline = label.evaluate("l => getComputedStyle(l).outlineStyle + ' ' + getComputedStyle(l).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.press("Space")
    assert first.is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator(f"{DAILY} input").nth(1).is_checked()
    assert page.locator(DAILY).get_by_role("status").inner_text() == "已完成 2/7"


def test_periods_are_shown_in_words(page, second_site):
    page.goto(f"{second_site}/posts/duty-officer/")
    assert page.locator(f"{DAILY} .officebook-checklist__period").inner_text() == "2026年12月1日"
    assert page.locator(".officebook-checklist[data-list=weekly] .officebook-checklist__period").inner_text() == "12月第1周"
    page.goto(f"{second_site}/posts/supervision-officer/")
    assert page.locator(".officebook-checklist[data-list=quarterly] .officebook-checklist__period").inner_text() \
        == "2026年第四季度"
    page.goto(f"{second_site}/en/posts/duty-officer/")
    assert page.locator(".officebook-checklist[data-list=weekly] .officebook-checklist__period").inner_text() \
        == "Week of 30 November 2026"
    assert page.locator(f"{DAILY} .officebook-checklist__period").inner_text() == "1 December 2026"


def test_reset_asks_once_and_can_be_undone(page, second_site):
    page.goto(f"{second_site}/posts/duty-officer/")
    daily = page.locator(DAILY)
    boxes = daily.locator("input")
    boxes.nth(0).check()
    boxes.nth(2).check()
    daily.get_by_role("button", name="清除勾选").click()
    assert boxes.nth(0).is_checked(), "nothing is cleared before the answer"
    assert daily.get_by_text("确定清除本清单的全部勾选？").is_visible()
    daily.get_by_role("button", name="取消").click()
    assert boxes.nth(0).is_checked() and boxes.nth(2).is_checked()
    daily.get_by_role("button", name="清除勾选").click()
    daily.get_by_role("button", name="清除", exact=True).click()
    assert not boxes.nth(0).is_checked() and not boxes.nth(2).is_checked()
    assert _stored(page, "daily") is None
    undo = daily.get_by_role("button", name="撤销")
    assert undo.evaluate("b => b === document.activeElement")
    undo.click()
    assert boxes.nth(0).is_checked() and boxes.nth(2).is_checked()
    assert set(_stored(page, "daily")["ticked"]) == {"task:duty-shift/1", "task:duty-shift/3"}
    shot(page, "checklists-reset-undone")


def test_cases_are_opened_kept_and_closed(page, second_site):
    page.goto(f"{second_site}/posts/duty-officer/")
    sheet = page.locator(CASE)
    own = sheet.locator("input[type=checkbox]")
    assert own.count() == 3 + 2  # three own steps of four, and the accuracy criteria
    other = sheet.locator(".officebook-case__other > span")  # another post's step: who, and a link to it
    assert other.inner_text() == "第 3 步（审签）由办公室主任办理"
    assert other.get_by_role("link").get_attribute("href").endswith("/procedures/urgent-report/#step-approve")
    assert own.first.is_disabled(), "nothing to tick before a case is open"
    reference = sheet.get_by_role("textbox", name="办件编号（文号或事项）")
    reference.fill("区政办发〔2026〕12号")
    sheet.get_by_role("button", name="开始办理").click()
    sheet.get_by_text("接报登记").click()
    assert own.first.is_checked()
    reference.fill("12月1日来电")
    reference.press("Enter")
    assert not own.first.is_checked(), "a new case starts with nothing ticked"
    sheet.locator("label").filter(has_text=re.compile(r"\d\.核实$")).click()  # the step's line: number and name
    page.reload()
    sheet = page.locator(CASE)
    tabs = sheet.locator(".officebook-case__tab")
    assert tabs.all_inner_texts() == ["区政办发〔2026〕12号 · 2026-12-01", "12月1日来电 · 2026-12-01"]
    assert sheet.locator("input[type=checkbox]").nth(1).is_checked() and not sheet.locator("input[type=checkbox]").first.is_checked()
    tabs.first.click()
    assert sheet.locator("input[type=checkbox]").first.is_checked() and not sheet.locator("input[type=checkbox]").nth(1).is_checked()
    sheet.get_by_role("button", name="办结").click()
    assert sheet.locator(".officebook-case__tab").all_inner_texts() == ["12月1日来电 · 2026-12-01"]
    assert "区政办发〔2026〕12号 已办结" in sheet.get_by_role("status").inner_text()
    stored = _stored(page, "case-urgent-report")
    assert [c["reference"] for c in stored["cases"]] == ["12月1日来电"]
    sheet.get_by_role("button", name="办结").click()
    assert _stored(page, "case-urgent-report") is None
    shot(page, "checklists-cases", full_page=True)


def test_post_page_opens_with_the_day_and_week_and_fits_a_phone(browser, second_site):
    watched = Watched(browser, second_site)
    phone = watched.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{second_site}/posts/duty-officer/")
    headings = phone.locator(".md-content h2").all_inner_texts()
    assert headings[0].rstrip("¶") == "今日与本周"
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    line = phone.locator(f"{DAILY} .officebook-ticks label").first.bounding_box()
    assert line["height"] >= 40, "a line is a comfortable tap target"
    shot(phone, "checklists-phone", full_page=True)
    phone.close()
    watched.close()
