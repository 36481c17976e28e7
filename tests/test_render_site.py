"""The web manual's Markdown: golden pages, links, escaping, flowcharts, labels."""

from __future__ import annotations

import difflib
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html import unescape
from pathlib import Path

import markdown
import pytest

from officebook.model import Ref
from officebook.pipeline import run_check
from officebook.render.flowchart import flowchart_svg
from officebook.render.orgchart import orgchart_svg
from officebook.render.site import inline, item_path, navigation, page_paths, render_site
from officebook.render.svgtext import text_width, wrap
from officebook.vocabulary.labels import LABELS, label
from officebook.vocabulary.markdown import plain_text, render_markdown, site_markdown

TESTS = Path(__file__).parent
GOLDEN = TESTS / "golden"
FIXTURE = GOLDEN / "fixture" / "content"
SVG = "{http://www.w3.org/2000/svg}"


def load(content: Path):
    result = run_check(content, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics]
    return result.manual


@pytest.fixture(scope="module")
def fixture_manual():
    return load(FIXTURE)


@pytest.fixture(scope="module")
def default_manual():
    return load(TESTS.parent / "content")


# ---- golden pages ---------------------------------------------------------------------------------


def test_golden_pages(fixture_manual):
    """The fixture's Markdown matches tests/golden/fixture/pages (update: python tests/golden/update.py)."""
    expected_files = {p.relative_to(GOLDEN / "fixture").as_posix(): p
                      for p in (GOLDEN / "fixture" / "pages").rglob("*.md")}
    actual = {f"pages/{lang}/{path}": text for lang in fixture_manual.info.languages
              for path, text in render_site(fixture_manual, lang).pages.items()}
    assert sorted(actual) == sorted(expected_files), "pages added or removed: run python tests/golden/update.py"
    for name, text in actual.items():
        expected = expected_files[name].read_text(encoding="utf-8")
        if text != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), name, "rendered"))
            pytest.fail(f"{name} differs from its golden file (python tests/golden/update.py if intended):\n{diff}")


def test_rendering_is_deterministic(default_manual):
    assert render_site(default_manual, "zh").pages == render_site(default_manual, "zh").pages


# ---- structure and links --------------------------------------------------------------------------

LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_link_reaches_a_generated_page_and_anchor(default_manual, lang):
    site = render_site(default_manual, lang)
    anchors = {path: set(re.findall(r"\{ #([^ }]+) \}", text)) for path, text in site.pages.items()}
    checked = 0
    for path, text in site.pages.items():
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue
            page, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), page)) if page else path
            if resolved.startswith("attachments/"):  # a form to download (the built-site check opens it)
                assert "assets/" + resolved.removeprefix("attachments/") in default_manual.assets, target
                continue
            assert resolved in site.pages, f"{path}: broken link {target}"
            if anchor:
                assert anchor in anchors[resolved], f"{path}: broken anchor {target}"
            checked += 1
    assert checked > 1000


def test_every_reference_is_linked_from_its_target(default_manual):
    """Back-references: each item's page links back to everything that refers to it."""
    pages = render_site(default_manual, "en").pages
    for ref, backrefs in default_manual.backrefs.items():
        text = pages[item_path(ref)]
        section = text.split("{ #referenced-by }", 1)[1]
        addresses = {posixpath.normpath(posixpath.join(posixpath.dirname(item_path(ref)), target.split("#")[0]))
                     for target in re.findall(r'href="([^"]+)"', section)}  # final addresses: duties/x/ → duties/x
        linked = {f"{address}/index.md" for address in addresses} | {f"{address}.md" for address in addresses}
        on_page = {posixpath.normpath(posixpath.join(posixpath.dirname(item_path(ref)), target.split("#")[0]))
                   for target in LINK.findall(text)}  # a post's own sections, which its back-references point to
        for backref in backrefs:
            expected = item_path(backref.source) if backref.source is not None else "glossary.md"
            assert expected in linked or ('href="#' in section and expected in on_page), (ref, backref)


def test_pages_and_navigation(fixture_manual):
    paths = page_paths(fixture_manual)
    assert paths[0] == "index.md"
    assert "duties/index.md" in paths and "duties/index/index.md" in paths  # an item called "index"
    assert {"raci.md", "org-chart.md", "glossary.md"} <= set(paths)
    nav = navigation(fixture_manual, "zh")
    assert list(nav[0]) == ["首页"] and list(nav[-1]) == ["术语"]
    duties = next(entry["职责"] for entry in nav if "职责" in entry)
    assert duties[0] == "duties/index.md" and {"职责分工表": "raci.md"} in duties
    compact = navigation(fixture_manual, "en", item_limit=1)
    duties = next(entry["Duties"] for entry in compact if "Duties" in entry)
    assert duties == ["duties/index.md", {"Responsibility matrix (RACI)": "raci.md"}]


@pytest.mark.parametrize("post_id", ["secretarial-officer", "secretary-general"])
def test_post_page_carries_every_checklist_entry(default_manual, post_id):
    lists = default_manual.checklists[post_id]
    onboarding = default_manual.onboarding[post_id]
    text = render_site(default_manual, "zh").pages[item_path(Ref("posts", post_id))]
    keys = re.findall(r'<input type="checkbox" data-key="([^"]+)">', text)
    due = [w for w in (lists.periodic.get("daily"), lists.periodic.get("weekly")) if w]
    expected = [e.key for w in (*due, *(w for w in lists.lists if w not in due)) for e in w.entries]
    expected += [e.key for sheet in lists.cases for e in (*(s.entry for s in sheet.own_steps),
                                                          *(e for g in sheet.criteria for e in g.entries))]
    expected += [e.key for e in (*onboarding.first_day, *onboarding.first_week, *onboarding.first_month)]
    assert keys == expected  # every key has its box, in the order of the lists
    lines = re.findall(r'<li><label>(?:<b>\d+\.</b>)?<input type="checkbox" data-key="([^"]+)">[^<]+(?:<small>[^<]+</small>)?</label></li>', text)
    assert lines == keys  # each line a label around its box and its text
    periods = re.findall(r'data-list="([^"]+)" data-period="([^"]+)"', text)
    assert all(period == {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                          "annually": "year"}.get(name, "none") for name, period in periods)


def test_post_page_opens_with_what_is_due_today_and_this_week(fixture_manual):
    text = render_site(fixture_manual, "en").pages[item_path(Ref("posts", "clerk"))]
    due = text.index("## Due today and this week { #due }")
    assert due < text.index("### Daily list { #checklist-daily }") < text.index("## Other checklists")
    assert text.index("# ") < due


def test_case_sheets_tick_the_posts_own_steps_and_link_who_hands_over_and_who_takes_on(default_manual):
    pages = render_site(default_manual, "zh").pages
    for post, lists in default_manual.checklists.items():
        text = pages[item_path(Ref("posts", post))]
        for sheet in lists.cases:
            procedure = default_manual.procedures[sheet.procedure]
            assert [s.step for s in sheet.steps] == [s.id for s in procedure.steps]
            assert [s.own for s in sheet.steps] == [s.actor == post for s in procedure.steps]
            section = text[text.index(f'data-list="case-{sheet.procedure}"'):]
            section = section[:section.index("</ol>")]
            own = {s.id for s in procedure.steps if s.actor == post}
            handing = {s.number for s in procedure.steps if s.id not in own
                       and (own & set(s.next) or any(s.id in o.next for o in procedure.steps if o.id in own))}
            shown = {n for first, last in re.findall(r'#step-[^"]+">第 (\d+)(?:–(\d+))? 步', section)
                     for n in range(int(first), int(last or first) + 1)}
            assert shown == handing, (post, sheet.procedure)  # the steps around the post's own, linked; no others
            assert re.findall(r'data-key="step:[^/]+/([^"]+)"', section) == [s.id for s in procedure.steps if s.id in own]


def test_no_list_a_person_ticks_repeats_a_standards_criteria_on_one_page(default_manual):
    for lists in default_manual.checklists.values():
        shown = [g.standard for w in lists.lists for g in w.criteria] + [g.standard for g in lists.general]
        assert len(shown) == len(set(shown))
        on_sheets = {g.standard for sheet in lists.cases for g in sheet.criteria}
        assert not on_sheets & set(shown)


def test_procedure_page_has_flowchart_and_step_anchors(default_manual):
    procedure = default_manual.procedures["document-drafting"]
    text = render_site(default_manual, "en").pages[item_path(procedure.ref)]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="officebook-flowchart"' in text
    for step in procedure.steps:
        assert f"{{ #step-{step.id} }}" in text


# ---- escaping -------------------------------------------------------------------------------------


def test_content_html_is_escaped_unless_allowed(fixture_manual):
    home = render_site(fixture_manual, "en").pages["index.md"]
    assert "&#60;script&#62;alert" in home and "<script>" not in home
    allowed = replace(fixture_manual, info=replace(fixture_manual.info, allow_html=True))
    home = render_site(allowed, "en").pages["index.md"]
    assert "<script" not in home and "alert" not in home, "allow_html widens tags, never to script"


def test_titles_are_literal_text():
    text = "A *b* [c](d) <e> | `f` 1. #g {h} :smile: --8<-- \"x\""
    html = markdown.markdown("- " + inline(text), extensions=["tables", "attr_list", "pymdownx.snippets"])
    assert html.startswith("<ul>\n<li>") and "<" not in html[len("<ul>\n<li>"):-len("</li>\n</ul>")]
    assert unescape(html[len("<ul>\n<li>"):-len("</li>\n</ul>")]) == text
    assert unescape(inline("1. Numbered")) == "1. Numbered" and not inline("1. Numbered").startswith("1.")


@pytest.mark.parametrize("allow_html", [False, True])
def test_render_markdown(allow_html):
    html = render_markdown("**a** <b>b</b> [x](javascript:alert(1)) [y](jav&#x61;script:1)", allow_html)
    assert "<strong>a</strong>" in html
    assert ("<b>b</b>" in html) is allow_html
    assert ("&lt;b&gt;b&lt;/b&gt;" in html) is not allow_html
    assert "href" not in html and "javascript" not in html and "jav&#x61;script" not in html


def test_site_markdown_is_sanitised_inert_html():
    text = "# Top\n\nText <img src=x onerror=alert(1)> `<code>` {: onclick=x } <https://example.org>\n\n```\n<b>\n"
    out = site_markdown(text, allow_html=False, top_heading=3)
    assert out.startswith("### Top\n\n<p>")
    assert "<img" not in out and "<b>" not in out and "`" not in out and "{" not in out
    assert all(line.startswith(("### ", "<")) for line in out.split("\n") if line), "HTML blocks are one line each"
    html = markdown.markdown(out, extensions=["attr_list", "fenced_code", "md_in_html", "toc"])
    assert "<img" not in html and "onclick=" not in html
    assert '<a href="https://example.org"' in html.replace("&#58;", ":").replace("&#47;", "/").replace("&#46;", ".")
    assert site_markdown("[a](javascript:x(1)) b", allow_html=True, inline=True) == '<a rel="noopener noreferrer">a</a> b'
    assert site_markdown("<b>kept</b>", allow_html=True, inline=True) == "<b>kept</b>"
    assert site_markdown("lead", allow_html=False, css_class="officebook-lead") == '<div class="officebook-lead"><p>lead</p></div>'


def test_plain_text():
    assert plain_text("**Bold** and [a link](x)\n\nnext") == "Bold and a link next"


# ---- flowchart and org chart --------------------------------------------------------------------


def parse_svg(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_flowchart_shape(fixture_manual):
    procedure = fixture_manual.procedures["review"]
    svg = flowchart_svg(procedure, fixture_manual, "en", id_prefix="p1")
    root = parse_svg(svg)
    assert svg == flowchart_svg(procedure, fixture_manual, "en", id_prefix="p1")
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "step"]
    assert [g.get("id") for g in groups] == [f"p1-step-{s.id}" for s in procedure.steps]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Head of Office" in texts and "Clerk" in texts  # lane headers
    joined = " ".join(t for t in texts if t)
    assert "Approved" in joined and "No signature needed" in joined  # `when` labels, wrapped
    rework = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert [(p.get("data-from"), p.get("data-to")) for p in rework] == [("check", "draft")]
    assert [d.get("data-step") for d in root.iter(f"{SVG}polygon") if d.get("class") == "decision"] == ["check"]
    assert root.find(f"{SVG}title").get("id") == "p1-title"
    assert "p2-title" in flowchart_svg(procedure, fixture_manual, "zh", id_prefix="p2")


def test_flowchart_sets_chinese_when_labels_upright(fixture_manual):
    """Chinese has no italics: a slanted CJK label would be a synthetic oblique face."""
    procedure = fixture_manual.procedures["review"]

    def label_styles(lang: str) -> dict[str, str | None]:
        root = parse_svg(flowchart_svg(procedure, fixture_manual, lang))
        labels = [g for g in root.iter(f"{SVG}g") if g.get("class") == "when"]
        return {t.text: t.get("font-style") for g in labels for t in g.iter(f"{SVG}text")}

    assert label_styles("zh") == {"审核通过": None, "无需签发": None}
    assert set(label_styles("en").values()) == {"italic"}


def test_wrap_keeps_chinese_punctuation_off_line_starts():
    lines = wrap("起草文稿，写明事由和依据。然后送审，不得拖延。", 60, 12)
    assert len(lines) > 2
    assert not any(line[0] in "，。、；：" for line in lines)
    assert wrap("word " * 20, 80, 12, max_lines=2)[-1].endswith("…")


def test_wrap_leaves_no_lone_chinese_character_on_the_last_line():
    assert wrap("拟写审核意见", 60, 12.5) == ["拟写审核", "意见"]
    assert wrap("审核。", 25, 12.5) == ["审", "核。"]  # closing punctuation stays with its character


def test_wrap_moves_a_word_too_long_for_the_short_first_line_to_the_second():
    assert wrap("countersign is due", 100, 12.5, first_width=60, overhang=7)[:2] == ["", "countersign is"]
    assert all(text_width(line, 12.5) <= 107 for line in wrap("x" * 40, 100, 12.5, overhang=7))


def test_orgchart(default_manual):
    root = parse_svg(orgchart_svg(default_manual, "zh", id_prefix="org"))
    texts = " ".join(t.text for t in root.iter(f"{SVG}text"))
    for post in default_manual.posts.values():
        assert post.title.get("zh")[:4] in texts
    assert len(list(root.iter(f"{SVG}rect"))) == len(default_manual.posts)


# ---- labels -------------------------------------------------------------------------------------


def test_labels_fall_back_to_english():
    assert set(LABELS["zh"]) <= set(LABELS["en"])
    assert label("duties", "zh") == "职责"
    assert label("duties", "fr") == "Duties"
    assert label("step-number", "zh", number=3) == "第 3 步"


def test_glossary_see_also_names_the_kind_of_entries_that_share_a_title(default_manual):
    """参见：市政府会议组织；市政府会议组织 read as a mistake: where a duty and a procedure share a title,
    each link says which it is; other links stay bare."""
    from officebook.render.site import render_page, term_anchors

    page = render_page(default_manual, "zh", "glossary.md")
    see_lines = {}
    for term, anchor in zip(default_manual.glossary, term_anchors(default_manual), strict=True):
        section = page.split(f"{{ #{anchor} }}", 1)[1].split("\n## ", 1)[0]
        see_lines[id(term)] = next((line for line in section.splitlines() if line.startswith(label("see-also", "zh"))), "")
    shared = alone = 0
    for term in default_manual.glossary:
        titles = [default_manual.item(ref).title.get("zh") for ref in term.see]
        for ref, title in zip(term.see, titles, strict=True):
            named = f"({item_path(ref)})" + label("paren", "zh", text=label(ref.kind, "zh")) in see_lines[id(term)]
            assert named == (titles.count(title) > 1), (term.term.get("zh"), ref)
            shared += named
            alone += not named
    assert shared and alone, "the default manual has see-also entries with shared and with own titles"


def test_what_every_page_derives_from_the_manual_is_worked_out_once_per_manual(default_manual):
    """The glossary's anchors are the same object for every page of one manual; a manual with another
    glossary (the preview's, after a save) gets its own; a manual that is gone takes them with it."""
    import gc

    from officebook.model import Text
    from officebook.render import pages

    anchors = pages.term_anchors(default_manual)
    assert pages.term_anchors(default_manual) is anchors and len(set(anchors)) == len(anchors)
    first = default_manual.glossary[0]
    twins = replace(default_manual, glossary=(first, replace(first, term=Text(values={"zh": first.term.get("zh") + "!"}, default="zh"),
                                                             index=len(default_manual.glossary))))
    assert pages.term_anchors(twins) == (anchors[0], anchors[0] + "-2")  # the same slug: numbered, in order
    assert pages.term_anchors(default_manual) is anchors
    key = id(twins)
    assert key in pages._PER_MANUAL
    del twins
    gc.collect()
    assert key not in pages._PER_MANUAL and id(default_manual) in pages._PER_MANUAL
