"""Finding many words in a text at once: the search index's hidden words, the glossary terms a post's
texts use."""

from __future__ import annotations

from collections.abc import Iterable


def word_automaton(words: Iterable[str]):
    """An Aho-Corasick automaton (pyahocorasick) over `words`, each its own value: `automaton.iter(text)`
    yields `(end, word)` for every place a word occurs, in one pass over the text. Empty (nothing to
    iterate) when there are no words."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in sorted(words):
        automaton.add_word(word, word)
    if len(automaton):
        automaton.make_automaton()
    return automaton
