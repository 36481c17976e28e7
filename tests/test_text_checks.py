"""The shortcut that skips the text checks for an ordinary text (validate/meaning.py) skips only texts
in which the full checks find nothing."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from officebook.load import LoadedFile, LoadLimits
from officebook.validate.content import Content
from officebook.validate.meaning import _nothing_to_check
from officebook.validate.texts import check_links, check_text, check_urls

LANGUAGES = ("zh", "en")
PIECES = ["办理", "text ", "TODO", " TODO x", "[a](duties/x)", "[b]: assets/y.png", "<b>", "<", "](", "]:", "\n", "#"]


TEXTS = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)


@settings(max_examples=300, deadline=None)  # enough to meet each piece in each language
@given(st.fixed_dictionaries({"zh": TEXTS, "en": TEXTS}) | st.dictionaries(st.sampled_from(["zh", "en", "fr"]), TEXTS))
def test_a_text_left_unchecked_has_nothing_the_checks_would_find(value):
    if not _nothing_to_check(value, frozenset(LANGUAGES)):
        return
    loaded = LoadedFile("duties/x.yaml", Path("duties/x.yaml"), {"description": value}, [], LoadLimits())
    content = Content(languages=LANGUAGES)
    path = ("description",)
    assert check_text(loaded, path, value, content) == []
    assert check_links(loaded, path, value, content) == []
    assert check_urls(loaded, path, value, allow_html=False) == []


def test_the_shortcut_takes_ordinary_texts_only():
    languages = frozenset(LANGUAGES)
    assert _nothing_to_check({"zh": "办理", "en": "handle"}, languages)
    assert not _nothing_to_check({"zh": "办理"}, languages)  # a translation missing: reported
    assert not _nothing_to_check({"zh": "TODO", "en": "x"}, languages)
    assert not _nothing_to_check({"zh": "见[收文](procedures/x)", "en": "x"}, languages)
    assert not _nothing_to_check("办理", languages)
