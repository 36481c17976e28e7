"""The onboarding reference in real Chromium: a post's page in both languages, ticks that persist.

The browser, the served default manual and the `web` page come from conftest.py; skipped, like the
other browser tests, when Chromium is missing.
"""

from __future__ import annotations

from browsing import h1, shot


def test_home_leads_new_staff_to_the_onboarding_pages(web, site_url):
    page = web.page
    page.goto(f"{site_url}/")
    page.locator("#new-here a.md-button").first.click()
    page.wait_for_url(f"{site_url}/onboarding/")
    assert h1(page) == "新到岗？"
    page.locator(".officebook-posts a", has_text="文书岗").first.click()
    page.wait_for_url(f"{site_url}/onboarding/secretarial-officer/")


def test_onboarding_page_of_a_post_in_both_languages(web, site_url):
    page = web.page
    page.goto(f"{site_url}/onboarding/secretarial-officer/")
    assert h1(page).startswith("入职指引：")
    assert page.locator("html").get_attribute("lang") == "zh"
    lists = page.locator(".officebook-checklist")
    assert lists.count() >= 1
    assert [lists.nth(i).get_attribute("data-list") for i in range(lists.count())] == [
        name for name in ("onboarding-first-day", "onboarding-first-week", "onboarding-first-month")
        if page.locator(f".officebook-checklist[data-list={name}]").count()]
    for anchor in ("post", "onboarding", "signoff", "duties", "procedures", "standards", "time-limits", "forms", "terms"):
        assert page.locator(f"#{anchor}").count() == 1, anchor
    shot(page, "onboarding-zh", full_page=True)
    page.goto(f"{site_url}/en/onboarding/secretarial-officer/")
    assert h1(page).startswith("Onboarding: ")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#first-day, #checklist-onboarding-first-day").count() >= 1
    assert page.locator("#terms + div li > a[href*='glossary/#term-']").count() >= 1  # each term linked to its entry
    shot(page, "onboarding-en", full_page=True)


def test_a_ticked_onboarding_item_persists_and_shows_on_the_post_page(web, site_url):
    page = web.page
    page.goto(f"{site_url}/onboarding/secretarial-officer/")
    first_day = page.locator(".officebook-checklist[data-list=onboarding-first-day]")
    box = first_day.locator("input[type=checkbox]").first
    assert not box.is_checked()
    box.evaluate("input => input.scrollIntoView({block: 'center'})")  # clear of the sticky header
    box.click()
    assert box.is_checked()
    page.reload()
    box = page.locator(".officebook-checklist[data-list=onboarding-first-day] input[type=checkbox]").first
    assert box.is_checked()
    page.goto(f"{site_url}/posts/secretarial-officer/")  # the same list on the post's own page
    on_post_page = page.locator(".officebook-checklist[data-list=onboarding-first-day] input[type=checkbox]")
    assert on_post_page.first.is_checked()
    page.goto(f"{site_url}/onboarding/secretarial-officer/")
    reset = page.locator(".officebook-checklist[data-list=onboarding-first-day] .officebook-checklist__reset")
    reset.evaluate("button => button.scrollIntoView({block: 'center'})")  # clear of the sticky header
    reset.click()
    page.locator(".officebook-checklist[data-list=onboarding-first-day] .officebook-checklist__confirm").click()
    page.reload()
    first = page.locator(".officebook-checklist[data-list=onboarding-first-day] input[type=checkbox]").first
    assert not first.is_checked()
