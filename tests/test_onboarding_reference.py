"""The onboarding reference a newcomer is handed: who the post is, the sign-off sheet, the procedures
with all their steps, time limits, forms and terms — the same facts on the web page and in the booklet."""

from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CASES, ROOT
from officebook.newcomer import terms_used
from officebook.pipeline import run_check
from officebook.render.onboarding import onboarding_path, render_onboarding_page
from officebook.render.orgchart import neighbourhood, orgchart_svg
from officebook.render.pages import inline
from officebook.vocabulary.labels import label


@pytest.fixture(scope="module")
def default_manual():
    return run_check(ROOT / "content", use_cache=False).manual


@pytest.fixture(scope="module")
def case_manual():
    return run_check(CASES / "valid" / "second-edition" / "content", use_cache=False).manual


def busiest_post(manual) -> str:
    """The post that takes part in the most procedures (chosen by property, not by id)."""
    return max(manual.post_order, key=lambda p: (len(manual.onboarding[p].procedures), len(manual.onboarding[p].duties)))


def flat(text: str) -> str:
    """Text with every space and line break removed (pdftotext breaks Chinese lines anywhere)."""
    return re.sub(r"\s+", "", text)


def test_partners_come_from_raci_and_hand_offs(default_manual):
    manual = default_manual
    for post in manual.post_order:
        view = manual.onboarding[post]
        partners = {p.post: p for p in view.partners}
        assert post not in partners
        for duty_id in view.duties:
            for other in manual.duties[duty_id].raci.members:
                if other != post:
                    assert duty_id in partners[other].duties, (post, other, duty_id)
        for procedure_id in view.procedures:
            procedure = manual.procedures[procedure_id]
            for step in procedure.steps:
                for following in (procedure.step(s) for s in step.next):
                    pair = {step.actor, following.actor}
                    if post in pair and len(pair) == 2:
                        other = (pair - {post}).pop()
                        assert procedure_id in partners[other].procedures, (post, other, procedure_id)
        counts = [len(p.duties) + len(p.procedures) for p in view.partners]
        assert counts == sorted(counts, reverse=True)


def test_time_limits_are_every_limit_of_the_posts_steps_procedures_and_time_standards(default_manual):
    manual = default_manual
    for post in manual.post_order:
        view = manual.onboarding[post]
        expected = []
        for procedure_id in view.procedures:
            procedure = manual.procedures[procedure_id]
            if procedure.time_limit:
                expected.append((procedure.ref, None))
            expected += [(procedure.ref, s.id) for s in procedure.steps if s.actor == post and s.time_limit]
        expected += [(manual.standards[s].ref, None) for s in view.standards
                     if manual.standards[s].category == "time-limit" and manual.standards[s].statement]
        assert [(row.source, row.step) for row in view.time_limits] == expected


def test_forms_are_the_non_image_assets_its_duties_link_to(case_manual):
    holders = [p for p in case_manual.post_order if "duty-shift" in case_manual.onboarding[p].duties]
    assert holders
    for post in holders:
        assert case_manual.onboarding[post].forms == ("assets/forms/handover.docx",)
    others = [p for p in case_manual.post_order if p not in holders]
    assert all("assets/duty-log.png" not in case_manual.onboarding[p].forms for p in others)


def test_the_org_chart_around_a_post_shows_its_chain_its_peers_and_reports(default_manual):
    manual = default_manual
    post = busiest_post(manual)
    shown = neighbourhood(manual, post)
    assert manual.head in shown
    assert set(manual.direct_reports(post)) <= shown
    parent = manual.posts[post].reports_to
    if parent:
        assert set(manual.direct_reports(parent)) <= shown
    svg = orgchart_svg(manual, "zh", highlight_post=post, around=True)
    assert svg.count('class="post post--highlight"') == 1
    assert f'data-post="{post}"' in svg
    assert svg.count("<rect") == len(shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_web_page_has_the_whole_reference(default_manual, lang):
    manual = default_manual
    post = busiest_post(manual)
    view = manual.onboarding[post]
    page = render_onboarding_page(manual, lang, onboarding_path(post))
    for key in ("post-at-a-glance", "works-with", "signoff", "signoff-mentor", "signoff-chief", "signoff-started",
                "procedures-taken-part", "time-limits-kept", "raci-legend"):
        assert label(key, lang) in page, key
    assert (label("forms-used", lang) in page) == bool(view.forms)  # no empty "forms" section
    assert page.count('class="officebook-orgchart"') == 1 and "post--highlight" in page
    procedures = page.split("{ #procedures }")[1].split("\n## ")[0]
    for procedure_id in view.procedures:  # one item each, linked, the post's own steps beneath it
        procedure = manual.procedures[procedure_id]
        item = procedures.split(f"- **[{inline(procedure.title.get(lang))}](../../procedures/{procedure_id}/index.md)**")[1]
        item = item.split("\n- ")[0]
        for step in procedure.steps:  # the post's own steps, linked; the others are on the procedure's page
            assert (f"#step-{step.id})" in item) == (step.actor == post), (procedure_id, step.id)
    assert "lane--highlight" not in page and "search:\n  exclude: true" in page  # no repeated flowcharts; not indexed
    boxes = re.findall(r'data-key="(onboarding:[^"]+)"', page)  # the sign-off sheet's rows are made from these lists
    assert boxes == [entry.key for entry in (*view.first_day, *view.first_week, *view.first_month)]
    assert 'class="officebook-signoff"' in page


@pytest.fixture(scope="module")
def booklet_text(default_manual, default_booklets):
    """The busiest post's Chinese booklet, as `officebook pdf --all-posts` printed it once for the run
    (conftest.default_booklets)."""
    post = busiest_post(default_manual)
    pdf = default_booklets / f"booklet-{post}-zh.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return post, text


@pytest.mark.slow
def test_booklet_carries_the_whole_reference(default_manual, booklet_text):
    manual = default_manual
    post, text = booklet_text
    view = manual.onboarding[post]
    body = flat(text)
    for key in ("contents", "post-at-a-glance", "works-with", "signoff", "signoff-mentor", "signoff-chief",
                "signoff-started", "signoff-done-on", "procedures-taken-part", "time-limits-kept", "forms-used",
                "raci-legend", "terms-used"):
        assert flat(label(key, "zh")) in body, key
    for other in neighbourhood(manual, post):
        assert flat(manual.posts[other].title.get("zh")) in body, other
    for procedure_id in view.procedures:
        procedure = manual.procedures[procedure_id]
        assert flat(procedure.title.get("zh")) in body
        for step in procedure.steps:
            assert flat(step.name.get("zh")) in body, (procedure_id, step.id)
    for row in view.time_limits:
        assert flat(row.limit.get("zh"))[:12] in body, row
    for position in terms_used(manual, post, "zh"):
        assert flat(manual.glossary[position].term.get("zh")) in body
    for entry in (*view.first_day, *view.first_week, *view.first_month):
        assert flat(entry.text.get("zh"))[:12] in body


def test_sign_off_sheet_is_kept_in_the_browser(web, site_url, default_manual):
    post = busiest_post(default_manual)
    page = web.page
    page.goto(f"{site_url}/onboarding/{post}/")
    sheet = page.locator(".officebook-signoff")
    sheet.locator("input[data-field=mentor]").fill("张明")
    sheet.locator("input[data-field=mentor]").dispatch_event("change")
    first = sheet.locator("input[type=date]").nth(1)
    first.fill("2026-12-01")
    first.dispatch_event("change")
    page.reload()
    sheet = page.locator(".officebook-signoff")
    assert sheet.locator("input[data-field=mentor]").input_value() == "张明"
    assert sheet.locator("input[type=date]").nth(1).input_value() == "2026-12-01"
    assert page.locator(".officebook-orgchart .post--highlight").count() == 1
    view = default_manual.onboarding[post]  # a row per item of the lists above (made in the browser)
    periods = [period for period in ("first_day", "first_week", "first_month") if getattr(view, period)]
    assert sheet.locator("caption").all_inner_texts() == [label(period, "zh") for period in periods]
    entries = [entry for period in periods for entry in getattr(view, period)]
    dates = sheet.locator(".officebook-signoff__items input[type=date]")
    assert dates.count() == len(entries)
    assert dates.first.get_attribute("data-field") == f"done:{entries[0].key}"
    assert dates.first.get_attribute("aria-label").endswith(entries[0].text.get("zh"))
    assert sheet.locator(".officebook-signoff__items td").first.inner_text() == entries[0].text.get("zh")


@pytest.mark.slow
def test_docx_booklet_carries_the_reference(default_manual, tmp_path):
    docx = pytest.importorskip("docx")
    from officebook.render.docx import booklet_docx

    manual = default_manual
    post = busiest_post(manual)
    view = manual.onboarding[post]
    path = tmp_path / "booklet.docx"
    path.write_bytes(booklet_docx(manual, post, "zh"))
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for key in ("signoff", "works-with", "time-limits-kept", "forms-used", "terms-used"):
        assert any(label(key, "zh") in h for h in headings), key
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    for key in ("signoff-started", "signoff-mentor", "signoff-chief", "signoff-done-on"):
        assert label(key, "zh") in cells, key
    for procedure_id in view.procedures:
        for step in manual.procedures[procedure_id].steps:
            assert any(step.name.get("zh") in cell for cell in cells), (procedure_id, step.id)
    pictures = document.inline_shapes
    assert len(pictures) == len(view.procedures) + 1  # a flowchart each, and the org chart


def _mentions_by_regex(corpus: str, word: str) -> bool:
    """The rule the terms a post meets follow, as a regular expression (the automaton must agree)."""
    if word.isascii():
        return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", corpus) is not None
    return word in corpus


def test_a_term_is_met_as_a_whole_word_in_latin_script_and_anywhere_in_chinese():
    from officebook.newcomer import _mentioned

    corpus = "the profile of a file-room; filed under 公文处理 and e-file, then file."
    assert _mentioned(corpus, {"file", "profile", "公文", "room", "e-file", "filed", "处理 and", "le"}) == {
        "profile", "公文", "e-file", "filed", "file", "处理 and"}  # `room` follows a hyphen; `le` is in words
    assert _mentioned("file", {"file"}) == {"file"} and _mentioned("", {"file"}) == set()
    assert _mentioned("x_file file_x", {"file"}) == set()


@settings(max_examples=300, deadline=None)
@given(corpus=st.text(alphabet="ab -_公文é1\n", max_size=40),
       words=st.sets(st.text(alphabet="ab -_公文é1", min_size=1, max_size=4), max_size=6))
def test_the_terms_met_are_those_the_whole_word_rule_finds(corpus, words):
    from officebook.newcomer import _mentioned

    assert _mentioned(corpus, words) == {word for word in words if _mentions_by_regex(corpus, word)}
