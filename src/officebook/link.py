"""Link validated content into the model: items, back-references and derived views.

Runs on content without errors (warnings allowed); raw YAML shapes stop here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from officebook import newcomer
from officebook.collation import DEFAULT_COLLATION, sort_key
from officebook.diagnostics import Diagnostic, format_path
from officebook.model import (
    FREQUENCIES,
    OCCASIONAL,
    PERIODIC,
    BackRef,
    CaseSheet,
    CaseStep,
    ChecklistEntry,
    CriteriaGroup,
    Duty,
    Function,
    Item,
    Manual,
    ManualInfo,
    Onboarding,
    OnboardingView,
    Post,
    PostChecklists,
    Procedure,
    Raci,
    RaciMatrix,
    Ref,
    Standard,
    Step,
    Task,
    Term,
    Text,
    WorkList,
)
from officebook.validate import Content, walk_texts
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.textlinks import find_links, item_target


def link(content: Content) -> tuple[Manual, list[Diagnostic]]:
    """Build the linked `Manual` from validated content."""
    default = content.default_language or "en"
    text = _TextMaker(default)
    manual_data = content.manual.data if content.manual else {}
    info = ManualInfo(
        title=text(manual_data.get("title")),
        organization=text(manual_data.get("organization")),
        edition=str(manual_data.get("edition", "")),
        effective=manual_data.get("effective"),
        languages=content.languages or (default,),
        allow_html=bool(manual_data.get("allow_html", False)),
        introduction=text.optional(manual_data.get("introduction")),
        collation=str(manual_data.get("collation") or DEFAULT_COLLATION),
        marking=text.optional(manual_data.get("marking")),
        emblem=manual_data.get("emblem"),
        color=manual_data.get("color"),
        day_starts=str(manual_data.get("day_starts") or "00:00"),
    )
    builders: dict[str, Callable[..., Item]] = {
        "functions": _function, "duties": _duty, "procedures": _procedure,
        "standards": _standard, "posts": _post,
    }
    kinds: dict[str, dict[str, Any]] = {}
    for kind in ITEM_KINDS:
        built = [builders[kind](ident, loaded.rel, loaded.data, text) for ident, loaded in content.items[kind].items()]
        built.sort(key=lambda item: (item.order is None, item.order or 0,
                                     sort_key(item.title.get(default), info.collation), item.id))
        kinds[kind] = {item.id: item for item in built}
    glossary = tuple(sorted(_terms(content.glossary.data if content.glossary else {}, text),
                            key=lambda term: (sort_key(term.term.get(default), info.collation), term.index)))

    posts: dict[str, Post] = kinds["posts"]
    duties: dict[str, Duty] = kinds["duties"]
    procedures: dict[str, Procedure] = kinds["procedures"]
    standards: dict[str, Standard] = kinds["standards"]
    post_order = _post_order(posts)
    applicable = _applicable_standards(posts, duties, procedures, standards)
    work = _Involvement(posts, duties, procedures)
    reports: dict[str, list[str]] = defaultdict(list)
    for pid in post_order:
        if posts[pid].reports_to in posts:
            reports[posts[pid].reports_to].append(pid)
    manual = Manual(
        info=info,
        functions=kinds["functions"],
        duties=duties,
        procedures=procedures,
        standards=standards,
        posts=posts,
        glossary=glossary,
        backrefs=_backrefs(kinds, glossary, content),
        checklists={p: _checklists(p, work, procedures, standards, applicable[p]) for p in post_order},
        onboarding={p: _onboarding(p, posts, work, applicable[p], tuple(reports[p]), procedures, standards, post_order)
                    for p in post_order},
        raci=RaciMatrix(
            posts=post_order,
            duties=tuple(duties),
            cells={(d, p): duty.raci.role_of(p) for d, duty in duties.items() for p in duty.raci.members},
        ),
        post_order=post_order,
        applicable_standards=applicable,
        assets=tuple(sorted(content.assets)),
        content_dir=content.root,
    )
    return manual, []


class _TextMaker:
    def __init__(self, default: str) -> None:
        self.default = default

    def __call__(self, value: Any) -> Text:
        if isinstance(value, dict):
            return Text(value, self.default)  # validated: language code -> string
        return Text({self.default: "" if value is None else str(value)}, self.default)

    def optional(self, value: Any) -> Text | None:
        return None if value is None else self(value)

    def many(self, values: Any) -> tuple[Text, ...]:
        return tuple(self(v) for v in values or ())


def _common(ident: str, rel: str, data: dict, text: _TextMaker, kind: str) -> dict[str, Any]:
    return {
        "kind": kind, "id": ident, "file": rel, "title": text(data.get("title")),
        "summary": text.optional(data.get("summary")), "tags": text.many(data.get("tags")),
        "maintainer": data.get("maintainer"), "review_by": data.get("review_by"),
        "source": text.optional(data.get("source")), "order": data.get("order"),
    }


def _function(ident: str, rel: str, data: dict, text: _TextMaker) -> Function:
    return Function(**_common(ident, rel, data, text, "functions"), aim=text.optional(data.get("aim")),
                    description=text.optional(data.get("description")), principles=text.many(data.get("principles")))


def _duty(ident: str, rel: str, data: dict, text: _TextMaker) -> Duty:
    raci = data.get("raci") or {}
    frequency = data.get("frequency")
    tasks = []
    for i, raw in enumerate(data.get("tasks") or ()):
        own = raw.get("frequency") if isinstance(raw, dict) and "action" in raw else None
        action = raw["action"] if isinstance(raw, dict) and "action" in raw else raw
        tasks.append(Task(number=i + 1, action=text(action), frequency=own or frequency or "as-needed",
                          explicit_frequency=own is not None))
    return Duty(
        **_common(ident, rel, data, text, "duties"), function=data.get("function"),
        description=text.optional(data.get("description")), frequency=frequency, tasks=tuple(tasks),
        raci=Raci(responsible=tuple(raci.get("responsible") or ()), accountable=raci.get("accountable"),
                  consulted=tuple(raci.get("consulted") or ()), informed=tuple(raci.get("informed") or ())),
        procedures=tuple(data.get("procedures") or ()), standards=tuple(data.get("standards") or ()),
    )


def _procedure(ident: str, rel: str, data: dict, text: _TextMaker) -> Procedure:
    raw_steps = data.get("steps") or []
    steps = []
    for i, raw in enumerate(raw_steps):
        explicit = "next" in raw
        following = (raw_steps[i + 1]["id"],) if i + 1 < len(raw_steps) else ()
        steps.append(Step(
            id=raw["id"], number=i + 1, actor=raw.get("actor"), action=text(raw.get("action")),
            title=text.optional(raw.get("title")),
            output=text.optional(raw.get("output")), time_limit=text.optional(raw.get("time_limit")),
            standards=tuple(raw.get("standards") or ()),
            next=tuple(raw["next"]) if explicit else following, explicit_next=explicit,
            when=text.optional(raw.get("when")),
        ))
    return Procedure(
        **_common(ident, rel, data, text, "procedures"), purpose=text.optional(data.get("purpose")),
        owner=data.get("owner"), trigger=text.optional(data.get("trigger")),
        time_limit=text.optional(data.get("time_limit")), steps=tuple(steps),
        records=text.many(data.get("records")), standards=tuple(data.get("standards") or ()),
    )


def _standard(ident: str, rel: str, data: dict, text: _TextMaker) -> Standard:
    applies = data.get("applies_to") or {}
    return Standard(
        **_common(ident, rel, data, text, "standards"), category=data.get("category"),
        statement=text.optional(data.get("statement")), rationale=text.optional(data.get("rationale")),
        criteria=text.many(data.get("criteria")), check=data.get("check"), applies_to_posts=tuple(applies.get("posts") or ()),
        applies_to_procedures=tuple(applies.get("procedures") or ()),
    )


def _post(ident: str, rel: str, data: dict, text: _TextMaker) -> Post:
    onboarding = data.get("onboarding") or {}
    return Post(
        **_common(ident, rel, data, text, "posts"), reports_to=data.get("reports_to"),
        description=text.optional(data.get("description")), competencies=text.many(data.get("competencies")),
        onboarding=Onboarding(first_day=text.many(onboarding.get("first_day")),
                              first_week=text.many(onboarding.get("first_week")),
                              first_month=text.many(onboarding.get("first_month"))),
        day_starts=data.get("day_starts"), headcount=data.get("headcount"),
        qualifications=text.many(data.get("qualifications")),
        external_relations=text.many(data.get("external_relations")),
        assessment=text.many(data.get("assessment")),
    )


def _terms(data: dict, text: _TextMaker) -> Iterable[Term]:
    for i, raw in enumerate(data.get("terms") or ()):
        see = tuple(Ref(*ref.split("/", 1)) for ref in raw.get("see") or ())
        yield Term(term=text(raw.get("term")), definition=text(raw.get("definition")), see=see,
                   aliases=text.many(raw.get("aliases")), index=i)


def _post_order(posts: dict[str, Post]) -> tuple[str, ...]:
    """Posts depth-first from the head(s), children in post order; stragglers last."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for pid, post in posts.items():
        parent = post.reports_to if post.reports_to in posts else None
        children[parent].append(pid)
    order: list[str] = []
    stack = list(reversed(children[None]))
    while stack:
        pid = stack.pop()
        if pid in order:
            continue
        order.append(pid)
        stack.extend(reversed(children[pid]))
    order += [p for p in posts if p not in order]
    return tuple(order)


def _backrefs(kinds: dict[str, dict[str, Any]], glossary: tuple[Term, ...],
              content: Content) -> dict[Ref, tuple[BackRef, ...]]:
    found: dict[Ref, dict[BackRef, None]] = defaultdict(dict)  # an ordered set per target

    def add(target_kind: str, target: str | None, source: Ref | None, field: str) -> None:
        if target and target in kinds[target_kind]:
            found[Ref(target_kind, target)][BackRef(source, field)] = None

    def add_text_links(kind: str, data: Any, source: Ref | None) -> None:
        for path, value in walk_texts(kind, data):
            for string in (value.values() if isinstance(value, dict) else (value,)):
                if not isinstance(string, str):
                    continue
                for text_link in find_links(string):
                    target = item_target(text_link.target)
                    if target is not None:
                        add(target.kind, target.id, source, "links." + format_path(path))

    for kind in ITEM_KINDS:
        for item in kinds[kind].values():
            add("posts", item.maintainer, item.ref, "maintainer")
    for duty in kinds["duties"].values():
        add("functions", duty.function, duty.ref, "function")
        for role in ("responsible", "consulted", "informed"):
            for post in getattr(duty.raci, role):
                add("posts", post, duty.ref, f"raci.{role}")
        add("posts", duty.raci.accountable, duty.ref, "raci.accountable")
        for procedure in duty.procedures:
            add("procedures", procedure, duty.ref, "procedures")
        for standard in duty.standards:
            add("standards", standard, duty.ref, "standards")
    for procedure in kinds["procedures"].values():
        add("posts", procedure.owner, procedure.ref, "owner")
        for standard in procedure.standards:
            add("standards", standard, procedure.ref, "standards")
        for step in procedure.steps:
            add("posts", step.actor, procedure.ref, f"steps.{step.id}.actor")
            for standard in step.standards:
                add("standards", standard, procedure.ref, f"steps.{step.id}.standards")
    for standard in kinds["standards"].values():
        for post in standard.applies_to_posts:
            add("posts", post, standard.ref, "applies_to.posts")
        for procedure in standard.applies_to_procedures:
            add("procedures", procedure, standard.ref, "applies_to.procedures")
    for post in kinds["posts"].values():
        add("posts", post.reports_to, post.ref, "reports_to")
    for term in glossary:
        for ref in term.see:
            add(ref.kind, ref.id, None, f"terms[{term.index}].see")
    for kind in ITEM_KINDS:  # links in texts: `[label](kind/id)`
        for ident, loaded in content.items[kind].items():
            add_text_links(kind, loaded.data, Ref(kind, ident))
    if content.glossary is not None:
        add_text_links("glossary", content.glossary.data, None)
    return {ref: tuple(refs) for ref, refs in sorted(found.items(), key=lambda kv: (kv[0].kind, kv[0].id))}


def _applicable_standards(posts: dict[str, Post], duties: dict[str, Duty], procedures: dict[str, Procedure],
                          standards: dict[str, Standard]) -> dict[str, tuple[str, ...]]:
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


class _Involvement:
    """For each post: the duties it holds (R or A), the steps it performs, the procedures it owns."""

    def __init__(self, posts: dict[str, Post], duties: dict[str, Duty], procedures: dict[str, Procedure]) -> None:
        self.duties: dict[str, list[Duty]] = defaultdict(list)
        self.steps: dict[str, list[tuple[Procedure, Step]]] = defaultdict(list)
        self.owned: dict[str, list[str]] = defaultdict(list)
        self.acted: dict[str, list[str]] = defaultdict(list)
        for duty in duties.values():
            for post in dict.fromkeys((*duty.raci.responsible, duty.raci.accountable)):
                if post:
                    self.duties[post].append(duty)
        for procedure in procedures.values():
            if procedure.owner:
                self.owned[procedure.owner].append(procedure.id)
            for step in procedure.steps:
                if step.actor:
                    self.steps[step.actor].append((procedure, step))
            for actor in procedure.actors:
                if actor != procedure.owner:
                    self.acted[actor].append(procedure.id)


def _checklists(post: str, work: _Involvement, procedures: dict[str, Procedure], standards: dict[str, Standard],
                applicable: tuple[str, ...]) -> PostChecklists:
    """A post's periodic and occasion lists, its case sheets, and where each standard's criteria show."""
    applies = set(applicable)

    def criteria_of(sid: str) -> tuple[ChecklistEntry, ...]:
        return tuple(ChecklistEntry(key=f"criterion:{sid}/{i}", text=criterion, source=standards[sid].ref)
                     for i, criterion in enumerate(standards[sid].criteria))

    def met_with_the_work(ids: Iterable[str]) -> tuple[str, ...]:
        """Standards without check (that apply to the post and have criteria), each once, in order."""
        return tuple(dict.fromkeys(s for s in ids if s in applies and not standards[s].check and standards[s].criteria))

    cases = []
    case_ids = [*work.owned[post], *work.acted[post]]
    for pid in sorted(case_ids, key=list(procedures).index):
        procedure = procedures[pid]
        steps = tuple(CaseStep(step=step.id, number=step.number, actor=step.actor, own=step.actor == post,
                               entry=ChecklistEntry(key=f"step:{pid}/{step.id}", text=step.name, source=procedure.ref,
                                                    detail=step.output, step=step.id))
                      for step in procedure.steps)
        governing = [*procedure.standards, *(s for step in procedure.steps if step.actor == post for s in step.standards),
                     *(s.id for s in standards.values() if pid in s.applies_to_procedures)]
        cases.append(CaseSheet(procedure=pid, steps=steps, owner=procedure.owner == post,
                               criteria=tuple(CriteriaGroup(standard=s, entries=criteria_of(s))
                                              for s in met_with_the_work(governing))))
    shown = {g.standard for sheet in cases for g in sheet.criteria}

    lines: dict[str, list[ChecklistEntry]] = defaultdict(list)
    governing_of: dict[str, list[str]] = defaultdict(list)
    for duty in work.duties[post]:
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
        cases=tuple(cases),
        general=general,
    )


def _onboarding(post: str, posts: dict[str, Post], work: _Involvement, applicable: tuple[str, ...],
                direct_reports: tuple[str, ...], procedures: dict[str, Procedure], standards: dict[str, Standard],
                post_order: tuple[str, ...]) -> OnboardingView:
    holder = posts[post]
    taken_part_in = [procedures[p] for p in (*work.owned[post], *work.acted[post])]

    def entries(period: str, texts: tuple[Text, ...]) -> tuple[ChecklistEntry, ...]:
        return tuple(ChecklistEntry(key=f"onboarding:{period}/{i}", text=t, source=holder.ref)
                     for i, t in enumerate(texts))

    return OnboardingView(
        post=post,
        first_day=entries("first_day", holder.onboarding.first_day),
        first_week=entries("first_week", holder.onboarding.first_week),
        first_month=entries("first_month", holder.onboarding.first_month),
        duties=tuple(d.id for d in work.duties[post]),
        procedures_owned=tuple(work.owned[post]),
        procedures_acted_in=tuple(work.acted[post]),
        standards=applicable,
        reports_to=holder.reports_to if holder.reports_to in posts else None,
        direct_reports=direct_reports,
        partners=newcomer.work_partners(post, work.duties[post], procedures, post_order),
        time_limits=newcomer.time_limits(post, taken_part_in, [standards[s] for s in applicable]),
        forms=newcomer.forms_used([holder, *work.duties[post], *taken_part_in]),
    )
