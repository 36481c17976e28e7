"""Onboarding pages, edition notes (what changed, due for review) on the site and in the handbook."""

import datetime as dt
import re
from functools import partial

import pytest

from conftest import CASES, ROOT
from officebook.build.site import build_site
from officebook.diff import read_edition
from officebook.export import export_data
from officebook.model import Ref
from officebook.newcomer import terms_used
from officebook.pipeline import edition_of, run_check
from officebook.render.editions import edition_notes, field_name
from officebook.render.onboarding import onboarding_path
from officebook.render.print import handbook_html
from officebook.render.site import item_path, navigation, render_site

EDITIONS = CASES / "editions"


def _manual(content):
    result = run_check(content, use_cache=False)
    assert result.manual is not None, result.diagnostics
    return result.manual


@pytest.fixture(scope="module")
def default_manual():
    return _manual(ROOT / "content")


@pytest.fixture(scope="module")
def new_edition():
    return _manual(EDITIONS / "new")


FRESH = partial(edition_of, use_cache=False)


@pytest.fixture(scope="module")
def notes(new_edition):
    return edition_notes(new_edition, previous=read_edition(EDITIONS / "old", FRESH),
                         current=export_data(new_edition, derived=False), today=dt.date(2099, 1, 15))


# ---- onboarding -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_post_has_an_onboarding_page_with_its_lists_as_checklists(default_manual, lang):
    pages = render_site(default_manual, lang).pages
    index = pages["onboarding/index.md"]
    for post_id in default_manual.post_order:
        assert f"]({post_id}/index.md)" in index
        page = pages[onboarding_path(post_id)]
        view = default_manual.onboarding[post_id]
        keys = re.findall(r'<input type="checkbox" data-key="([^"]+)">', page)
        assert keys == [e.key for e in (*view.first_day, *view.first_week, *view.first_month)]
        post_page = pages[item_path(Ref("posts", post_id))]
        for list_id in re.findall(r'data-list="(onboarding-[^"]+)"', page):  # the same lists, the same ticks
            assert f'data-list="{list_id}"' in post_page
        assert f'data-post="{post_id}"' in page and f'data-post="{post_id}"' in post_page
        for duty in view.duties:
            assert f"../../duties/{duty}/index.md" in page
        for procedure in (*view.procedures_owned, *view.procedures_acted_in):
            assert f"../../procedures/{procedure}/index.md" in page
        for standard in view.standards:
            assert f"../../standards/{standard}/index.md" in page
        if view.reports_to:
            assert f'href="../../posts/{view.reports_to}/"' in page.split("{ #post }")[1].split("{ #works-with }")[0]
    home = pages["index.md"]
    assert "#new-here }" in home and "](onboarding/index.md){ .md-button" in home
    assert list(navigation(default_manual, lang)[1].values())[0][0] == "onboarding/index.md"


def test_glossary_terms_used_by_a_post(default_manual):
    minimal = _manual(CASES / "valid" / "minimal" / "content")
    # 公文 is named in the secretary's work in Chinese, and its `see` names the procedure it owns;
    # 签发 (sign-off) appears in its procedure's step text only in Chinese.
    assert terms_used(minimal, "secretary", "zh") == [0, 1]
    assert terms_used(minimal, "secretary", "en") == [0]
    assert terms_used(minimal, "driver", "en") == []
    page = render_site(default_manual, "zh").pages[onboarding_path("secretarial-officer")]
    terms = page.split("{ #terms }")[1]
    assert terms.count('<li><a href="../../glossary/#term-') == len(terms_used(default_manual, "secretarial-officer", "zh")) > 0


# ---- edition notes on the site ------------------------------------------------------------------------


def test_field_names_read_as_people_say_them(new_edition):
    ref = Ref("procedures", "document-review")
    assert field_name("steps[check].actor", new_edition, "en", ref) == "Step 2 · Actor"
    assert field_name("steps[check].action[zh]", new_edition, "zh", ref) == "第 2 步 · 工作内容 (zh)"
    assert field_name("raci.accountable", new_edition, "en") == "Accountable"
    assert field_name("title[en]", new_edition, "en") == "Title (en)"
    assert field_name("criteria[2][en]", new_edition, "en") == "Criteria 3 (en)"
    assert field_name("applies_to.posts", new_edition, "en") == "Applies to · Posts"
    assert field_name("onboarding.first_day[0][zh]", new_edition, "zh",
                      with_language=False) == "新进人员适应安排 · 第一天 1"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_changed_page_and_notices(new_edition, notes, lang):
    content = render_site(new_edition, lang, notes=notes)
    changes = content.pages["changes.md"]
    assert "[" in changes and "standards/punctuality/index.md" in changes  # added, linked
    assert re.search(r"^- (年度总结|Annual review)", changes, flags=re.MULTILINE)  # removed, not linked
    vehicles = changes.split("{ #duties-vehicles }")[1].split("###")[0]
    assert vehicles.count("\n| ") == 3 and "<del>" in vehicles and "<ins>" in vehicles  # head, rule, 1 row
    driver = changes.split("{ #posts-driver }")[1]
    assert "<del>Driver</del> → <ins>Chauffeur</ins>" in driver
    notice = content.pages["posts/driver/index.md"].split("\n## ")[0]
    assert '!!! note "' in notice and "../../changes.md#posts-driver" in notice
    assert "!!! note" in content.pages["standards/punctuality/index.md"]
    assert "../../changes.md#added" in content.pages["standards/punctuality/index.md"]
    assert "!!!" not in content.pages["posts/director/index.md"]  # unchanged, not overdue
    last = [next(iter(entry.values())) for entry in content.nav[-2:]]
    assert last == ["changes.md", "glossary.md"]  # the review page is the keepers': not in the navigation
    assert "](review.md)" in content.pages["index.md"].split("{ #about }")[1]  # linked at the home page's foot


def test_due_for_review_page_and_overdue_notice(new_edition, notes):
    pages = render_site(new_edition, "en", notes=notes).pages
    review = pages["review.md"]
    assert "{ #review-director }" in review and "functions/coordination/index.md" in review
    assert "**overdue by 14 days**" in review
    coordination = pages["functions/coordination/index.md"]
    assert coordination.index('!!! warning "Review overdue"') < coordination.index('<div class="officebook-lead">')
    later = edition_notes(new_edition, today=dt.date(2098, 12, 20))  # due in 12 days: listed, no notice
    pages = render_site(new_edition, "en", notes=later).pages
    assert "due in 12 days" in pages["review.md"] and "!!!" not in pages["functions/coordination/index.md"]
    assert "changes.md" not in pages


def test_without_notes_the_site_has_no_edition_pages(new_edition):
    content = render_site(new_edition, "en")
    assert "changes.md" not in content.pages and "review.md" not in content.pages
    assert not any("!!!" in page for page in content.pages.values())


@pytest.mark.slow
def test_the_site_with_notes_builds_strictly(tmp_path, new_edition, notes):
    """MkDocs in strict mode: every link and anchor of the new pages and notices resolves."""
    result = build_site(new_edition, tmp_path / "site", notes=notes)
    for prefix in ("", "en/"):
        for page in ("changes/index.html", "review/index.html", "onboarding/driver/index.html"):
            assert (tmp_path / "site" / prefix / page).is_file()
    assert result.pages == len(render_site(new_edition, "en", notes=notes).pages)


# ---- the handbook -------------------------------------------------------------------------------------


def test_handbook_revision_table_and_margin_marks(new_edition, notes):
    html = handbook_html(new_edition, "en", notes=notes)
    table = html.split('id="revisions"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="(revision-[a-z]+)">\s*<td>([^<]*)</td>', table)
    # sections numbered in pinyin order of the Chinese titles (车辆保障 2.1 before 公文处理 2.2)
    assert rows == [("revision-changed", "2.1"), ("revision-removed", ""), ("revision-changed", "3.1"),
                    ("revision-new", "4.3"), ("revision-changed", "5.2")]
    assert "Step 2 · Actor" in table and "Annual review" in table
    marked = re.findall(r'<section class="item [a-z]+ changed" id="([^"]+)"', html)
    assert marked == ["duties--vehicles", "standards--punctuality", "posts--driver"]
    steps = re.findall(r'<tr class="changed" id="([^"]+)"', html)
    assert steps == ["procedures--document-review--step-check"], "the one step changed, not the procedure"
    plain = handbook_html(new_edition, "en")
    assert 'id="revisions"' not in plain and " changed\" id=" not in plain


def test_handbook_marks_only_what_changed_in_its_own_language(new_edition, notes):
    """The driver's English title changed: the Chinese handbook neither lists nor marks it."""
    chinese = handbook_html(new_edition, "zh", notes=notes)
    marked = re.findall(r'<section class="item [a-z]+ changed" id="([^"]+)"', chinese)
    assert marked == ["duties--vehicles", "standards--punctuality"]
    table = chinese.split('id="revisions"')[1].split("</table>")[0]
    assert "驾驶员" not in table and "5.3" not in table
    assert re.findall(r'<tr class="changed" id="([^"]+)"', chinese) == ["procedures--document-review--step-check"]


def test_a_procedure_change_outside_its_steps_marks_the_whole_procedure(new_edition):
    from officebook.diff import EditionDiff, FieldChange, ItemChange
    from officebook.render.editions import EditionNotes

    def marks(*fields: FieldChange):
        change = ItemChange("procedures", "document-review", {"en": "Review"}, fields)
        return EditionNotes(EditionDiff("1", "2", "zh", changed=(change,))).margin_marks()

    review = Ref("procedures", "document-review")
    assert marks(FieldChange("steps[check].action[zh]", "a", "b"), FieldChange("steps[sign].actor", "x", "y")) == [
        (review, "check"), (review, "sign")]
    assert marks(FieldChange("steps[new]", None, {"zh": "a"})) == [(review, "new")]
    assert marks(FieldChange("steps[check]", {"zh": "a"}, None)) == [(review, None)]
    assert marks(FieldChange("steps.order", ("a", "b"), ("b", "a"))) == [(review, None)]
    assert marks(FieldChange("title[zh]", "a", "b"), FieldChange("steps[check].actor", "x", "y")) == [(review, None)]


def test_what_changed_anchors_are_unique_for_chinese_glossary_terms():
    from officebook.diff import ItemChange
    from officebook.render.editions import change_anchor

    terms = ["公文", "签发", "公文 (2)", "OA 系统", "oa-系统"]
    anchors = [change_anchor(ItemChange("glossary", term, {"zh": term})) for term in terms]
    assert len(set(anchors)) == len(anchors), anchors
    assert all(re.fullmatch(r"glossary-[a-z0-9-]+", anchor) for anchor in anchors), anchors
    assert change_anchor(ItemChange("duties", "meetings", {})) == "duties-meetings"


def test_booklets_honour_the_previous_edition(new_edition, notes):
    from officebook.render.print import booklet_html

    english = booklet_html(new_edition, "driver", "en", notes=notes)
    box = english.split('class="booklet-revisions"')[1].split("</div>")[0]
    assert "Vehicles" in box and "Punctuality" in box and "Chauffeur" in box
    assert "Document review" not in box, "only what concerns the post"
    assert '<tr class="changed"><td>Vehicles' in english
    assert re.search(r'<h4 class="changed">Punctuality', english)
    chinese = booklet_html(new_edition, "driver", "zh", notes=notes)
    assert "驾驶员" not in chinese.split('class="booklet-revisions"')[1].split("</div>")[0], "an English-only change"
    secretary = booklet_html(new_edition, "secretary", "zh", notes=notes)
    assert len(re.findall(r'<tr class="[^"]*\bchanged\b', secretary)) == 1, "the one changed step it performs"
    assert 'class="booklet-revisions"' not in booklet_html(new_edition, "driver", "en")


@pytest.mark.slow
def test_pdf_post_with_previous_prints_marked_booklets(tmp_path):
    from click.testing import CliRunner

    from officebook.cli import main

    result = CliRunner().invoke(main, ["pdf", str(EDITIONS / "new"), "--previous", str(EDITIONS / "old"), "--post",
                                       "driver", "--lang", "en", "-o", str(tmp_path), "--no-cache"])
    assert result.exit_code == 0, result.output
    import subprocess

    text = subprocess.run(["pdftotext", str(tmp_path / "booklet-driver-en.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Changed for this post in this edition" in text
