"""The handbook's outline: its chapters and entries with their numbers, the numbers other entries
refer to them by, the document control, the RACI tables and every procedure's step rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from officebook.model import Item, Manual, Ref, Text
from officebook.outline.dates import cover_date, date_text
from officebook.outline.numbering import Numbering, numbering_for
from officebook.outline.raci import RaciTable, function_matrices, raci_landscape, raci_tables
from officebook.outline.steps import StepRow, step_rows
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.labels import LABELS, label


def anchor(kind: str, item_id: str) -> str:
    """The id of an entry's heading, in every document."""
    return f"{kind}--{item_id}"


def step_anchor(procedure: str, step: str) -> str:
    return f"procedures--{procedure}--step-{step}"


@dataclass(frozen=True)
class Entry:
    ref: Ref
    number: str  # as its heading shows it: （二） or 3.2
    title: Text
    anchor: str


@dataclass(frozen=True)
class Chapter:
    key: str  # introduction, functions, duties, procedures, standards, posts, raci, glossary
    number: str  # "" for the unnumbered introduction
    title: str
    anchor: str
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class MaintainerRow:
    post: str
    count: int
    next_review: str  # as the language writes the date; "" without one


@dataclass(frozen=True)
class DocumentControl:
    edition: str
    effective: str  # written out, "" without a date
    cover_date: str  # the month on an official cover
    language: str  # the language's name in itself
    counts: str  # `Functions 4、Duties 40 …`
    maintainers: tuple[MaintainerRow, ...]


@dataclass(frozen=True)
class HandbookOutline:
    lang: str
    numbering: Numbering
    chapters: tuple[Chapter, ...]
    heading_numbers: Mapping[Ref, str]  # an entry's number in its heading and the contents
    reference_numbers: Mapping[Ref, str]  # an entry's number where another refers to it
    control: DocumentControl
    raci_tables: tuple[RaciTable, ...]
    raci_landscape: bool
    steps: Mapping[str, tuple[StepRow, ...]]  # procedure id -> its step rows

    def heading_number(self, ref: Ref) -> str:
        return self.heading_numbers.get(ref, "")

    def reference_number(self, ref: Ref) -> str:
        return self.reference_numbers.get(ref, "")

    def chapter_heading(self, chapter: Chapter) -> str:
        return self.numbering.heading(chapter.number, chapter.title)


def handbook_outline(manual: Manual, lang: str) -> HandbookOutline:
    numbering = numbering_for(lang)
    chapters: list[Chapter] = []
    headings: dict[Ref, str] = {}
    references: dict[Ref, str] = {}
    if manual.info.introduction:
        chapters.append(Chapter("introduction", "", label("introduction", lang), "chapter-introduction"))
    number = 0
    for kind in ITEM_KINDS:
        items = manual.kind(kind)
        if not items:
            continue
        number += 1
        entries = []
        for position, item in enumerate(items.values(), start=1):
            headings[item.ref] = numbering.entry(number, position)
            references[item.ref] = numbering.reference(number, position)
            entries.append(Entry(item.ref, headings[item.ref], item.title, anchor(kind, item.id)))
        chapters.append(Chapter(kind, numbering.chapter(number), label(kind, lang), f"chapter-{kind}", tuple(entries)))
    for key, present in (("raci", bool(manual.raci.duties and manual.raci.posts)), ("glossary", bool(manual.glossary))):
        if present:
            number += 1
            chapters.append(Chapter(key, numbering.chapter(number), label(key, lang), f"chapter-{key}"))
    matrices = function_matrices(manual, lang)
    landscape = raci_landscape(matrices)
    return HandbookOutline(
        lang=lang, numbering=numbering, chapters=tuple(chapters), heading_numbers=headings,
        reference_numbers=references, control=document_control(manual, lang),
        raci_tables=raci_tables(matrices, landscape), raci_landscape=landscape,
        steps={procedure.id: step_rows(procedure) for procedure in manual.procedures.values()},
    )


def referring(manual: Manual, kind: str, item_id: str, source_kind: str) -> tuple[str, ...]:
    """Ids of the `source_kind` items that refer to an item, each once, in order of reference (the
    duties a procedure carries out, the procedures a standard applies to …)."""
    seen: dict[str, None] = {}
    for backref in manual.referrers(Ref(kind, item_id)):
        if backref.source and backref.source.kind == source_kind:
            seen.setdefault(backref.source.id, None)
    return tuple(seen)


def document_control(manual: Manual, lang: str) -> DocumentControl:
    info = manual.info
    parts = [f"{label(kind, lang)} {len(manual.kind(kind))}" for kind in ITEM_KINDS]
    if manual.glossary:
        parts.append(f"{label('glossary', lang)} {len(manual.glossary)}")
    return DocumentControl(
        edition=info.edition, effective=date_text(info.effective, lang), cover_date=cover_date(info.effective, lang),
        language=LABELS.get(lang, {}).get("language-name", lang), counts=label("list-separator", lang).join(parts),
        maintainers=maintainers(manual, lang))


def maintainers(manual: Manual, lang: str) -> tuple[MaintainerRow, ...]:
    """Per maintaining post, in reporting order: how many entries it keeps and the next review."""
    kept: dict[str, list[Item]] = {}
    for kind in ITEM_KINDS:
        for item in manual.kind(kind).values():
            if item.maintainer:
                kept.setdefault(item.maintainer, []).append(item)
    order = {post: i for i, post in enumerate(manual.post_order)}
    return tuple(
        MaintainerRow(post, len(items), date_text(min((i.review_by for i in items if i.review_by), default=None), lang))
        for post, items in sorted(kept.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0])))
