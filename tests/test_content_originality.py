"""The default manual is written in our own words (issue #3).

Facts may be carried over from the source documents in ``shared/seeds``; sentences may not.
Every text in ``content/`` is compared with every seed:

- a Chinese text must not share a run of ``ZH_RUN`` consecutive characters with any seed.
  Whitespace is ignored, full- and half-width forms are folded (NFKC), and the comparison is made
  twice: once on the characters as written, and once with punctuation and Markdown marks dropped,
  so that changing only the commas, the quotation marks or the bold face does not make a copied
  sentence pass;
- an English text must not share a run of ``EN_RUN`` consecutive words with any seed, words being
  lower-cased runs of letters (everything else separates words).

On top of that, the issue #28 bound holds with no exception at all: no run of ``ZH_ANY`` Chinese
characters or ``EN_ANY`` English words is shared with a seed anywhere — sources, names and the text of
the printable forms under ``content/assets/forms/`` included.

Short fixed names of things — a list of the four functions, the name of a rule — are not
sentences; the few that are long enough to trip the check are listed in ``NAMES`` and blanked out
before comparing.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

# shared/ sits next to the repository (or next to the folder of worktrees that holds it)
SEEDS = next((parent / "shared" / "seeds" for parent in Path(__file__).resolve().parents[1:4]
              if (parent / "shared" / "seeds").is_dir()), Path(__file__).resolve().parents[2] / "shared" / "seeds")
CONTENT = ROOT / "content"

ZH_RUN = 14
EN_RUN = 9
ZH_ANY = 20  # no exception, nowhere
EN_ANY = 12

# Fixed names that may appear verbatim: they name things, they are not sentences.
NAMES = (
    "参谋助手、综合协调、督办督查、服务保障",
    "参谋助手综合协调督办督查服务保障",
    "参谋中心、指挥中心、信息中心、服务中心",
    "参谋中心指挥中心信息中心服务中心",
    # the title of a reference paper, cited by name
    "努力发挥四大职能　不断提高办公室工作水平",
    "努力发挥四大职能不断提高办公室工作水平",
)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[a-z]+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for name in NAMES:
        text = text.replace(unicodedata.normalize("NFKC", name), "\0")
    return text


def _zh_forms(text: str) -> tuple[str, str]:
    """The text without whitespace, and the text with only letters and digits."""
    text = _fold(text)
    raw = "".join(ch for ch in text if not ch.isspace())
    bare = "".join(ch if (ch.isalnum() or ch == "\0") else "" for ch in raw)
    return raw, bare


def _en_words(text: str) -> list[str]:
    return WORD.findall(_fold(text).lower())


def _runs(seq, n):
    for i in range(len(seq) - n + 1):
        run = seq[i:i + n]
        if "\0" not in run:
            yield i, run


def _zh_runs(text, n):
    """Runs of n characters holding at least one Chinese character."""
    return ((i, run) for i, run in _runs(text, n) if CJK.search(run))


def _copied(seq, runs, known, n):
    """The maximal stretches of seq covered by runs found in known, joined for display."""
    covered = [False] * len(seq)
    for i, run in runs:
        if (run if isinstance(run, str) else tuple(run)) in known:
            covered[i:i + n] = [True] * n
    spans, start = [], None
    for i, flag in enumerate(covered + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append(seq[start:i])
            start = None
    return spans


def _texts(node, where, lang=None):
    """Yield (where, language, string) for every string in a loaded YAML document.

    ``source`` is skipped: it cites the seeds (``seeds/003 (three principles)``), it is not prose.
    """
    if isinstance(node, str):
        yield where, lang or ("zh" if CJK.search(node) else "en"), node
    elif isinstance(node, dict):
        text_mapping = bool(node) and set(node) <= {"zh", "en"}
        for key, value in node.items():
            if key == "source" and not text_mapping:
                continue
            yield from _texts(value, f"{where}.{key}", key if text_mapping else lang)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}[{i}]", lang)


def _content_texts():
    for path in sorted(CONTENT.rglob("*.yaml")):
        rel = path.relative_to(ROOT).as_posix()
        with path.open(encoding="utf-8-sig") as f:
            yield from _texts(yaml.safe_load(f), rel)


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (shared/ must sit next to the repository)")
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
    if not texts:
        pytest.skip(f"no seed documents (*.txt) in {SEEDS}")
    zh_raw, zh_bare, en = set(), set(), set()
    for text in texts:
        raw, bare = _zh_forms(text)
        zh_raw.update(run for _, run in _zh_runs(raw, ZH_RUN))
        zh_bare.update(run for _, run in _zh_runs(bare, ZH_RUN))
        en.update(tuple(run) for _, run in _runs(_en_words(text), EN_RUN))
    return zh_raw, zh_bare, en


def test_content_has_texts_in_both_languages():
    langs = {lang for _, lang, _ in _content_texts()}
    assert langs == {"zh", "en"}


def test_no_chinese_sentence_is_copied_from_a_seed(seeds):
    zh_raw, zh_bare, _ = seeds
    copied = []
    for where, lang, text in _content_texts():
        if lang != "zh":
            continue
        raw, bare = _zh_forms(text)
        spans = _copied(raw, _zh_runs(raw, ZH_RUN), zh_raw, ZH_RUN)
        spans = spans or _copied(bare, _zh_runs(bare, ZH_RUN), zh_bare, ZH_RUN)
        if spans:
            copied.append(f"{where}: " + " / ".join(spans))
    assert not copied, f"{len(copied)} Chinese text(s) repeat a seed verbatim:\n" + "\n".join(copied)


def test_no_english_sentence_is_copied_from_a_seed(seeds):
    _, _, en = seeds
    copied = []
    for where, lang, text in _content_texts():
        if lang != "en":
            continue
        words = _en_words(text)
        spans = _copied(words, _runs(words, EN_RUN), en, EN_RUN)
        if spans:
            copied.append(f"{where}: " + " / ".join(" ".join(span) for span in spans))
    assert not copied, f"{len(copied)} English text(s) repeat a seed verbatim:\n" + "\n".join(copied)


def test_the_check_catches_copies_and_spares_names(seeds):
    """The comparison itself: a copied clause is caught even when re-punctuated; a name is not."""
    zh_raw, zh_bare, en = seeds
    copied = "**办公室处在沟通上下，联系各方的枢纽位置。**"
    raw, bare = _zh_forms(copied)
    assert _copied(bare, _zh_runs(bare, ZH_RUN), zh_bare, ZH_RUN)
    name = "四大职能：参谋助手、综合协调、督办督查、服务保障。"
    raw, bare = _zh_forms(name)
    assert not _copied(raw, _zh_runs(raw, ZH_RUN), zh_raw, ZH_RUN)
    assert not _copied(bare, _zh_runs(bare, ZH_RUN), zh_bare, ZH_RUN)
    words = _en_words("The office must base itself on the ever-changing new situation.")
    assert _copied(words, _runs(words, EN_RUN), en, EN_RUN)


def _form_texts():
    """(where, text) for every paragraph and cell of the printable forms."""
    from docx import Document
    from openpyxl import load_workbook

    for path in sorted((CONTENT / "assets").rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix == ".docx":
            document = Document(str(path))
            yield from ((rel, p.text) for p in document.paragraphs)
            yield from ((rel, c.text) for t in document.tables for row in t.rows for c in row.cells)
        elif path.suffix == ".xlsx":
            for sheet in load_workbook(path).worksheets:
                yield from ((rel, str(c.value)) for row in sheet.iter_rows() for c in row if c.value)


def _every_text():
    """Every string of content/, sources included, and of the forms, with nothing blanked out."""
    for path in sorted(CONTENT.rglob("*.yaml")):
        rel = path.relative_to(ROOT).as_posix()
        with path.open(encoding="utf-8-sig") as f:
            yield from _strings_anywhere(yaml.safe_load(f), rel)
    yield from _form_texts()


def _strings_anywhere(node, where):
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings_anywhere(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings_anywhere(value, f"{where}[{i}]")


def _raw(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def _words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


def _shared(seq, known, n):
    runs = ((i, seq[i:i + n]) for i in range(len(seq) - n + 1))
    return _copied(seq, ((i, r) for i, r in runs if not isinstance(r, str) or CJK.search(r)), known, n)


def test_no_run_of_20_characters_or_12_words_is_shared_with_a_seed_anywhere(seeds):
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
    zh_known, en_known = set(), set()
    for text in texts:
        raw, words = _raw(text), _words(text)
        zh_known.update(raw[i:i + ZH_ANY] for i in range(len(raw) - ZH_ANY + 1))
        en_known.update(tuple(words[i:i + EN_ANY]) for i in range(len(words) - EN_ANY + 1))
    found = []
    for where, text in _every_text():
        spans = _shared(_raw(text), zh_known, ZH_ANY)
        spans += [" ".join(span) for span in _shared(_words(text), en_known, EN_ANY)]
        if spans:
            found.append(f"{where}: " + " / ".join(spans))
    assert not found, f"{len(found)} text(s) share a long run with a seed:\n" + "\n".join(found)


def test_the_bound_catches_the_introductions_old_sentence(seeds):
    """The second pass's introduction, which hid behind the names list, is caught by the bound."""
    texts = [_raw(p.read_text(encoding="utf-8", errors="replace")) for p in sorted(SEEDS.glob("*.txt"))]
    known = {raw[i:i + ZH_ANY] for raw in texts for i in range(len(raw) - ZH_ANY + 1)}
    old = _raw("办公室主要发挥参谋助手、综合协调、督办督查、服务保障四大职能；")
    assert _shared(old, known, ZH_ANY)
