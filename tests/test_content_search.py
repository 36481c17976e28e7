"""Search finds the pages of the third pass of the default manual (issue #28): a reader who types 印章
or 公务用车 lands on the entry that governs it, among the first results, on the built site in Chromium."""

from __future__ import annotations

import pytest
from test_search_chinese import WORKER_SEARCH

# query → the pages that answer it; one of them must come first or second
PROBES = {
    "印章": {"duties/seal-management/", "procedures/seal-use/", "standards/seal-rules/"},
    "用印": {"procedures/seal-use/", "duties/seal-management/", "standards/seal-rules/"},
    "精文简会": {"duties/lean-documents-meetings/", "standards/lean-documents-meetings/"},
    "督查检查考核": {"duties/inspection-plan/"},
    "政务新媒体": {"duties/government-website-media/"},
    "公务用车": {"duties/official-vehicles/", "procedures/vehicle-dispatch/"},
    "议案": {"duties/proposals-and-motions/", "procedures/proposal-handling/"},
    "市长信箱": {"duties/letters-and-visits/", "procedures/petition-handling/", "posts/letters-chief/"},
    "规范性文件备案": {"duties/normative-documents-filing/"},
    "脱密期": {"duties/confidentiality/"},
}


@pytest.mark.slow
def test_each_new_subject_finds_its_own_entry_first(browser, site_url):
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/")
        worker = page.evaluate("JSON.parse(document.getElementById('__config').textContent).search")
        results = page.evaluate(WORKER_SEARCH, [worker, list(PROBES)])
    finally:
        page.close()
    for query, pages in PROBES.items():
        firsts = [group[0].split("#")[0] for group in results[query][:2]]
        assert pages & set(firsts), (query, firsts)
