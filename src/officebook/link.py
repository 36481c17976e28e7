"""Link validated content into the model: items, back-references and derived views (the per-post
views in `link_views`).

Runs on content without errors (warnings allowed); raw YAML shapes stop here. With a `LinkMemo` kept
between calls, a link after an edit rebuilds only what the changed files touch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from officebook.collation import DEFAULT_COLLATION, sort_key
from officebook.diagnostics import Diagnostic, format_path
from officebook.link_views import Involvement, PostViews, applicable_standards, post_views
from officebook.model import (
    BackRef,
    Duty,
    Function,
    Item,
    Manual,
    ManualInfo,
    Onboarding,
    Post,
    Procedure,
    Raci,
    RaciMatrix,
    Ref,
    Standard,
    Step,
    Task,
    Term,
    Text,
)
from officebook.validate import Content, walk_texts
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.textlinks import find_links, item_target


class LinkMemo:
    """What one `link` keeps for the next over the same content folder: each item with the bytes of its
    file, each item's references, and the per-post views with the slices they came from. With it a link
    after one changed file builds that item and the views it touches again, and reuses the rest; the
    manual is equal to a fresh link's (tests/test_link_incremental.py). Not thread-safe: one link at a time."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], tuple[tuple, Item]] = {}
        self.references: dict[tuple[str, str], tuple[Item, _References]] = {}
        self.views = PostViews()
        self.built = 0  # items built (not reused) by the last link


def link(content: Content, memo: LinkMemo | None = None) -> tuple[Manual, list[Diagnostic]]:
    """Build the linked `Manual` from validated content (reusing what `memo` kept of the last link)."""
    memo = memo or LinkMemo()
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
    kinds = _items(content, text, memo)
    for kind in ITEM_KINDS:
        built = sorted(kinds[kind].values(), key=lambda item: (item.order is None, item.order or 0,
                                                               sort_key(item.title.get(default), info.collation),
                                                               item.id))
        kinds[kind] = {item.id: item for item in built}
    glossary = tuple(sorted(_terms(content.glossary.data if content.glossary else {}, text),
                            key=lambda term: (sort_key(term.term.get(default), info.collation), term.index)))

    posts: dict[str, Post] = kinds["posts"]
    duties: dict[str, Duty] = kinds["duties"]
    procedures: dict[str, Procedure] = kinds["procedures"]
    standards: dict[str, Standard] = kinds["standards"]
    post_order = _post_order(posts)
    applicable = applicable_standards(posts, duties, procedures, standards)
    work = Involvement(duties, procedures, standards)
    position = {pid: i for i, pid in enumerate(procedures)}
    reports: dict[str, list[str]] = defaultdict(list)
    for pid in post_order:
        if posts[pid].reports_to in posts:
            reports[posts[pid].reports_to].append(pid)
    memo.views.start()
    views = {p: post_views(p, posts, work, standards, applicable[p], tuple(reports[p]), post_order, position,
                           memo.views) for p in post_order}
    memo.views.finish()
    manual = Manual(
        info=info,
        functions=kinds["functions"],
        duties=duties,
        procedures=procedures,
        standards=standards,
        posts=posts,
        glossary=glossary,
        backrefs=_backrefs(kinds, glossary, content, memo),
        checklists={p: views[p][0] for p in post_order},
        onboarding={p: views[p][1] for p in post_order},
        raci=RaciMatrix(
            posts=post_order,
            duties=tuple(duties),
            cells={(d, p): duty.raci.role_of(p) for d, duty in duties.items() for p in duty.raci.members},
        ),
        post_order=post_order,
        applicable_standards=applicable,
        applying_posts=_applying_posts(standards, post_order, applicable),
        function_duties=_function_duties(kinds["functions"], duties),
        assets=tuple(sorted(content.assets)),
        content_dir=content.root,
    )
    return manual, []


def _items(content: Content, text: _TextMaker, memo: LinkMemo) -> dict[str, dict[str, Any]]:
    """Every item, in file order; an item whose file's bytes (and the default language) are those of
    the last link is that link's object, so that what is derived from it can be reused too."""
    kept, memo.items, memo.built = memo.items, {}, 0
    kinds: dict[str, dict[str, Any]] = {}
    for kind in ITEM_KINDS:
        kinds[kind] = {}
        for ident, loaded in content.items[kind].items():
            key = (loaded.rel, text.default, loaded.digest or loaded.packed())  # the file's bytes, or its data
            previous = kept.get((kind, ident))
            if previous is not None and previous[0] == key:
                item = previous[1]
            else:
                item = _BUILDERS[kind](ident, loaded.rel, loaded.data, text)
                memo.built += 1
            memo.items[(kind, ident)] = (key, item)
            kinds[kind][ident] = item
    return kinds


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


_Reference = tuple[str, "str | None", BackRef]  # target kind, target id, the back-reference


class _References(NamedTuple):
    """What one item refers to, in the order `_backrefs` lists it: its maintainer, its fields, its texts' links."""

    maintainer: tuple[_Reference, ...]
    fields: tuple[_Reference, ...]
    texts: tuple[_Reference, ...]


def _references(kind: str, item: Any, data: Any) -> _References:
    source = item.ref
    fields: list[_Reference] = []

    def add(target_kind: str, targets: Iterable[str | None], field: str) -> None:
        fields.extend((target_kind, target, BackRef(source, field)) for target in targets)

    if kind == "duties":
        add("functions", (item.function,), "function")
        for role in ("responsible", "consulted", "informed"):
            add("posts", getattr(item.raci, role), f"raci.{role}")
        add("posts", (item.raci.accountable,), "raci.accountable")
        add("procedures", item.procedures, "procedures")
        add("standards", item.standards, "standards")
    elif kind == "procedures":
        add("posts", (item.owner,), "owner")
        add("standards", item.standards, "standards")
        for step in item.steps:
            add("posts", (step.actor,), f"steps.{step.id}.actor")
            add("standards", step.standards, f"steps.{step.id}.standards")
    elif kind == "standards":
        add("posts", item.applies_to_posts, "applies_to.posts")
        add("procedures", item.applies_to_procedures, "applies_to.procedures")
    elif kind == "posts":
        add("posts", (item.reports_to,), "reports_to")
    return _References(maintainer=(("posts", item.maintainer, BackRef(source, "maintainer")),), fields=tuple(fields),
                       texts=tuple(_text_links(kind, data, source)))


def _text_links(kind: str, data: Any, source: Ref | None) -> Iterable[_Reference]:
    """Links in texts: `[label](kind/id)`."""
    for path, value in walk_texts(kind, data):
        for string in (value.values() if isinstance(value, dict) else (value,)):
            if not isinstance(string, str):
                continue
            for text_link in find_links(string):
                target = item_target(text_link.target)
                if target is not None:
                    yield target.kind, target.id, BackRef(source, "links." + format_path(path))


def _backrefs(kinds: dict[str, dict[str, Any]], glossary: tuple[Term, ...],
              content: Content, memo: LinkMemo) -> dict[Ref, tuple[BackRef, ...]]:
    kept, memo.references = memo.references, {}
    references: dict[tuple[str, str], _References] = {}
    for kind in ITEM_KINDS:
        for ident, loaded in content.items[kind].items():
            item = kinds[kind][ident]
            previous = kept.get((kind, ident))
            found = previous[1] if previous is not None and previous[0] is item else _references(kind, item, loaded.data)
            memo.references[(kind, ident)] = (item, found)
            references[(kind, ident)] = found
    found_refs: dict[Ref, dict[BackRef, None]] = defaultdict(dict)  # an ordered set per target

    def add(entries: Iterable[_Reference]) -> None:
        for target_kind, target, backref in entries:
            if target and target in kinds[target_kind]:
                found_refs[Ref(target_kind, target)][backref] = None

    for kind in ITEM_KINDS:
        for ident in kinds[kind]:
            add(references[(kind, ident)].maintainer)
    for kind in ("duties", "procedures", "standards", "posts"):
        for ident in kinds[kind]:
            add(references[(kind, ident)].fields)
    for term in glossary:
        add((ref.kind, ref.id, BackRef(None, f"terms[{term.index}].see")) for ref in term.see)
    for kind in ITEM_KINDS:
        for ident in content.items[kind]:
            add(references[(kind, ident)].texts)
    if content.glossary is not None:
        add(_text_links("glossary", content.glossary.data, None))
    return {ref: tuple(refs) for ref, refs in sorted(found_refs.items(), key=lambda kv: (kv[0].kind, kv[0].id))}


_BUILDERS: dict[str, Callable[..., Item]] = {"functions": _function, "duties": _duty, "procedures": _procedure,
                                             "standards": _standard, "posts": _post}


def _function_duties(functions: Mapping[str, Function], duties: Mapping[str, Duty]) -> dict[str, tuple[str, ...]]:
    """Each function's duties, in duty order: every page, table and chapter that lists a function's
    duties asked for them by scanning every duty, once per function."""
    found: dict[str, list[str]] = {fid: [] for fid in functions}
    for did, duty in duties.items():
        found.setdefault(duty.function, []).append(did)
    return {fid: tuple(ids) for fid, ids in found.items()}


def _applying_posts(standards: Mapping[str, Standard], post_order: tuple[str, ...],
                    applicable: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The inverse of `applicable_standards`: each standard's posts, in reporting order (the site, the
    handbook and the Word file each scanned every post for every standard)."""
    posts: dict[str, list[str]] = {sid: [] for sid in standards}
    for post in post_order:
        for sid in applicable.get(post, ()):
            if sid in posts:
                posts[sid].append(post)
    return {sid: tuple(found) for sid, found in posts.items()}
