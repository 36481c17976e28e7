"""Daily lists follow the shift (`day_starts`), in Chromium with its clock set (Playwright's clock
API) in Asia/Shanghai: a duty officer's tick at 23:50 on a shift starting 08:30 is still there at
00:10 and gone after 08:30; a page left open across 08:30 moves to the new shift and says so."""

from __future__ import annotations

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import pytest
from browsing import page_without_errors, served, shot

from conftest import CASES
from officebook.build.site import build_site
from officebook.pipeline import run_check

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAILY = ".officebook-checklist[data-list=daily]"


@pytest.fixture(scope="module")
def shift_site(tmp_path_factory):
    """The second-edition case with the duty officer on shifts from 08:30."""
    content = tmp_path_factory.mktemp("shifts") / "content"
    shutil.copytree(CASES / "valid" / "second-edition" / "content", content)
    post = content / "posts" / "duty-officer.yaml"
    post.write_text(post.read_text(encoding="utf-8") + 'day_starts: "08:30"\n', encoding="utf-8")
    checked = run_check(content, use_cache=False)
    assert checked.manual is not None and checked.manual.posts["duty-officer"].day_starts == "08:30"
    root = content.parent / "site"
    build_site(checked.manual, root)
    with served(root) as url:
        yield url


@pytest.fixture
def page(browser):
    with page_without_errors(browser, timezone_id="Asia/Shanghai") as page:
        yield page


def _at(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def _stored(page):
    return page.evaluate("""() => {
        const key = Object.keys(localStorage).find(k => k.endsWith(':duty-officer:daily'));
        return key ? JSON.parse(localStorage.getItem(key)) : null; }""")


@pytest.mark.slow
def test_a_tick_belongs_to_the_shift_not_the_calendar_day(page, shift_site):
    page.clock.install(time=_at(1, 23, 50))
    page.goto(f"{shift_site}/posts/duty-officer/")
    daily = page.locator(DAILY)
    assert daily.get_attribute("data-day-starts") == "08:30"
    assert daily.locator(".officebook-checklist__period").inner_text() == "2026年12月1日班次（08:30起）"
    daily.locator("input").first.click()
    assert _stored(page)["period"] == "2026-12-01"

    page.clock.set_system_time(_at(2, 0, 10))  # past midnight: the same shift
    page.reload()
    assert page.locator(f"{DAILY} input").first.is_checked()
    assert page.locator(f"{DAILY} .officebook-checklist__period").inner_text() == "2026年12月1日班次（08:30起）"

    page.clock.set_system_time(_at(2, 8, 31))  # the next shift has begun
    page.reload()
    assert not page.locator(f"{DAILY} input").first.is_checked()
    assert page.locator(f"{DAILY} .officebook-checklist__period").inner_text() == "2026年12月2日班次（08:30起）"


@pytest.mark.slow
def test_a_page_left_open_across_the_shift_change_moves_to_the_new_shift(page, shift_site):
    page.clock.install(time=_at(2, 8, 20))
    page.goto(f"{shift_site}/posts/duty-officer/")
    daily = page.locator(DAILY)
    daily.locator("input").nth(0).click()
    assert _stored(page)["period"] == "2026-12-01"  # 08:20 is still the shift that began yesterday
    page.clock.fast_forward("12:00")  # twelve minutes: 08:32, the page still open
    notice = daily.locator(".officebook-checklist__notice")
    assert notice.inner_text().startswith("已进入新的周期：2026年12月2日班次（08:30起）。")
    assert not daily.locator("input").nth(0).is_checked()
    assert daily.locator(".officebook-checklist__period").inner_text() == "2026年12月2日班次（08:30起）"
    shot(page, "shift-rolled-over")
    daily.locator("input").nth(1).click()
    stored = _stored(page)
    assert stored["period"] == "2026-12-02" and len(stored["ticked"]) == 1  # never filed under the old shift


@pytest.mark.slow
def test_a_tick_made_in_a_stale_period_goes_to_the_new_one(page, shift_site):
    """Even before the half-minute check runs, a tick is filed under the period of the moment."""
    page.clock.install(time=_at(2, 8, 29))
    page.goto(f"{shift_site}/posts/duty-officer/")
    page.clock.pause_at(_at(2, 8, 29) + dt.timedelta(seconds=50))
    page.clock.set_system_time(_at(2, 8, 30) + dt.timedelta(seconds=5))
    page.locator(f"{DAILY} input").nth(2).click()
    stored = _stored(page)
    assert stored["period"] == "2026-12-02" and page.locator(f"{DAILY} input").nth(2).is_checked()
    assert page.locator(f"{DAILY} .officebook-checklist__notice").is_visible()
