"""What a newcomer to a post is handed on day one, derived from the content: the posts they work with
most, the time limits they keep, the forms they use and the terms they will meet.

`link` stores the language-independent parts in each post's `OnboardingView`; `terms_used` depends on
the language and is computed on demand. The web onboarding page and the printed booklet both read these,
so they never disagree.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator, Mapping

from officebook.model import Duty, Manual, PartnerView, Procedure, Ref, Standard, Text, TimeLimit
from officebook.vocabulary.automaton import word_automaton
from officebook.vocabulary.textlinks import asset_target, find_links

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def work_partners(post: str, duties: list[Duty], procedures: Mapping[str, Procedure],
                  post_order: tuple[str, ...]) -> tuple[PartnerView, ...]:
    """The posts `post` works with: those with a role on its duties, and the actors just before and
    after its steps; most shared work first, then in reporting order."""
    shared_duties: dict[str, list[str]] = defaultdict(list)
    for duty in duties:
        for other in duty.raci.members:
            if other != post and duty.id not in shared_duties[other]:
                shared_duties[other].append(duty.id)
    handoffs: dict[str, list[str]] = defaultdict(list)
    for procedure in procedures.values():
        if all(step.actor != post for step in procedure.steps):
            continue
        previous: dict[str, list[str]] = defaultdict(list)
        for step in procedure.steps:
            for following in step.next:
                previous[following].append(step.id)
        for step in procedure.steps:
            if step.actor != post:
                continue
            neighbours = [procedure.step(s) for s in (*previous[step.id], *step.next)]
            for neighbour in neighbours:
                other = neighbour.actor if neighbour else None
                if other and other != post and procedure.id not in handoffs[other]:
                    handoffs[other].append(procedure.id)
    rank = {p: i for i, p in enumerate(post_order)}
    partners = set(shared_duties) | set(handoffs)
    ordered = sorted(partners, key=lambda p: (-(len(shared_duties[p]) + len(handoffs[p])), rank.get(p, len(rank)), p))
    return tuple(PartnerView(post=p, duties=tuple(shared_duties[p]), procedures=tuple(handoffs[p])) for p in ordered)


def time_limits(post: str, procedures: list[Procedure], standards: list[Standard]) -> tuple[TimeLimit, ...]:
    """Every time limit the post keeps: its own steps', the procedures' it takes part in, and the
    time-limit standards that apply to it (their statement), in that order."""
    rows: list[TimeLimit] = []
    for procedure in procedures:
        if procedure.time_limit:
            rows.append(TimeLimit(limit=procedure.time_limit, what=procedure.title, source=procedure.ref))
        for step in procedure.steps:
            if step.actor == post and step.time_limit:
                rows.append(TimeLimit(limit=step.time_limit, what=step.name, source=procedure.ref, step=step.id))
    for standard in standards:
        if standard.category == "time-limit" and standard.statement:
            rows.append(TimeLimit(limit=standard.statement, what=standard.title, source=standard.ref))
    return tuple(rows)


def forms_used(items: list[object]) -> tuple[str, ...]:
    """The asset files (not images) that the texts of `items` link to, in first-use order."""
    found: dict[str, None] = {}
    for item in items:
        found.update(dict.fromkeys(_forms_of(item)))
    return tuple(found)


_FORMS: dict[int, tuple[object, tuple[str, ...]]] = {}
"""Each item's forms, by the item object (items are frozen): a procedure is walked once, not once
for every post that takes part in it (the walk was most of `link` at 1,000 items)."""


def _forms_of(item: object) -> tuple[str, ...]:
    cached = _FORMS.get(id(item))
    if cached is not None and cached[0] is item:
        return cached[1]
    found: dict[str, None] = {}
    for text in texts_of(item):
        for link in find_links(text):
            asset = asset_target(link.target)
            if asset and not link.image and not asset.lower().endswith(IMAGE_SUFFIXES):
                found.setdefault(asset)
    if len(_FORMS) > 100_000:  # items of manuals checked before: let them go
        _FORMS.clear()
    _FORMS[id(item)] = (item, tuple(found))
    return tuple(found)


def texts_of(value: object, lang: str | None = None) -> Iterator[str]:
    """Every text of an item (steps, tasks and onboarding lists included): in `lang`, or every
    language when `lang` is None."""
    if isinstance(value, Text):
        if lang is None:
            yield from value.values.values()
        else:
            yield value.get(lang)
    elif isinstance(value, tuple):
        for entry in value:
            yield from texts_of(entry, lang)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from texts_of(getattr(value, field.name), lang)


# ---- the glossary terms a post's work uses --------------------------------------------------------


def work_refs(manual: Manual, post: str) -> list[Ref]:
    """The post and everything its onboarding reference lists: duties, procedures, standards."""
    view = manual.onboarding[post]
    return [
        Ref("posts", post),
        *(Ref("duties", d) for d in view.duties),
        *(Ref("procedures", p) for p in view.procedures),
        *(Ref("standards", s) for s in view.standards),
    ]


def terms_used(manual: Manual, post: str, lang: str) -> list[int]:
    """Positions in the glossary of the terms that the post's pages use: the term appears in their
    texts (in `lang`), or the term's `see` names one of them."""
    refs = work_refs(manual, post)
    corpus = "\n".join(text for ref in refs for text in texts_of(manual.item(ref), lang)).casefold()
    named = set(refs)
    words = [term.term.get(lang).strip().casefold() for term in manual.glossary]
    mentioned = _mentioned(corpus, {word for word in words if word})
    return [position for position, (term, word) in enumerate(zip(manual.glossary, words, strict=True))
            if word in mentioned or any(ref in named for ref in term.see)]


def _mentioned(corpus: str, words: set[str]) -> set[str]:
    """The `words` in `corpus`: whole words for Latin-script ones ("file" is not in "profile"),
    substrings for Chinese. One pass of an Aho-Corasick automaton (pyahocorasick) over the corpus: a
    regular expression per term, starting with a look-behind, stepped through the corpus a character
    at a time (25 s for 300 English terms and the 50 posts of a 1,000-item manual)."""
    if not words:
        return set()
    automaton = word_automaton(words)
    found: set[str] = set()
    for end, word in automaton.iter(corpus):
        if word in found:
            continue
        start = end - len(word) + 1
        if word.isascii() and (_word_character(corpus[start - 1:start]) or _word_character(corpus[end + 1:end + 2])):
            continue
        found.add(word)
    return found


def _word_character(character: str) -> bool:
    """What `\\w` matches (a letter, digit or underscore), and the hyphen: a term beside one is part of a longer word."""
    return character.isalnum() or character in ("_", "-")
