"""The hostile-content corpus (tests/hostile.py) through every output: the site in real Chromium,
the print HTML and PDF, the exports and the changelog. Nothing an author writes may run, fetch,
embed a file or become a formula."""

from __future__ import annotations

import base64
import csv
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from functools import partial
from html.parser import HTMLParser

import markdown
import pytest
from hostile import write_hostile_manual

from conftest import ROOT
from officebook.cells import starts_formula
from officebook.pipeline import run_check
from officebook.vocabulary.markdown import SAFE_SCHEMES, url_scheme

pytestmark = pytest.mark.slow  # the hostile corpus built into a site, PDFs and office files

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "input", "style", "link", "meta", "base", "svg",
                  "math", "video", "audio", "frame", "frameset", "applet", "noscript", "template"}


class _Listener:
    """An HTTP listener on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(404)
                self.end_headers()

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener():
    running = _Listener()
    yield running
    running.close()


@pytest.fixture(scope="module", params=[False, True], ids=["escaped", "allow_html"])
def hostile(request, tmp_path_factory, listener):
    """(content folder, linked manual) of the corpus, with raw HTML escaped or allowed."""
    root = tmp_path_factory.mktemp("hostile")
    content = write_hostile_manual(root, allow_html=request.param, listener=listener.address)
    result = run_check(content, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics if d.is_error]
    return content, result.manual


class _Audit(HTMLParser):
    """Everything in an HTML document that could run or fetch: dangerous elements, handler
    attributes, URLs with a scheme outside the policy."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "data", "poster", "srcdoc", "background") and value:
                scheme = url_scheme(value)
                if name == "srcdoc" or (scheme is not None and scheme not in SAFE_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]}>")
            if name == "style" and "url(" in (value or ""):
                self.problems.append(f"<{tag} style=url()>")


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


# ---- the site --------------------------------------------------------------------------------------

_PAGE_AUDIT = """() => {
  const handlers = [...document.querySelectorAll('*')].filter(
      e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).map(e => e.outerHTML.slice(0, 120));
  const links = [...document.querySelectorAll('a[href], area[href], iframe[src], embed[src], object[data]')]
      .map(e => e.href || e.src || e.data).filter(Boolean)
      .filter(u => { try { return ['javascript:', 'data:', 'vbscript:'].includes(new URL(u, location.href).protocol); }
                     catch (e) { return false; } });
  const frames = document.querySelectorAll('iframe, object, embed, frame, .md-content form[action]').length;
  return {handlers, links, frames};
}"""


@pytest.fixture(scope="module")
def hostile_site(hostile, tmp_path_factory):
    from officebook.build.site import build_site

    content, manual = hostile
    output = tmp_path_factory.mktemp("hostile-site") / "site"
    build_site(manual, output)
    return output


def test_site_pages_run_nothing_in_chromium(browser, hostile_site, listener):
    from browsing import served

    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("index.html")
                   if "assets" not in p.parts)
    assert len(pages) > 40
    dialogs: list[str] = []
    found: dict[str, dict] = {}
    with served(hostile_site) as url:
        context = browser.new_context()
        outside: list[str] = []

        def route(request_route):
            request_url = request_route.request.url
            if request_url.startswith((url, "data:", "blob:", "about:")):
                request_route.continue_()
            else:
                outside.append(request_url)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        for path in pages:
            page.goto(f"{url}/{path}", wait_until="load")
            page.wait_for_timeout(30)  # image error handlers, toggles, animations would fire by now
            result = page.evaluate(_PAGE_AUDIT)
            if result["handlers"] or result["links"] or result["frames"]:
                found[path] = result
        page.goto(f"{url}/search/search_index.json")
        context.close()
    assert dialogs == []
    assert found == {}
    assert outside == [], "no page loads anything from another address"
    assert listener.hits == []


def test_site_texts_are_escaped_where_material_shows_them(hostile_site):
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for document in index["docs"]:
        assert audit(document["title"]) == [], document["title"]
        assert audit(document["text"]) == [], document["location"]
    for page in hostile_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert audit(_without_theme_scripts(html)) == [], page
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
        assert "<" not in title, page
        description = re.search(r'<meta name="description" content="([^"]*)"', html)
        assert description is None or "<" not in description.group(1)
    sitemap = hostile_site / "sitemap.xml"
    if sitemap.exists():
        assert "<script" not in sitemap.read_text(encoding="utf-8")


def _without_theme_scripts(html: str) -> str:
    """The page without Material's and officebook's own <script>, <link>, <meta>, <svg> and form
    (search box) markup, which no content can reach: what remains must hold nothing dangerous."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL)
    html = re.sub(r"<(link|meta|base)\b[^>]*>", "", html)
    html = re.sub(r"<svg\b.*?</svg>", "", html, flags=re.DOTALL)
    html = re.sub(r"<form\b.*?</form>", "", html, flags=re.DOTALL)
    html = re.sub(r"<input\b[^>]*>", "", html)
    return re.sub(r"<noscript\b.*?</noscript>", "", html, flags=re.DOTALL)


# ---- print -----------------------------------------------------------------------------------------


def _inline_svg_removed(html: str) -> str:
    """The print HTML's body (the head is officebook's own) without generated images (data: URLs)."""
    html = html[html.index("<body"):]
    return re.sub(r'src="data:image/[^"]*"', 'src=""', html)


def test_print_html_holds_nothing_that_runs_or_fetches(hostile):
    from officebook.render.print import booklet_html, handbook_html

    _, manual = hostile
    for html in (handbook_html(manual, "zh"), booklet_html(manual, "post-1", "zh")):
        assert audit(_inline_svg_removed(html)) == []


@pytest.mark.skipif(not shutil.which("pdfdetach"), reason="poppler-utils is not installed")
def test_pdf_fetches_nothing_and_embeds_no_file(hostile, tmp_path, listener):
    from officebook.build.pdf import render_pdf
    from officebook.render.print import handbook_html

    content, manual = hostile
    pytest.importorskip("weasyprint")
    # Beyond what check lets through: the same texts with local files and the environment linked.
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    sneaky = ("![f](file:///etc/hostname) ![u](../../../../etc/passwd) ![s](" + secret.as_uri() + ")\n\n"
              '<a rel="attachment" href="file:///proc/self/environ">e</a> <img src="file:///etc/hostname">')
    post = manual.posts["post-1"]
    forced = replace(manual, posts={**manual.posts, "post-1": replace(post, description=replace(
        post.description, values={"zh": post.description.values["zh"] + "\n\n" + sneaky}))})
    import weasyprint

    # Only the forced manual is printed: it is the checked one with texts added to one post, so whatever
    # the checked texts would embed or fetch, it embeds or fetches too (a second print proved nothing more).
    assert "post-1" in manual.posts and replace(forced, posts=manual.posts) == manual
    pdf = tmp_path / "forced.pdf"
    render_pdf(weasyprint, handbook_html(forced, "zh"), pdf, assets=content / "assets")
    listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True)
    assert listing.stdout.strip() == "0 embedded files", listing.stdout
    raw = pdf.read_bytes()
    assert b"/EmbeddedFile" not in raw and b"PATH=" not in raw
    assert listener.hits == []


def test_officebook_pdf_sends_no_request(hostile, tmp_path, listener):
    content, manual = hostile
    if not manual.info.allow_html:
        pytest.skip("the widest case (allow_html) is enough for the whole command")
    if not shutil.which("fc-list"):
        pytest.skip("fontconfig is not installed")
    run = subprocess.run([sys.executable, "-m", "officebook", "pdf", str(content), "-o", str(tmp_path / "dist"),
                          "--no-cache"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "dist" / "handbook-zh.pdf").exists()
    assert listener.hits == []
    assert "\x1b" not in run.stderr


# ---- exports and changelog -------------------------------------------------------------------------


def test_csv_cells_never_start_a_formula(hostile):
    from officebook.export import csv_tables

    _, manual = hostile
    cells = 0
    for name, data in csv_tables(manual).items():
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for cell in row:
                cells += 1
                assert not starts_formula(cell), (name, cell)
    assert cells > 100


def test_json_export_keeps_the_texts_as_written(hostile):
    from officebook.export import export_json

    _, manual = hostile
    document = json.loads(export_json(manual))
    assert document["manual"]["title"]["zh"] == manual.info.title.get("zh")


def test_changelog_markdown_carries_no_html(hostile):
    from officebook.diff import diff_editions, format_markdown, read_edition
    from officebook.pipeline import edition_of

    FRESH = partial(edition_of, use_cache=False)

    content, _ = hostile
    changelog = format_markdown(diff_editions(read_edition(ROOT / "content", FRESH),
                                              read_edition(content, FRESH)))
    outside_code = re.sub(r"`[^`\n]*`", "", changelog)
    assert "<" not in outside_code, "content is escaped (inside code spans it is literal anyway)"
    for extensions in ([], ["tables", "attr_list", "md_in_html", "footnotes", "abbr"]):
        html = markdown.markdown(changelog, extensions=extensions)
        assert audit(html) == []
        assert not re.search(r"<a\s", html), "content makes no link in the changelog"
