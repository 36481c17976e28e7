"""The Word files' drawings painted by officebook.render.docx.paint: what CairoSVG paints, and CairoSVG
for anything outside officebook's own drawing vocabulary."""

import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageFilter

from conftest import CASES, ROOT
from officebook.pipeline import run_check
from officebook.render.docx import booklet_docx, handbook_docx, raster
from officebook.render.docx.paint import paint_scanlines

cairosvg = pytest.importorskip("cairosvg")
MAX_PIXELS = 40_000_000
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80" ' \
           'font-family="\'Noto Sans CJK SC\', sans-serif">'


def cairosvg_pixels(svg: str, scale: float) -> Image.Image:
    """CairoSVG's drawing laid on white paper (a last column it half covers is half transparent)."""
    png = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode(), scale=scale, unsafe=False,
                                                 background_color="#ffffff"))).convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", png.size, "white"), png).convert("RGB")


def paint_image(svg: str, scale: float, max_pixels: int) -> Image.Image | None:
    painted = paint_scanlines(svg.encode("utf-8"), scale, max_pixels)
    if painted is None:
        return None
    width, height, rows = painted
    return Image.frombytes("RGB", (width, height), rows, "raw", "RGB", width * 3 + 1)


def assert_same_drawing(svg: str, scale: float) -> None:
    """The painter's pixels are CairoSVG's. Text alone may land a fraction of a pixel apart: CairoSVG
    places each glyph by a move of its own, the painter a line at once, and the two sums of Latin
    advances can round apart. So where the drawing has text, each pixel need only lie within the
    range of the other image's pixels around it (3 × 3, ± 8 levels); shapes must match within 2 levels:
    each anti-aliased edge may round a level apart, and where a translucent shape's edge meets another
    shape's in one pixel the two add up (hypothesis found a pixel at 94 against CairoSVG's 92)."""
    painted = paint_image(svg, scale, MAX_PIXELS)
    assert painted is not None, svg[:300]
    reference = cairosvg_pixels(svg, scale)
    assert painted.size == reference.size
    if "<text" not in svg:  # a level's rounding where the page shows through a half-covered last row or column
        assert max(band[1] for band in ImageChops.difference(painted, reference).getextrema()) <= 2, svg[:300]
        return
    box = ImageChops.difference(painted, reference).getbbox()
    if box is None:
        return
    box = (max(box[0] - 2, 0), max(box[1] - 2, 0), box[2] + 2, box[3] + 2)  # what differs, and its neighbours
    painted, reference = painted.crop(box), reference.crop(box)
    for one, other in ((painted, reference), (reference, painted)):
        low, high = other.filter(ImageFilter.MinFilter(3)), other.filter(ImageFilter.MaxFilter(3))
        outside = ImageChops.lighter(ImageChops.subtract(low, one), ImageChops.subtract(one, high))
        assert max(band[1] for band in outside.getextrema()) <= 8, svg[:300]


def drawings_for_word(content, monkeypatch) -> list[str]:
    """Every drawing the Word handbook and a post's booklet of `content` rasterise, in each language."""
    manual = run_check(content, use_cache=False).manual
    seen: list[str] = []
    real = raster.cached_png
    monkeypatch.setattr(raster, "cached_png", lambda svg, svg2png: seen.append(svg) or real(svg, svg2png))
    for lang in manual.info.languages:
        handbook_docx(manual, lang)
        booklet_docx(manual, next(iter(manual.posts)), lang)
    return list(dict.fromkeys(seen))


@pytest.mark.slow
@pytest.mark.parametrize("content", [ROOT / "content", CASES / "valid" / "second-edition" / "content"],
                         ids=["default", "second-edition"])
def test_every_word_drawing_is_painted_as_cairosvg_paints_it(content, monkeypatch):
    """Flowcharts (whole and cut into page-sized parts, with a post highlighted) and org charts: none
    falls back to CairoSVG, and each is what CairoSVG draws at the scale Word gets."""
    drawings = drawings_for_word(content, monkeypatch)
    assert sum('class="officebook-flowchart"' in svg for svg in drawings) >= 5
    assert any("<line" in svg for svg in drawings)  # the org charts' connectors
    for svg in drawings:
        width = float(raster._SVG_WIDTH.search(svg).group(1))
        assert_same_drawing(svg, min(raster.FLOWCHART_SCALE, raster.MAX_RASTER_WIDTH / width))


COLOURS = st.sampled_from(["#1e4e8c", "#f3f6fa", "#b45309", "#fff", "white", "black", "none"])
NUMBER = st.integers(min_value=-10, max_value=130).map(str) | st.floats(0, 120).map(lambda f: f"{f:.1f}")
WORDS = st.text(alphabet="办文会议审核值班 Ab.-（）12", min_size=0, max_size=8)


@st.composite
def shapes(draw) -> str:
    """One element of officebook's drawing vocabulary with drawn geometry and paint."""
    paint = f' fill="{draw(COLOURS)}"'
    if draw(st.booleans()):
        paint += f' stroke="{draw(COLOURS)}" stroke-width="{draw(st.sampled_from(["1", "1.5", "2.4"]))}"'
        paint += draw(st.sampled_from(["", ' stroke-linejoin="round"', ' stroke-dasharray="5 3"']))
    if draw(st.booleans()):
        paint += f' fill-opacity="{draw(st.sampled_from(["0.3", "1"]))}"'
    kind = draw(st.sampled_from(["rect", "circle", "line", "polygon", "path", "text"]))
    n = [draw(NUMBER) for _ in range(6)]
    if kind == "rect":
        rounded = draw(st.sampled_from(["", ' rx="4"', ' rx="40"']))
        return f'<rect x="{n[0]}" y="{n[1]}" width="{n[2]}" height="{n[3]}"{rounded}{paint}/>'
    if kind == "circle":
        return f'<circle cx="{n[0]}" cy="{n[1]}" r="{draw(st.sampled_from(["4.5", "8", "0"]))}"{paint}/>'
    if kind == "line":
        return f'<line x1="{n[0]}" y1="{n[1]}" x2="{n[2]}" y2="{n[3]}"{paint}/>'
    if kind == "polygon":
        return f'<polygon points="{n[0]},{n[1]} {n[2]},{n[3]} {n[4]},{n[5]}"{paint}/>'
    if kind == "path":
        return f'<path d="M{n[0]} {n[1]} V{n[2]} H{n[3]} L{n[4]} {n[5]}"{paint}/>'
    anchor = draw(st.sampled_from(["", ' text-anchor="middle"', ' text-anchor="end"']))
    bold = draw(st.sampled_from(["", ' font-weight="bold"', ' font-style="italic"']))
    fill = draw(COLOURS.filter(lambda colour: colour != "none"))
    text = draw(WORDS).replace("&", "")
    return f'<text x="{n[0]}" y="{n[1]}" font-size="{draw(st.sampled_from(["9", "13"]))}" fill="{fill}"' \
           f'{anchor}{bold}>{text}</text>'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(shapes(), min_size=1, max_size=6), st.sampled_from([1.0, 2.0, 1.37]),
       st.sampled_from(["", '<g transform="translate(3 -7)">']))
@example(['<polygon points="84,0 0,0 0,119" fill="#1e4e8c" fill-opacity="0.3"/>',  # two edges in one pixel
          '<polygon points="76,1.0 0,124 0,120.0" fill="#1e4e8c" stroke="#1e4e8c" stroke-width="1"/>'],
         1.37, '<g transform="translate(3 -7)">')
def test_any_drawing_in_the_vocabulary_has_cairosvgs_pixels(elements, scale, group):
    body = "".join(elements)
    if group:
        body = f"{group}{body}</g>"
    assert_same_drawing(f"{SVG_OPEN}<title>t</title>{body}</svg>", scale)


@pytest.mark.parametrize("body", [
    # a 20° corner: mitred under cairo's own limit (10), bevelled under SVG's (4), which CairoSVG sets
    '<polygon points="10,24 100,40 10,56" fill="none" stroke="#1e4e8c" stroke-width="4"/>',
    '<path d="M5 5 H100 V70 H5 Z" fill="none" stroke="#b45309" stroke-width="1.5" stroke-dasharray="5 3"/>',
    '<polygon points="10,24 100,40 10,56" fill="none" stroke="#000" stroke-width="4" stroke-linejoin="arcs"/>',
    '<path d="M1 1 H90" stroke="#000" stroke-width="-2"/><circle cx="50" cy="50" r="-30" fill="#000"/>',
    '<rect x="10" y="10" width="-50" height="30" fill="#1e4e8c" stroke="#000"/>',
    '<rect x="10" y="10" width="90" height="30" rx="40" fill="#f3f6fa" stroke="#1e4e8c" stroke-width="1.5"/>',
    '<g transform="translate(60, 0)"><text x="0" y="20" font-size="13" text-anchor="middle" font-weight="bold" '
    'fill="#1f2937">秘书科 Secretarial</text><text x="0" y="40" font-size="12.5" text-anchor="end" '
    'font-style="italic">退回第 1 步</text></g>',
])
def test_drawings_with_corners_dashes_and_anchors_have_cairosvgs_pixels(body):
    assert_same_drawing(f"{SVG_OPEN}{body}</svg>", 2.0)


@pytest.mark.parametrize("body", [
    '<image href="file:///etc/passwd" width="9" height="9"/>',  # an element beyond the vocabulary
    '<rect width="9" height="9" style="fill:red"/>',  # CSS
    '<rect width="9" height="9" opacity="0.5"/>',  # an attribute beyond the vocabulary
    '<rect width="50%" height="9"/>',  # units
    '<rect width="nan" height="9"/>', '<rect width="1e400" height="9"/>', '<rect width="9e9" height="9"/>',
    '<rect width="9" height="9" fill="red"/>',  # a colour name CairoSVG knows and the painter doesn't
    '<path d="m1 1 h5"/>', '<path d="M1 1 C2 2 3 3 4 4"/>', '<path d="1 1"/>', '<path d="M1"/>',
    '<path d="M1 1 Z H5"/>',
    '<polygon points="1,2 3"/>',
    '<text x="1" y="9" font-size="9">a<tspan>b</tspan></text>',
    '<text x="1" y="9" font-size="9" stroke="#000">a</text>',  # stroked text
    '<text x="1" y="9">a</text>',  # no font size
    '<text x="1" y="9" font-size="9" font-weight="bolder">a</text>',
    '<text x="1" y="9" font-size="9" text-anchor="inherit">a</text>',
    '<text x="1" y="9" font-size="9" font-style="slanted">a</text>',
    '<g transform="scale(2)"><rect width="9" height="9"/></g>',
    '<!-- a comment --><rect width="9" height="9"/>',
    '<foreignObject width="9" height="9"/>',
    '<rect width="9" height="9">text beside a shape</rect>',
])
def test_anything_else_is_left_to_cairosvg(body):
    assert paint_image(f"{SVG_OPEN}{body}</svg>", 2.0, MAX_PIXELS) is None


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 60 40"/>',  # a viewBox that scales
    '<svg xmlns="http://www.w3.org/2000/svg" width="120"/>',  # no height
    '<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"/>',  # past the pixel budget
    '<svg width="9" height="9"/>',  # not SVG's namespace
    '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"',  # not well-formed
    '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
    '<text x="1" y="9" font-size="9">&a;</text></svg>',  # an entity: never expanded here
])
def test_a_drawing_the_painter_cannot_size_is_left_to_cairosvg(svg):
    assert paint_image(svg, 2.0, MAX_PIXELS) is None


def test_the_rasteriser_hands_what_the_painter_refuses_to_cairosvg(monkeypatch):
    raster._PNG_CACHE.clear()
    asked = []
    real = raster.load_rasteriser()
    svg = f'{SVG_OPEN}<rect width="9" height="9" fill="red"/></svg>'
    monkeypatch.setattr(raster, "paint_scanlines", lambda *args: asked.append(args) or None)
    image = Image.open(io.BytesIO(real(svg))).convert("RGB")
    assert asked and image.getpixel((4, 4)) == (255, 0, 0)
    raster._PNG_CACHE.clear()
