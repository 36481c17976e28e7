"""Sorting entries without `order`: pinyin by default, stroke count or code points on request."""

from __future__ import annotations

import shutil

import pytest

from conftest import CASES
from officebook.collation import sort_key, stroke_data_available
from officebook.pipeline import run_check
from officebook.render.site import glossary_entries

WORDS = ["综合协调", "参谋助手", "办公自动化", "市长热线", "五不", "三办", "重庆", "督办", "Ⅲ级", "abc"]


def test_pinyin_order_reads_characters_in_their_phrase():
    assert sorted(WORDS, key=sort_key) == ["abc", "Ⅲ级", "办公自动化", "参谋助手", "重庆", "督办", "三办", "市长热线",
                                          "五不", "综合协调"]  # 重庆 is chóng qìng, after cān
    assert sorted(["长江", "长城", "市长"], key=sort_key) == ["长城", "长江", "市长"]  # cháng, then shì
    assert sort_key("公文", "codepoint") == ("公文",)


@pytest.mark.skipif(not stroke_data_available(), reason="Debian's unicode-data (Unihan) is not installed")
def test_stroke_order_counts_strokes_character_by_character():
    # 丁 2, 马 3, 王 4, 李 7 strokes
    assert sorted(["王", "丁", "李", "马"], key=lambda t: sort_key(t, "stroke")) == ["丁", "马", "王", "李"]
    ordered = sorted(WORDS, key=lambda t: sort_key(t, "stroke"))
    assert ordered.index("三办") < ordered.index("五不") < ordered.index("综合协调") < ordered.index("督办")


def _minimal(tmp_path, collation: str | None):
    content = tmp_path / "content"
    shutil.copytree(CASES / "valid" / "minimal" / "content", content)
    if collation:
        manual_file = content / "manual.yaml"
        manual_file.write_text(manual_file.read_text(encoding="utf-8") + f"collation: {collation}\n", encoding="utf-8")
    return run_check(content, use_cache=False)


def test_manual_chooses_its_collation(tmp_path):
    pinyin = _minimal(tmp_path / "a", None).manual
    assert list(pinyin.posts) == ["director", "driver", "secretary"]  # 办 bàn < 驾 jià < 秘 mì
    codepoint = _minimal(tmp_path / "b", "codepoint").manual
    assert list(codepoint.posts) == sorted(pinyin.posts, key=lambda p: pinyin.posts[p].title.get("zh"))
    wrong = _minimal(tmp_path / "c", "alphabet")
    assert wrong.manual is None and any(d.code.startswith("schema") for d in wrong.diagnostics)


def test_glossary_is_sorted_in_each_language(tmp_path):
    manual = _minimal(tmp_path, None).manual
    zh = [term.term.get("zh") for term, _ in glossary_entries(manual, "zh")]
    en = [term.term.get("en") for term, _ in glossary_entries(manual, "en")]
    assert zh == sorted(zh, key=sort_key) and en == sorted(en, key=sort_key)
    anchors = {anchor for _, anchor in glossary_entries(manual, "en")}
    assert anchors == {anchor for _, anchor in glossary_entries(manual, "zh")}  # same anchors in every language
