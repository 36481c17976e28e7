"""Hostile files under content/assets/ (issue 26): every command that checks first refuses them with a
finding and no traceback; an asset that slips past the check (the renderers called directly) never
crashes Word or PDF output; and in Chromium no page or copied asset of a built manual runs script or
reaches off the machine, and no asset becomes a page."""

from __future__ import annotations

import base64
import io
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import CASES, ROOT
from officebook.pipeline import run_check

MINIMAL = CASES / "valid" / "minimal" / "content"
LISTENER = "127.0.0.1:9"  # nothing listens there; Chromium's requests are caught before they leave anyway


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60">'
# Refused by `check`: (file, bytes, code).
REFUSED = [
    ("notes.md", "# Notes\n\n<script>alert('asset-md')</script>\n<img src=x onerror=alert('asset-md-2')>\n", "asset.type"),
    ("page.html", "<!doctype html><script>alert('asset-html')</script><img src=//" + LISTENER + "/x>", "asset.type"),
    ("page.xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert("asset-xhtml")</script></html>',
     "asset.type"),
    ("app.js", "alert('asset-js')", "asset.type"),
    ("script.svg", SVG_OPEN + "<script>alert('asset-svg')</script></svg>", "asset.active-content"),
    ("handler.svg", SVG_OPEN.replace("<svg ", "<svg onload=\"alert('asset-svg-onload')\" ") + "</svg>",
     "asset.active-content"),
    ("foreign.svg", SVG_OPEN + '<foreignObject width="100" height="50"><iframe xmlns="http://www.w3.org/1999/xhtml" '
     "srcdoc=\"&lt;script&gt;alert('asset-fo')&lt;/script&gt;\"/></foreignObject></svg>", "asset.active-content"),
    ("remote.svg", SVG_OPEN + f'<image xlink:href="http://{LISTENER}/pixel.png" width="1" height="1"/></svg>',
     "asset.active-content"),
    ("link.svg", SVG_OPEN + "<a href=\"javascript:alert('asset-svg-link')\"><text y=\"20\">x</text></a></svg>",
     "asset.active-content"),
    ("entity.svg", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     + SVG_OPEN + "<text y=\"20\">&b;</text></svg>", "asset.active-content"),
    ("file-entity.svg", '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG_OPEN
     + "<text y=\"20\">&x;</text></svg>", "asset.active-content"),
    ("wide.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect width="9" height="9"/>'
     "</svg>", "asset.too-large"),
    ("truncated.svg", SVG_OPEN + '<rect width="10" height', "asset.invalid"),
    ("broken.png", _png()[:60], "asset.invalid"),
    ("html.png", "<html><script>alert('asset-png')</script></html>", "asset.invalid"),
]
# Accepted by `check`, hostile in spirit: served as what their type says, never as a page.
ACCEPTED = {
    "notes.txt": "<script>alert('asset-txt')</script><img src=x onerror=alert('asset-txt-2')>",
    "table.csv": "=HYPERLINK(\"http://" + LISTENER + "/csv\"),<script>alert('asset-csv')</script>\n",
    "plan.svg": SVG_OPEN + '<rect width="120" height="60" fill="#eee"/><text y="30">&lt;script&gt;alert(1)'
                "&lt;/script&gt;</text></svg>",
    "photo.png": _png(),
    "forms/draft.docx": b"PK\x03\x04 not really a document <script>alert('asset-docx')</script>",
    "forms/register.pdf": b"%PDF-1.4\n<script>alert('asset-pdf')</script>\n",
}
# A wide drawing within the pixel budget: Cairo cannot make a surface 400,000 pixels wide.
WIDE_WITHIN_BUDGET = ("ribbon.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="20">'
                                    '<rect width="200000" height="20" fill="#ccc"/></svg>')


def _links(names) -> str:
    return "\n\n".join(f"[{name}](assets/{name}) ![{name}](assets/{name})" for name in names)


def write_content(root: Path, assets: dict[str, str | bytes]) -> Path:
    """The minimal manual with `assets`, each linked and shown from a duty's description."""
    content = root / "content"
    shutil.copytree(MINIMAL, content)
    duty = content / "duties" / "document-handling.yaml"
    text = _links(assets).replace("\n", "\n    ")
    duty.write_text(duty.read_text(encoding="utf-8") + f"description:\n  zh: |\n    {text}\n  en: |\n    {text}\n",
                    encoding="utf-8")
    for name, data in assets.items():
        path = content / "assets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return content


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "officebook", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def linked_despite_check(root: Path, assets: dict[str, str | bytes], monkeypatch):
    """(content, manual) with `assets` that `check` refuses, linked as if they had slipped past it (a
    file changed after the check, a renderer or builder called directly): the asset checks are off."""
    content = write_content(root, assets)
    with monkeypatch.context() as patched:
        patched.setattr("officebook.pipeline.check_assets", lambda *args, **kwargs: [])
        result = run_check(content, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics if d.is_error]
    return content, result.manual


# ---- check, and every command that checks first ----------------------------------------------------


def test_check_reports_every_hostile_asset_once(tmp_path: Path):
    content = write_content(tmp_path, {**{name: data for name, data, _code in REFUSED}, **ACCEPTED})
    found = {(d.file, d.code) for d in run_check(content, use_cache=False).diagnostics}
    assert found == {(f"assets/{name}", code) for name, _data, code in REFUSED}


def test_a_cut_off_image_is_refused_in_a_process_that_imported_weasyprint(tmp_path: Path):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported."""
    import weasyprint  # noqa: F401

    content = write_content(tmp_path, {"broken.png": _png()[:60]})
    found = {(d.file, d.code) for d in run_check(content, use_cache=False).diagnostics}
    assert ("assets/broken.png", "asset.invalid") in found


@pytest.mark.slow
@pytest.mark.parametrize("command", [["build", "--output", "{out}"], ["pdf", "--output", "{out}"],
                                     ["docx", "--output", "{out}"]], ids=["build", "pdf", "docx"])
def test_commands_refuse_hostile_assets_in_one_line_each(tmp_path: Path, command: list[str]):
    content = write_content(tmp_path, {name: data for name, data, _code in REFUSED})
    out = tmp_path / "out"
    run = cli(command[0], str(content), *[part.format(out=out) for part in command[1:]])
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    for name, _data, code in REFUSED:
        assert f"assets/{name}:" in run.stderr and f"[{code}]" in run.stderr, name
    assert not out.exists() or not any(out.rglob("*.*")), "nothing is written"


# ---- what slips through never crashes Word or PDF ---------------------------------------------------


SLIPPED = {name: data for name, data, _code in REFUSED if name.endswith((".svg", ".png"))} | dict([WIDE_WITHIN_BUDGET])


@pytest.mark.slow
def test_docx_leaves_out_what_it_cannot_draw_with_one_warning_each(tmp_path: Path, monkeypatch):
    from officebook.build.docx import write_docx_handbooks

    _content, manual = linked_despite_check(tmp_path, SLIPPED, monkeypatch)
    result = write_docx_handbooks(manual, tmp_path / "out", languages=["zh"])
    assert [f.path.name for f in result.files] == ["handbook-zh.docx"]
    left_out = {warning.split(": ", 2)[1] for warning in result.warnings}
    assert left_out == {f"assets/{name}" for name in SLIPPED if name != WIDE_WITHIN_BUDGET[0]}
    assert all("\n" not in warning for warning in result.warnings)
    from docx import Document

    pictures = [blob for blob in (part.blob for part in Document(str(result.files[0].path)).part.package.parts
                                  if part.content_type == "image/png")]
    assert any(Image.open(io.BytesIO(blob)).size[0] <= 4096 for blob in pictures), "the wide drawing is in, smaller"


@pytest.mark.slow
def test_pdf_prints_past_what_it_cannot_draw(tmp_path: Path, monkeypatch):
    from officebook.build.pdf import write_handbooks

    _content, manual = linked_despite_check(tmp_path, SLIPPED, monkeypatch)
    with _no_traceback_logged():
        result = write_handbooks(manual, tmp_path / "out", languages=["zh"])
    assert result.pages > 0
    text = subprocess.run(["pdftotext", str(result.files[0].path), "-"], capture_output=True, text=True).stdout
    assert "aaaaaaaaaa" not in text and "root:" not in text, "no entity was expanded, no file read"


class _no_traceback_logged(logging.Handler):
    """Fails on a log record that carries an exception (WeasyPrint logs, but never raises, broken images)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.tracebacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.tracebacks.append(record.getMessage())

    def __enter__(self):
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self)
        assert self.tracebacks == []


# ---- the built site in Chromium ---------------------------------------------------------------------


def _visit_all(browser, site: Path, paths: list[str]) -> tuple[list[str], list[str]]:
    """Open every path; the dialogs that opened and the requests that would have left the machine."""
    from browsing import served

    dialogs: list[str] = []
    outside: list[str] = []
    with served(site) as url:
        context = browser.new_context()

        def route(request_route):
            address = request_route.request.url
            # chrome: and chrome-extension: are the browser's own (its PDF viewer), never the network
            if address.startswith((url, "data:", "blob:", "about:", "chrome:", "chrome-extension:",
                                   "chrome-untrusted:")):
                request_route.continue_()
            else:
                outside.append(address)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        page.on("download", lambda download: download.cancel())
        for path in paths:
            try:
                page.goto(f"{url}/{path}", wait_until="load")
            except Exception as error:  # a download (docx, zip) aborts the navigation: nothing ran
                if "Download is starting" not in str(error) and "net::ERR_ABORTED" not in str(error):
                    raise
            page.wait_for_timeout(30)  # onload handlers, image errors and animations would fire by now
        context.close()
    return dialogs, outside


def _pages_and_attachments(site: Path) -> tuple[list[str], list[str]]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    attachments = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
                         and "attachments" in p.relative_to(site).parts and p.suffix != ".html")
    return pages, attachments


@pytest.fixture(scope="module")
def accepted_site(tmp_path_factory) -> Path:
    """`officebook build` of a manual whose assets check accepts but carry payloads, built once for the
    tests that read it (they never change it)."""
    root = tmp_path_factory.mktemp("accepted")
    content = write_content(root, ACCEPTED)
    site = root / "site"
    run = cli("build", str(content), "--output", str(site))
    assert run.returncode == 0, run.stderr
    return site


@pytest.mark.slow
def test_built_site_and_its_copied_assets_run_nothing(browser, accepted_site: Path):
    """`officebook build` of a manual whose assets check accepts but carry payloads: every page and
    every copied asset opened in Chromium — no dialog, no request off the machine."""
    site = accepted_site
    pages, attachments = _pages_and_attachments(site)
    assert len(attachments) >= len(ACCEPTED) and len(pages) > 10
    assert not [p for p in pages if "/attachments/" in f"/{p}"], "no asset became a page"
    dialogs, outside = _visit_all(browser, site, pages + attachments)
    assert dialogs == []
    assert outside == []


@pytest.mark.slow
def test_assets_that_slip_past_check_never_become_pages(browser, tmp_path: Path, monkeypatch):
    """The second wall: a site built from a manual whose refused assets slipped past the check (the
    builder called directly) makes no page of them, and no page of it runs script in Chromium."""
    from officebook.build.site import build_site

    hostile = {name: data for name, data, _code in REFUSED}
    _content, manual = linked_despite_check(tmp_path, hostile, monkeypatch)
    site = tmp_path / "site"
    build_site(manual, site)
    pages, _attachments = _pages_and_attachments(site)
    made_from_assets = [p for p in pages if "/attachments/" in f"/{p}" and p.endswith("/index.html")]
    assert made_from_assets == [], "no attachments/*/index.html made from an asset"
    assert (site / "attachments" / "notes.md").read_text(encoding="utf-8") == hostile["notes.md"], "copied as it is"
    pages = [p for p in pages if "/attachments/" not in f"/{p}"]  # the site's own pages, not the copies
    dialogs, outside = _visit_all(browser, site, pages)
    assert dialogs == []
    assert outside == []


@pytest.mark.slow
def test_every_page_carries_a_content_security_policy(accepted_site: Path):
    """The second wall's policy: script only from the site's own files, on every page MkDocs writes."""
    site = accepted_site
    pages, _attachments = _pages_and_attachments(site)
    missing = [page for page in pages if "/attachments/" not in f"/{page}"
               and 'http-equiv="Content-Security-Policy"' not in (site / page).read_text(encoding="utf-8")]
    assert missing == []


def test_fixture_payloads_are_what_they_say():
    """The refused payloads really are refused for the reason listed (guards the corpus itself)."""
    from officebook.assets import inspect_svg

    for name, data, code in REFUSED:
        if name.endswith(".svg"):
            problem, size = inspect_svg(data.encode("utf-8"))
            assert (problem.code if problem else "asset.too-large" if size else None) == code, name
    assert base64.b64encode(ACCEPTED["photo.png"])[:8] == b"iVBORw0K"
