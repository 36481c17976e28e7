"""Each language's site and handbook show only that language: officebook's labels, Material's own
strings (tooltips, footer, search, the 404 page) and tags — the tags of the contract's second edition
in their own language (a plain-string tag shows everywhere, by the contract's rule)."""

from __future__ import annotations

import html as htmllib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import CASES, ROOT
from officebook.build.site import build_site
from officebook.pipeline import run_check
from officebook.render.print import handbook_html

pytestmark = pytest.mark.slow  # a site and a handbook built

HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Where officebook's and Material's own strings are, by class (an element with one of these classes,
# and everything in it), and the attributes that carry interface text.
INTERFACE_CLASSES = {"md-search__form", "md-search-result__meta", "md-footer__direction", "md-top", "md-tag",
                     "md-nav__title", "officebook-kind", "md-source", "md-header__button"}
INTERFACE_ATTRIBUTES = {"title", "aria-label", "placeholder", "data-md-state"}
SKIPPED_CLASSES = {"md-select"}  # the language selector names each language in itself


class _Interface(HTMLParser):
    """Collects the interface text of a page: texts inside INTERFACE_CLASSES elements, the labels of
    the facts (dt), the section headings of item pages (h2), and interface attributes."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, item_page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.item_page = item_page
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, collecting, skipping)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        parent_collect, parent_skip = (self.stack[-1][1], self.stack[-1][2]) if self.stack else (False, False)
        skip = parent_skip or bool(classes & SKIPPED_CLASSES) or tag in {"script", "style", "svg", "code"}
        collect = not skip and (parent_collect or bool(classes & INTERFACE_CLASSES) or tag == "dt"
                                or (self.item_page and tag == "h2"))
        if not skip:
            self.found += [value for name, value in attrs if name in INTERFACE_ATTRIBUTES and value]
        if tag not in self.VOID:
            self.stack.append((tag, collect, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][1] and not self.stack[-1][2] and data.strip():
            self.found.append(data.strip())


def interface_text(html: str, item_page: bool) -> list[str]:
    parser = _Interface(item_page)
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The minimal manual with its tags and a source written per language, built."""
    content = tmp_path_factory.mktemp("purity") / "content"
    shutil.copytree(CASES / "valid" / "minimal" / "content", content)
    for path, old, new in (("duties/document-handling.yaml", "tags: [documents]", "tags: [{zh: 公文, en: documents}]"),
                           ("posts/director.yaml", "tags: [leadership]", "tags: [{zh: 领导, en: leadership}]"),
                           ("functions/coordination.yaml", "source: seeds/000 §2",
                            "source: {zh: 《办公室工作规则》第二条, en: 'Office work rules, article 2'}")):
        file = content / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new), encoding="utf-8")
    result = run_check(content, use_cache=False)
    assert result.manual is not None
    out = tmp_path_factory.mktemp("purity-site") / "site"
    build_site(result.manual, out)
    return out


def _pages(root: Path, lang: str):
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root).as_posix()
        if (lang == "en") != relative.startswith("en/") or relative.startswith(("assets/", "en/assets/")):
            continue
        page = relative.removeprefix("en/")
        item_page = bool(re.fullmatch(r"(functions|duties|procedures|standards|posts)/[^/]+/index\.html", page))
        yield relative, path.read_text(encoding="utf-8"), item_page


def test_the_chinese_site_has_no_english_interface_or_tags(site):
    checked = 0
    for relative, html, item_page in _pages(site, "zh"):
        for text in interface_text(html, item_page):
            assert not LATIN_WORD.search(text), (relative, text)
            checked += 1
        assert "Made with" not in html and "Material for MkDocs" not in html, relative
    assert checked > 500


def test_the_english_site_has_no_chinese_interface_or_tags(site):
    checked = 0
    for relative, html, item_page in _pages(site, "en"):
        for text in interface_text(html, item_page):
            assert not HAN.search(text), (relative, text)
            checked += 1
    assert checked > 500


def _page(path: Path) -> str:
    return htmllib.unescape(path.read_text(encoding="utf-8"))


def test_tags_and_sources_are_shown_in_their_own_language(site):
    zh = _page(site / "duties" / "document-handling" / "index.html")
    en = _page(site / "en" / "duties" / "document-handling" / "index.html")
    assert "公文" in zh and ">documents<" not in zh
    assert ">documents<" in en and ">公文<" not in en
    zh = _page(site / "functions" / "coordination" / "index.html")
    en = _page(site / "en" / "functions" / "coordination" / "index.html")
    assert "《办公室工作规则》第二条" in zh and "Office work rules" not in zh
    assert "Office work rules, article 2" in en and "办公室工作规则" not in en


def test_the_404_page_is_in_the_site_language_with_a_way_home(site):
    zh = (site / "404.html").read_text(encoding="utf-8")
    en = (site / "en" / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in zh and "返回首页" in zh and "Not found" not in zh
    assert "Page not found" in en and "Back to the home page" in en
    assert re.search(r'<a href="/en/" class="md-button', en)  # no site_url: home is the server's /en/
    assert re.search(r'<a href="/" class="md-button', zh)


def test_permalinks_and_search_speak_the_site_language(site):
    zh = (site / "duties" / "document-handling" / "index.html").read_text(encoding="utf-8")
    assert 'title="本节链接"' in zh and "Permanent link" not in zh
    assert 'placeholder="搜索"' in zh


def test_the_chinese_handbook_has_hardly_any_latin_words():
    """The default manual in Chinese: ids and a few abbreviations at most, no English labels."""
    manual = run_check(ROOT / "content", use_cache=False).manual
    html = handbook_html(manual, "zh")
    body = html[html.index("</style>"):]
    text = re.sub(r"<[^>]+>", " ", body)
    words = LATIN_WORD.findall(text)
    assert len(words) < 15, sorted(set(words))
