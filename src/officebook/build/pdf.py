"""Print the handbook and the post booklets to PDF with WeasyPrint: no browser, no MkDocs.

`write_handbooks(manual, out_dir)` writes `handbook-<lang>.pdf` per language and
`write_booklets(manual, posts, out_dir)` writes `booklet-<post>-<lang>.pdf`. Each file is written to a
temporary file beside its target and renamed into place, so a failed run never leaves half a PDF.

What the system must provide is checked before any rendering: WeasyPrint with Pango, and a CJK font
(Noto CJK, Debian's `fonts-noto-cjk`) for every document with Chinese, Japanese or Korean text.
A missing piece raises `PdfSystemError`, whose message names what to install.
"""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from officebook.assets import svg_problem
from officebook.build.pdfparts import PartPrinted, print_in_parts, split_handbook
from officebook.gc_pause import paused_gc
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.editions import EditionNotes
from officebook.render.print import booklet_html, handbook_html
from officebook.render.printfonts import PrintFonts, cjk_fallback_for
from officebook.render.site import handbook_path
from officebook.render.svgtext import CJK_TEXT
from officebook.tempfiles import partial_path, remove_stale

FONT_ENVIRONMENT_VARIABLE = "OFFICEBOOK_PDF_FONT"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
CJK_FONT_PACKAGE = "fonts-noto-cjk"

_TAG = re.compile(r"<style>.*?</style>|<[^>]*>", re.DOTALL)

Progress = Callable[[str], None]


class PdfSystemError(Exception):
    """Something the system must provide is missing; `hint` says what to install or set."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)  # both in args, so the error survives pickling (worker processes)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}"


@dataclass(frozen=True)
class PdfFile:
    """One PDF written: where, in which language, for which post (None for the handbook)."""

    path: Path
    lang: str
    pages: int
    seconds: float
    post: str | None = None


@dataclass
class PdfResult:
    files: list[PdfFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what WeasyPrint itself complained about

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files)


def handbook_filename(lang: str) -> str:
    return f"handbook-{lang}.pdf"


def booklet_filename(post: str, lang: str) -> str:
    return f"booklet-{post}-{lang}.pdf"


def description_filename(post: str, lang: str) -> str:
    return f"description-{post}-{lang}.pdf"


def site_pdf_path(lang: str) -> str:
    """Where `officebook build --pdf` puts a language's handbook, relative to each language's site root."""
    return handbook_path(lang)


def configured_font(font: str | None = None) -> str | None:
    """The font the user asked for: the argument, else $OFFICEBOOK_PDF_FONT, else None."""
    return font or os.environ.get(FONT_ENVIRONMENT_VARIABLE) or None


def write_handbooks(
    manual: Manual,
    out_dir: Path,
    *,
    languages: Sequence[str] | None = None,
    font: str | None = None,
    progress: Progress | None = None,
    notes: EditionNotes | None = None,
    jobs: int = 1,
    style: str | None = None,
) -> PdfResult:
    """Write `handbook-<lang>.pdf` for each language (default: every language of the manual).
    `notes` comparing with the previous edition add a revision table and margin marks. `jobs` > 1
    prints that many files at once, each in its own process (and memory). `style`: `official` or
    `modern` (default: each language's, officebook.render.printfonts.default_print_style)."""
    font = configured_font(font)
    files = [
        _File(Path(out_dir) / handbook_filename(lang), lang, None,
              lambda lang=lang: handbook_html(manual, lang, font=font, notes=notes, style=style))
        for lang in (languages or manual.info.languages)
    ]
    return _write_all(manual, files, font, progress, jobs)


def write_booklets(
    manual: Manual,
    posts: Iterable[str],
    out_dir: Path,
    *,
    languages: Sequence[str] | None = None,
    font: str | None = None,
    progress: Progress | None = None,
    notes: EditionNotes | None = None,
    jobs: int = 1,
    style: str | None = None,
) -> PdfResult:
    """Write `booklet-<post>-<lang>.pdf` for each post and language (`jobs` and `style` as for the
    handbooks); `notes` comparing with the previous edition mark what changed for the post."""
    font = configured_font(font)
    files = [
        _File(Path(out_dir) / booklet_filename(post, lang), lang, post,
              lambda post=post, lang=lang: booklet_html(manual, post, lang, font=font, style=style, notes=notes))
        for post in posts
        for lang in (languages or manual.info.languages)
    ]
    return _write_all(manual, files, font, progress, jobs)


def write_descriptions(manual: Manual, posts: Iterable[str], out_dir: Path, *,
                       languages: Sequence[str] | None = None, font: str | None = None,
                       progress: Progress | None = None, jobs: int = 1, style: str | None = None) -> PdfResult:
    """Write `description-<post>-<lang>.pdf`, the post's 岗位说明书, for each post and language."""
    from officebook.render.print import description_html

    font = configured_font(font)
    files = [
        _File(Path(out_dir) / description_filename(post, lang), lang, post,
              lambda post=post, lang=lang: description_html(manual, post, lang, font=font, style=style))
        for post in posts
        for lang in (languages or manual.info.languages)
    ]
    return _write_all(manual, files, font, progress, jobs)


@dataclass(frozen=True)
class _File:
    path: Path
    lang: str
    post: str | None
    make_html: Callable[[], str]


def _write_all(manual: Manual, files: list[_File], font: str | None, progress: Progress | None,
               jobs: int) -> PdfResult:
    """Check the system, then print every file: one after another, or `jobs` at a time in processes.

    The HTML is made (and its fonts checked) here, so a missing font stops the run before any printing.
    """
    weasyprint = load_weasyprint()
    check_font_setting(font)
    assets = Path(manual.content_dir) / "assets" if manual.content_dir else None  # all printing may read of the content
    for folder in {file.path.parent for file in files}:
        remove_stale(folder)  # partial files of killed runs
    result = PdfResult()

    def prepared():
        for file in files:
            html = file.make_html()
            check_cjk_font(html, PrintFonts(file.lang, cjk_fallback_for(manual), font))
            if progress:
                progress(_("Rendering {file}").format(file=file.path.name))
            yield file, html

    def record(file: _File, pages: int, warnings: list[str], seconds: float) -> None:
        result.files.append(PdfFile(file.path, file.lang, pages, seconds, file.post))
        result.warnings.extend(f"{file.path.name}: {w}" for w in warnings)

    if jobs <= 1 or len(files) <= 1:
        for file, html in prepared():
            started = time.perf_counter()
            pages, warnings = render_pdf(weasyprint, html, file.path, assets=assets, font=font)
            record(file, pages, warnings, time.perf_counter() - started)
        return result
    # "spawn": a fresh interpreter per worker, rather than a fork of one that has loaded Pango.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=context) as pool:
        submitted = [(file, pool.submit(_render_in_worker, html, file.path, assets, font)) for file, html in prepared()]
        for file, future in submitted:
            record(file, *future.result())
    return result


def _render_in_worker(html: str, path: Path, assets: Path | None, font: str | None) -> tuple[int, list[str], float]:
    started = time.perf_counter()
    pages, warnings = render_pdf(load_weasyprint(), html, path, assets=assets, font=font)
    return pages, warnings, time.perf_counter() - started


# ---- what WeasyPrint may read -----------------------------------------------------------------------

PACKAGE_DIR = Path(__file__).resolve().parent.parent


class RefusedResource(ValueError):
    """A resource the print may not read: anything but officebook's files and the manual's assets."""


def readable_roots(assets: Path | None, font: str | None) -> tuple[Path, ...]:
    """Where printing may read files: officebook's own package, `content/assets/`, a configured font file."""
    roots = [PACKAGE_DIR]
    if assets is not None:
        roots.append(Path(assets).resolve())
    if font and Path(font).is_file():
        roots.append(Path(font).resolve())
    return tuple(roots)


def allowed_file(url: str, roots: Sequence[Path]) -> Path:
    """The local file a `file:` URL names, when it lies inside one of `roots` (symlinks resolved);
    `RefusedResource` for every other URL: other schemes (http, ftp ...), other files."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedResource(f"not fetched while printing: {url}")
    path = Path(unquote(parts.path)).resolve()
    if not any(path == root or root in path.parents for root in roots) or not path.is_file():
        raise RefusedResource(f"not read while printing (outside officebook's files and content/assets/): {url}")
    return path


def restricted_url_fetcher(weasyprint, roots: Sequence[Path]):
    """A WeasyPrint URL fetcher that serves `data:` URLs (officebook's own images) and the files
    under `roots`, and refuses everything else without touching the network."""
    import mimetypes

    def fetch_data(url: str):
        from urllib.request import urlopen  # data: URLs only: decoded in memory, never a network call

        if not url.lower().startswith("data:"):
            return None
        with urlopen(url) as response:
            return response.read(), response.headers.get_content_type()

    def load(url: str) -> tuple[bytes, str, str]:
        data = fetch_data(url)
        if data is not None:
            return data[0], data[1], url
        path = allowed_file(url, roots)
        body = path.read_bytes()
        if path.suffix.lower() == ".svg" and PACKAGE_DIR not in path.parents:
            problem = svg_problem(body)  # an asset that slipped past check: WeasyPrint never parses it
            if problem is not None:
                raise RefusedResource(f"{path.name}: {problem}")
        return body, mimetypes.guess_type(path.name)[0] or "application/octet-stream", url

    urls = weasyprint.urls
    if hasattr(urls, "URLFetcher"):  # WeasyPrint 68 and later
        class Fetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                body, mime_type, final = load(url)
                return urls.URLFetcherResponse(final, body, {"Content-Type": mime_type})

        return Fetcher(allowed_protocols={"file", "data"})

    def fetcher(url: str) -> dict:
        body, mime_type, final = load(url)
        return {"string": body, "mime_type": mime_type, "redirected_url": final}

    return fetcher


def _without_attachments(document) -> None:
    """No file is ever embedded in a PDF: drop attachments WeasyPrint collected from the HTML."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]


def render_pdf(weasyprint, html: str, path: Path, *, assets: Path | None = None,
               font: str | None = None) -> tuple[int, list[str]]:
    """Lay `html` out and write it to `path` atomically; returns the page count and WeasyPrint's warnings.

    Relative URLs resolve against the content folder (the parent of `assets`); only officebook's
    files, `assets` and the configured `font` file are read (`restricted_url_fetcher`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    parts = split_handbook(html)
    with collected_warnings("weasyprint") as warnings, paused_gc(collect_after=True):
        try:
            if parts is not None:  # a long handbook: laid out part by part, each in a process of its own
                with _part_printer(assets, font, path.parent) as printer:
                    pages, part_warnings = print_in_parts(parts, printer, partial)
                warnings.extend(part_warnings)
            else:
                document = _render(weasyprint, html, assets, font, path.parent)
                document.write_pdf(partial)
                pages = len(document.pages)
                del document  # before the collection that ends the pause: the layout is garbage now
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return pages, list(dict.fromkeys(warnings))


def _render(weasyprint, html: str, assets: Path | None, font: str | None, folder: Path):
    """WeasyPrint's layout of `html`: relative URLs against the content folder, only what
    `restricted_url_fetcher` allows read, no file attached."""
    base = Path(assets).resolve().parent if assets is not None else folder.resolve()
    fetcher = restricted_url_fetcher(weasyprint, readable_roots(assets, font))
    document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render()
    _without_attachments(document)
    return document


@contextlib.contextmanager
def _part_printer(assets: Path | None, font: str | None, folder: Path):
    """A `pdfparts.Printer` that lays out each part in a fresh process: what one part's layout leaves
    behind in the allocator (hundreds of MiB) goes back to the system with it, so the peak is one part's."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as pool:
        yield lambda html, target: pool.submit(_print_part, html, target, assets, font, folder).result()


def _print_part(html: str, target: Path | None, assets: Path | None, font: str | None, folder: Path) -> PartPrinted:
    """In a worker: lay out one part, write it to `target` (None: only count its pages)."""
    with collected_warnings("weasyprint") as warnings:
        document = _render(load_weasyprint(), html, assets, font, folder)
        if target is not None:
            document.write_pdf(target)
        anchors = [list(page.anchors) for page in document.pages]
    return PartPrinted(len(anchors), anchors, warnings)


@contextlib.contextmanager
def collected_warnings(name: str):
    """The warnings logged on `name` meanwhile, to report (WeasyPrint logs unknown CSS, duplicate
    anchors, missing fonts and images it cannot load)."""
    collected: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            collected.append(record.getMessage())

    logger = logging.getLogger(name)
    handler = Collector(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield collected
    finally:
        logger.removeHandler(handler)


# ---- what the system must provide ----------------------------------------------------------------


def load_weasyprint():
    """Import WeasyPrint; a missing Pango (or WeasyPrint itself) becomes one `PdfSystemError`."""
    noise = io.StringIO()  # WeasyPrint prints its own banner when a library is missing
    try:
        with contextlib.redirect_stdout(noise):
            import weasyprint
    except ImportError as error:
        raise PdfSystemError(
            _("WeasyPrint is not installed ({reason})").format(reason=error),
            _("install officebook with its dependencies: pip install officebook (or pip install weasyprint)"),
        ) from None
    except OSError as error:
        raise PdfSystemError(
            _("WeasyPrint cannot load Pango, which it needs to lay out text ({reason})").format(reason=error),
            _("install Pango: apt-get install {packages} (Debian/Ubuntu), dnf install pango (Fedora), "
              "brew install pango (macOS)").format(packages=PANGO_PACKAGES),
        ) from None
    return weasyprint


_FONTCONFIG_LANGUAGES = {"SC": "zh-cn", "TC": "zh-tw", "JP": "ja", "KR": "ko"}


@cache
def installed_font_families(pattern: str = ":") -> frozenset[str]:
    """The font families fontconfig knows (every name of each font) matching `pattern`, via `fc-list`."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        raise PdfSystemError(
            _("fontconfig's fc-list is not installed, so the fonts cannot be checked"),
            _("install fontconfig: apt-get install fontconfig (Debian/Ubuntu)"),
        )
    listing = subprocess.run(
        [fc_list, "--format", "%{family}\n", pattern], capture_output=True, text=True, check=False
    ).stdout
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip())


def check_font_setting(font: str | None) -> None:
    """A configured font must exist: a font file on disk, or a family fontconfig knows."""
    if not font:
        return
    if PrintFonts("en", font=font).custom_family == "officebook-custom":
        if not Path(font).is_file():
            raise PdfSystemError(
                _("the font file {font} does not exist").format(font=font),
                _("set --font or ${variable} to an existing .ttf/.otf file or an installed family").format(
                    variable=FONT_ENVIRONMENT_VARIABLE),
            )
        return
    if font not in installed_font_families():
        raise PdfSystemError(
            _("the font family {font!r} is not installed (fc-list does not know it)").format(font=font),
            _("install it, or set --font / ${variable} to a family `fc-list : family` shows or to a font file").format(
                variable=FONT_ENVIRONMENT_VARIABLE),
        )


def check_cjk_font(html: str, typography: PrintFonts) -> None:
    """A document with CJK text needs a CJK face: Noto CJK (or Source Han) or a configured font that has it.

    A configured font file is trusted; a configured family must cover the language for fontconfig.
    """
    if not CJK_TEXT.search(_TAG.sub("", html)):
        return
    if typography.custom_family == "officebook-custom":
        return
    variant = typography.variant or typography.cjk_fallback
    if any(face in installed_font_families() for face in typography.required_cjk()):
        return
    if typography.font and typography.font in installed_font_families(f":lang={_FONTCONFIG_LANGUAGES[variant]}"):
        return
    wanted = " or ".join(repr(face) for face in typography.required_cjk()[::2])
    raise PdfSystemError(
        _("no font for the Chinese, Japanese or Korean text: fontconfig knows neither {fonts}").format(fonts=wanted),
        _("install Noto CJK: apt-get install {package} (Debian/Ubuntu), or set --font / ${variable} to a font that "
          "has these glyphs").format(package=CJK_FONT_PACKAGE, variable=FONT_ENVIRONMENT_VARIABLE),
    )
