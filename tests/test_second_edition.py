"""The contract's second edition: tasks, check, step titles, tags and sources as texts, links, assets."""

import copy
import html
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import CASES
from officebook.diff import diff_editions, upgrade_export_v1
from officebook.export import export_data, load_export_schema
from officebook.model import Ref
from officebook.pipeline import run_check
from officebook.render.print import handbook_html
from officebook.render.site import render_page
from officebook.vocabulary.textlinks import asset_target, find_links, item_target, rewrite_links

SECOND = CASES / "valid" / "second-edition" / "content"


@pytest.fixture(scope="module")
def manual():
    result = run_check(SECOND, strict=True, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics]
    return result.manual


def test_tasks_take_the_duty_frequency_unless_they_name_their_own(manual):
    tasks = manual.duties["duty-shift"].tasks
    assert [t.frequency for t in tasks] == ["daily"] * 5 + ["weekly"]
    assert [t.explicit_frequency for t in tasks] == [False] * 5 + [True]
    assert tasks[0].action.get("en") == "At the start of the shift check the duty log is complete"
    assert manual.duties["document-handling"].tasks == ()


def test_step_title_names_the_step_and_falls_back_to_the_action(manual):
    urgent = manual.procedures["urgent-report"]
    assert urgent.step("verify").title.get("zh") == "核实"
    assert urgent.step("verify").name.get("zh") == "核实"
    plain = manual.procedures["document-review"].step("draft")
    assert plain.title is None and plain.name.get("en") == "Draft the document"


def test_tags_and_sources_are_texts_and_a_plain_string_is_shown_in_every_language(manual):
    operations = manual.functions["operations"]
    assert operations.tag_names("en") == ("运转", "support")
    assert operations.tag_names("zh") == ("运转", "保障")
    assert operations.source.get("en") == "Rules on office duty"
    assert manual.duties["duty-shift"].source.get("en") == "《机关值班工作规定》第三条"


def test_standard_check_is_read(manual):
    assert manual.standards["confidentiality"].check == "daily"
    assert manual.standards["accuracy"].check is None


def test_text_links_are_back_references(manual):
    fields = {(b.source, b.field) for b in manual.referrers(Ref("procedures", "urgent-report"))}
    assert (Ref("duties", "duty-shift"), "links.description") in fields
    assert (None, "links.terms[0].definition") in fields
    assert (Ref("posts", "director"), "links.description") not in fields
    assert (Ref("duties", "supervision"), "links.description") in {
        (b.source, b.field) for b in manual.referrers(Ref("posts", "director"))}
    assert manual.assets == ("assets/duty-log.png", "assets/forms/handover.docx")


def test_site_links_point_at_item_pages_and_empty_labels_show_the_title(manual):
    page = html.unescape(render_page(manual, "zh", "duties/duty-shift/index.md"))
    # links inside texts are final page addresses, relative to the page (MkDocs never converts them)
    assert '<a href="../../procedures/urgent-report/" rel="noopener noreferrer">紧急信息报送</a>' in page
    assert '<a href="../../procedures/urgent-report/#step-verify" rel="noopener noreferrer">信息核实</a>' in page
    assert '<img alt="值班流程示意" src="../../attachments/duty-log.png">' in page
    assert '<a href="../../attachments/forms/handover.docx" rel="noopener noreferrer">交接班记录表</a>' in page
    glossary = html.unescape(render_page(manual, "en", "glossary.md"))
    assert 'href="../procedures/urgent-report/#step-send" rel="noopener noreferrer">Urgent report · step 4 Send</a>' in glossary


def test_handbook_links_to_sections_and_embeds_images_from_the_assets(manual):
    handbook = handbook_html(manual, "zh")
    assert 'href="#procedures--urgent-report"' in handbook
    assert '<img alt="值班流程示意" src="assets/duty-log.png">' in handbook  # read from content/assets/ by the printer
    assert "交接班记录表" in handbook and "handover.docx" not in handbook  # a form: its name, no dead link on paper


def test_export_has_the_new_fields_and_matches_its_schema(manual):
    data = export_data(manual)
    jsonschema.Draft202012Validator(load_export_schema()).validate(data)
    assert data["version"] == 2
    duty = next(d for d in data["items"]["duties"] if d["id"] == "duty-shift")
    assert duty["tasks"][5] == {"number": 6, "action": {"zh": "汇总本周值班情况报主任",
                                                       "en": "Send the director a summary of the week's shifts"},
                                "frequency": "weekly", "own_frequency": True}
    assert duty["tags"] == [{"zh": "值班"}, {"zh": "应急", "en": "emergencies"}]
    standard = next(s for s in data["items"]["standards"] if s["id"] == "confidentiality")
    assert standard["check"] == "daily"
    step = next(p for p in data["items"]["procedures"] if p["id"] == "urgent-report")["steps"][0]
    assert step["title"] == {"zh": "接报登记", "en": "Log the call"}
    assert data["assets"] == ["assets/duty-log.png", "assets/forms/handover.docx"]


def test_diff_names_changed_tasks_checks_and_step_titles(manual, tmp_path):
    old = export_data(manual, derived=False)
    content = tmp_path / "content"
    shutil.copytree(SECOND, content)
    duty = content / "duties" / "duty-shift.yaml"
    duty.write_text(duty.read_text(encoding="utf-8").replace("    frequency: weekly\n", "    frequency: monthly\n")
                    .replace("测试值班电话和传真畅通", "测试值班电话畅通"), encoding="utf-8")
    standard = content / "standards" / "confidentiality.yaml"
    standard.write_text(standard.read_text(encoding="utf-8").replace("check: daily", "check: weekly"), encoding="utf-8")
    procedure = content / "procedures" / "urgent-report.yaml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace("{zh: 核实, en: Verify}", "{zh: 核实情况, en: Verify}"),
                         encoding="utf-8")
    new = export_data(run_check(content, use_cache=False).manual, derived=False)
    changes = {c.key: {f.field: (f.old, f.new) for f in c.changes} for c in diff_editions(old, new).changed}
    assert changes[("duties", "duty-shift")] == {"tasks[1].action[zh]": ("测试值班电话和传真畅通", "测试值班电话畅通"),
                                                 "tasks[5].frequency": ("weekly", "monthly")}
    assert changes[("standards", "confidentiality")] == {"check": ("daily", "weekly")}
    assert changes[("procedures", "urgent-report")] == {"steps[verify].title[zh]": ("核实", "核实情况")}


def test_a_version_1_export_is_read_as_version_2(manual):
    data = export_data(manual)
    v1 = copy.deepcopy(data)
    v1["version"] = 1
    del v1["assets"]
    for items in v1["items"].values():
        for item in items:
            item["tags"] = [tag["zh"] for tag in item["tags"]]
            item["source"] = item["source"]["zh"] if item["source"] else None
            item.pop("tasks", None)
            item.pop("check", None)
            for step in item.get("steps", []):
                del step["title"]
    upgraded = upgrade_export_v1(json.loads(json.dumps(v1)))
    jsonschema.Draft202012Validator(load_export_schema()).validate(upgraded)
    assert upgraded["items"]["duties"][0]["tasks"] == []


def test_finding_links_skips_code_and_rewriting_fills_empty_labels():
    text = "See [](procedures/a#s1), `[c](posts/z)`, ![i](assets/f%20g.png) and [y](https://x.org).\n\n[r]: standards/q\n"
    links = find_links(text)
    assert [link.target for link in links] == ["procedures/a#s1", "assets/f%20g.png", "https://x.org", "standards/q"]
    assert item_target("procedures/a#s1").fragment == "s1" and item_target("https://x.org") is None
    assert asset_target("assets/f%20g.png") == "assets/f g.png"
    assert asset_target("assets/../manual.yaml") == "assets/../manual.yaml"  # climbs out: names no asset
    rewritten = rewrite_links(text, lambda link: ("U", "T") if item_target(link.target) else None)
    assert rewritten.startswith("See [T](U), `[c](posts/z)`") and "[r]: U" in rewritten


def test_a_first_edition_manual_builds_as_before():
    result = run_check(CASES / "valid" / "minimal" / "content", strict=True, use_cache=False)
    assert result.manual is not None
    assert result.manual.functions["coordination"].source.get("en") == "seeds/000 §2"
    assert result.manual.duties["document-handling"].tag_names("en") == ("documents",)


def test_asset_listing_follows_no_symbolic_links(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SECOND, content)
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    (content / "assets" / "secret.png").symlink_to(outside)
    (content / "duties" / "emergency.yaml").write_text(
        (content / "duties" / "emergency.yaml").read_text(encoding="utf-8") + "description: '![x](assets/secret.png)'\n",
        encoding="utf-8")
    found = run_check(content, use_cache=False).diagnostics
    assert [(d.code, d.file, d.line) for d in found if d.is_error] == [("asset.missing", "duties/emergency.yaml", 11)]


def test_a_re_check_from_the_cache_sees_a_step_renamed_in_another_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SECOND, content)
    cache = tmp_path / "cache"
    assert not run_check(content, cache_dir=cache).has_errors
    procedure: Path = content / "procedures" / "urgent-report.yaml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace("id: verify", "id: confirm")
                         .replace("next: [send, verify]", "next: [send, confirm]"), encoding="utf-8")
    found = [d for d in run_check(content, cache_dir=cache).diagnostics if d.is_error]
    assert {(d.code, d.file) for d in found} == {("ref.unknown", "duties/duty-shift.yaml")}


def test_tasks_and_self_checks_land_in_the_lists_of_every_post_they_concern(manual):
    for duty in manual.duties.values():
        holders = {*duty.raci.responsible, duty.raci.accountable}
        for post, lists in manual.checklists.items():
            keys = {f: {e.key for e in entries} for f, entries in lists.by_frequency.items()}
            for task in duty.tasks:
                assert (f"task:{duty.id}/{task.number}" in keys.get(task.frequency, ())) == (post in holders)
            if duty.tasks:  # a duty with tasks is no line of its own
                assert all(f"duty:{duty.id}" not in k for k in keys.values())
    for standard in manual.standards.values():
        for post, lists in manual.checklists.items():
            in_list = {e.key for e in lists.by_frequency.get(standard.check, ())} if standard.check else set()
            applies = standard.id in manual.applicable_standards[post]
            assert (f"criterion:{standard.id}/0" in in_list) == bool(standard.check and applies)


def test_case_sheets_and_lists_are_exported(manual):
    data = export_data(manual)
    officer = next(c for c in data["checklists"] if c["post"]["id"] == "duty-officer")
    daily = officer["periodic"][0]
    assert daily["frequency"] == "daily" and len(daily["entries"]) == 7
    assert [g["id"] for g in daily["governing"]] == ["accuracy"] and daily["criteria"] == []
    case = officer["cases"][0]
    assert case["procedure"]["id"] == "urgent-report" and case["owner"] is True
    assert [(s["step"], s["own"]) for s in case["steps"]] == [("receive", True), ("verify", True),
                                                               ("approve", False), ("send", True)]
    assert [g["standard"]["id"] for g in case["criteria"]] == ["accuracy"]
    assert [w["frequency"] for w in officer["occasions"]] == ["on-event"]
