"""officebook's own drawings painted with cairo directly, for the Word files' PNG pictures.

Written here, beside CairoSVG, because CairoSVG interprets any SVG in Python and draws text glyph by
glyph: that was most of a Word handbook's time (16 of 25 s at 1,000 items). officebook's flowcharts
and org charts use seven shapes and a dozen attributes; this paints exactly those, step for step as
CairoSVG does (the same cairo calls, so the same pixels: tests/test_docx_paint.py compares them).
A drawing with anything else in it, or anything out of range, is `Unpaintable` and goes to CairoSVG.
"""

from __future__ import annotations

import math
import re
import sys

from officebook.assets import safe_svg_parser

SVG = "{http://www.w3.org/2000/svg}"
# What a shape may say about its paint; a child inherits it unless it says otherwise (as in CairoSVG)
PAINT = frozenset({"fill", "fill-opacity", "stroke", "stroke-width", "stroke-linejoin", "stroke-dasharray",
                   "font-family", "font-size", "font-style", "font-weight", "text-anchor"})
GEOMETRY = {
    "svg": frozenset({"width", "height", "viewBox"}),
    "g": frozenset({"transform"}),
    "rect": frozenset({"x", "y", "width", "height", "rx"}),
    "circle": frozenset({"cx", "cy", "r"}),
    "line": frozenset({"x1", "y1", "x2", "y2"}),
    "polygon": frozenset({"points"}),
    "path": frozenset({"d"}),
    "text": frozenset({"x", "y"}),
}
UNSEEN = frozenset({"title", "desc"})  # accessible names: no paint
MAX_COORDINATE = 1e6  # user units: far past any drawing officebook lays out, far below what cairo overflows on
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_TRANSLATE = re.compile(r"\s*translate\(\s*(\S+?)(?:\s*,\s*|\s+)(\S+?)\s*\)\s*")
_PATH_TOKEN = re.compile(r"[MLHVZmlhvz]|[^\sMLHVZmlhvz,]+")
_JOINS = {"round": "LINE_JOIN_ROUND", "bevel": "LINE_JOIN_BEVEL"}  # any other value: miter, as in CairoSVG
NAMED_COLOURS = {"black": (0.0, 0.0, 0.0), "white": (1.0, 1.0, 1.0)}  # SVG's default fill, and the page
ARC_TO_BEZIER = 4 * (2 ** .5 - 1) / 3  # CairoSVG's rounded corners (after the Cairo cookbook)


class Unpaintable(Exception):
    """The drawing says something outside officebook's own vocabulary: CairoSVG paints it."""


def paint_scanlines(svg: bytes, scale: float, max_pixels: int) -> tuple[int, int, bytes] | None:
    """The SVG `svg` painted on white at `scale` pixels per SVG unit: its width, height and rows of RGB
    bytes, each row followed by a zero byte (a PNG's unfiltered scanlines, but for the first filter
    byte). None when the drawing is not one this painter knows, or would be past `max_pixels`."""
    import cairocffi as cairo
    from lxml import etree

    try:
        root = etree.fromstring(svg, safe_svg_parser())
        return _Painter(cairo, scale, max_pixels).scanlines(root)
    except (etree.XMLSyntaxError, Unpaintable, cairo.CairoError):  # cairo refused a value: CairoSVG's to judge
        return None


class _Painter:
    def __init__(self, cairo, scale: float, max_pixels: int) -> None:
        self.cairo, self.scale, self.max_pixels = cairo, scale, max_pixels
        self.context = None

    def scanlines(self, root) -> tuple[int, int, bytes]:
        from PIL import Image

        if root.tag != SVG + "svg":
            raise Unpaintable
        width, height = _number(root.get("width")), _number(root.get("height"))
        viewbox = root.get("viewBox")
        if viewbox is not None and [_number(part) for part in viewbox.split()] != [0, 0, width, height]:
            raise Unpaintable
        pixels_wide, pixels_high = round(width * self.scale), round(height * self.scale)
        if not 0 < pixels_wide * pixels_high <= self.max_pixels:
            raise Unpaintable
        cairo = self.cairo
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, pixels_wide, pixels_high)
        self.context = context = cairo.Context(surface)
        context.set_source_rgb(1, 1, 1)  # the page, under all of it: a last column the drawing half covers is white
        context.paint()
        context.rectangle(0, 0, width * self.scale, height * self.scale)  # CairoSVG clips to the viewport
        context.clip()
        context.scale(self.scale, self.scale)
        self.draw(root, {})
        surface.flush()
        # Every pixel is opaque, so cairo's premultiplied native-endian ARGB32 is plain colour. In a
        # little-endian machine's memory that is B, G, R, A: read as RGBX it packs straight to RGB as
        # "BGR", without a copy; a big-endian machine's A, R, G, B is unpacked first.
        size, stride = (pixels_wide, pixels_high), surface.get_stride()
        if sys.byteorder == "little":
            image = Image.frombuffer("RGBX", size, surface.get_data(), "raw", "RGBX", stride, 1)
            rows = image.tobytes("raw", ("BGR", pixels_wide * 3 + 1))
        else:
            image = Image.frombuffer("RGB", size, surface.get_data(), "raw", "XRGB", stride, 1)
            rows = image.tobytes("raw", ("RGB", pixels_wide * 3 + 1))
        del image  # before the surface it reads goes
        return pixels_wide, pixels_high, rows

    def draw(self, node, inherited: dict[str, str]) -> None:
        if not isinstance(node.tag, str) or not node.tag.startswith(SVG):
            raise Unpaintable  # comments, processing instructions, foreign elements
        tag = node.tag[len(SVG):]
        if tag in UNSEEN:
            return
        if tag not in GEOMETRY or (tag != "text" and (node.text or "").strip()):
            raise Unpaintable
        paint = dict(inherited)
        for name, value in node.attrib.items():
            if name in PAINT:
                paint[name] = value
            elif name not in GEOMETRY[tag] and name not in ("class", "id", "role", "aria-labelledby") \
                    and not name.startswith("data-"):
                raise Unpaintable
        if any(name in node.attrib and _number(node.get(name)) == 0 for name in ("width", "height")):
            return  # CairoSVG draws nothing of an element with no width or height, stroke included
        context = self.context
        context.save()
        if tag in ("svg", "g"):
            if tag == "g" and node.get("transform") is not None:
                context.translate(*_translation(node.get("transform")))
            for child in node:
                self.draw(child, paint)
        elif tag == "text":
            self.text(node, paint)
        else:
            getattr(self, tag)(node)
            self.fill_and_stroke(paint)
        context.restore()

    def fill_and_stroke(self, paint: dict[str, str]) -> None:
        """Fill (default black), then stroke (default none), as CairoSVG does each shape."""
        context = self.context
        fill = _colour(paint.get("fill", "black"))
        if fill is not None:
            context.set_source_rgba(*fill, _opacity(paint.get("fill-opacity", "1")))
            context.fill_preserve()
        stroke = _colour(paint.get("stroke", "none"))
        if stroke is None:
            context.new_path()
            return
        context.set_line_width(_number(paint.get("stroke-width", "1")))
        context.set_line_join(getattr(self.cairo, _JOINS.get(paint.get("stroke-linejoin"), "LINE_JOIN_MITER")))
        dashes = [_number(part) for part in paint.get("stroke-dasharray", "").replace(",", " ").split()]
        if sum(dashes):
            context.set_dash(dashes, 0)
        context.set_miter_limit(4)  # SVG's default, which CairoSVG sets
        context.set_source_rgba(*stroke, 1)
        context.stroke()

    def rect(self, node) -> None:
        x, y = _number(node.get("x", "0")), _number(node.get("y", "0"))
        width, height = _number(node.get("width", "0")), _number(node.get("height", "0"))
        radius = _number(node.get("rx", "0"))
        context = self.context
        if not radius:
            context.rectangle(x, y, width, height)
            return
        rx, ry = min(radius, width / 2), min(radius, height / 2)
        c1, c2 = ARC_TO_BEZIER * rx, ARC_TO_BEZIER * ry
        context.new_path()
        context.move_to(x + rx, y)
        context.rel_line_to(width - 2 * rx, 0)
        context.rel_curve_to(c1, 0, rx, c2, rx, ry)
        context.rel_line_to(0, height - 2 * ry)
        context.rel_curve_to(0, c2, c1 - rx, ry, -rx, ry)
        context.rel_line_to(-width + 2 * rx, 0)
        context.rel_curve_to(-c1, 0, -rx, -c2, -rx, -ry)
        context.rel_line_to(0, -height + 2 * ry)
        context.rel_curve_to(0, -c2, rx - c1, -ry, rx, -ry)
        context.close_path()

    def circle(self, node) -> None:
        radius = _number(node.get("r", "0"))
        if radius:
            self.context.new_sub_path()
            self.context.arc(_number(node.get("cx", "0")), _number(node.get("cy", "0")), radius, 0, 2 * math.pi)
            self.context.close_path()

    def line(self, node) -> None:
        self.context.move_to(_number(node.get("x1", "0")), _number(node.get("y1", "0")))
        self.context.line_to(_number(node.get("x2", "0")), _number(node.get("y2", "0")))

    def polygon(self, node) -> None:
        numbers = [_number(part) for part in node.get("points", "").replace(",", " ").split()]
        if len(numbers) % 2 or not numbers:
            raise Unpaintable
        self.context.move_to(numbers[0], numbers[1])
        for index in range(2, len(numbers), 2):
            self.context.line_to(numbers[index], numbers[index + 1])
        self.context.close_path()

    def path(self, node) -> None:
        """Absolute moves and straight lines (M L H V Z), all officebook's connectors use."""
        tokens = _PATH_TOKEN.findall(node.get("d", ""))
        context, command, index = self.context, None, 0
        x = y = 0.0
        while index < len(tokens):
            if tokens[index] in "MLHVZ":
                command, index = tokens[index], index + 1
                if command == "Z":  # only a move may follow: CairoSVG's point after Z is its own
                    context.close_path()
                    if index < len(tokens) and tokens[index] != "M":
                        raise Unpaintable
                    continue
            if command in ("M", "L") and index + 1 < len(tokens):
                x, y = _number(tokens[index]), _number(tokens[index + 1])
                (context.move_to if command == "M" else context.line_to)(x, y)
                command, index = "L", index + 2  # numbers after a move are lines
            elif command in ("H", "V"):
                value = _number(tokens[index])
                x, y = (value, y) if command == "H" else (x, value)
                context.line_to(x, y)
                index += 1
            else:
                raise Unpaintable  # a relative or curved command, or numbers before any command

    def text(self, node, paint: dict[str, str]) -> None:
        """One line of text, as CairoSVG draws it: whitespace collapsed, anchored by the run's extents,
        filled (a stroke on text is CairoSVG's to draw)."""
        if len(node) or _colour(paint.get("stroke", "none")) is not None or "font-size" not in paint:
            raise Unpaintable
        content = re.sub(" +", " ", re.sub("[\n\r]", "", node.text or "").replace("\t", " ")).strip(" ")
        fill = _colour(paint.get("fill", "black"))
        if not content or fill is None:
            return
        cairo, context = self.cairo, self.context
        family = paint.get("font-family", "sans-serif").split(",")[0].strip("\"' ")
        weight = paint.get("font-weight", "normal")
        bold = weight == "bold" or (weight.isdigit() and int(weight) >= 550)
        if not (bold or weight in ("normal", "") or weight.isdigit()):
            raise Unpaintable
        style = paint.get("font-style", "normal")
        if style not in ("normal", "italic", "oblique"):
            raise Unpaintable
        context.select_font_face(family, getattr(cairo, f"FONT_SLANT_{style.upper()}"),
                                 cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
        context.set_font_size(_number(paint["font-size"]))
        x_bearing, _, width, *_ = context.text_extents(content)
        anchor = paint.get("text-anchor", "start")
        if anchor not in ("start", "middle", "end"):
            raise Unpaintable
        shift = {"start": 0, "middle": -(width / 2 + x_bearing), "end": -(width + x_bearing)}[anchor]
        context.set_source_rgba(*fill, _opacity(paint.get("fill-opacity", "1")))
        context.move_to(_number(node.get("x", "0")) + shift, _number(node.get("y", "0")))
        context.show_text(content)
        context.new_path()


def _number(text: str | None) -> float:
    """A plain number in user units; anything else (units, percentages, NaN, huge) is Unpaintable."""
    if text is None or not _NUMBER.fullmatch(text.strip()):
        raise Unpaintable
    value = float(text)
    if not abs(value) <= MAX_COORDINATE:
        raise Unpaintable
    return value


def _opacity(text: str) -> float:
    return min(max(_number(text), 0.0), 1.0)


def _colour(text: str) -> tuple[float, float, float] | None:
    """#rgb, #rrggbb, black or white as cairo's 0–1 channels; `none` is None; other colours are CairoSVG's."""
    text = text.strip()
    if text == "none":
        return None
    if text in NAMED_COLOURS:
        return NAMED_COLOURS[text]
    match = _HEX.fullmatch(text)
    if match is None:
        raise Unpaintable
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _translation(transform: str) -> tuple[float, float]:
    match = _TRANSLATE.fullmatch(transform)
    if match is None:
        raise Unpaintable
    return _number(match.group(1)), _number(match.group(2))
