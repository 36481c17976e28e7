"""Flowcharts in the printed handbook, read back with poppler: each chart of the default manual lies
whole on one page (zh official, en modern), and a chart too tall for a page prints in parts on
consecutive pages, with the same off-page connectors on both sides of each cut as the drawing has."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_flowchart_pages import connectors

from conftest import CASES, ROOT
from officebook import cli
from officebook.pipeline import run_check
from officebook.render.flowchart import printed_flowchart, step_box_text

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")]

MINIMAL = CASES / "valid" / "minimal" / "content"
POSTS = ("secretary", "director", "driver")
STEPS = 30


def long_procedure_yaml() -> str:
    """A review in 30 steps over three posts: a branch at step 4 to the last step, a rework loop from
    step 26 back to step 3."""
    lines = ["title: {zh: 长篇审核, en: Long review}", "owner: secretary", "steps:"]
    for i in range(1, STEPS + 1):
        lines += [f"  - id: s{i}", f"    actor: {POSTS[(i - 1) // 2 % 3]}",
                  f"    title: {{zh: 第{i}项审核, en: Check {i}}}",
                  f"    action: {{zh: 完成第{i}项审核工作, en: Do check number {i}}}"]
        if i == 4:
            lines.append(f"    next: [s5, s{STEPS}]")
        elif i == STEPS - 4:
            lines.append(f"    next: [s{i + 1}, s3]")
        if i == 3:
            lines.append("    when: {zh: 需要返工, en: Rework needed}")
    return "\n".join(lines) + "\n"


def _print(content: Path, out: Path, *args: str) -> None:
    result = CliRunner().invoke(cli.main, ["pdf", str(content), "-o", str(out), "--no-cache", *args])
    assert result.exit_code == 0, result.output


def _pages(pdf: Path) -> list[list[tuple[float, str]]]:
    """(yMin, text) of every word of every page."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(m[1]), html.unescape(m[2]).replace("’", "'")) for m in re.finditer(r'<word [^>]*yMin="([\d.]+)" [^>]*>([^<]*)</word>', page)]
            for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S)]


@pytest.fixture(scope="module")
def long_manual(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("long")
    content = root / "content"
    shutil.copytree(MINIMAL, content)
    (content / "procedures" / "long-review.yaml").write_text(long_procedure_yaml(), encoding="utf-8")
    _print(content, root / "pdf")
    return content, root / "pdf"


@pytest.mark.parametrize("lang, style, caption", [("zh", "official", "{title}流程图"),
                                                  ("en", "modern", "{title}: flowchart")])
def test_a_long_flowchart_prints_in_parts_with_the_same_connectors_on_both_sides_of_each_cut(
        long_manual, lang, style, caption):
    content, out = long_manual
    manual = run_check(content, use_cache=False).manual
    procedure = manual.procedures["long-review"]
    printed = printed_flowchart(procedure, manual, lang, style, id_prefix="x")
    assert len(printed.parts) >= 2
    pages = [" ".join(text for _, text in words) for words in _pages(out / f"handbook-{lang}.pdf")]
    title = caption.format(title=procedure.title.get(lang))
    squashed = [page.replace(" ", "") for page in pages]
    first = next(i for i, page in enumerate(squashed) if title.replace(" ", "") in page)
    for index, svg in enumerate(printed.parts):  # each part on a page of its own, in order
        page = squashed[first + index]
        assert title.replace(" ", "") in page
        for _, _, words in connectors(svg):
            assert words.replace(" ", "") in page, (index, words)
    # the rework loop 26 → 3 comes into an earlier part than the one it leaves
    enters, leaves = {"zh": ("接第26步“第26项审核”", "转第3步“第3项审核”"),
                      "en": ("From step 26: Check 26", "To step 3: Check 3")}[lang]
    parts = squashed[first:first + len(printed.parts)]
    assert [i for i, page in enumerate(parts) if enters.replace(" ", "") in page] < \
        [i for i, page in enumerate(parts) if leaves.replace(" ", "") in page]
    assert any(enters.replace(" ", "") in page for page in parts)


@pytest.mark.parametrize("lang, caption", [("zh", r"（[一二三四五六七八九十]+）{title}流程图"),
                                           ("en", r"\d+\.\d+ {title}: flowchart")])
def test_every_flowchart_of_the_default_manual_lies_whole_on_one_page(default_handbooks, lang, caption):
    manual = run_check(ROOT / "content", use_cache=False).manual
    pages = _pages(default_handbooks / f"handbook-{lang}.pdf")
    texts = [" ".join(text for _, text in words) for words in pages]
    assert not any(("（续）" if lang == "zh" else "(continued)") in text for text in texts)
    for procedure in manual.procedures.values():
        pattern = re.compile(caption.format(title=re.escape(procedure.title.get(lang)).replace(r"\ ", r"\s*")))
        found = [i for i, text in enumerate(texts) if pattern.search(text.replace(" ", "") if lang == "zh" else text)]
        assert len(found) == 1, (procedure.id, found)
        words = pages[found[0]]
        top = min(y for y, text in words if ("流程图" in text if lang == "zh" else text == "flowchart"))
        below = "".join(text for y, text in words if y > top)
        for step in procedure.steps:  # every box of the chart, under its caption on this one page
            assert step_box_text(step, lang).replace(" ", "") in below, (procedure.id, step.id)
