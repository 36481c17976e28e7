"""The site's search index, taught Chinese words.

MkDocs + Material write `search/search_index.json`: one entry per page section, its title and text
cut into words by jieba (Material's default mode, one segmentation), and the browser searches it
with lunr. One segmentation is not enough for Chinese: jieba cuts 市长热线 whole on one page and as
市长 / 热线 on another, and the browser (which segments the query by the words of the index) then
finds only the pages where the cut happened to match. `improve_search_index` rewrites the written
index so that whatever word a reader types finds every section that holds it:

- every word of the site's vocabulary (jieba's words anywhere in the site, their dictionary parts —
  jieba's search-engine mode —, item titles, glossary terms and tags) is added as a hidden term to
  every section whose text contains it, found with an Aho-Corasick automaton (pyahocorasick);
- full-width and compatibility forms are added in their NFKC form (Ⅲ级 → iii级, ＡＢＣ → abc), and
  the patched search worker normalises the query the same way;
- ids, `kind/id`, the titles and tags in the other languages, the glossary's other-language terms
  and its `aliases` are hidden title terms, so `duty-officer`, an English term or 政务公开 (an alias
  of 政府信息公开) finds the page or entry on the Chinese site;
- an offline site's inlined copy of the index (`search_index.js`) is rewritten too, so a site
  opened from a folder finds what the served one finds;
- the glossary's entries, the RACI matrix and the functions' pages are boosted, so the entry of a
  term ranks first and a query naming an area of work finds its function's page among the first;
- a page's tags stay on the page's own entry only: Material shows an entry's tags under it, and
  every section of a tagged page repeated them (and matched a tag query once per section);
- the item's facts (maintainer, review date, source, id) are not indexed as text (the templates mark
  them `data-search-exclude`), so a result's snippet is its summary.

Hidden terms go in two extra index fields, `keys` (weighted like the title) and `words` (like the
text); Material indexes every field the index's configuration lists and shows only its own.
If the file is missing or not shaped as Material writes it (another engine), nothing is changed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from officebook.model import Manual, Ref, Text
from officebook.tempfiles import replace_file
from officebook.vocabulary.automaton import word_automaton
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.labels import label

SEPARATOR = (r"[\s\u200b\u3000\-、。，．？！；：（）《》〈〉「」『』【】〔〕“”‘’·…—/\\,;:!?()\[\]{}<>\"|]+")
"""Word separators of the search index (the browser splits texts and queries on them): Material's
Chinese separators plus full-width brackets, quotes and colons, so `（Ⅲ级）` yields `Ⅲ` and `级`."""

SEARCH_FIELDS = {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000.0}}
"""Material's fields with the tags weighed like the title (Material weighs them 1000 times more)."""

FIELDS = {"keys": {"boost": 1000.0}, "words": {"boost": 1.0}}
"""The hidden fields: `keys` weighs like a title, `words` like the text."""

GLOSSARY_BOOST = 8.0
"""Glossary entries are sections; Material ranks whole pages up to five times higher than sections,
so a term's own entry needs this to come first."""
RACI_BOOST = 2.0
FUNCTION_BOOST = 2.0
"""A function's page is the overview of an area of work: a query naming the area (督查) lands on it
before the many posts, duties and standards that merely share the word."""

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_TAG = re.compile(r"<[^>]*>")
_SPLIT = re.compile(SEPARATOR)
_MIXED = re.compile(f"[{_HAN}]+|[^{_HAN}]+")


@dataclass(frozen=True)
class SearchIndexStats:
    entries: int
    vocabulary: int
    added_terms: int


def search_pipeline(lang: str) -> dict:
    """The search plugin's `pipeline` for a language, where Material's default is wrong: for Chinese
    it keeps lunr's English stemmer without its trimmer, and then no Latin word (an id, an English
    term, RACI) is ever found on the Chinese site."""
    return {"pipeline": ["stopWordFilter"]} if lang.lower().split("-")[0] == "zh" else {}


def _plain(html: str) -> str:
    return _TAG.sub(" ", html).replace("\u200b", "")


def _tokens(html: str) -> list[str]:
    """The words the browser sees in an indexed text (Material's cut, our separators), lower-cased."""
    return [t.lower() for t in _SPLIT.split(_TAG.sub(" ", html)) if t]


def _texts(value: Text | str | None, languages: Iterable[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [value.values[lang] for lang in languages if lang in value.values]


def _dictionary_parts(word: str, frequencies: dict) -> list[str]:
    """The dictionary words inside a longer word (what jieba's search-engine mode adds)."""
    return [word[i:j] for i in range(len(word)) for j in range(i + 2, min(len(word), i + 5) + 1)
            if (i, j) != (0, len(word)) and frequencies.get(word[i:j])]


def _jieba_frequencies() -> dict:
    try:
        import jieba
    except ImportError:
        return {}
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def _normalised(text: str) -> list[str]:
    """Extra words for compatibility forms and script boundaries: `（Ⅲ级）` → iii, iii级; `30分钟` →
    30分钟; full-width letters and digits in their ASCII form."""
    found: list[str] = []
    for chunk in _SPLIT.split(text):
        if not chunk:
            continue
        normal = unicodedata.normalize("NFKC", chunk).lower()
        runs = [r for r in _SPLIT.split(normal) if r]
        for run in runs:
            parts = _MIXED.findall(run)
            if len(parts) > 1:  # Latin or digits next to Han: glue each non-Han run to its neighbours
                for i, part in enumerate(parts):
                    if _HAN_CHAR.match(part) or not part.isalnum():
                        continue
                    found.append(part)
                    if i > 0:
                        found.append(parts[i - 1][-2:] + part)
                    if i + 1 < len(parts):
                        found.append(part + parts[i + 1][:2])
                        found.append(part + parts[i + 1][:1])
            elif normal != chunk.lower():
                found.append(run)
    return found


def _page_of(location: str) -> tuple[str, str]:
    """(page key, anchor): `duties/x/#raci` → (`duties/x`, `raci`); `raci.html` → (`raci`, ``)."""
    path, _, fragment = location.partition("#")
    path = re.sub(r"(^|/)index\.html$", "", path)
    path = re.sub(r"\.html$", "", path).strip("/")
    return path, fragment


class _Keys:
    """The hidden title terms of each page of one language's site."""

    def __init__(self, manual: Manual, lang: str) -> None:
        self.manual = manual
        self.lang = lang
        self.others = [code for code in manual.info.languages if code != lang]

    def of(self, page: str, fragment: str, term_index: dict[str, int]) -> list[str]:
        parts = page.split("/")
        keys: list[str] = []
        if len(parts) == 2 and parts[0] in ITEM_KINDS and not fragment:
            item = self.manual.item(Ref(parts[0], parts[1]))
            if item is not None:
                # the id three times: `duty-officer` is searched as duty* officer*, and the entry with
                # that id must outrank those that merely have both words somewhere
                keys += [item.id, item.id, f"{item.kind}/{item.id}"]
                keys += _texts(item.title, self.others)
                for tag in item.tags:
                    keys += _texts(tag, self.manual.info.languages)
        elif page == "raci" and not fragment:
            keys += ["RACI", *(label("raci", other) for other in self.others)]
        elif page == "glossary" and fragment in term_index:
            term = self.manual.glossary[term_index[fragment]]
            keys += [term.term.get(self.lang), *_texts(term.term, self.others)]
            for alias in term.aliases:  # other names of the term find its entry as the term does
                keys += _texts(alias, self.manual.info.languages)
        return keys


def _vocabulary(docs: list[dict], manual: Manual, lang: str) -> set[str]:
    """Every Chinese word worth finding: jieba's words in the index, their dictionary parts, and the
    titles, terms and tags of the manual."""
    frequencies = _jieba_frequencies()
    words: set[str] = set()
    for doc in docs:
        for name in ("title", "text"):
            for token in _tokens(doc.get(name) or ""):
                if len(token) > 1 and _HAN_RUN.fullmatch(token):
                    words.add(token)
    named: list[str] = [term.term.get(lang) for term in manual.glossary]
    named += [alias.get(lang) for term in manual.glossary for alias in term.aliases]
    for kind in ITEM_KINDS:
        for item in manual.kind(kind).values():
            named.append(item.title.get(lang))
            named += [tag.get(lang) if isinstance(tag, Text) else tag for tag in item.tags]
    for text in named:
        words.update(run for run in _HAN_RUN.findall(text) if len(run) > 1)
    for word in [w for w in words if len(w) > 2]:
        words.update(_dictionary_parts(word, frequencies))
    return words


def _contained(automaton, text: str, known: set[str]) -> list[str]:
    """Vocabulary words in `text` that its indexed words do not already have, in order, once each."""
    found: dict[str, None] = {}
    if len(automaton) == 0:
        return []
    for run in _HAN_RUN.findall(text):
        if len(run) < 2:
            continue
        for _, word in automaton.iter(run):
            if word not in known:
                found.setdefault(word, None)
    return list(found)


def improve_search_index(site_dir: Path, manual: Manual, lang: str, term_anchors: Sequence[str]) -> SearchIndexStats | None:
    """Rewrite the search index of one language's built site (see the module's docstring); None when
    there is no index shaped as Material writes it."""
    path = Path(site_dir) / "search" / "search_index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stats = improve_search_data(data, manual, lang, term_anchors)
    if stats is not None:
        write_search_index(path, data)
    return stats


def write_search_index(path: Path, data: dict) -> None:
    """The index, replaced whole (a page loading it never reads half a file), and its inlined copy."""
    written = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    replace_file(path, written.encode("utf-8"))
    inline = path.with_name("search_index.js")
    if inline.is_file():  # an offline site reads the index inlined by Material's offline plugin: the same one
        replace_file(inline, f"var __index = {written}".encode())


def improve_search_data(data: dict, manual: Manual, lang: str, term_anchors: Sequence[str]) -> SearchIndexStats | None:
    """officebook's words added to a search index as Material makes it (`data`, changed in place);
    None when `data` is not shaped so."""
    docs, config = data.get("docs"), data.get("config")
    if not isinstance(docs, list) or not isinstance(config, dict) or not isinstance(config.get("fields"), dict):
        return None
    words = _vocabulary(docs, manual, lang)
    automaton = word_automaton(words)
    keys = _Keys(manual, lang)
    term_index = {anchor: i for i, anchor in enumerate(term_anchors)}
    added = 0
    for doc in docs:
        title, text = doc.get("title") or "", doc.get("text") or ""
        title_known, text_known = set(_tokens(title)), set(_tokens(text))
        page, fragment = _page_of(str(doc.get("location", "")))
        title_plain, text_plain = _plain(title), _plain(text)
        hidden_keys = _contained(automaton, title_plain, title_known)
        hidden_keys += [k.lower() for k in _normalised(title_plain)]
        for key in keys.of(page, fragment, term_index):
            hidden_keys.append(key)
            hidden_keys += _contained(automaton, key, set())
            hidden_keys += _normalised(key)
        hidden_words = _contained(automaton, text_plain, text_known | set(hidden_keys))
        hidden_words += [w for w in _normalised(text_plain) if w not in text_known]
        hidden_keys = [k for k in hidden_keys if k]
        hidden_words = list(dict.fromkeys(w for w in hidden_words if w))
        if fragment:  # a page's tags are the page's: shown and matched once, not again under each section
            doc.pop("tags", None)
        if hidden_keys:
            doc["keys"] = " ".join(hidden_keys)
        if hidden_words:
            doc["words"] = " ".join(hidden_words)
        added += len(hidden_keys) + len(hidden_words)
        if page == "glossary" and fragment in term_index:
            doc["boost"] = max(float(doc.get("boost", 1)), GLOSSARY_BOOST)
        elif page == "raci" and not fragment:
            doc["boost"] = max(float(doc.get("boost", 1)), RACI_BOOST)
        elif page.startswith("functions/") and page.count("/") == 1 and not fragment:
            doc["boost"] = max(float(doc.get("boost", 1)), FUNCTION_BOOST)
    for name, options in FIELDS.items():
        config["fields"].setdefault(name, options)
    return SearchIndexStats(len(docs), len(words), added)
