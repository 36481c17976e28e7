"""Files under `content/assets/`: what may be there, and whether every output can use it.

Assets are files to show or to download, never pages or programs (the contract's third edition):
images and office documents by their suffix; an SVG without script, event handlers, `foreignObject`,
external references or a DTD; an image that parses and stays within the pixel budget. `check_assets`
reads every asset once, with bounded reads (Pillow reads the header before it decodes; an SVG is
parsed by lxml without a DTD, entities or the network), and returns findings, never exceptions.
The renderers ask `svg_problem` again before they rasterise, so nothing that slipped through can crash them.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from officebook.diagnostics import Diagnostic, Severity
from officebook.i18n import gettext as _
from officebook.load import DEFAULT_MAX_IMAGE_PIXELS

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".odt", ".ods", ".wps", ".et",
                               ".txt", ".csv", ".zip"})
ALLOWED_SUFFIXES = IMAGE_SUFFIXES | DOCUMENT_SUFFIXES
MAX_SVG_BYTES = 16 * 1024 * 1024  # far above any drawing a manual shows; lxml reads no more
# Pillow may open each suffix only as its own format: a `.png` that is really an EPS (Ghostscript) or
# a PSD is an image that does not parse, not a format Pillow guesses.
_PILLOW_FORMATS = {".png": ["PNG"], ".jpg": ["JPEG"], ".jpeg": ["JPEG"], ".gif": ["GIF"], ".webp": ["WEBP"]}

_SVG_NS = "http://www.w3.org/2000/svg"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_XINCLUDE_NS = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
_LINK_ATTRIBUTES = frozenset({"href", "src"})  # `href` and `xlink:href` share the local name
_ANIMATIONS = frozenset({"set", "animate", "animatecolor", "animatemotion", "animatetransform"})
# Inside the drawing only: a fragment (`#id`) or a raster image carried as a data: URL.
_INTERNAL = re.compile(r"^\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)|@import", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in|em|ex)?\s*$")
_PX_PER_UNIT = {None: 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0,
                "em": 16.0, "ex": 8.0}


@dataclass(frozen=True)
class SvgProblem:
    """Why an SVG may not be used: `code` (asset.active-content or asset.invalid), a message, its line."""

    code: str
    message: str
    line: int = 1


def check_assets(root: Path, assets: frozenset[str], max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
                 ) -> list[Diagnostic]:
    """One finding per asset that no output may use: wrong type, active content, unreadable, too large."""
    found: list[Diagnostic] = []
    for rel in sorted(assets):
        suffix = os.path.splitext(rel)[1].lower()
        if suffix not in ALLOWED_SUFFIXES:
            found.append(_type_finding(rel, suffix))
            continue
        if suffix not in IMAGE_SUFFIXES:
            continue  # a document to download: shown as a link, never opened by officebook
        path = Path(root) / rel
        try:
            finding = _check_svg(rel, path, max_image_pixels) if suffix == ".svg" else \
                _check_raster(rel, path, suffix, max_image_pixels)
        except OSError as error:
            finding = Diagnostic("file.unreadable", Severity.ERROR, rel, 1, 1, (),
                                 _("cannot read the file: {reason}").format(reason=error.strerror or error))
        if finding is not None:
            found.append(finding)
    return found


def _type_finding(rel: str, suffix: str) -> Diagnostic:
    allowed = " ".join(sorted(ALLOWED_SUFFIXES))
    message = (_("files of type '{suffix}' may not be published as assets").format(suffix=suffix) if suffix else
               _("a file without a type (no suffix such as .png or .pdf) may not be published as an asset"))
    return Diagnostic("asset.type", Severity.ERROR, rel, 1, 1, (), message,
                      _("assets are images and documents ({allowed}): save it as one of these, or remove it").format(
                          allowed=allowed))


def _too_large(rel: str, width: float, height: float, budget: int, line: int = 1) -> Diagnostic:
    return Diagnostic(
        "asset.too-large", Severity.ERROR, rel, line, 1, (),
        _("the image is {width} × {height} pixels ({megapixels} megapixels), past the budget of {budget} "
          "megapixels").format(width=round(width), height=round(height), megapixels=_megapixels(width * height),
                               budget=_megapixels(budget)),
        _("scale it down (a page never needs more than a few megapixels), or raise --max-image-pixels"))


def _megapixels(pixels: float) -> str:
    return f"{pixels / 1e6:.1f}".removesuffix(".0")


def _invalid(rel: str, reason: str, line: int = 1) -> Diagnostic:
    return Diagnostic("asset.invalid", Severity.ERROR, rel, line, 1, (),
                      _("the image cannot be read: {reason}").format(reason=reason),
                      _("open it in an image editor and save it again (PNG or JPEG), or remove it"))


# ---- raster images ---------------------------------------------------------------------------------


def _check_raster(rel: str, path: Path, suffix: str, budget: int) -> Diagnostic | None:
    """Header first (size against the budget), then a full decode of the first frame: what the outputs do."""
    from PIL import Image, ImageFile

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it is imported: a cut-off
    # file would pass the check in any process that has printed (or imported the PDF stage) before.
    truncated_allowed, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning: the budget below decides
        try:
            with Image.open(path, formats=_PILLOW_FORMATS[suffix]) as image:
                width, height = image.size
                if width * height > budget:
                    return _too_large(rel, width, height, budget)
                if image.format == "JPEG":
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # reads every byte, decodes less
                image.load()
        except Image.DecompressionBombError:  # past twice Pillow's own limit: not even opened
            return Diagnostic("asset.too-large", Severity.ERROR, rel, 1, 1, (),
                              _("the image has more than {megapixels} megapixels, past the budget of {budget} "
                                "megapixels").format(megapixels=_megapixels(2 * (Image.MAX_IMAGE_PIXELS or 0)),
                                                     budget=_megapixels(budget)),
                              _("scale it down (a page never needs more than a few megapixels)"))
        except Image.UnidentifiedImageError:
            return _invalid(rel, _("not a {format} image").format(format=_PILLOW_FORMATS[suffix][0]))
        except (SyntaxError, ValueError, EOFError, OSError) as error:  # Pillow's word for broken image data
            if isinstance(error, OSError) and error.errno is not None:
                raise
            return _invalid(rel, str(error) or type(error).__name__)
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    return None


# ---- SVG -------------------------------------------------------------------------------------------


def _check_svg(rel: str, path: Path, budget: int) -> Diagnostic | None:
    with open(path, "rb") as file:
        data = file.read(MAX_SVG_BYTES + 1)
    if len(data) > MAX_SVG_BYTES:
        return Diagnostic("asset.too-large", Severity.ERROR, rel, 1, 1, (),
                          _("the SVG is larger than {size} MiB").format(size=MAX_SVG_BYTES // (1024 * 1024)),
                          _("simplify the drawing, or export it as PNG"))
    problem, size = inspect_svg(data)
    if problem is not None:
        if problem.code == "asset.invalid":
            return _invalid(rel, problem.message, problem.line)
        return Diagnostic(problem.code, Severity.ERROR, rel, problem.line, 1, (), problem.message,
                          _("save the drawing without it (in Inkscape: Save As… Plain or Optimized SVG), or "
                            "export it as PNG"))
    if size is not None and size[0] * size[1] > budget:
        return _too_large(rel, size[0], size[1], budget)
    return None


def svg_problem(data: bytes, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> str | None:
    """Why an SVG must not be drawn (one line, translated), or None: what a renderer asks before rasterising."""
    if len(data) > MAX_SVG_BYTES:
        return _("the SVG is larger than {size} MiB").format(size=MAX_SVG_BYTES // (1024 * 1024))
    problem, size = inspect_svg(data)
    if problem is not None:
        return problem.message
    if size is not None and size[0] * size[1] > max_pixels:
        return _("the image is {width} × {height} pixels ({megapixels} megapixels), past the budget of {budget} "
                 "megapixels").format(width=round(size[0]), height=round(size[1]),
                                      megapixels=_megapixels(size[0] * size[1]), budget=_megapixels(max_pixels))
    return None


def safe_svg_parser():
    """lxml's parser as officebook reads any SVG: no DTD loaded, no entity resolved, no network, no huge tree."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                           remove_blank_text=False)


def inspect_svg(data: bytes) -> tuple[SvgProblem | None, tuple[float, float] | None]:
    """Parse an SVG safely (`safe_svg_parser`) and look for what makes it a program or a fetch; also its
    size in pixels. A DTD is reported, never read."""
    from lxml import etree

    try:
        root = etree.fromstring(data, safe_svg_parser())
    except etree.XMLSyntaxError as error:
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # libxml2 stops entity bombs even unexpanded: say why
            return SvgProblem("asset.active-content", _dtd_message(), error.lineno or 1), None
        return SvgProblem("asset.invalid", _("not well-formed XML ({reason})").format(reason=_xml_reason(error)),
                          error.lineno or 1), None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return SvgProblem("asset.active-content", _dtd_message()), None
    reasons: list[tuple[str, int]] = []
    for node in (*root.itersiblings(preceding=True), *root.iter()):
        reasons += _node_reasons(node)
    if reasons:
        unique = list(dict.fromkeys(reason for reason, _line in reasons))
        shown = "; ".join(unique[:3]) + ("; …" if len(unique) > 3 else "")
        return SvgProblem("asset.active-content", _("the SVG carries active content: {what}").format(what=shown),
                          reasons[0][1]), None
    if etree.QName(root).namespace != _SVG_NS or etree.QName(root).localname != "svg":
        return SvgProblem("asset.invalid", _("the file is XML but not an SVG drawing (its root is <{tag}>)").format(
            tag=etree.QName(root).localname)), None
    return None, _svg_size(root)


def _dtd_message() -> str:
    return _("the SVG declares a DTD (<!DOCTYPE …>), which can define entities and fetch files")


def _xml_reason(error) -> str:
    """libxml2's own words, without the position (the finding has the line)."""
    return re.sub(r",? line \d+(, column \d+)?", "", error.msg or str(error)).strip()[:120]


def _node_reasons(node) -> list[tuple[str, int]]:
    """What in one node runs script or reaches outside the drawing, as (reason, line)."""
    from lxml import etree

    line = getattr(node, "sourceline", None) or 1
    if isinstance(node, etree._ProcessingInstruction):
        if node.target.lower() == "xml-stylesheet":
            return [(_("a style sheet instruction (<?xml-stylesheet?>)"), line)]
        return []
    if isinstance(node, etree._Entity):
        return [(_("an entity reference (&{name};)").format(name=node.name), line)]
    if not isinstance(node.tag, str):  # comments
        return []
    name = etree.QName(node)
    local = name.localname.lower()
    found: list[tuple[str, int]] = []
    if local in ("script", "handler", "listener"):
        found.append((_("a script (<{tag}>)").format(tag=name.localname), line))
    elif name.namespace == _XHTML_NS:
        found.append((_("an HTML element (<{tag}>)").format(tag=name.localname), line))
    elif name.namespace in _XINCLUDE_NS:
        found.append((_("an external reference (<{tag}>)").format(tag=name.localname), line))
    elif local == "foreignobject":
        found.append((_("a <foreignObject> (HTML inside the drawing)"), line))
    elif local == "style" and node.text and _CSS_URL.search(node.text) and _external_css(node.text):
        found.append((_("an external reference in a style sheet"), line))
    for attribute, value in node.attrib.items():
        attr = etree.QName(attribute).localname.lower()
        if attr.startswith("on"):
            found.append((_("an event handler ({name})").format(name=etree.QName(attribute).localname), line))
        elif attr in _LINK_ATTRIBUTES and not _INTERNAL.match(value):
            found.append((_("an external reference ({value})").format(value=_short(value)), line))
        elif local in _ANIMATIONS and attr == "attributename" and (
                value.strip().lower().split(":")[-1] in _LINK_ATTRIBUTES or value.strip().lower().startswith("on")):
            found.append((_("an animation that changes a link or handler ({name})").format(name=value.strip()), line))
        elif "url(" in value.lower() and _external_css(value):
            found.append((_("an external reference ({value})").format(value=_short(value)), line))
    return found


def _external_css(css: str) -> bool:
    """A `url(...)` to anything but a fragment or a data: image, or an `@import`, in CSS text."""
    for match in _CSS_URL.finditer(css):
        if match.group(0).lower() == "@import" or not _INTERNAL.match(match.group(1) or ""):
            return True
    return False


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _svg_size(root) -> tuple[float, float] | None:
    """The drawing's size in CSS pixels from width/height (viewBox where they are missing or relative)."""
    view_box = [float(x) for x in re.findall(r"[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?", root.get("viewBox", ""))]
    sizes = []
    for index, attribute in enumerate(("width", "height")):
        match = _LENGTH.match(root.get(attribute, ""))
        if match:
            sizes.append(float(match.group(1)) * _PX_PER_UNIT[match.group(2)])
        elif len(view_box) == 4:
            sizes.append(abs(view_box[2 + index]))
        else:
            return None
    return sizes[0], sizes[1]
