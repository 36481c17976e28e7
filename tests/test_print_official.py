"""The official print style of Chinese handbooks (and the English handbook's own style)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from conftest import CASES
from officebook.model import Text
from officebook.outline import chinese_numeral, cover_date
from officebook.pipeline import run_check
from officebook.render.print import handbook_html, typographic_quotes
from officebook.render.printfonts import OFFICIAL_FACES, default_print_style
from officebook.vocabulary.labels import format_date

MINIMAL = CASES / "valid" / "minimal" / "content"


@pytest.fixture(scope="module")
def manual():
    result = run_check(MINIMAL, use_cache=False)
    assert result.manual is not None
    info = dataclasses.replace(result.manual.info, marking=Text({"zh": "内部资料　注意保存", "en": "Internal"}, "zh"))
    return dataclasses.replace(result.manual, info=info)


def _cover(html: str) -> str:
    return html[html.index('id="cover"'):html.index("</section>")]


def test_chinese_is_printed_in_the_official_style_by_default_and_english_in_the_modern_one():
    assert default_print_style("zh") == "official"
    assert default_print_style("zh-Hant") == "official"
    assert default_print_style("en") == "modern"


def test_official_cover_has_marking_title_organisation_and_chinese_month(manual):
    cover = _cover(handbook_html(manual, "zh"))
    assert cover.index("cover-marking") < cover.index("<h1>") < cover.index("cover-organization")
    assert "内部资料　注意保存" in cover and "示例办公室工作手册" in cover
    assert "二〇二六年十二月" in cover  # effective 2026-12-01
    assert "2026-12-01" not in cover


def test_chinese_dates_and_numerals():
    assert format_date("2026-12-01", "zh") == "2026年12月1日"
    assert format_date("2026-12-01", "en") == "2026-12-01"
    assert cover_date("2026-12-01", "zh") == "二〇二六年十二月"
    assert cover_date("2030-01-31", "zh") == "二〇三〇年一月"
    assert cover_date(None, "zh") == ""
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 23, 99)] == ["一", "十", "十一", "二十", "二十三", "九十九"]


def test_official_headings_are_numbered_chinese_style(manual):
    html = handbook_html(manual, "zh")
    assert '<span class="number">一、</span>职能' in html
    assert re.search(r'<h2><span class="number">（一）</span>\S', html)
    assert ".item > h3::before { content: counter(heading3) \".\"; }" in html
    assert 'content: "（" counter(heading4) "）"' in html
    # cross-references name chapter and section: （二（一））
    assert re.search(r'class="xref" href="#[^"]+">[^<]+（[一二三四五六七]（[一二三四五六七八九十]+））</a>', html)


def test_official_pages_number_at_the_outer_edge_with_dashes(manual):
    html = handbook_html(manual, "zh")
    right = re.search(r"@page :right \{\n(.*?)\n\}", html, re.DOTALL).group(1)
    left = re.search(r"@page :left \{\n(.*?)\n\}", html, re.DOTALL).group(1)
    assert '@bottom-right { content: "— " counter(page) " —"; }' in right  # odd pages: right
    assert '@bottom-left { content: "— " counter(page) " —"; }' in left  # even pages: left
    assert "counter(pages)" not in html


def test_official_faces_hei_kai_and_a_song_body_with_debian_fallbacks(manual):
    html = handbook_html(manual, "zh")
    css = html[:html.index("</style>")]
    body = re.findall(r":root, \.sans, \.meta \{ font-family: ([^;]+); \}", css)[-1]
    assert body.index('"FangSong"') < body.index('"Noto Serif CJK SC"') < body.index('"AR PL UMing CN"')
    assert '"AR PL UKai CN"' in css and '"Noto Sans CJK SC"' in css  # fonts-arphic-ukai, fonts-noto-cjk
    assert "KaiTi" in OFFICIAL_FACES["kai"][0] and OFFICIAL_FACES["hei"][0] == "SimHei"
    assert "html { font-size: 10.5pt;" in css and "text-indent: 2em" in css


def test_official_vocabulary_and_raci_words(manual):
    html = handbook_html(manual, "zh")
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.DOTALL)
    assert "修订说明" in text and "下次复核日期" in text
    for corporate in ("文件控制", "非受控", "维护岗位", "最近复核日期", "标签", "(R)", "(A)"):
        assert corporate not in text, corporate
    raci = html[html.index('id="chapter-raci"'):]
    raci = raci[:raci.index("</section>")]
    assert "牵头" in raci and "负责" in raci and "牵头：" in raci  # words, and a legend for them
    assert not re.search(r"<td[^>]*>[RACI/]+</td>", raci)
    assert "2027年" in text or "2026年" in text  # dates written the Chinese way


def test_modern_style_keeps_the_previous_look(manual):
    html = handbook_html(manual, "zh", style="modern")
    assert "一、" in html and "counter(pages)" in html and "print-official" not in html
    assert "background: #0d2b4a" in html


def test_english_handbook_has_curly_quotes(manual):
    html = handbook_html(manual, "en")
    body = html[html.index("</style>"):]
    assert not re.search(r">[^<]*['\"][^<]*<", body.replace("&#34;", '"').replace("&#39;", "'"))
    assert typographic_quotes('<p class="a">the "five noes", People\'s</p>') == '<p class="a">the “five noes”, People’s</p>'
