"""The default manual in content/: what issue #3 promises of it."""

import pytest

from conftest import ROOT
from officebook.model import CATEGORIES, FREQUENCIES
from officebook.pipeline import run_check


@pytest.fixture(scope="module")
def manual():
    result = run_check(ROOT / "content", strict=True, use_cache=False)
    assert [d.as_text() for d in result.diagnostics] == []
    return result.manual


def test_bilingual_chinese_first(manual):
    assert manual.info.languages == ("zh", "en")
    assert manual.info.edition and manual.info.effective and manual.info.introduction


def test_sizes(manual):
    assert len(manual.functions) >= 4
    assert len(manual.duties) >= 16 + 5
    assert len(manual.procedures) >= 10
    assert len(manual.standards) >= 12
    assert len(manual.posts) >= 8
    assert len(manual.glossary) >= 15


def test_every_frequency_and_category_is_used(manual):
    assert {d.frequency for d in manual.duties.values()} == set(FREQUENCIES)
    assert {s.category for s in manual.standards.values()} == set(CATEGORIES)


def test_every_post_has_daily_or_weekly_work_and_onboarding(manual):
    for post_id, checklists in manual.checklists.items():
        assert checklists.by_frequency.get("daily") or checklists.by_frequency.get("weekly"), post_id
        onboarding = manual.onboarding[post_id]
        assert onboarding.first_day and onboarding.first_week and onboarding.first_month, post_id
        assert manual.posts[post_id].competencies, post_id


def test_every_function_has_duties_and_every_procedure_a_duty(manual):
    for function_id in manual.functions:
        assert manual.duties_of_function(function_id), function_id
    used = {p for duty in manual.duties.values() for p in duty.procedures}
    assert set(manual.procedures) <= used


def test_procedures_have_branches_and_a_rework_loop(manual):
    branching = [p for p in manual.procedures.values() if any(len(s.next) > 1 for s in p.steps)]
    assert len(branching) >= 3
    loops = [p for p in manual.procedures.values()
             if any(p.step(t) and p.step(t).number <= s.number for s in p.steps for t in s.next)]
    assert loops


def test_every_item_names_its_source(manual):
    for kind in ("functions", "duties", "procedures", "standards", "posts"):
        for item in manual.kind(kind).values():
            assert item.source and "seeds/" in item.source.get(), (kind, item.id)


def test_everything_is_translated(manual):
    for kind in ("functions", "duties", "procedures", "standards", "posts"):
        for item in manual.kind(kind).values():
            assert item.title.has("zh") and item.title.has("en"), (kind, item.id)
