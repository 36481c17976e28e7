"""A post's booklet: the parts it has (each numbered, none written to find out whether it exists),
the entries of each part with their numbers, its checklist cards and its paper forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from officebook.model import FREQUENCIES, CaseSheet, ChecklistEntry, Manual, Ref, WorkList
from officebook.outline.dates import date_text
from officebook.outline.numbering import Numbering, numbering_for
from officebook.outline.steps import StepRow, step_rows
from officebook.vocabulary.labels import label


@dataclass(frozen=True)
class BookletPart:
    key: str  # its label key, and its anchor `part-<key>`
    number: str
    title: str
    entries: tuple[Ref, ...] = ()  # the items it lists, each under a numbered heading

    @property
    def anchor(self) -> str:
        return f"part-{self.key}"


@dataclass(frozen=True)
class ChecklistCard:
    """One titled list of tick boxes: a frequency's list, the procedure steps, or the criteria."""

    key: str  # daily, weekly, ..., steps, criteria
    title: str
    entries: tuple[ChecklistEntry, ...]


# The paper form of each periodic list: a sheet for a whole period, a column per day, week, month ...
SHEET_OF_FREQUENCY = {"daily": "month", "weekly": "quarter", "monthly": "year", "quarterly": "year",
                      "annually": "years", "as-needed": "occasions", "on-event": "occasions"}
OCCASION_COLUMNS = 8  # occasions on one sheet
YEAR_COLUMNS = 5  # years on the sheet of an annual list


@dataclass(frozen=True)
class PaperForm:
    """One page of a post's booklet to fill in by hand: a periodic or occasion list as a grid (a row
    per line, a column per day, week, month, quarter, year or occasion), or a case sheet."""

    key: str  # the list's frequency, or case-<procedure>
    sheet: str  # month, quarter, year, years, occasions, case
    columns: tuple[str, ...] = ()  # the grid's column headings
    work: WorkList | None = None
    case: CaseSheet | None = None

    @property
    def landscape(self) -> bool:
        return len(self.columns) > 16


@dataclass(frozen=True)
class BookletOutline:
    lang: str
    post: str
    numbering: Numbering
    parts: tuple[BookletPart, ...]
    entry_numbers: Mapping[Ref, str]  # an entry's number under its part's heading
    effective: str  # the edition's date as the language writes it
    cards: tuple[ChecklistCard, ...]
    forms: tuple[PaperForm, ...]
    steps: Mapping[str, tuple[StepRow, ...]]  # the post's procedures' step rows, its own marked

    def part(self, key: str) -> BookletPart | None:
        return next((part for part in self.parts if part.key == key), None)

    def part_heading(self, part: BookletPart) -> str:
        return self.numbering.heading(part.number, part.title)

    def entry_heading(self, ref: Ref, title: str) -> str:
        return self.numbering.heading(self.entry_numbers.get(ref, ""), title)


def booklet_outline(manual: Manual, post: str, lang: str) -> BookletOutline:
    numbering = numbering_for(lang)
    view = manual.onboarding[post]
    cards = checklist_cards(manual, post, lang)
    candidates = (
        ("post-at-a-glance", True, ()),
        ("signoff", bool(view.first_day or view.first_week or view.first_month), ()),
        ("post-duties", bool(view.duties), tuple(Ref("duties", d) for d in view.duties)),
        ("procedures-taken-part", bool(view.procedures), tuple(Ref("procedures", p) for p in view.procedures)),
        ("standards-applying", bool(view.standards), tuple(Ref("standards", s) for s in view.standards)),
        ("booklet-reference", True, ()),
        ("checklists", bool(cards), ()),
    )
    parts = []
    numbers: dict[Ref, str] = {}
    for key, present, entries in candidates:
        if not present:
            continue
        number = len(parts) + 1
        for position, ref in enumerate(entries, start=1):
            numbers[ref] = numbering.entry(number, position)
        parts.append(BookletPart(key, numbering.chapter(number), label(key, lang), entries))
    return BookletOutline(
        lang=lang, post=post, numbering=numbering, parts=tuple(parts), entry_numbers=numbers,
        effective=date_text(manual.info.effective, lang), cards=cards, forms=paper_forms(manual, post, lang),
        steps={p: step_rows(manual.procedures[p], post) for p in view.procedures})


def checklist_cards(manual: Manual, post: str, lang: str) -> tuple[ChecklistCard, ...]:
    """A post's checklists as cards: one per frequency, then procedure steps, then criteria."""
    lists = manual.checklists[post]
    cards = [ChecklistCard(f, label("card-title", lang, list=label(f, lang)), lists.by_frequency[f])
             for f in FREQUENCIES if lists.by_frequency.get(f)]
    if lists.steps:
        cards.append(ChecklistCard("steps", label("checklist-steps", lang), lists.steps))
    if lists.criteria:
        cards.append(ChecklistCard("criteria", label("checklist-criteria", lang), lists.criteria))
    return tuple(cards)


def paper_forms(manual: Manual, post: str, lang: str) -> tuple[PaperForm, ...]:
    """A post's booklet forms: its periodic and occasion lists as period sheets, then its case sheets."""
    lists = manual.checklists[post]
    forms = []
    for work in lists.lists:
        sheet = SHEET_OF_FREQUENCY[work.frequency]
        if sheet == "month":
            columns = tuple(str(day) for day in range(1, 32))
        elif sheet == "quarter":
            columns = tuple(str(week) for week in range(1, 14))
        elif sheet == "year" and work.frequency == "monthly":
            columns = tuple(label("month-short", lang, number=m) for m in range(1, 13))
        elif sheet == "year":
            columns = tuple(label("quarter-short", lang, number=q) for q in range(1, 5))
        elif sheet == "years":
            columns = ("",) * YEAR_COLUMNS
        else:
            columns = tuple(str(n) for n in range(1, OCCASION_COLUMNS + 1))
        forms.append(PaperForm(key=work.frequency, sheet=sheet, columns=columns, work=work))
    forms += [PaperForm(key=f"case-{case.procedure}", sheet="case", case=case) for case in lists.cases]
    return tuple(forms)
