"""The manual's images under `content/assets/` as an output embeds them (Word): read within bounds,
checked again, SVG rasterised to a bounded size.

`check` refuses what no output can use (officebook.assets); this is the second wall for anything that
slips through (a file changed after the check, a drawing CairoSVG cannot draw). A bad image is one
warning line on the `officebook.assets` logger and the text shows its alt text: never an exception.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from officebook.assets import DEFAULT_MAX_IMAGE_PIXELS, IMAGE_SUFFIXES, inspect_svg, svg_problem
from officebook.i18n import gettext as _
from officebook.model import Manual

log = logging.getLogger("officebook.assets")

MAX_IMAGE_BYTES = 64 * 1024 * 1024  # read no more of one image: far above any photo in a manual
MAX_RASTER_SIDE = 4096  # pixels per side of a rasterised SVG: sharp at a page's width, far below Cairo's limit


def asset_image(manual: Manual, src: str, rasterise_scale: float = 2.0,
                max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> bytes | None:
    """The bytes of an image of content/assets/ named by its content-relative path (`assets/flow.png`;
    PNG for an SVG), or None: not an asset, not an image, or one that cannot be used (then a warning).
    Nothing else is read: not another file, not the network."""
    src = html.unescape(src).strip()
    if src not in manual.assets or not manual.content_dir or Path(src).suffix.lower() not in IMAGE_SUFFIXES:
        return None
    content = Path(manual.content_dir).resolve()
    path = (content / src).resolve()
    try:
        path.relative_to(content / "assets")
    except ValueError:  # a link inside assets/ that leads out of it
        return None
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_IMAGE_BYTES + 1)
    except OSError as error:
        return left_out(src, _("cannot read the file: {reason}").format(reason=error.strerror or error))
    if len(data) > MAX_IMAGE_BYTES:
        return left_out(src, _("the file is larger than {size} MiB").format(size=MAX_IMAGE_BYTES // (1024 * 1024)))
    if path.suffix.lower() != ".svg":
        return data
    problem = svg_problem(data, max_pixels)
    if problem is not None:
        return left_out(src, problem)
    return rasterise_svg_asset(src, data, rasterise_scale)


def rasterise_svg_asset(src: str, data: bytes, scale: float) -> bytes | None:
    """An SVG asset as PNG, at `scale` but never past `MAX_RASTER_SIDE` pixels a side; None (and a warning)
    when CairoSVG cannot draw it."""
    import cairosvg

    _problem, size = inspect_svg(data)
    output: dict[str, float] = {"scale": scale}
    if size is not None and min(size) > 0:
        scale = min(scale, MAX_RASTER_SIDE / max(size))
        output = {"output_width": max(1, round(size[0] * scale)), "output_height": max(1, round(size[1] * scale))}
    try:
        # unsafe=False: CairoSVG then resolves no entities and fetches nothing but data: URLs.
        return cairosvg.svg2png(bytestring=data, unsafe=False, **output)
    except Exception as error:  # an untrusted drawing in a third-party parser: any failure means "not drawn"
        return left_out(src, _("the drawing cannot be drawn ({reason})").format(reason=str(error)[:120] or
                                                                           type(error).__name__))


def left_out(src: str, reason: str) -> None:
    """Warn that an image is left out of the output, and why; None, for the caller to return."""
    log.warning(_("{file}: left out, its alt text is shown instead: {reason}").format(file=src, reason=reason))
    return None
