"""Search that understands Chinese words, in Chromium against the built default manual.

The site's own (patched) search worker is driven directly, so every result is seen, not the first
page of them; one test types into the search box as a reader does."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
from browsing import Watched, shot

from conftest import ROOT
from officebook.pipeline import run_check
from officebook.render.site import term_anchors

_WORKER_QUERIES = """async ([worker, queries]) => {
  const index = await (await fetch('search/search_index.json')).json();
  const w = new Worker(worker);
  const ask = (message) => new Promise(done => { w.onmessage = e => done(e.data); w.postMessage(message); });
  await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
  const found = {};
  for (const query of queries) {
    const reply = await ask({type: 2, data: query});
    found[query] = READ_ITEMS;
  }
  w.terminate();
  return found;
}"""
# Material's search worker asked each query: the locations of each result group, or each scored
# result's location with the terms the worker reports found and missing
WORKER_SEARCH = _WORKER_QUERIES.replace("READ_ITEMS", "reply.data.items.map(group => group.map(doc => doc.location))")
WORKER_TERMS = _WORKER_QUERIES.replace(
    "READ_ITEMS", "reply.data.items.flat().filter(doc => doc.score > 0).map(doc => [doc.location, doc.terms])")

RESULTS_SHOWN = """() => [...document.querySelectorAll('.md-search-result__item')].map(item => {
  const bare = (element, drop) => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll(drop).forEach(part => part.remove());
    return copy.textContent.replace(/\u200b/g, '').trim();
  };
  return {
    page: decodeURIComponent(new URL(item.querySelector('a.md-search-result__link').href).pathname),
    label: bare(item.querySelector('.md-search-result__article h1'), '.officebook-kind'),
    articles: [...item.querySelectorAll('.md-search-result__article')].map(article => ({
      missing: [...article.querySelectorAll('.md-search-result__terms del')].map(term => term.textContent),
      text: bare(article, '.md-search-result__terms'),
    })),
  };
})"""


@pytest.fixture(scope="module")
def manual():
    return run_check(ROOT / "content", use_cache=False).manual


@pytest.fixture(scope="module")
def site(default_site, site_url):
    """The default manual's site, built once per run (conftest.py) and shared with the browser tests."""
    return default_site, site_url


@pytest.fixture(scope="module")
def search(browser, site):
    """search(lang, queries) → {query: [[locations of one page's results], ...]} in rank order."""
    root, url = site
    page = browser.new_page()

    def run(lang: str, queries: list[str]) -> dict[str, list[list[str]]]:
        base = root if lang == "zh" else root / lang
        worker = next((base / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        page.goto(f"{url}/" if lang == "zh" else f"{url}/{lang}/")
        return page.evaluate(WORKER_SEARCH, [worker.relative_to(base).as_posix(), queries])

    yield run
    page.close()


@pytest.fixture(scope="module")
def search_terms(browser, site):
    """search_terms(queries) → {query: [[location, {term: present?}], ...]}: what the worker tells the
    page about each result's query terms (the "缺少" note lists the absent ones), zh site."""
    root, url = site
    page = browser.new_page()

    def run(queries: list[str]) -> dict[str, list]:
        worker = next((root / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        page.goto(f"{url}/")
        return page.evaluate(WORKER_TERMS, [worker.relative_to(root).as_posix(), queries])

    yield run
    page.close()


@pytest.fixture(scope="module")
def offline_site(default_offline_site) -> Path:
    """The default manual's offline site, built once per run (conftest.py) and shared with the link check."""
    return default_offline_site


def _typed(page, query: str) -> list[dict]:
    """Type `query` into the site's search box as a reader does; the results as shown."""
    box = page.locator(".md-search__input")
    box.click()
    box.fill("")  # the last query's results go first, so none of them is read as this one's
    box.press("End")  # Material searches on a key going up
    page.locator(".md-search-result__item").first.wait_for(state="detached", timeout=15_000)
    box.fill(query)
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    page.locator(".md-search-result__item .officebook-kind").first.wait_for(timeout=15_000)
    return page.evaluate(RESULTS_SHOWN)


def _page_title(path: Path) -> str:
    """The h1 of a built page, as its reader sees it."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.DOTALL)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).replace("¶", "").replace("\u200b", "").strip()


def _index_text(doc: dict) -> str:
    """Everything the index holds for one entry (shown and hidden fields), as the reader's words."""
    fields = [doc.get(name) or "" for name in ("title", "text", "keys", "words")] + list(doc.get("tags") or [])
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", " ".join(fields))).replace("\u200b", "").lower()


def _pages_holding(root: Path, word: str) -> set[str]:
    """The zh pages whose article text contains `word` (as locations: `duties/x/`)."""
    found = set()
    for path in root.rglob("index.html"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("en/", "assets/", "onboarding/")):  # onboarding pages only repeat others: not indexed
            continue
        article = re.search(r"<article[^>]*>(.*)</article>", path.read_text(encoding="utf-8"), re.DOTALL)
        html = article.group(1) if article else ""
        # the metadata block (maintainer, review date, source, id) and the back-references are not search text
        html = re.sub(r'<div class="[^"]*officebook-facts--meta[^"]*"[^>]*>.*?</div>', "", html, flags=re.DOTALL)
        html = re.sub(r'<ul class="officebook-backrefs"[^>]*>.*?</ul>', "", html, flags=re.DOTALL)
        # the matrix (on each function's page) is left out of the search text
        html = re.sub(r'<table class="officebook-raci-table".*?</table>', "", html, flags=re.DOTALL)
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", html))
        if word in text:
            found.add(relative.removesuffix("index.html"))
    return found


def _found_pages(groups: list[list[str]]) -> set[str]:
    return {location.split("#")[0] for group in groups for location in group}


def _glossary_rank(groups: list[list[str]], anchor: str) -> int | None:
    for rank, group in enumerate(groups):
        if f"glossary/#{anchor}" in group:
            return rank
    return None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_glossary_term_finds_its_own_entry_first(manual, search, lang):
    anchors = term_anchors(manual)
    terms = [term.term.get(lang) for term in manual.glossary]
    results = search(lang, terms)
    for term, anchor in zip(terms, anchors, strict=True):
        groups = results[term]
        rank = _glossary_rank(groups, anchor)
        assert rank is not None, (term, groups[:5])
        # first, or second after the page titled by the query (the function 督办督查 for 督办 ...)
        assert rank <= 1, (term, rank, [g[0] for g in groups[:3]])


def test_a_compound_finds_every_page_that_holds_it(manual, site, search):
    root, _ = site
    words = ["工单", "涉密载体", "参谋助手", "综合协调", "服务保障", "公文", "纪要", "值班"]
    words += [term.term.get("zh") for term in manual.glossary]
    results = search("zh", sorted(set(words)))
    for word, groups in results.items():
        missing = _pages_holding(root, word) - _found_pages(groups)
        assert not missing, (word, sorted(missing))
    assert len(_found_pages(results["工单"])) >= 3 and len(_found_pages(results["涉密载体"])) >= 8


def test_roman_numerals_and_full_width_forms_are_normalised(search):
    results = search("zh", ["Ⅲ级", "III级", "iii级", "Ⅳ级", "ＲＡＣＩ"])
    for query in ("Ⅲ级", "III级", "iii级"):
        assert "standards/emergency-reporting-time/" in _found_pages(results[query]), query
    assert _found_pages(results["Ⅲ级"]) == _found_pages(results["III级"])
    assert results["ＲＡＣＩ"] and results["ＲＡＣＩ"][0][0] == "raci/"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ids_tags_and_raci_are_found_in_every_language(manual, search, lang):
    posts = list(manual.posts)
    english_titles = [manual.posts[p].title.get("en") for p in posts[:5]]
    results = search(lang, [*posts, "RACI", "raci", *english_titles])
    for post in posts:
        firsts = [group[0] for group in results[post][:2]]
        assert f"posts/{post}/" in firsts, (post, firsts)
    assert results["RACI"][0][0] == "raci/" and results["raci"][0][0] == "raci/"
    for post, title in zip(posts[:5], english_titles, strict=False):  # on the Chinese site too
        assert f"posts/{post}/" in [g[0] for g in results[title][:3]], (title, [g[0] for g in results[title][:3]])


def test_results_show_kind_and_summary(browser, site, manual):
    _, url = site
    web = Watched(browser, url)
    try:
        page = web.page
        page.goto(f"{url}/")
        box = page.locator(".md-search__input")
        box.click()
        box.fill("政务服务便民热线")
        box.press("End")
        page.locator(".md-search-result__item .officebook-kind").first.wait_for(timeout=15_000)
        # 12345政务服务便民热线 is an alias of a glossary term: the term's entry may come first, the duty next
        first = page.locator(".md-search-result__item", has=page.locator(".officebook-kind", has_text="职责")).first
        assert page.locator(".md-search-result__item").first.locator(".officebook-kind").inner_text() in ("职责", "术语")
        snippet = first.locator(".md-search-result__article p").first.inner_text().replace("\u200b", "")
        summary = manual.duties["hotline-12345"].summary.get("zh")
        assert snippet.startswith(summary[:12]), snippet
        for metadata in ("修订岗位", "下次复核日期", "编号", "依据"):
            assert metadata not in first.inner_text()
        kinds = page.locator(".md-search-result__item .officebook-kind").all_inner_texts()
        assert set(kinds) <= {"职能", "职责", "流程", "标准", "岗位", "术语", "职责分工表"}  # no onboarding copies
        shot(page, "search-zh-kinds")
    finally:
        web.close()


def test_a_word_is_never_found_by_one_of_its_characters_alone(site, search):
    """签报 finds the pages that hold 签报, or nothing: never the pages that merely have 报."""
    root, _ = site
    queries = ["签报", "报签", "会纪"]
    results = search("zh", queries)
    for query in queries:
        found = _found_pages(results[query])
        assert found <= _pages_holding(root, query) | {"glossary/"}, (query, sorted(found)[:5])


def test_a_glossary_alias_finds_the_term_first(manual, search):
    aliased = [(term, alias.get("zh")) for term in manual.glossary for alias in term.aliases]
    assert aliased, "the default manual's glossary has aliases"
    anchors = term_anchors(manual)
    results = search("zh", [alias for _, alias in aliased])
    for term, alias in aliased:
        anchor = anchors[manual.glossary.index(term)]
        assert _glossary_rank(results[alias], anchor) in (0, 1, 2), (alias, term.term.get("zh"), results[alias][:3])


def test_offline_and_online_sites_search_the_same_index(offline_site):
    root = offline_site
    inline = (root / "search" / "search_index.js").read_text(encoding="utf-8")
    assert inline == "var __index = " + (root / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"keys":' in inline
    assert "onboarding/" not in {doc.split('"')[0] for doc in inline.split('"location":"')[1:]}  # copies left out


LABEL_QUERIES = {"zh": ["会议纪要", "说明", "值班", "流程图", "分工", "印章", "每日清单", "引用本条目"],
                 "en": ["meeting", "description", "duty", "flowchart", "seal"]}


def _check_labels(page, root: Path, lang: str, page_file) -> int:
    """Every result shown is labelled with the title of the page it opens; returns the results seen."""
    seen = 0
    for query in LABEL_QUERIES[lang]:
        for result in _typed(page, query):
            assert result["label"] == _page_title(page_file(result["page"])), (query, result["page"], result["label"])
            seen += 1
    return seen


def test_every_result_is_labelled_with_its_pages_own_title(browser, site):
    """A section's result (说明, 分工, 每日清单 ...) sits under the title of its own page: never a bare
    heading, never another page's name; on the Chinese and the English site."""
    root, url = site
    web = Watched(browser, url)
    try:
        for lang in ("zh", "en"):
            web.page.goto(f"{url}/" if lang == "zh" else f"{url}/{lang}/")
            assert _check_labels(web.page, root, lang, lambda path: root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))) > 30
        shot(web.page, "search-labels-en")
    finally:
        web.close()


def test_offline_results_are_labelled_with_their_pages_own_titles(browser, offline_site):
    web = Watched(browser, "file://")
    try:
        web.page.goto((offline_site / "index.html").as_uri())
        assert _check_labels(web.page, offline_site, "zh", Path) > 30
    finally:
        web.close()


NOTE_QUERIES = ["会议纪要", "值班交接", "公文格式", "应急值守", "督查督办", "政务公开", "代拟稿", "市长热线"]


def test_the_missing_note_names_only_words_a_result_lacks(site, search_terms):
    """Material's "缺少: X" note: a segmented Chinese query (会议纪要 → 会议 纪要) marks a word missing
    exactly when the result's entry does not hold it: never 会议* on a result that holds 会议."""
    root, _ = site
    docs = {doc["location"]: doc for doc in json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]}
    results = search_terms(NOTE_QUERIES)
    lacking = 0
    for query in NOTE_QUERIES:
        assert results[query], query
        for location, terms in results[query]:
            text = _index_text(docs[location])
            for term, present in terms.items():
                assert "*" not in term and term in query, (query, term)
                assert present == (term in text), (query, location, term, present)
                lacking += not present
    assert lacking, "results that hold only some of the words say which they lack"


def test_no_result_shown_offline_is_said_to_lack_a_word_it_shows(browser, offline_site):
    web = Watched(browser, "file://")
    try:
        web.page.goto((offline_site / "index.html").as_uri())
        for query in NOTE_QUERIES[:4]:
            for result in _typed(web.page, query):
                for article in result["articles"]:
                    for term in article["missing"]:
                        assert "*" not in term and term not in article["text"], (query, result["page"], term)
        shot(web.page, "search-offline-notes-zh")
    finally:
        web.close()


def test_online_and_offline_readers_see_the_same_results(browser, site, offline_site):
    """Typed into the box as a reader does: the same count and the same pages in the same order,
    whether the site is served or opened from a folder (公文格式 gave 10 against 1, 代拟稿 20 against 2)."""
    root, url = site
    queries = ["公文格式", "代拟稿", "签报", "政务公开", "会议纪要", "值班"]
    seen: dict[str, list] = {}
    for where, address, prefix in (("online", f"{url}/", "/"), ("offline", (offline_site / "index.html").as_uri(),
                                                                  offline_site.as_posix() + "/")):
        web = Watched(browser, url if where == "online" else "file://")
        try:
            web.page.goto(address)
            for query in queries:
                if query == "签报":  # no page holds the word: nothing, online and offline alike
                    box = web.page.locator(".md-search__input")
                    box.fill(query)
                    box.press("End")
                    web.page.locator(".md-search-result__item").first.wait_for(state="detached", timeout=15_000)
                    web.page.wait_for_timeout(1500)
                    seen.setdefault(query, []).append(web.page.locator(".md-search-result__item").count())
                    continue
                results = _typed(web.page, query)
                count = web.page.locator(".md-search-result__meta").inner_text()
                # the same page: glossary/ served, glossary.html from the folder
                pages = [re.sub(r"(index)?\.html$", "", r["page"].removeprefix(prefix)).rstrip("/") for r in results]
                seen.setdefault(query, []).append((count, pages))
        finally:
            web.close()
    for query, (online, offline) in seen.items():
        assert online == offline, (query, online, offline)
