"""Files under content/assets/: every type and hostile drawing a finding of `check`, and what slips
through never crashes the renderers that embed images (a warning, never an exception)."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from officebook.assets import check_assets, inspect_svg, svg_problem
from officebook.render.assetimages import MAX_RASTER_SIDE, asset_image
from officebook.vocabulary.markdown import link_target, render_markdown

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">{}</svg>'


def png(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


# What each hostile drawing is, and the code `check` gives it.
HOSTILE_SVGS = {
    "script.svg": (SVG.format("<script>alert('svg-1')</script>"), "asset.active-content"),
    "script-ns.svg": (SVG.format('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(2)</h:script>'),
                      "asset.active-content"),
    "handler.svg": (SVG.format('<rect width="4" height="4" onclick="alert(3)"/>'), "asset.active-content"),
    "foreign.svg": (SVG.format('<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="x"/></foreignObject>'),
                    "asset.active-content"),
    "remote-image.svg": (SVG.format('<image xlink:href="http://127.0.0.1:9/x.png" width="1" height="1"/>'),
                         "asset.active-content"),
    "remote-use.svg": (SVG.format('<use href="other.svg#a"/>'), "asset.active-content"),
    "javascript-link.svg": (SVG.format('<a href="javascript:alert(4)"><text>x</text></a>'), "asset.active-content"),
    "animated-link.svg": (SVG.format('<a><set attributeName="href" to="javascript:alert(5)"/><text>x</text></a>'),
                          "asset.active-content"),
    "css-import.svg": (SVG.format('<style>@import url("http://127.0.0.1:9/a.css");</style>'), "asset.active-content"),
    "css-url.svg": (SVG.format('<rect style="fill: url(//127.0.0.1:9/p)" width="4" height="4"/>'),
                    "asset.active-content"),
    "xslt.svg": ('<?xml-stylesheet type="text/xsl" href="evil.xsl"?>' + SVG.format(""), "asset.active-content"),
    "xhtml-root.svg": ('<html xmlns="http://www.w3.org/1999/xhtml"><body onload="alert(6)"/></html>',
                       "asset.active-content"),
    "entity.svg": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                   + SVG.format("<text>&b;</text>"), "asset.active-content"),
    "external-entity.svg": ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("<text>&x;</text>"),
                            "asset.active-content"),
    "doctype.svg": ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
                    + SVG.format(""), "asset.active-content"),
    "truncated.svg": (SVG.format('<rect width="4" height="4"/>')[:-10], "asset.invalid"),
    "not-svg.svg": ('<drawing xmlns="urn:x"/>', "asset.invalid"),
    "huge.svg": ('<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"/>', "asset.too-large"),
    "huge-mm.svg": ('<svg xmlns="http://www.w3.org/2000/svg" width="2000mm" height="2000mm"/>', "asset.too-large"),
    "huge-viewbox.svg": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100000 100000"/>', "asset.too-large"),
}


def write_assets(root: Path, files: dict[str, bytes | str]) -> frozenset[str]:
    for name, data in files.items():
        path = root / "assets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return frozenset(f"assets/{name}" for name in files)


def findings(root: Path, files: dict[str, bytes | str], **limits) -> dict[str, str]:
    return {d.file: d.code for d in check_assets(root, write_assets(root, files), **limits)}


def test_every_hostile_drawing_is_its_finding(tmp_path: Path):
    found = findings(tmp_path, {name: svg for name, (svg, _code) in HOSTILE_SVGS.items()})
    assert found == {f"assets/{name}": code for name, (_svg, code) in HOSTILE_SVGS.items()}


def test_plain_drawings_and_images_pass(tmp_path: Path):
    gradient = SVG.format('<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="4" height="4"/>'
                          '<use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>')
    inkscape = ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- Created with Inkscape -->\n'
                '<svg xmlns="http://www.w3.org/2000/svg" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/'
                'sodipodi-0.dtd" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="210mm" '
                'height="297mm" viewBox="0 0 210 297"><sodipodi:namedview inkscape:zoom="1"/>'
                '<a href="#top"><text id="top">印章</text></a></svg>')
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    files = {"flow.svg": gradient, "emblem.svg": inkscape, "photo.jpg": buffer.getvalue(), "plan.png": png(),
             "forms/draft.docx": b"PK\x03\x04", "forms/list.xlsx": b"PK", "readme.txt": "<script>x</script>",
             "data.csv": "=1+1", "archive.zip": b"PK"}
    assert findings(tmp_path, files) == {}


@pytest.mark.parametrize("name", ["notes.md", "page.html", "page.htm", "app.js", "style.css", "run.exe", "x.xhtml",
                                  "drawing.svgz", "Makefile", "photo.PNG.html", "feed.xml"])
def test_types_other_than_images_and_documents_are_refused(tmp_path: Path, name: str):
    assert findings(tmp_path, {name: "<script>alert(1)</script>"}) == {f"assets/{name}": "asset.type"}


def test_suffix_case_does_not_matter(tmp_path: Path):
    assert findings(tmp_path, {"PLAN.PNG": png(), "Scan.JPEG": png()}) == {"assets/Scan.JPEG": "asset.invalid"}


def test_images_that_do_not_parse(tmp_path: Path):
    data = png(300, 300)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "blue").save(buffer, "JPEG")
    files = {"cut.png": data[: len(data) // 2], "cut.jpg": buffer.getvalue()[:400], "empty.gif": b"",
             "html.png": "<html><script>alert(1)</script>", "png-as.webp": data, "eps.png": "%!PS-Adobe-3.0 EPSF-3.0\n"}
    assert findings(tmp_path, files) == {f"assets/{name}": "asset.invalid" for name in files}


def test_pixel_budget_is_a_setting(tmp_path: Path):
    files = {"wide.png": png(1000, 700)}
    assert findings(tmp_path, files) == {}
    assert findings(tmp_path, files, max_image_pixels=600_000) == {"assets/wide.png": "asset.too-large"}


def bomb_png(side: int) -> bytes:
    """A valid side × side one-bit PNG, all black, written chunk by chunk: the 112 MB of rows are
    deflated as a stream, never held as an image (Pillow's Image.new + save took 1.5 s CPU for this)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows, compressor = (b"\0" + bytes((side + 7) // 8)) * 1000, zlib.compressobj(9)
    body = b"".join(compressor.compress(rows) for _ in range(side // 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_the_bomb_is_a_real_png_of_its_size():
    """Guards the corpus: Pillow, told to allow it, decodes the bomb to the pixels it claims."""
    Image.MAX_IMAGE_PIXELS, saved = None, Image.MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(bomb_png(2_000))) as image:
            assert (image.format, image.mode, image.size) == ("PNG", "1", (2_000, 2_000))
            assert image.getextrema() == (0, 0)
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def test_a_decompression_bomb_is_never_decoded(tmp_path: Path):
    """A 30,000 × 30,000 PNG of one colour is a few hundred kilobytes: refused from its header."""
    path = tmp_path / "assets" / "bomb.png"
    path.parent.mkdir()
    path.write_bytes(bomb_png(30_000))
    assert path.stat().st_size < 300_000
    found = check_assets(tmp_path, frozenset({"assets/bomb.png"}))
    assert [d.code for d in found] == ["asset.too-large"]
    assert "megapixels" in found[0].message


def test_entities_are_never_expanded_nor_files_read(tmp_path: Path):
    laughs = '<!DOCTYPE svg [<!ENTITY a "' + "a" * 1000 + '">' + "".join(
        f'<!ENTITY {chr(98 + n)} "' + f"&{chr(97 + n)};" * 10 + '">' for n in range(8)) + ']>'
    problem, _size = inspect_svg((laughs + SVG.format("<text>&i;</text>")).encode())
    assert problem is not None and problem.code == "asset.active-content"
    assert "DTD" in problem.message


def test_finding_points_at_the_line(tmp_path: Path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg">\n<rect/>\n<rect/>\n<script>alert(1)</script>\n</svg>'
    [finding] = check_assets(tmp_path, write_assets(tmp_path, {"late.svg": svg}))
    assert finding.line == 4


def test_unreadable_asset_is_a_finding(tmp_path: Path):
    assets = write_assets(tmp_path, {"plan.png": png()})
    (tmp_path / "assets" / "plan.png").unlink()
    (tmp_path / "assets" / "plan.png").mkdir()  # a folder where the file was: reading it fails
    assert [d.code for d in check_assets(tmp_path, assets)] == ["file.unreadable"]


# ---- network paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["//evil.example/x", "\\\\fileserver\\share\\a.docx", "/\\evil.example/x",
                                 "\\/evil.example/x", " //evil.example/x", "&#47;/evil.example/x"])
def test_network_paths_are_removed_from_outputs(url: str):
    assert link_target(url) is None
    html = render_markdown(f"[a]({url.strip()}) ![b]({url.strip()})", False)
    assert "evil.example" not in html.replace("&lt;", "") or "href" not in html
    assert "fileserver" not in html or "href" not in html


# ---- renderers ----------------------------------------------------------------------------------------


@pytest.fixture
def manual_with(tmp_path: Path):
    """A stand-in for a linked manual: what `asset_image` reads of it."""
    from types import SimpleNamespace

    def make(files: dict[str, bytes | str]):
        assets = write_assets(tmp_path, files)
        return SimpleNamespace(assets=assets, content_dir=str(tmp_path))

    return make


def test_hostile_drawings_that_slip_through_are_left_out_with_a_warning(manual_with, caplog):
    manual = manual_with({name: svg for name, (svg, _code) in HOSTILE_SVGS.items() if not name.startswith("huge")})
    with caplog.at_level(logging.WARNING, logger="officebook.assets"):
        for asset in sorted(manual.assets):
            assert asset_image(manual, asset) is None, asset
    assert len(caplog.records) == len(manual.assets)
    assert all("\n" not in record.getMessage() for record in caplog.records)


def test_a_drawing_past_cairo_s_limits_is_drawn_smaller(manual_with, caplog):
    manual = manual_with({"wide.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="20">'
                                      '<rect width="200000" height="20"/></svg>'})
    data = asset_image(manual, "assets/wide.svg")
    assert data is not None and data.startswith(b"\x89PNG")
    assert max(Image.open(io.BytesIO(data)).size) <= MAX_RASTER_SIDE


def test_svg_problem_covers_the_pixel_budget():
    assert svg_problem(b'<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"/>') is not None
    assert svg_problem(SVG.format("").encode()) is None


def test_outside_assets_and_non_images_are_never_read(manual_with, tmp_path: Path):
    manual = manual_with({"form.docx": b"PK"})
    (tmp_path / "secret.png").write_bytes(png())
    manual = replace_assets(manual, {"assets/form.docx", "assets/../secret.png"})
    assert asset_image(manual, "assets/form.docx") is None
    assert asset_image(manual, "assets/../secret.png") is None


def replace_assets(manual, assets):
    try:
        return replace(manual, assets=frozenset(assets))
    except TypeError:  # the SimpleNamespace stand-in
        manual.assets = frozenset(assets)
        return manual
