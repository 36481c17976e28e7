"""The print HTML of the handbook and the post booklets (no PDF engine: fast, structural checks)."""

from __future__ import annotations

import base64
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import CASES
from officebook.outline import numbering_for, paper_forms
from officebook.outline.raci import RaciRow, RaciTable, function_matrices, post_groups, raci_tables
from officebook.pipeline import run_check
from officebook.render.print import (
    _css_content,
    booklet_html,
    handbook_html,
)
from officebook.render.printfonts import PrintFonts
from officebook.vocabulary.languages import cjk_variant, html_lang

MINIMAL = CASES / "valid" / "minimal" / "content"


class _Document(HTMLParser):
    """Ids, internal links, headings (level, text) and elements with a lang attribute."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.headings: list[tuple[int, str, dict]] = []
        self.langs: list[str] = []
        self._heading: tuple[int, dict] | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and attributes.get("href", "").startswith("#"):
            self.hrefs.append(attributes["href"][1:])
        if "lang" in attributes:
            self.langs.append(attributes["lang"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), attributes)
            self._text = []

    def handle_endtag(self, tag):
        if self._heading and re.fullmatch(r"h[1-6]", tag):
            level, attributes = self._heading
            self.headings.append((level, " ".join("".join(self._text).split()), attributes))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._text.append(data)


@pytest.fixture(scope="module")
def manual():
    result = run_check(MINIMAL, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics]
    return result.manual


def _edited_manual(tmp_path: Path, edits: dict[str, tuple[str, str]]):
    """The minimal manual with `old -> new` text replacements in some of its files."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    for relative, (old, new) in edits.items():
        path = content / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    result = run_check(content, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics]
    return result.manual


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_id_is_unique_and_every_internal_link_has_a_target(manual, lang):
    document = _Document(handbook_html(manual, lang))
    duplicates = sorted({i for i in document.ids if document.ids.count(i) > 1})
    assert duplicates == []
    assert sorted(set(document.hrefs) - set(document.ids)) == []
    assert len(document.hrefs) > 20


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_item_has_a_numbered_section_listed_in_the_contents(manual, lang):
    html = handbook_html(manual, lang, style="modern")
    document = _Document(html)
    toc = html[html.index('<nav class="front toc"'):html.index("</nav>")]
    for number, kind in enumerate(("functions", "duties", "procedures", "standards", "posts"), start=1):
        for position, item in enumerate(manual.kind(kind).values(), start=1):
            anchor = f"{kind}--{item.id}"
            assert anchor in document.ids
            numbering = numbering_for(lang)  # the language's scheme in either style: （一） or 1.1
            shown = numbering.entry(number, position)
            assert f'href="#{anchor}"><span class="toc-number">{shown}</span>' in toc
            title = item.title.get(lang)
            assert (2, numbering.heading(shown, title), {}) in [(lv, t, {}) for lv, t, _ in document.headings]
    for step in manual.procedures["document-review"].steps:
        assert f"procedures--document-review--step-{step.id}" in document.ids


def test_chinese_handbook_names_the_simplified_chinese_faces(manual):
    html = handbook_html(manual, "zh", style="modern")
    assert '<html lang="zh-Hans">' in html
    root_rule = re.search(r":root \{ font-family: ([^;]+); \}", html).group(1)
    assert root_rule.startswith('"Noto Serif CJK SC"')
    assert "JP" not in root_rule
    assert "一、" in html and "职能" in html  # the Chinese scheme in the modern style too


def test_english_handbook_sets_a_latin_face_before_the_chinese_fallback(manual):
    html = handbook_html(manual, "en")
    assert '<html lang="en">' in html
    root_rule = re.search(r":root \{ font-family: ([^;]+); \}", html).group(1)
    families = [f.strip().strip('"') for f in root_rule.split(",")]
    assert families.index("Liberation Serif") < families.index("Noto Serif CJK SC")
    assert "JP" not in root_rule  # Chinese text inside the English handbook gets Simplified Chinese shapes
    assert not re.search(r":lang\([^)]*\)[^{]*\{ font-family", html)


def test_a_second_cjk_orthography_gets_its_own_faces():
    css = PrintFonts("en", cjk_fallback="SC").css(["zh", "ja", "en"])
    assert ':lang(ja) { font-family: "Noto Serif CJK JP"' in css
    assert ":lang(zh-Hans)" not in css


def test_page_margins_carry_title_chapter_edition_and_page_of_pages(manual):
    html = handbook_html(manual, "en")
    assert '@top-left { content: "Sample Office Manual"; }' in html
    assert "@top-right { content: string(chapter); }" in html
    assert '@bottom-left { content: "Edition 2026.1 · Effective 2026-12-01"; }' in html
    assert '@bottom-right { content: "Page " counter(page) " of " counter(pages); }' in html
    zh = handbook_html(manual, "zh", style="modern")
    assert '@bottom-right { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; }' in zh


def test_cover_and_document_control_state_edition_effective_date_and_uncontrolled_status(manual):
    html = handbook_html(manual, "en")
    cover = html[html.index('id="cover"'):html.index("</section>")]
    assert "Sample Office Manual" in cover and "Sample Unit General Office" in cover
    assert "2026.1" in cover and "2026-12-01" in cover
    control = html[html.index('id="document-control"'):html.index('<nav class="front toc"')]
    assert "Uncontrolled when printed." in control
    assert "Maintainers" in control and 'href="#posts--director"' in control


def test_markdown_headings_are_demoted_without_ids_and_raw_html_is_escaped(tmp_path):
    manual = _edited_manual(tmp_path, {
        "manual.yaml": ("本手册说明", "## 总则\n\n    <b>粗</b>本手册说明"),
        "functions/coordination.yaml": ("{zh: 办公室居中协调各方。,", "{zh: \"# 要点\\n\\n<script>x</script>\",")
    })
    html = handbook_html(manual, "zh")
    document = _Document(html)
    intro = [h for h in document.headings if h[1] == "总则"]
    assert intro and intro[0][0] == 2 and "id" not in intro[0][2]
    point = [h for h in document.headings if h[1] == "要点"]
    assert point and point[0][0] == 3 and "id" not in point[0][2]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>粗</b>" not in html


def test_a_missing_translation_is_marked_with_the_default_language(tmp_path):
    manual = _edited_manual(tmp_path, {"standards/courtesy.yaml": ("{zh: 热情服务, en: Courtesy}", "热情服务")})
    html = handbook_html(manual, "en")
    assert '<span lang="zh-Hans">热情服务</span>' in html
    assert "zh-Hans" in _Document(html).langs


def test_procedure_steps_say_where_they_lead(manual):
    html = handbook_html(manual, "en")
    review = html[html.index('id="procedures--document-review"'):html.index('id="procedures--vehicle-request"')]
    assert "→ then step 2" in review
    assert "→ then step 3 (Approved); back to step 1" in review  # the outline's one wording, conditions included
    assert "→ ends the procedure" in review
    assert "When: Approved" in review
    # the chart follows the steps under the procedure's number and title: one picture, as it fits a page
    chart = re.search(r'</table>\s*<figure class="flowchart"><div class="flowchart-part"><p class="caption">(\d[\d.]*) '
                      r'Document review: flowchart</p>(.*?)</div></figure>', review, re.DOTALL)
    assert chart, review
    images = re.findall(r'<img alt="([^"]*)" style="width: [\d.]+px" src="data:image/svg\+xml;base64,([^"]+)">', chart[2])
    assert [alt for alt, _ in images] == ["Flowchart: Document review"]
    svg = base64.b64decode(images[0][1]).decode()
    assert svg.startswith("<svg") and 'id="procedures--document-review--flow-title"' in svg
    assert 'class="lane-header"' in svg and svg.count('class="step"') == 3


def test_printed_flowcharts_fit_the_column_with_text_of_7_5_pt_or_more():
    """The text column is 172 mm (650 CSS px) in the modern style, 156 mm (590 px) in the official one;
    a drawing printed `width` px wide is scaled by width / its own width, so its smallest text, in
    CSS px, times that scale and 0.75 is its size in points."""
    manual = run_check(CASES.parent.parent / "content", use_cache=False).manual
    for lang, column in (("en", 172 * 96 / 25.4 + 0.05), ("zh", 156 * 96 / 25.4 + 0.05)):
        html = handbook_html(manual, lang)
        charts = re.findall(r'<img alt="[^"]*" style="width: ([\d.]+)px" src="data:image/svg\+xml;base64,([^"]+)">', html)
        assert len(charts) == len(manual.procedures)
        for width, data in charts:
            svg = base64.b64decode(data).decode()
            assert 'class="officebook-flowchart' in svg and float(width) <= column
            scale = float(width) / float(re.search(r'width="([\d.]+)"', svg)[1])
            assert min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)) * scale * 0.75 >= 7.5 - 0.01


def test_raci_matrix_is_one_table_per_function_portrait_when_narrow_landscape_and_split_when_wide(tmp_path, manual):
    assert 'class="chapter raci"' in handbook_html(manual, "en")
    assert post_groups(("a", "b", "c"), 6) == (("a", "b", "c"),)
    seven = post_groups(tuple("abcdefg"), 12)
    assert len(seven) == 1 and len(seven[0]) == 7
    thirty = post_groups(tuple(f"p{i}" for i in range(30)), 12)
    assert [len(group) for group in thirty] == [10, 10, 10]
    assert sum(thirty, ()) == tuple(f"p{i}" for i in range(30))
    matrices = function_matrices(manual, "en")
    assert [m.function for m in matrices] == [f for f in manual.functions if manual.function_duties[f]]
    for matrix in matrices:  # the posts that hold a role in the function's duties, no other, in the matrix's order
        duties = manual.function_duties[matrix.function]
        assert [row.duty for row in matrix.rows] == list(duties)
        involved = {p for d in duties for p in manual.duties[d].raci.members}
        assert matrix.posts == tuple(p for p in manual.raci.posts if p in involved)
    tables = raci_tables(matrices, landscape=False)
    assert [(t.function, t.part, t.parts) for t in tables] == [(m.function, 1, 1) for m in matrices]

    # one duty shared by 26 posts: its function goes landscape, split into three parts of its posts;
    # the other function keeps only its own posts, in one part
    content = tmp_path / "wide" / "content"
    shutil.copytree(MINIMAL, content)
    extra = [f"extra-{i}" for i in range(25)]
    for post in extra:
        (content / "posts" / f"{post}.yaml").write_text(
            f"title: {{zh: 岗位{post[6:]}, en: Post {post[6:]}}}\nreports_to: director\n", encoding="utf-8")
    (content / "duties" / "briefing.yaml").write_text(
        "title: {zh: 情况通报, en: Briefing}\nfunction: coordination\nfrequency: weekly\nraci:\n  responsible: [secretary]\n"
        f"  accountable: director\n  informed: [{', '.join(extra)}]\n", encoding="utf-8")
    wide = run_check(content, use_cache=False).manual
    assert wide is not None
    html = handbook_html(wide, "en")
    assert 'class="chapter raci landscape"' in html
    matrices = function_matrices(wide, "en")
    tables = raci_tables(matrices, landscape=True)
    coordination = [t for t in tables if t.function == "coordination"]
    assert [(t.part, t.parts) for t in coordination] == [(1, 3), (2, 3), (3, 3)]
    assert sum((t.posts for t in coordination), ()) == next(m.posts for m in matrices if m.function == "coordination")
    assert all(len(t.rows) == len(wide.function_duties["coordination"]) for t in coordination)
    others = [t for t in tables if t.function != "coordination"]
    assert others and all(t.parts == 1 and not set(t.posts) & set(extra) for t in others)
    assert html.count('class="raci-function"') == len(tables)  # a heading for every part, naming its function
    assert html.count("(Part 2 of 3)") == 1
    # a short table goes whole to the next page; a long one is split, its header repeated
    assert html.count('class="raci sans whole"') == sum(t.kept_whole for t in tables) > 0
    assert not RaciTable("f", ("p",), tuple(RaciRow(f"d{i}", ()) for i in range(11))).kept_whole


@pytest.mark.parametrize(
    ("number", "lang", "expected"),
    [(1, "zh", "一、"), (10, "zh", "十、"), (12, "zh", "十二、"), (20, "zh", "二十、"),
     (99, "zh", "九十九、"), (3, "en", "3"), (120, "zh", "120、")],
)
def test_chapter_numbers(number, lang, expected):
    assert numbering_for(lang).chapter(number) == expected


def test_language_tags_and_cjk_faces():
    assert html_lang("zh") == "zh-Hans" and html_lang("zh-CN") == "zh-Hans"
    assert html_lang("zh-Hant") == "zh-Hant" and html_lang("zh-TW") == "zh-Hant"
    assert html_lang("en") == "en"
    assert [cjk_variant(x) for x in ("zh", "zh-Hant", "ja", "ko", "en", "fr")] == ["SC", "TC", "JP", "KR", None, None]


def test_a_configured_font_comes_first(tmp_path):
    family = PrintFonts("zh", font="FZShuSong-Z01").css()
    assert ':root { font-family: "FZShuSong-Z01", "Noto Serif CJK SC"' in family
    font_file = tmp_path / "house.otf"
    css = PrintFonts("en", font=str(font_file)).css()
    assert f'@font-face {{ font-family: "officebook-custom"; src: url("{font_file.as_uri()}"); }}' in css
    assert ':root { font-family: "officebook-custom", "Noto Serif"' in css


def test_css_content_from_a_label():
    assert _css_content("Page {page} of {pages}", page="counter(page)", pages="counter(pages)") == \
        '"Page " counter(page) " of " counter(pages)'
    assert _css_content('Say "{x}"', x="counter(x)") == '"Say \\"" counter(x) "\\""'


def test_rendering_is_deterministic(manual):
    assert handbook_html(manual, "zh") == handbook_html(manual, "zh")


def test_booklet_has_the_onboarding_reference_then_a_paper_form_per_list_and_case(manual):
    forms = paper_forms(manual, "secretary", "en")
    lists = manual.checklists["secretary"]
    assert [f.key for f in forms] == [*(w.frequency for w in lists.lists), *(f"case-{c.procedure}" for c in lists.cases)]
    html = booklet_html(manual, "secretary", "en")
    document = _Document(html)
    assert document.ids[:2] == ["cover", "contents"]
    assert [i for i in document.ids if i.startswith("form-")] == [f"form-{f.key}" for f in forms]
    assert len(set(document.ids)) == len(document.ids)
    # the booklet stands alone: its only links are to its own parts, every form listed in its contents
    assert set(document.hrefs) <= set(document.ids)
    assert [h for h in document.hrefs if h.startswith("form-")] == [f"form-{f.key}" for f in forms]
    daily = next(f for f in forms if f.key == "daily")
    assert daily.sheet == "month" and daily.columns == tuple(str(d) for d in range(1, 32)) and daily.landscape
    for entry in daily.work.entries:
        assert entry.text.get("en") in html
    assert html.count('class="cell"') >= 31 * len(daily.work.entries)
    for case in lists.cases:  # every step of the procedure, the post's own with a box to tick
        section = html[html.index(f'id="form-case-{case.procedure}"'):]
        section = section[:section.index("</section>")]
        assert section.count('<span class="box">') == len(case.own_steps)
        assert section.count("<tr class=") == len(case.steps)
        assert "Case reference" in section and "Signature" in section


def test_the_handbook_prints_each_criterion_once_and_refers_to_standards_by_number(manual):
    html = handbook_html(manual, "zh")
    for standard in manual.standards.values():
        for criterion in standard.criteria:
            assert html.count(f">{criterion.get('zh')}<") <= 2, criterion.get("zh")
    posts = html[html.index('class="item post"'):]
    assert "criterion" not in posts and 'class="refers"' in posts


def test_a_post_without_checklists_still_gets_a_card_saying_so(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (content / "posts" / "intern.yaml").write_text("title: {zh: 实习生, en: Intern}\nreports_to: director\n",
                                                   encoding="utf-8")
    manual = run_check(content, use_cache=False).manual  # a post without duties is only a warning
    assert paper_forms(manual, "intern", "zh") == ()
    html = booklet_html(manual, "intern", "zh")
    assert 'id="form-none"' in html and "本岗位没有检查清单。" in html


def test_a_flowchart_of_more_than_six_lanes_prints_on_landscape_pages():
    from dataclasses import replace

    manual = run_check(CASES.parent.parent / "content", use_cache=False).manual
    assert 'class="flowchart landscape' not in handbook_html(manual, "zh")
    posts = list(manual.posts)[:8]
    meeting = manual.procedures["government-meeting"]
    steps = tuple(replace(step, actor=posts[index % 8]) for index, step in enumerate(meeting.steps))
    wide = replace(manual, procedures={**manual.procedures, meeting.id: replace(meeting, steps=steps)})
    html = handbook_html(wide, "zh")
    assert html.count('class="flowchart landscape') == 1
    assert re.search(r'<figure class="flowchart landscape[^"]*"><div class="flowchart-part"><p class="caption">[^<]+{}流程图'
                     .format(meeting.title.get("zh")), html)

