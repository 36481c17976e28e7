"""officebook's own drawings (flowcharts, org charts) as PNG for Word, rasterised once per content.

The same drawing in another document of the run (a booklet, the handbook of another command) is the
same PNG, looked up by a hash of its SVG; a wide chart is rasterised no wider than it can be shown.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections import OrderedDict
from collections.abc import Callable

from isal import isal_zlib

from officebook.i18n import gettext as _
from officebook.load import DEFAULT_MAX_IMAGE_PIXELS
from officebook.render.docx.paint import paint_scanlines
from officebook.render.docx.styles import FLOWCHART_SCALE, DocxSystemError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BACKGROUND = "#ffffff"  # the page's: a drawing's PNG is opaque
MAX_RASTER_WIDTH = 2000  # PNG pixels: 300 dpi across a portrait page's text (a landscape one's at 200)
_CACHE_SIZE = 512  # drawings kept: a run's flowcharts and org charts
_PNG_CACHE: OrderedDict[bytes, bytes] = OrderedDict()
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)"')


def load_rasteriser() -> Callable[[str], bytes]:
    """SVG → PNG (`cached_png`); a missing CairoSVG or Cairo library becomes one `DocxSystemError`."""
    try:
        import cairosvg
    except ImportError as error:
        raise DocxSystemError(_("CairoSVG is not installed ({reason})").format(reason=error),
                              _("install officebook with its dependencies: pip install officebook")) from None
    except OSError as error:
        raise DocxSystemError(_("CairoSVG cannot load the Cairo library, which draws the flowcharts ({reason})").format(
            reason=error), _("install Cairo: apt-get install libcairo2 (Debian/Ubuntu), dnf install cairo (Fedora), "
                             "brew install cairo (macOS)")) from None

    def rasterise(svg: str) -> bytes:
        return cached_png(svg, cairosvg.svg2png)

    return rasterise


def rgb_png(width: int, height: int, rows: bytes) -> bytes:
    """A PNG of 8-bit RGB pixels, from rows each followed by a zero byte (`paint_scanlines`); rows
    unfiltered, deflated by ISA-L.

    Written here because Pillow offers no choice of PNG row filter: it tries every filter on every
    row, half its time on a flowchart, to save 5% of the file. ISA-L deflates a flowchart's pixels five
    times as fast as zlib, to the size of zlib's level 3. The format is the PNG specification's
    smallest: signature, IHDR, one IDAT, IEND."""
    if len(rows) != (width * 3 + 1) * height:
        raise ValueError(f"{len(rows)} bytes are not {height} rows of {width} RGB pixels and a zero byte")
    deflate = isal_zlib.compressobj(isal_zlib.ISAL_DEFAULT_COMPRESSION)
    # after one zero byte in front, each row is led by its filter type, 0 (none)
    idat = deflate.compress(b"\0") + deflate.compress(memoryview(rows)[:-1]) + deflate.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, deflate, no filter, no interlace
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def cached_png(svg: str, svg2png: Callable[..., bytes]) -> bytes:
    """The PNG of one of officebook's drawings: `FLOWCHART_SCALE` pixels per SVG pixel, but never wider
    than `MAX_RASTER_WIDTH` (Word shows a wide chart at the text's width anyway), cached by content hash.
    Painted by `paint_scanlines` when the drawing keeps to officebook's own vocabulary, else by `svg2png`."""
    data = svg.encode("utf-8")
    key = hashlib.blake2b(data, digest_size=20).digest()
    png = _PNG_CACHE.get(key)
    if png is not None:
        _PNG_CACHE.move_to_end(key)
        return png
    scale = FLOWCHART_SCALE
    width = _SVG_WIDTH.search(svg)
    if width and float(width.group(1)) > 0:
        scale = min(scale, MAX_RASTER_WIDTH / float(width.group(1)))
    painted = paint_scanlines(data, scale, DEFAULT_MAX_IMAGE_PIXELS)  # officebook's own vocabulary, in C
    if painted is not None:
        png = rgb_png(*painted)
    else:  # unsafe=False: CairoSVG then resolves no entities and fetches nothing but data: URLs.
        png = svg2png(bytestring=data, scale=scale, unsafe=False, background_color=BACKGROUND)
    _PNG_CACHE[key] = png
    if len(_PNG_CACHE) > _CACHE_SIZE:
        _PNG_CACHE.popitem(last=False)
    return png
