"""Every printed page, read back with poppler's word boxes: nothing outside the text block, no page that
holds only a signature block or a form's last line or two, signature lines that never wrap, covers
legible on an office laser printer.

Printed: every post booklet of the default manual (Chinese, the official style) and of the
second-edition case manual (English, the modern style), and the case manual's handbooks.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from officebook import cli

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")]

MM = 72 / 25.4
SECOND = CASES / "valid" / "second-edition" / "content"
SIGNATURE_WORDS = re.compile(r"^(带教人签字|科室负责人签字|审核人|签名|日期|办件编号（文号或事项）|Signature|Reviewed|by|Date|"
                             r"Mentor|Head|of|section|Case|reference)[:：]?$")


def _print(*args: str) -> None:
    result = CliRunner().invoke(cli.main, ["pdf", *args, "--no-cache"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def printed(tmp_path_factory, default_booklets, second_edition_handbooks) -> list[Path]:
    """The case manual's English booklets printed here; the default manual's Chinese booklets and the
    case manual's handbooks as printed once per run for every module that reads them (conftest)."""
    out = tmp_path_factory.mktemp("pages")
    _print(str(SECOND), "-o", str(out / "second"), "--all-posts", "--lang", "en", "--jobs", "2")
    return sorted([*out.rglob("*.pdf"), *default_booklets.glob("booklet-*-zh.pdf"),
                   *second_edition_handbooks.glob("handbook-*.pdf")])


@functools.cache  # the printed files never change in a run: several tests read every page of each once
def _pages(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """(width, height, words as (x0, y0, x1, y1, text)) of every page."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(m[1]), float(m[2]), float(m[3]), float(m[4]), m[5]) for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page[3])]
        pages.append((float(page[1]), float(page[2]), words))
    return pages


def _side_margins(pdf: Path, width: float, height: float, number: int) -> float:
    """The narrowest side margin a page of this document may have (mm): the cover's padding, the
    landscape form page's 10 mm, the style's margins otherwise (official 26/28 mm, modern 18/20 mm)."""
    if number == 1:
        return 25
    if width > height:
        return 10
    return 18 if pdf.stem.endswith("-en") else 26


def test_no_word_leaves_the_text_block(printed):
    outside = []
    for pdf in printed:
        for number, (width, height, words) in enumerate(_pages(pdf), start=1):
            margin = _side_margins(pdf, width, height, number) * MM - 1.5
            outside += [(pdf.name, number, text, round(x0 / MM), round(x1 / MM)) for x0, _, x1, _, text in words
                        if x0 < margin or x1 > width - margin]
    assert not outside, outside[:10]


def _body_lines(pdf: Path, width: float, height: float, words) -> list[str]:
    """The lines of a page's text block, the running header and footer left out (the official style's
    margins are 37 and 35 mm, the modern style's 24 and 22 mm; landscape pages less)."""
    official = not pdf.stem.endswith("-en")
    top, bottom = (30 if official else 20) * MM, height - (28 if official else 18) * MM
    if width > height:
        top, bottom = 12 * MM, height - 12 * MM
    lines: dict[int, list[str]] = {}
    for _, y0, _, y1, text in words:
        if top <= y0 and y1 <= bottom:
            lines.setdefault(round(y0 / 3), []).append(text)
    return [" ".join(line) for _, line in sorted(lines.items())]


def test_no_page_holds_only_a_signature_block_or_a_forms_last_lines(printed):
    lonely = []
    for pdf in printed:
        pages = _pages(pdf)
        for number, (width, height, words) in enumerate(pages[1:], start=2):
            lines = _body_lines(pdf, width, height, words)
            words_on_page = [w for line in lines for w in line.split()]
            if words_on_page and all(SIGNATURE_WORDS.match(w) or set(w) <= set("_") for w in words_on_page):
                lonely.append((pdf.name, number, "only a signature block", lines))
            elif 0 < len(lines) < 3:
                lonely.append((pdf.name, number, "nearly empty", lines))
    assert not lonely, lonely[:5]


def test_signature_lines_are_drawn_on_the_labels_line(printed):
    """An underlined blank is a table cell's border: it never wraps under its label. The label and the
    next label of its row stand on one line."""
    pdf = next(p for p in printed if p.name == "booklet-duty-officer-zh.pdf")
    texts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    signoff = next(t for t in texts if "到岗适应签收表" in t and "带教人签字" in t)
    assert re.search(r"带教人签字：\s+日期：", signoff) and re.search(r"科室负责人签字：\s+日期：", signoff)
    for text in texts:
        for line in text.splitlines():
            assert not re.fullmatch(r"\s*_{3,}\s*", line), line  # no underline alone on a line


# ---- covers -----------------------------------------------------------------------------------------


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _text_colours(pdf: Path, tmp_path: Path) -> list[tuple[str, float]]:
    """For every word of the cover: the contrast of its darkest pixel against the cover's background
    (rendered at 300 dpi; anti-aliasing only lightens a glyph, so its darkest pixel is its colour)."""
    from PIL import Image

    png = tmp_path / f"{pdf.stem}-cover"
    subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(png)], check=True)
    image = Image.open(f"{png}.png").convert("RGB")
    scale = 300 / 72
    width, height, words = _pages(pdf)[0]
    background = image.getpixel((5, 5))
    found = []
    for x0, y0, x1, y1, text in words:
        box = image.crop((int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1, int(y1 * scale) + 1))
        colours = [colour for _, colour in box.getcolors(maxcolors=box.width * box.height + 1)]
        ink = max(colours, key=lambda p: _contrast(p, background))
        found.append((text, _contrast(ink, background)))
    return found


@pytest.mark.parametrize("style", ["official", "modern"])
def test_covers_are_legible_in_print(printed, tmp_path, style):
    """WCAG: every text on a cover at least 4.5:1 against the cover (both print styles)."""
    pdfs = [p for p in printed if p.name in ("booklet-duty-officer-zh.pdf", "handbook-zh.pdf")] if style == "official" \
        else [p for p in printed if p.name in ("booklet-duty-officer-en.pdf", "handbook-en.pdf")]
    assert pdfs
    for pdf in pdfs:
        words = _text_colours(pdf, tmp_path)
        assert len(words) >= 4, pdf.name
        faint = [(text, round(ratio, 2)) for text, ratio in words if ratio < 4.5]
        assert not faint, (pdf.name, faint)
