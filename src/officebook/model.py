"""The linked model: frozen dataclasses, references as ids, back-references and derived views.

Everything here is plain data built once by `officebook.link` and shared by the site and the handbook.
References are ids (strings); resolve them through `Manual` (`manual.posts[id]`, `manual.item(kind, id)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annually", "as-needed", "on-event")
CATEGORIES = ("principle", "quality", "conduct", "time-limit", "service", "security")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in one or more languages; `get(lang)` falls back to the default language."""

    values: Mapping[str, str]
    default: str

    def get(self, lang: str | None = None) -> str:
        if lang and lang in self.values:
            return self.values[lang]
        if self.default in self.values:
            return self.values[self.default]
        return next(iter(self.values.values()), "")

    def has(self, lang: str) -> bool:
        return lang in self.values

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True, slots=True)
class Ref:
    """A pointer to one item: `Ref("posts", "secretary")`."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.id}"


@dataclass(frozen=True, slots=True)
class BackRef:
    """Something that refers to an item: which item, and through which field."""

    source: Ref | None  # None for the glossary
    field: str  # e.g. "raci.responsible", "steps.check.actor", "terms[3].see"


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields every item may carry."""

    kind: str
    id: str
    file: str  # path relative to the content folder, with forward slashes
    title: Text
    summary: Text | None = None
    tags: tuple[Text, ...] = ()  # a plain-string tag is a Text in the default language, shown in every language
    maintainer: str | None = None
    review_by: str | None = None  # YYYY-MM-DD
    source: Text | None = None  # likewise: a plain string is shown in every language
    order: int | None = None
    ref: Ref = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", Ref(self.kind, self.id))

    def tag_names(self, lang: str | None = None) -> tuple[str, ...]:
        """The tags as shown in `lang`."""
        return tuple(tag.get(lang) for tag in self.tags)


@dataclass(frozen=True, kw_only=True)
class Function(Item):
    aim: Text | None = None
    description: Text | None = None
    principles: tuple[Text, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Raci:
    responsible: tuple[str, ...] = ()
    accountable: str | None = None
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        """Every post with a role, once, in R, A, C, I order."""
        return tuple(dict.fromkeys(p for p in (*self.responsible, self.accountable, *self.consulted, *self.informed) if p))

    def role_of(self, post: str) -> str:
        """'R', 'A', 'C', 'I' (or combinations like 'R/A'), '' when the post has no role."""
        letters = []
        if post in self.responsible:
            letters.append("R")
        if post == self.accountable:
            letters.append("A")
        if post in self.consulted:
            letters.append("C")
        if post in self.informed:
            letters.append("I")
        return "/".join(letters)


@dataclass(frozen=True, kw_only=True)
class Task:
    """One concrete action of a duty: a checklist line at its frequency."""

    number: int  # 1-based position in the duty's tasks
    action: Text
    frequency: str  # resolved: the duty's frequency unless the task has its own
    explicit_frequency: bool = False  # True when the author wrote `frequency` on the task


@dataclass(frozen=True, kw_only=True)
class Duty(Item):
    function: str | None = None
    description: Text | None = None
    frequency: str | None = None
    tasks: tuple[Task, ...] = ()
    raci: Raci = field(default_factory=Raci)
    procedures: tuple[str, ...] = ()
    standards: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Step:
    id: str
    number: int  # 1-based position in the list
    actor: str | None
    action: Text
    title: Text | None = None  # a short name; without it, lists and flowcharts show the action
    output: Text | None = None
    time_limit: Text | None = None
    standards: tuple[str, ...] = ()
    next: tuple[str, ...] = ()  # resolved: the default "next in list" is filled in; () ends
    explicit_next: bool = False  # True when the author wrote `next`
    when: Text | None = None

    @property
    def is_end(self) -> bool:
        return not self.next

    @property
    def name(self) -> Text:
        """What lists and flowcharts call the step: its title, else its whole action."""
        return self.title or self.action


@dataclass(frozen=True, kw_only=True)
class Procedure(Item):
    purpose: Text | None = None
    owner: str | None = None
    trigger: Text | None = None
    time_limit: Text | None = None
    steps: tuple[Step, ...] = ()
    records: tuple[Text, ...] = ()
    standards: tuple[str, ...] = ()

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def actors(self) -> tuple[str, ...]:
        """Posts acting in the steps, in order of first appearance."""
        seen: dict[str, None] = {}
        for s in self.steps:
            if s.actor:
                seen.setdefault(s.actor, None)
        return tuple(seen)


@dataclass(frozen=True, kw_only=True)
class Standard(Item):
    category: str | None = None
    statement: Text | None = None
    rationale: Text | None = None
    criteria: tuple[Text, ...] = ()
    check: str | None = None  # a frequency: the criteria are a self-check at it; None: checked with the work
    applies_to_posts: tuple[str, ...] = ()
    applies_to_procedures: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Onboarding:
    first_day: tuple[Text, ...] = ()
    first_week: tuple[Text, ...] = ()
    first_month: tuple[Text, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Post(Item):
    reports_to: str | None = None
    description: Text | None = None
    competencies: tuple[Text, ...] = ()
    onboarding: Onboarding = field(default_factory=Onboarding)
    day_starts: str | None = None  # "HH:MM": the post's working day (a shift) begins; None: the manual's
    headcount: int | None = None  # 岗位编制
    qualifications: tuple[Text, ...] = ()  # 任职条件
    external_relations: tuple[Text, ...] = ()  # 外部工作关系 (the internal ones are derived)
    assessment: tuple[Text, ...] = ()  # 考核要点


@dataclass(frozen=True, kw_only=True)
class Term:
    term: Text
    definition: Text
    see: tuple[Ref, ...] = ()
    aliases: tuple[Text, ...] = ()  # other names search treats as the term
    index: int = 0  # position in glossary.yaml


@dataclass(frozen=True, kw_only=True)
class ManualInfo:
    title: Text
    organization: Text
    edition: str
    effective: str | None
    languages: tuple[str, ...]
    allow_html: bool = False
    introduction: Text | None = None
    collation: str = "pinyin"  # how entries without `order` are sorted (officebook.collation)
    marking: Text | None = None  # printed on the handbook's cover, e.g. 内部资料 注意保存
    emblem: str | None = None  # content-relative asset path of the office's emblem (assets/emblem.svg)
    color: str | None = None  # "#RRGGBB": the primary colour of the site and the modern print style
    day_starts: str = "00:00"  # when the working day begins for daily checklists

    @property
    def default_language(self) -> str:
        return self.languages[0]


# ---- derived views -------------------------------------------------------------------------------


PERIODIC = ("daily", "weekly", "monthly", "quarterly", "annually")
OCCASIONAL = ("as-needed", "on-event")


@dataclass(frozen=True, kw_only=True)
class ChecklistEntry:
    """One tickable line of a post's checklist.

    `key` is stable across builds and unique within the post (for persisting ticks): e.g.
    `duty:meetings`, `task:meetings/2`, `step:document-drafting/check`, `criterion:five-noes/2`,
    `onboarding:first_day/0`. `source` is what the line serves (the duty, procedure or standard),
    named quietly beside it.
    """

    key: str
    text: Text
    source: Ref  # the duty, procedure or standard it comes from
    detail: Text | None = None  # e.g. the step's output or the duty's summary
    step: str | None = None  # step id for procedure steps


@dataclass(frozen=True, kw_only=True)
class CriteriaGroup:
    """The criteria of one standard, shown together and once where the work they govern is listed."""

    standard: str
    entries: tuple[ChecklistEntry, ...]


@dataclass(frozen=True, kw_only=True)
class WorkList:
    """A periodic list (a day's, a week's ...) or an occasion list (as-needed, on-event).

    `entries` are the lines to tick: the tasks of the post's duties at this frequency (a duty
    without tasks is one line itself), then the criteria of standards whose `check` is this
    frequency. `governing` are the standards without `check` attached to those duties: met each
    time the work is done; `criteria` holds those of them whose criteria are shown with this list
    (each standard's criteria are shown once on a post's page: on a case sheet, else with the first
    list whose work it governs).
    """

    frequency: str
    entries: tuple[ChecklistEntry, ...]
    governing: tuple[str, ...] = ()
    criteria: tuple[CriteriaGroup, ...] = ()

    @property
    def is_occasional(self) -> bool:
        return self.frequency in OCCASIONAL


@dataclass(frozen=True, kw_only=True)
class CaseStep:
    """One step on a case sheet: the post's own steps are ticked, the others shown for context."""

    step: str
    number: int
    actor: str | None
    own: bool
    entry: ChecklistEntry  # the line (tickable only when `own`)
    adjacent: bool  # another post's step that hands the case to one of the post's steps or takes it from one


@dataclass(frozen=True, kw_only=True)
class CaseSheet:
    """A procedure the post takes part in, worked through for one case (a document, a request).

    All its steps in order; the criteria of the standards without `check` that govern the procedure
    (attached to it or its steps, or naming it in applies_to.procedures), each standard once.
    """

    procedure: str
    steps: tuple[CaseStep, ...]
    criteria: tuple[CriteriaGroup, ...] = ()
    owner: bool = False  # the post owns the procedure

    @property
    def own_steps(self) -> tuple[CaseStep, ...]:
        return tuple(s for s in self.steps if s.own)


@dataclass(frozen=True, kw_only=True)
class PostChecklists:
    """A post's checklists, derived once (officebook.link) and shared by the site, print and export."""

    post: str
    periodic: Mapping[str, WorkList]  # only non-empty, in FREQUENCIES order (daily ... annually)
    occasions: Mapping[str, WorkList]  # as-needed, on-event
    cases: tuple[CaseSheet, ...]  # one per procedure the post owns or acts in
    general: tuple[CriteriaGroup, ...] = ()  # standards without check applying to the post, shown nowhere else

    @property
    def lists(self) -> tuple[WorkList, ...]:
        """Periodic lists, then occasion lists."""
        return (*self.periodic.values(), *self.occasions.values())

    @property
    def by_frequency(self) -> Mapping[str, tuple[ChecklistEntry, ...]]:
        """The lines of every periodic and occasion list, by frequency."""
        return {w.frequency: w.entries for w in self.lists}

    @property
    def steps(self) -> tuple[ChecklistEntry, ...]:
        """The procedure steps the post performs, sheet by sheet."""
        return tuple(s.entry for sheet in self.cases for s in sheet.own_steps)

    @property
    def criteria(self) -> tuple[ChecklistEntry, ...]:
        """The criteria of every standard without check that applies to the post, each once."""
        groups = [g for w in self.lists for g in w.criteria]
        groups += [g for sheet in self.cases for g in sheet.criteria] + list(self.general)
        seen: dict[str, ChecklistEntry] = {}
        for group in groups:
            for entry in group.entries:
                seen.setdefault(entry.key, entry)
        return tuple(seen.values())

    @property
    def is_empty(self) -> bool:
        return not (self.periodic or self.occasions or self.cases or self.general)


@dataclass(frozen=True, kw_only=True)
class PartnerView:
    """A post the newcomer works with: the duties both have a role in, the procedures where one hands
    work to the other."""

    post: str
    duties: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TimeLimit:
    """A time limit the post keeps: the limit, what it applies to, and where it is written."""

    limit: Text
    what: Text
    source: Ref  # the procedure or standard
    step: str | None = None  # the step id, for a step's limit


@dataclass(frozen=True, kw_only=True)
class OnboardingView:
    post: str
    first_day: tuple[ChecklistEntry, ...]
    first_week: tuple[ChecklistEntry, ...]
    first_month: tuple[ChecklistEntry, ...]
    duties: tuple[str, ...]  # responsible or accountable
    procedures_owned: tuple[str, ...]
    procedures_acted_in: tuple[str, ...]  # steps performed, owned ones excluded
    standards: tuple[str, ...]  # that apply to the post
    reports_to: str | None
    direct_reports: tuple[str, ...]
    partners: tuple[PartnerView, ...] = ()  # the posts it works with most, most shared work first
    time_limits: tuple[TimeLimit, ...] = ()
    forms: tuple[str, ...] = ()  # content/assets/ files its duties and procedures link to

    @property
    def procedures(self) -> tuple[str, ...]:
        """Every procedure the post takes part in: those it owns, then those it acts in."""
        return (*self.procedures_owned, *self.procedures_acted_in)


@dataclass(frozen=True, kw_only=True)
class RaciMatrix:
    posts: tuple[str, ...]  # columns, in reporting-tree order
    duties: tuple[str, ...]  # rows, in duty order
    cells: Mapping[tuple[str, str], str]  # (duty, post) -> "R", "A", "R/A", "C", "I" ...

    def cell(self, duty: str, post: str) -> str:
        return self.cells.get((duty, post), "")


@dataclass(frozen=True, kw_only=True)
class Manual:
    """The whole linked manual."""

    info: ManualInfo
    functions: Mapping[str, Function]
    duties: Mapping[str, Duty]
    procedures: Mapping[str, Procedure]
    standards: Mapping[str, Standard]
    posts: Mapping[str, Post]
    glossary: tuple[Term, ...]
    backrefs: Mapping[Ref, tuple[BackRef, ...]]
    checklists: Mapping[str, PostChecklists]  # post id -> checklists
    onboarding: Mapping[str, OnboardingView]  # post id -> onboarding reference
    raci: RaciMatrix
    post_order: tuple[str, ...]  # posts in reporting-tree order (head first, depth-first)
    applicable_standards: Mapping[str, tuple[str, ...]]  # post id -> standards that apply to it
    applying_posts: Mapping[str, tuple[str, ...]]  # standard id -> the posts it applies to, in post_order
    function_duties: Mapping[str, tuple[str, ...]]  # function id -> its duties, in duty order
    assets: tuple[str, ...] = ()  # files under content/assets/, content-relative (`assets/flow.png`)
    content_dir: str = ""  # the content folder, for outputs that embed assets

    def kind(self, kind: str) -> Mapping[str, Item]:
        return getattr(self, kind)

    def item(self, ref: Ref) -> Item | None:
        return self.kind(ref.kind).get(ref.id)

    def referrers(self, ref: Ref) -> tuple[BackRef, ...]:
        return self.backrefs.get(ref, ())

    def duties_of_function(self, function: str) -> tuple[Duty, ...]:
        return tuple(self.duties[d] for d in self.function_duties.get(function, ()))

    def direct_reports(self, post: str) -> tuple[str, ...]:
        return self.onboarding[post].direct_reports

    @property
    def head(self) -> str | None:
        return self.post_order[0] if self.post_order else None
