"""The seed facts the insider found only partly carried, or missing (issue #28), are in the default
manual in full, each found by a phrase of the manual's own in both languages, never the seed's.

The phrases are the manual's: the test also proves that none of them occurs in a reference paper,
so a fact cannot pass by copying the paper's sentence back in.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml
from test_content_originality import SEEDS

from conftest import ROOT

# (the seed's fact, a phrase of the manual in Chinese, the same in English)
FACTS = [
    ("the office as 咽喉 and 纽带", "要经过办公室这道“咽喉”", "pass through the office as through a throat"),
    ("the office as 咽喉 and 纽带", "要靠办公室这条“纽带”", "the link that ties departments and districts"),
    ("the four roles: 参谋部, 耳目, 咽喉, 先锋", "办公室同时扮演四个角色", "the office plays four parts at once"),
    ("the four roles: 参谋部, 耳目, 咽喉, 先锋", "抓落实、盯进度的“先锋”", "the vanguard that drives implementation"),
    ("the four functions as the yardstick of office performance", "首先就看这四项职能履行得怎样",
     "judged first of all by how it performs these four"),
    ("谋在点子上、参在要害处", "主意出在关键处", "advice that hits the crux"),
    ("the four fronts of supervision", "一盯决策部署", "watch the decisions"),
    ("the four fronts of supervision", "二盯目标任务", "watch the targets"),
    ("the four fronts of supervision", "三盯重点项目", "watch the key projects"),
    ("the four fronts of supervision", "四盯纪律作风", "watch discipline and conduct"),
    ("找准协调的切入点和结合点", "从各方利益的交汇处下手", "start from where their interests overlap"),
    ("writing ability as the key yardstick", "文字功夫是最要紧的一把尺子",
     "the ability to write is the first measure"),
    ("coordination ability: understand superiors, heed the public, communicate inside",
     "协调能力体现在三处", "coordination takes skill"),
    ("leaders give the office a part in affairs and powers (funds, temporary arrangements)",
     "在经费安排、临时性工作调度上给办公室必要的权限", "the authority it needs over funds and over arranging unplanned work"),
    ("leaders give the office time for research", "留出下去调研的时间", "leaving its staff time to go out and research"),
    ("the 'big office' idea", "树立“大办公室”观念", "think of the office as one team"),
    ("大事讲原则、小事讲风格", "大事讲原则，小事讲风格", "generous on small ones"),
    ("principle combined with flexibility", "原则性和灵活性统一起来", "joining firmness with flexibility"),
    ("讲学习、讲政治、讲正气", "讲学习、讲政治、讲正气", "value study, keep politics in command and uphold integrity"),
    ("a learning office", "学习型机关", "a place where everyone likes to learn"),
    ("the civil-servant code", "遵守公务员法和公务员职业道德", "the civil service code of ethics"),
    ("依法行政", "依法行政、依法办事", "act under the law"),
    ("service reaches both ways: instructions down, the public's voice up", "让政令通下去、民意传上来",
     "orders down, voices up"),
    ("淡泊名利", "淡泊名利，把心思放在工作上", "care little for fame and gain"),
    ("knowing the unit's structure, remits and staffing is where administration and service start",
     "先摸清本机关的家底", "administration and service begin with knowing the office itself"),
    ("轻而不乱、急而不盲、难而不畏", "事多不乱、事急不慌、事难不退",
     "orderly when work piles up, clear-headed when it is urgent and steady when it is hard"),
]

CJK = re.compile(r"[\u3400-\u9fff]")


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).lower()


@pytest.fixture(scope="module")
def content():
    texts = []
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        with path.open(encoding="utf-8-sig") as f:
            texts += list(_strings(yaml.safe_load(f)))
    zh = _fold("\n".join(t for t in texts if CJK.search(t)))
    en = _fold("\n".join(t for t in texts if not CJK.search(t)))
    return zh, en


@pytest.mark.parametrize(("fact", "zh", "en"), FACTS, ids=[f"{i}-{f[:30]}" for i, (f, _, _) in enumerate(FACTS)])
def test_the_fact_is_carried_in_both_languages(content, fact, zh, en):
    zh_text, en_text = content
    assert _fold(zh) in zh_text, f"{fact}: 「{zh}」 not found in the Chinese texts"
    assert _fold(en) in en_text, f"{fact}: '{en}' not found in the English texts"


def test_the_phrases_are_the_manuals_own():
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    seeds = _fold("\n".join(p.read_text(encoding="utf-8", errors="replace") for p in SEEDS.glob("*.txt")))
    borrowed = [phrase for _, zh, en in FACTS for phrase in (zh, en) if _fold(phrase) in seeds]
    assert not borrowed, borrowed
