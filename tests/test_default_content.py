"""The default manual in content/: what issue #3 promises of it."""

import re

import pytest

from conftest import ROOT
from officebook.model import CATEGORIES, FREQUENCIES
from officebook.pipeline import run_check

CJK = re.compile(r"[\u3400-\u9fff]")


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


def test_every_item_cites_its_sources_for_readers(manual):
    """A source is a text per language naming documents a reader can look up, not a path into seeds/."""
    for kind in ("functions", "duties", "procedures", "standards", "posts"):
        for item in manual.kind(kind).values():
            assert item.source and item.source.has("zh") and item.source.has("en"), (kind, item.id)
            zh, en = item.source.get("zh"), item.source.get("en")
            assert "《" in zh or "GB/T" in zh, (kind, item.id, zh)
            for text in (zh, en):
                assert "seeds/" not in text and "§" not in text, (kind, item.id, text)
            assert not CJK.search(en), (kind, item.id, en)


def test_tags_are_texts_in_both_languages(manual):
    for kind in ("functions", "duties", "procedures", "standards", "posts"):
        for item in manual.kind(kind).values():
            assert item.tags, (kind, item.id)
            for tag in item.tags:
                assert tag.has("zh") and tag.has("en") and not CJK.search(tag.get("en")), (kind, item.id, tag)


def test_posts_are_named_by_section_and_post_under_a_secretary_general(manual):
    posts = manual.posts
    titles = {pid: post.title.get("zh") for pid, post in posts.items()}
    for pid, title in titles.items():
        assert "专员" not in title and "调研员" not in title, (pid, title)
        assert "Secretary (" not in posts[pid].title.get("en"), pid
    heads = [pid for pid, post in posts.items() if not post.reports_to]
    assert [titles[pid] for pid in heads] == ["秘书长（办公室主任）"]
    assert any(title == "副秘书长" for title in titles.values())
    chiefs = [pid for pid, title in titles.items() if "科长" in title and "副科长" not in title]
    assert len(chiefs) >= 5
    # the section layer: officers and deputy chiefs report to their chief, chiefs to the Deputy Secretary-General
    for pid in ("secretarial-officer", "duty-officer", "archivist"):
        assert posts[pid].reports_to == "secretarial-chief", pid
    for pid in ("supervision-officer", "letters-chief"):
        assert posts[pid].reports_to == "supervision-chief", pid
    assert posts["information-officer"].reports_to == "information-chief"
    for pid in chiefs:
        assert posts[pid].reports_to == "deputy-secretary-general", pid


def test_documents_are_routed_chief_deputy_secretary_general_secretary_general(manual):
    for procedure_id in ("document-drafting", "department-drafts"):
        actors = [step.actor for step in manual.procedures[procedure_id].steps]
        order = [actors.index(post) for post in ("secretarial-chief", "deputy-secretary-general", "secretary-general")]
        assert order == sorted(order), (procedure_id, actors)
    assert manual.duties["leaders-schedule"].raci.responsible == ("secretarial-chief",)


def test_incoming_documents_procedure_has_the_ten_stages(manual):
    titles = [step.title.get("zh") for step in manual.procedures["incoming-documents"].steps]
    stages = iter(titles)
    missing = [s for s in ("签收", "登记", "初审", "拟办", "批办", "承办", "传阅", "催办", "办结", "归档")
               if not any(t == s for t in stages)]
    assert not missing, titles


def test_department_drafts_are_checked_for_what_a_real_office_checks(manual):
    text = " ".join(step.action.get("zh") for step in manual.procedures["department-drafts"].steps)
    for point in ("必要性", "合法性审核", "公平竞争审查", "公开属性", "格式"):
        assert point in text, point
    assert "department-drafts" in manual.duties["document-drafting-review"].procedures


def test_the_facts_of_the_regulations_are_there(manual):
    disclosure = manual.duties["information-disclosure"].description.get("zh")
    assert "20个工作日" in disclosure and "1月31日" in disclosure
    emergency = manual.procedures["emergency-response"]
    limit = emergency.time_limit.get("zh")
    assert "一般（Ⅳ级）事件接报后1小时内电话报告、2小时内书面报告" in limit and "不论等级立即报告" in limit
    assert "边核实边报告" in " ".join(step.action.get("zh") for step in emergency.steps)
    assert "二至四次" in manual.duties["government-meetings"].description.get("zh")
    assert "无公函的一律不予接待" in manual.duties["reception-of-delegations"].description.get("zh")
    classified = " ".join(step.action.get("zh") for step in manual.procedures["classified-documents"].steps)
    assert "知悉范围" in classified and "复制" in classified and "密码电报" in classified


def test_the_seeds_material_on_people_and_newcomers_is_there(manual):
    everyone = set(manual.posts)
    for standard_id in ("political-quality", "dedication-and-unity", "work-style"):
        standard = manual.standards[standard_id]
        assert set(standard.applies_to_posts) == everyone and standard.check, standard_id
    assert "不卑不亢" in " ".join(c.get("zh") for c in manual.standards["political-quality"].criteria)
    assert "大事讲原则" in manual.standards["dedication-and-unity"].statement.get("zh")
    assert "形式主义" in manual.standards["work-style"].statement.get("zh")
    intro = manual.info.introduction.get("zh")
    for point in ("给新同志的话", "学历", "老同志", "不怕多干活", "领导的重视和支持"):
        assert point in intro, point
    assert manual.duties["office-rules-and-assessment"].tasks


def test_every_recurring_duty_has_real_tasks_and_every_step_a_title(manual):
    for duty in manual.duties.values():
        if duty.frequency not in ("as-needed", "on-event"):
            assert len(duty.tasks) >= 2, duty.id
    for procedure in manual.procedures.values():
        for step in procedure.steps:
            assert step.title and len(step.title.get("zh")) <= 12, (procedure.id, step.id)
            assert step.time_limit is None or not any(
                word in step.time_limit.get("zh") for word in ("每月", "年底", "年终")), (procedure.id, step.id)


def test_lists_carry_only_what_the_post_does(manual):
    """No ticked list is overlong, and a standard reaches only the posts whose work it governs."""
    for post_id, checklists in manual.checklists.items():
        for frequency, entries in checklists.by_frequency.items():
            assert len(entries) <= 30, (post_id, frequency, len(entries))
    daily = manual.checklists["duty-officer"].by_frequency["daily"]
    assert len([e for e in daily if e.key.startswith("task:")]) >= 5
    # standards are attached to duties, steps or posts, never to a whole procedure's actors
    assert not any(s.applies_to_procedures for s in manual.standards.values())

    def said(post_id, phrase):
        checklists = manual.checklists[post_id]
        entries = [e for entries in checklists.by_frequency.values() for e in entries]
        return any(phrase in e.text.get("zh") for e in (*entries, *checklists.criteria))

    assert said("admin-chief", "会前1小时") and not said("archivist", "会前1小时")
    assert not said("letters-chief", "请示件") and not said("e-government-officer", "库房温湿度")


def test_everything_is_translated(manual):
    for kind in ("functions", "duties", "procedures", "standards", "posts"):
        for item in manual.kind(kind).values():
            assert item.title.has("zh") and item.title.has("en"), (kind, item.id)


def test_links_name_items_where_a_text_names_them(manual):
    """Bodies link the procedures and standards they name; plain lists, which are not Markdown, do not."""
    link = re.compile(r"\]\((?:functions|duties|procedures|standards|posts)/")
    linked = [d.id for d in manual.duties.values() if d.description and link.search(d.description.get("zh"))]
    assert len(linked) >= 15, linked
    for post in manual.posts.values():
        assert link.search(post.description.get("zh")) and link.search(post.description.get("en")), post.id
        lists = (*post.competencies, *post.onboarding.first_day, *post.onboarding.first_week,
                 *post.onboarding.first_month)
        assert not any(link.search(t.get(lang)) for t in lists for lang in ("zh", "en")), post.id
    for duty in manual.duties.values():
        assert not any(link.search(task.action.get("zh")) for task in duty.tasks), duty.id
