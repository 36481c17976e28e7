"""The per-post views `link` derives: standards that apply, checklists and the onboarding reference.

Each post's checklists and onboarding view are computed from a slice of the manual handed over as
arguments (the post's duties, the procedures it takes part in, the standards that apply to it ...),
never from the whole manual. `PostViews` keeps each view beside the slice it came from: when the
slice of the next link is equal (unchanged items are the same objects, so equality is mostly an
identity test), the view is reused. After a save in the editor only the posts the changed items
touch are derived again, and the result is the same as a fresh link's by construction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from officebook import newcomer
from officebook.model import (
    FREQUENCIES,
    OCCASIONAL,
    PERIODIC,
    CaseSheet,
    CaseStep,
    ChecklistEntry,
    CriteriaGroup,
    Duty,
    OnboardingView,
    Post,
    PostChecklists,
    Procedure,
    Standard,
    Text,
    WorkList,
)


class PostViews:
    """Views by (what, post), each with the slice it was derived from; what one link used is kept for the next."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], tuple[tuple, object]] = {}
        self.fresh: dict[tuple[str, str], tuple[tuple, object]] = {}
        self.derived = 0  # views computed (not reused) by the last link: for tests and profiling

    def view(self, what: str, post: str, derive: Callable[..., object], *inputs: object) -> object:
        kept = self.kept.get((what, post))
        if kept is not None and kept[0] == inputs:
            view = kept[1]
        else:
            view = derive(*inputs)
            self.derived += 1
        self.fresh[(what, post)] = (inputs, view)
        return view

    def start(self) -> None:
        self.fresh, self.derived = {}, 0

    def finish(self) -> None:
        self.kept, self.fresh = self.fresh, {}


def applicable_standards(posts: Mapping[str, Post], duties: Mapping[str, Duty], procedures: Mapping[str, Procedure],
                         standards: Mapping[str, Standard]) -> dict[str, tuple[str, ...]]:
    """Per the contract: named in applies_to.posts, or attached to the post's duties, owned procedures,
    performed steps, or applies_to.procedures naming a procedure it owns or acts in."""
    applies: dict[str, set[str]] = {p: set() for p in posts}

    def grant(post: str | None, standard_ids: Iterable[str]) -> None:
        if post in applies:
            applies[post].update(s for s in standard_ids if s in standards)

    for standard in standards.values():
        for post in standard.applies_to_posts:
            grant(post, [standard.id])
    for duty in duties.values():
        for post in {*duty.raci.responsible, duty.raci.accountable}:
            grant(post, duty.standards)
    involved: dict[str, set[str]] = defaultdict(set)  # procedure -> owner and actors
    for procedure in procedures.values():
        grant(procedure.owner, procedure.standards)
        if procedure.owner:
            involved[procedure.id].add(procedure.owner)
        for step in procedure.steps:
            grant(step.actor, step.standards)
            if step.actor:
                involved[procedure.id].add(step.actor)
    for standard in standards.values():
        for procedure in standard.applies_to_procedures:
            for post in involved.get(procedure, ()):
                grant(post, [standard.id])
    position = {sid: i for i, sid in enumerate(standards)}
    return {p: tuple(sorted(ids, key=position.__getitem__)) for p, ids in applies.items()}


class Involvement:
    """For each post: the duties it holds (R or A), the procedures it owns, acts in (not owning) and
    performs steps of, each in the manual's order; and which standards name each procedure."""

    def __init__(self, duties: Mapping[str, Duty], procedures: Mapping[str, Procedure],
                 standards: Mapping[str, Standard]) -> None:
        self.duties: dict[str, list[Duty]] = defaultdict(list)
        self.owned: dict[str, list[Procedure]] = defaultdict(list)
        self.acted: dict[str, list[Procedure]] = defaultdict(list)
        self.performs: dict[str, list[Procedure]] = defaultdict(list)  # a step of it is the post's
        self.governed_by: dict[str, list[str]] = defaultdict(list)  # procedure -> standards naming it
        for duty in duties.values():
            for post in dict.fromkeys((*duty.raci.responsible, duty.raci.accountable)):
                if post:
                    self.duties[post].append(duty)
        for procedure in procedures.values():
            if procedure.owner:
                self.owned[procedure.owner].append(procedure)
            actors = procedure.actors
            for actor in actors:
                self.performs[actor].append(procedure)
                if actor != procedure.owner:
                    self.acted[actor].append(procedure)
        for standard in standards.values():
            for pid in dict.fromkeys(standard.applies_to_procedures):
                self.governed_by[pid].append(standard.id)

    def cases(self, post: str, position: Mapping[str, int]) -> tuple[Procedure, ...]:
        """The procedures the post owns or acts in, in the manual's order."""
        return tuple(sorted((*self.owned[post], *self.acted[post]), key=lambda p: position[p.id]))


def post_views(post: str, posts: Mapping[str, Post], work: Involvement, standards: Mapping[str, Standard],
               applicable: tuple[str, ...], direct_reports: tuple[str, ...], post_order: tuple[str, ...],
               position: Mapping[str, int], memo: PostViews) -> tuple[PostChecklists, OnboardingView]:
    """A post's checklists and onboarding view, each derived from its slice (or reused from `memo`)."""
    holder = posts[post]
    duties = tuple(work.duties[post])
    cases = work.cases(post, position)
    applying = tuple(standards[s] for s in applicable)
    governed = tuple(tuple(work.governed_by.get(p.id, ())) for p in cases)
    checklists = memo.view("checklists", post, checklists_of, post, duties, cases, governed, applying)
    owned, acted = tuple(work.owned[post]), tuple(work.acted[post])
    onboarding = memo.view("onboarding", post, onboarding_of, holder, holder.reports_to in posts, duties, owned,
                           acted, tuple(work.performs[post]), applying, direct_reports, post_order)
    return checklists, onboarding


def checklists_of(post: str, duties: tuple[Duty, ...], cases: tuple[Procedure, ...],
                  governed: tuple[tuple[str, ...], ...], applying: tuple[Standard, ...]) -> PostChecklists:
    """A post's periodic and occasion lists, its case sheets, and where each standard's criteria show.
    `cases` are the procedures it owns or acts in (in order), `governed` the standards naming each,
    `applying` the standards that apply to the post."""
    standards = {s.id: s for s in applying}
    applicable = tuple(standards)
    criteria: dict[str, tuple[ChecklistEntry, ...]] = {}

    def criteria_of(sid: str) -> tuple[ChecklistEntry, ...]:
        if sid not in criteria:
            criteria[sid] = tuple(ChecklistEntry(key=f"criterion:{sid}/{i}", text=criterion, source=standards[sid].ref)
                                  for i, criterion in enumerate(standards[sid].criteria))
        return criteria[sid]

    def met_with_the_work(ids: Iterable[str]) -> tuple[str, ...]:
        """Standards without check (that apply to the post and have criteria), each once, in order."""
        return tuple(dict.fromkeys(s for s in ids if s in standards and not standards[s].check
                                   and standards[s].criteria))

    sheets = []
    for procedure, naming in zip(cases, governed, strict=True):
        pid = procedure.id
        own = {step.id for step in procedure.steps if step.actor == post}
        after_own = {target for step in procedure.steps if step.id in own for target in step.next}
        steps = tuple(CaseStep(step=step.id, number=step.number, actor=step.actor, own=step.id in own,
                               entry=ChecklistEntry(key=f"step:{pid}/{step.id}", text=step.name, source=procedure.ref,
                                                    detail=step.output, step=step.id),
                               adjacent=step.id not in own and (step.id in after_own or not own.isdisjoint(step.next)))
                      for step in procedure.steps)
        governing = [*procedure.standards, *(s for step in procedure.steps if step.id in own for s in step.standards),
                     *naming]
        sheets.append(CaseSheet(procedure=pid, steps=steps, owner=procedure.owner == post,
                                criteria=tuple(CriteriaGroup(standard=s, entries=criteria_of(s))
                                               for s in met_with_the_work(governing))))
    shown = {g.standard for sheet in sheets for g in sheet.criteria}

    lines: dict[str, list[ChecklistEntry]] = defaultdict(list)
    governing_of: dict[str, list[str]] = defaultdict(list)
    for duty in duties:
        frequencies = {task.frequency for task in duty.tasks} or {duty.frequency or "as-needed"}
        if not duty.tasks:
            lines[duty.frequency or "as-needed"].append(
                ChecklistEntry(key=f"duty:{duty.id}", text=duty.title, source=duty.ref, detail=duty.summary))
        for task in duty.tasks:
            lines[task.frequency].append(
                ChecklistEntry(key=f"task:{duty.id}/{task.number}", text=task.action, source=duty.ref))
        for frequency in frequencies:
            governing_of[frequency] += met_with_the_work(duty.standards)
    for sid in applicable:
        if standards[sid].check:
            lines[standards[sid].check] += criteria_of(sid)
    lists: dict[str, WorkList] = {}
    for frequency in FREQUENCIES:
        if not lines.get(frequency):
            continue
        governing = tuple(dict.fromkeys(governing_of[frequency]))
        here = tuple(s for s in governing if s not in shown)
        shown.update(here)
        lists[frequency] = WorkList(frequency=frequency, entries=tuple(lines[frequency]), governing=governing,
                                    criteria=tuple(CriteriaGroup(standard=s, entries=criteria_of(s)) for s in here))
    general = tuple(CriteriaGroup(standard=s, entries=criteria_of(s))
                    for s in met_with_the_work(applicable) if s not in shown)
    return PostChecklists(
        post=post,
        periodic={f: w for f, w in lists.items() if f in PERIODIC},
        occasions={f: w for f, w in lists.items() if f in OCCASIONAL},
        cases=tuple(sheets),
        general=general,
    )


def onboarding_of(holder: Post, reports_to_known: bool, duties: tuple[Duty, ...], owned: tuple[Procedure, ...],
                  acted: tuple[Procedure, ...], performs: tuple[Procedure, ...], applying: tuple[Standard, ...],
                  direct_reports: tuple[str, ...], post_order: tuple[str, ...]) -> OnboardingView:
    """A post's onboarding reference: `owned` and `acted` (not owning) procedures, `performs` those
    with a step of the post (all in the manual's order), `applying` the standards that apply to it."""
    post = holder.id
    taken_part_in = [*owned, *acted]

    def entries(period: str, texts: tuple[Text, ...]) -> tuple[ChecklistEntry, ...]:
        return tuple(ChecklistEntry(key=f"onboarding:{period}/{i}", text=t, source=holder.ref)
                     for i, t in enumerate(texts))

    return OnboardingView(
        post=post,
        first_day=entries("first_day", holder.onboarding.first_day),
        first_week=entries("first_week", holder.onboarding.first_week),
        first_month=entries("first_month", holder.onboarding.first_month),
        duties=tuple(d.id for d in duties),
        procedures_owned=tuple(p.id for p in owned),
        procedures_acted_in=tuple(p.id for p in acted),
        standards=tuple(s.id for s in applying),
        reports_to=holder.reports_to if reports_to_known else None,
        direct_reports=direct_reports,
        partners=newcomer.work_partners(post, list(duties), {p.id: p for p in performs}, post_order),
        time_limits=newcomer.time_limits(post, taken_part_in, list(applying)),
        forms=newcomer.forms_used([holder, *duties, *taken_part_in]),
    )

