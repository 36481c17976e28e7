"""Print a long handbook part by part, so memory stays bounded whatever the manual's size.

WeasyPrint keeps the layout of every page until it has written the file (about 2 MiB a page here: 3.5
GiB for a 1,600-page handbook), and its maintainers point to laying out large documents in pieces and
joining the PDF files (Kozea/WeasyPrint#212, #1824). The handbook is cut only where it starts a new
page anyway — before each chapter and each procedure — so every page holds what it held before. Each
part is laid out in a process of its own (the caller's `Printer`), numbered from where the previous
one ended and starting on the same side of the sheet; the
cover and contents are printed last, with the page numbers the parts found (and once before, to know
how many pages they take). pypdf joins the parts with their links across parts (named destinations)
and one outline. A handbook that fits in one part is printed in one piece, as before.
"""

from __future__ import annotations

import html as html_module
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PART_CHARACTERS = 1_200_000  # HTML per part: about 250 pages, 0.6 GiB of layout
_CHAPTER = re.compile(r'\n(?=<section class="chapter[ "])')
_PROCEDURE = re.compile(r'\n(?=<section class="item procedure[ "])')
_OPENING_TAG = re.compile(r"<section\b[^>]*>")
_CLASS = re.compile(r'class="([^"]*)"')
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_IDS = re.compile(r'\bid="([^"]+)"')
_HREFS = re.compile(r'\bhref="#([^"]+)"')
_TOC = re.compile(r'(<nav class="front toc"[^>]*>)(.*?)(</nav>)', re.DOTALL)
_TOC_LINK = re.compile(r'<a href="#([^"]+)">')
_PLACEHOLDER_PAGE = "8888"  # as wide as any page number: the contents take as many pages as they will


@dataclass
class _Unit:
    """A piece of a chapter that starts a page: the whole chapter, or its opening with the first
    procedure, or one later procedure. `opening` is the chapter's own `<section>` tag."""

    opening: str
    title: str  # the chapter's heading as text: the running head of a part that continues it
    content: str
    first: bool
    last: bool


@dataclass
class _Part:
    units: list[_Unit] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(unit.content) for unit in self.units)

    @property
    def continues_chapter(self) -> bool:
        return not self.units[0].first


@dataclass(frozen=True)
class Handbook:
    """The handbook's HTML cut into the head, the front matter (cover, control, contents) and the parts."""

    head: str
    front: str
    parts: list[_Part]
    tail: str


def split_handbook(html: str, part_characters: int = PART_CHARACTERS) -> Handbook | None:
    """The handbook cut at chapters and procedures into parts of about `part_characters`; None when it
    is small enough to print in one piece (or is not a handbook)."""
    marker = '<body class="handbook">'
    if len(html) <= part_characters or marker not in html:
        return None
    body_start = html.index(marker) + len(marker)
    body_end = html.rindex("</body>")
    pieces = _CHAPTER.split(html[body_start:body_end])
    units = [unit for chapter in pieces[1:] for unit in _chapter_units(chapter)]
    if not units:
        return None
    parts: list[_Part] = [_Part()]
    for unit in units:
        if parts[-1].units and parts[-1].size + len(unit.content) > part_characters:
            parts.append(_Part())
        parts[-1].units.append(unit)
    if len(parts) == 1:
        return None
    return Handbook(html[:body_start], pieces[0], parts, "\n" + html[body_end:])


def _chapter_units(chapter: str) -> list[_Unit]:
    """A chapter as one unit, or, when it holds procedures, one unit per procedure (each starts a page)."""
    opening = _OPENING_TAG.match(chapter)
    close = chapter.rfind("</section>")
    if opening is None or close < 0:
        raise ValueError("the handbook's chapters are not where the template puts them")
    inner = chapter[opening.end():close]
    heading = _H1.search(inner)
    title = html_module.unescape(_TAG.sub("", heading.group(1))).strip() if heading else ""
    pieces = _PROCEDURE.split(inner)
    contents = [pieces[0] + "\n" + pieces[1], *pieces[2:]] if len(pieces) > 2 else [inner]
    return [_Unit(opening.group(0), title, content, index == 0, index == len(contents) - 1)
            for index, content in enumerate(contents)]


def _part_body(part: _Part) -> str:
    """The part's chapters, each in its own section: the chapter's (with its id) where it begins, a
    plain one that carries the running head where the part continues it."""
    out: list[str] = []
    for index, unit in enumerate(part.units):
        if index == 0 or unit.first:
            if unit.first:
                out.append("\n" + unit.opening)
            else:
                classes = _CLASS.search(unit.opening)
                out.append(f'\n<section class="{classes.group(1) if classes else "chapter"}">'
                           f'<div style="string-set: chapter {html_module.escape(_css_string(unit.title))}"></div>')
        out.append(unit.content)
        if unit.last or index == len(part.units) - 1:
            out.append("</section>\n")
    return "".join(out)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _document(head: str, body: str, tail: str, *, first_page: int, total: int | None, extra_css: str = "") -> str:
    """One part as a document of its own: numbered from `first_page`, on that page's side of the sheet,
    with the handbook's total page count where the pages show it, and an empty anchor for every link
    that leads into another part (so WeasyPrint keeps the link; the joined file resolves it by name)."""
    side = "right" if first_page % 2 else "left"
    css = f"@page :first {{ counter-reset: page {first_page}; }}\nhtml {{ break-before: {side}; }}\n{extra_css}"
    if total is not None:
        head = head.replace("counter(pages)", _css_string(str(total)))
    head = head.replace("</style>", css + "</style>", 1)
    missing = sorted(set(_HREFS.findall(body)) - set(_IDS.findall(body)))
    if missing:  # out of the flow: they take no room on any page
        stubs = "".join(f'<span id="{name}"></span>' for name in missing)
        body = (f'\n<div class="officebook-part-anchors" style="position: absolute; top: 0; left: 0; width: 0; '
                f'height: 0; overflow: hidden">{stubs}</div>' + body)
    return head + body + tail


def _toc_with_pages(front: str, pages: dict[str, int] | None) -> tuple[str, str]:
    """The contents with literal page numbers (`data-page`), and the CSS that shows them."""
    def number(match: re.Match[str]) -> str:
        page = _PLACEHOLDER_PAGE if pages is None else str(pages.get(match.group(1), ""))
        return f'<a href="#{match.group(1)}" data-page="{page}">'

    def contents(match: re.Match[str]) -> str:
        return match.group(1) + _TOC_LINK.sub(number, match.group(2)) + match.group(3)

    return _TOC.sub(contents, front, count=1), '.toc a::after { content: leader(".") attr(data-page); }\n'


@dataclass(frozen=True)
class PartPrinted:
    """What printing one part gave: its page count, the anchors on each page, WeasyPrint's warnings."""

    pages: int
    anchors: list[list[str]]
    warnings: list[str]


# Lays out one part's HTML and writes it to the path (None: only counts its pages).
Printer = Callable[[str, Path | None], PartPrinted]


def print_in_parts(handbook: Handbook, printer: Printer, path: Path) -> tuple[int, list[str]]:
    """Print every part, then the front matter, and join them into `path`: the page count and warnings."""
    from pypdf import PdfReader

    warnings: list[str] = []

    def printed(html: str, target: Path | None) -> PartPrinted:
        result = printer(html, target)
        warnings.extend(result.warnings)
        return result

    def front_document(anchors: dict[str, int] | None, total: int | None) -> str:
        front, toc_css = _toc_with_pages(handbook.front, anchors)
        return _document(handbook.head, front, handbook.tail, first_page=1, total=total, extra_css=toc_css)

    bodies = [_part_body(part) for part in handbook.parts]
    front_pages = printed(front_document(None, None), None).pages
    with tempfile.TemporaryDirectory(prefix=".officebook-parts-", dir=path.parent) as folder:
        while True:  # once, unless the contents' real numbers change how many pages they take
            total = None
            if "counter(pages)" in handbook.head:  # the footers say "page N of M": count the pages first
                total = front_pages
                for body in bodies:
                    total += printed(_document(handbook.head, body, handbook.tail, first_page=total + 1, total=None),
                                     None).pages
            anchors: dict[str, int] = {}
            files, stubs = [], []
            first_page = front_pages + 1
            for index, body in enumerate(bodies):
                html = _document(handbook.head, body, handbook.tail, first_page=first_page, total=total)
                files.append(Path(folder) / f"part-{index}.pdf")
                part = printed(html, files[-1])
                stubs.append(_stub_names(html))
                for number, names in enumerate(part.anchors, start=first_page):
                    for name in names:
                        if name not in stubs[-1]:
                            anchors.setdefault(name, number)
                first_page += part.pages
            html = front_document(anchors, total)
            front_file = Path(folder) / "front.pdf"
            pages = printed(html, front_file).pages
            if pages == front_pages:
                break
            front_pages = pages
        readers = [PdfReader(file) for file in (front_file, *files)]
        continued = [False] + [part.continues_chapter for part in handbook.parts]
        chapters = [set()] + [{_words(unit.title) for unit in part.units if unit.first} for part in handbook.parts]
        return _join(readers, continued, chapters, [_stub_names(html), *stubs], path), list(dict.fromkeys(warnings))


def _stub_names(html: str) -> set[str]:
    """The anchors `_document` added to `html` for links into other parts."""
    start = html.find('<div class="officebook-part-anchors"')
    return set(_IDS.findall(html[start:html.index("</div>", start)])) if start >= 0 else set()




def _words(text: str) -> str:
    return " ".join(text.split())


def _join(readers, continued: list[bool], chapters: list[set[str]], stubs: list[set[str]], path: Path) -> int:
    """One PDF of all parts' pages, the front's metadata, every part's named destinations (links across
    parts resolve by name) and one outline in which a chapter continued in a later part keeps its
    procedures: a continued part's entries go under the chapter until a chapter of its own begins."""
    from pypdf import PdfWriter
    from pypdf.generic import Fit

    writer = PdfWriter()
    offsets = []
    for reader in readers:
        offsets.append(len(writer.pages))
        for page in reader.pages:
            writer.add_page(page)
    if readers[0].metadata:
        writer.add_metadata({key: value for key, value in readers[0].metadata.items()})
    for reader, offset, own_stubs in zip(readers, offsets, stubs, strict=True):
        for name, destination in reader.named_destinations.items():
            if name in own_stubs:
                continue
            page = offset + reader.get_destination_page_number(destination)
            writer.add_named_destination_object(_destination(name, writer.pages[page].indirect_reference,
                                                             destination))
    parents: list = []  # outline items by level
    for reader, offset, is_continued, own_chapters in zip(readers, offsets, continued, chapters, strict=True):
        shift = 1 if is_continued else 0
        for level, destination in _outline(reader.outline):
            if level == 0 and _words(destination.title) in own_chapters:
                shift = 0
            level += shift
            parent = parents[level - 1] if 0 < level <= len(parents) else None
            page = offset + reader.get_destination_page_number(destination)
            top = destination.get("/Top")
            fit = Fit.xyz(left=destination.get("/Left"), top=top) if top is not None else Fit.fit()
            item = writer.add_outline_item(title=destination.title, page_number=page, parent=parent, fit=fit)
            del parents[level:]
            parents.append(item)
    writer.page_mode = "/UseOutlines"
    with open(path, "wb") as file:
        writer.write(file)
    return len(writer.pages)


def _destination(name: str, page, original):
    from pypdf.generic import Destination, Fit

    top = original.get("/Top")
    fit = Fit.xyz(left=original.get("/Left"), top=top) if top is not None else Fit.fit()
    return Destination(name, page, fit)


def _outline(items, level: int = 0):
    """(level, destination) for each entry of a pypdf outline (nested lists), in order."""
    for item in items:
        if isinstance(item, list):
            yield from _outline(item, level + 1)
        else:
            yield level, item
