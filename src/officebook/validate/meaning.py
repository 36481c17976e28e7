"""Meaning: references that resolve, RACI, steps that lead somewhere, the reporting tree, review dates."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from officebook.diagnostics import Diagnostic, Severity, YamlPath, did_you_mean, listed, quoted_list
from officebook.i18n import gettext as _
from officebook.load import LoadedFile
from officebook.validate.content import (
    ID_PATTERN,
    MARKDOWN_FIELDS,
    Content,
    is_date,
    name_one,
    next_ids,
    short,
    suggest_id,
)
from officebook.validate.texts import check_links, check_text, check_urls, walk_schema
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN, REF_KINDS
from officebook.vocabulary.schemas import Schemas, default_schemas

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    pass


def meaning_fingerprint(content: Content, today: dt.date | None = None) -> str:
    """What a file's own semantic findings depend on besides its bytes: languages, the ids of every kind, today."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((content.languages, content.allow_html, (today or dt.date.today()).isoformat())).encode())
    for kind in ITEM_KINDS:
        digest.update(f"\x00{kind}\x00".encode())
        digest.update("\x00".join(sorted(content.items[kind])).encode())
    digest.update(b"\x00assets\x00" + "\x00".join(sorted(content.assets)).encode())
    for ident in sorted(content.items["procedures"]):  # links to steps: `procedures/id#step`
        digest.update(repr(content.facts_of("procedures", content.items["procedures"][ident])).encode())
    return digest.hexdigest()


def validate_file_meaning(kind: str, loaded: LoadedFile, content: Content, schemas: Schemas | None = None,
                          today: dt.date | None = None) -> list[Diagnostic]:
    """One file's semantic findings: texts, references, RACI, steps, review date."""
    if not loaded.parsed:
        return []
    schemas = schemas or default_schemas()
    today = today or dt.date.today()
    diagnostics: list[Diagnostic] = []
    languages = frozenset(content.languages)
    for path, def_name, value in walk_schema(schemas.by_kind[kind], loaded.data, (), schemas.defs):
        if def_name == "text":
            if _nothing_to_check(value, languages):
                continue
            diagnostics += check_text(loaded, path, value, content)
            diagnostics += check_links(loaded, path, value, content)
            if path and path[-1] in MARKDOWN_FIELDS:
                diagnostics += check_urls(loaded, path, value, content.allow_html)
        elif def_name == "stringOrText":
            diagnostics += [] if isinstance(value, str) else check_text(loaded, path, value, content)
        elif def_name == "kindRef":
            diagnostics += _check_kind_ref(loaded, path, value, content)
        else:
            diagnostics += _check_ref(loaded, path, value, REF_KINDS[def_name], content)
    review_by = loaded.data.get("review_by") if kind in ITEM_KINDS else None
    if isinstance(review_by, str) and is_date(review_by) and dt.date.fromisoformat(review_by) < today:
        diagnostics.append(loaded.diagnostic(
            "review.overdue", ("review_by",), _("the review date {date} has passed").format(date=review_by),
            _("review the entry, then set review_by to the next review date"), severity=Severity.WARNING))
    if kind == "duties":
        diagnostics += _check_raci(loaded)
    elif kind == "procedures":
        diagnostics += _check_steps(loaded)
    elif kind == "glossary":
        diagnostics += _check_terms(loaded, content.default_language)
    return diagnostics


def _nothing_to_check(value: Any, languages: frozenset[str]) -> bool:
    """Most texts: one string for each of the manual's languages, none a placeholder or holding a link,
    an image or HTML. `check_text`, `check_links` and `check_urls` find nothing in them; this says so
    without their work, which was a third of validating a large manual."""
    if not isinstance(value, dict) or value.keys() != languages:
        return False
    for text in value.values():
        if not isinstance(text, str) or "TODO" in text or "](" in text or "]:" in text or "<" in text:
            return False
    return True


def _check_terms(loaded: LoadedFile, default_language: str | None) -> list[Diagnostic]:
    """Two terms with the same text in one language (the contract's third edition): the later one is
    reported, naming the first, since the glossary and the search would show the term twice."""
    terms = loaded.data.get("terms")
    if not isinstance(terms, list):
        return []
    found = []
    first_of: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(terms):
        term = entry.get("term") if isinstance(entry, dict) else None
        texts = {default_language or "": term} if isinstance(term, str) else term if isinstance(term, dict) else {}
        for language, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                continue
            key = (language, " ".join(text.split()).casefold())
            if key not in first_of:
                first_of[key] = i
                continue
            path = ("terms", i, "term") if isinstance(term, str) else ("terms", i, "term", language)
            found.append(loaded.diagnostic("glossary.duplicate-term", path,
                                           _("the term '{term}' is already defined by term {number}").format(
                                               term=text.strip(), number=first_of[key] + 1),
                                           _("keep one entry: merge the definitions, or list the other name "
                                             "under the first entry's aliases")))
            break  # one finding per entry, whichever of its languages repeat
    return found


def validate_across(content: Content) -> list[Diagnostic]:
    """Findings that involve several files: the reporting tree and posts without duties."""
    return _check_posts(content)


def _check_ref(loaded: LoadedFile, path: YamlPath, value: Any, kind: str, content: Content) -> list[Diagnostic]:
    if not isinstance(value, str):
        return []
    if value in content.items[kind] and ID_PATTERN.match(value):
        return []  # the common case: nothing per item is computed for a reference that holds
    # Only a wrong reference pays for its hint (the ids of its kind, compared with it).
    noun = _(KIND_NOUN[kind])
    existing = [known for known in content.items[kind] if ID_PATTERN.match(known)]
    if not ID_PATTERN.match(value):  # a placeholder such as TODO, or a title typed for an id
        return [loaded.diagnostic("schema.pattern", path, _("'{value}' is not a {noun} id").format(
            value=short(value), noun=noun), name_one(suggest_id(value), existing, noun))]
    others = [k for k in ITEM_KINDS if k != kind and value in content.items[k]]
    if others:  # what is missing first (a deleted post whose id a duty also has), then the mix-up
        return [loaded.diagnostic("ref.wrong-kind", path, _("no {noun} '{value}' ('{value}' is a {other})").format(
            value=value, other=_(KIND_NOUN[others[0]]), noun=noun), name_one(value, existing, noun))]
    near = did_you_mean(value, existing)
    create = _("create {path}").format(path=f"{kind}/{value}.yaml")
    hint = near or (_("{create}, or name an existing {noun}: {ids}").format(create=create, noun=noun,
                                                                            ids=quoted_list(sorted(existing)))
                    if existing else create)
    return [loaded.diagnostic("ref.unknown", path, _("no {noun} '{value}'").format(noun=noun, value=value), hint)]




def _check_kind_ref(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
    if not isinstance(value, str) or "/" not in value:
        return []
    kind, _slash, ident = value.partition("/")
    if kind not in content.items or ident in content.items[kind]:
        return []
    noun = _(KIND_NOUN[kind])
    hint = name_one(ident, content.items[kind], noun, prefix=f"{kind}/")
    return [loaded.diagnostic("ref.unknown", path, _("no {noun} '{value}'").format(noun=noun, value=ident), hint)]


def _check_raci(loaded: LoadedFile) -> list[Diagnostic]:
    raci = loaded.data.get("raci")
    if not isinstance(raci, dict):
        return []
    found = []
    accountable = raci.get("accountable")
    responsible = raci.get("responsible")
    if isinstance(accountable, str) and isinstance(raci.get("consulted"), list) and accountable in raci["consulted"]:
        index = raci["consulted"].index(accountable)
        found.append(loaded.diagnostic("raci.accountable", ("raci", "consulted", index),
                                       _("'{post}' is accountable and cannot also be only consulted").format(
                                           post=accountable),
                                       _("remove it from consulted")))
    if isinstance(responsible, list) and isinstance(raci.get("informed"), list):
        for index, post in enumerate(raci["informed"]):
            if post in responsible:
                found.append(loaded.diagnostic("raci.responsible", ("raci", "informed", index),
                                               _("'{post}' is responsible and need not also be informed").format(
                                                   post=post),
                                               _("remove it from informed")))
    return found


def _check_steps(loaded: LoadedFile) -> list[Diagnostic]:
    steps = loaded.data.get("steps")
    if not isinstance(steps, list):
        return []
    found: list[Diagnostic] = []
    index_of: dict[str, int] = {}
    for i, step in enumerate(steps):
        sid = step.get("id") if isinstance(step, dict) else None
        if not isinstance(sid, str):
            return []  # a step without an id: the schema has reported it, and the graph cannot be drawn
        if sid in index_of:
            found.append(loaded.diagnostic("step.duplicate-id", ("steps", i, "id"),
                                           _("step id '{id}' is already used by step {number}").format(
                                               id=sid, number=index_of[sid] + 1),
                                           _("step ids must be unique within the procedure")))
        else:
            index_of[sid] = i
    graph: dict[int, list[int]] = {}
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            graph[i] = []
            continue
        targets = step.get("next")
        if targets is None:
            graph[i] = [i + 1] if i + 1 < len(steps) else []
            continue
        if not isinstance(targets, list) or not all(isinstance(target, str) for target in targets):
            return found  # the schema has reported the shape; a graph without this step's exits would add findings
        graph[i] = [index_of[target] for target in targets if target in index_of]
        unknown = [j for j, target in enumerate(targets) if target not in index_of]
        if unknown:  # one finding for the step's next, however many of its entries are wrong
            meant = next_ids(steps, targets)
            wrong = [targets[j] for j in unknown]
            message = _("no step '{step}' in this procedure").format(step=wrong[0]) if len(wrong) == 1 else \
                _("no steps {steps} in this procedure").format(steps=quoted_list(wrong))
            hint = _("name steps by their ids: next: [{ids}]").format(ids=", ".join(meant)) if meant else \
                did_you_mean(wrong[0], index_of) or _("steps here: {steps}").format(steps=listed(index_of) or _("none"))
            found.append(loaded.diagnostic("step.next-unknown", ("steps", i, "next", unknown[0]), message, hint))
    if found:
        return found  # the graph is incomplete: reachability would only repeat these findings
    reachable = _reach(graph, [0])
    for i in range(len(steps)):
        if i not in reachable:
            found.append(loaded.diagnostic("procedure.unreachable", ("steps", i),
                                           _("step {number} ({id}) cannot be reached from the first step").format(
                                               number=i + 1, id=_step_name(steps[i])),
                                           _("name it in some step's next, or remove it")))
    ends = [i for i, targets in graph.items() if not targets]
    reverse: dict[int, list[int]] = {i: [] for i in graph}
    for i, targets in graph.items():
        for j in targets:
            reverse[j].append(i)
    can_end = _reach(reverse, ends)
    stuck = [i for i in sorted(reachable) if i not in can_end]
    if stuck:
        names = ", ".join(_step_name(steps[i]) for i in stuck)
        found.append(loaded.diagnostic("procedure.no-end", ("steps", stuck[0]),
                                       _("no end of the procedure can be reached from step {number} ({ids})").format(
                                           number=stuck[0] + 1, ids=names),
                                       _("give the loop a way out: add a step whose next is [] or that is last")))
    return found


def _step_name(step: Any) -> str:
    return str(step.get("id")) if isinstance(step, dict) else "?"


def _reach(graph: dict[int, list[int]], starts: list[int]) -> set[int]:
    seen: set[int] = set()
    stack = [s for s in starts if s in graph]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _check_posts(content: Content) -> list[Diagnostic]:
    posts = content.items["posts"]
    found: list[Diagnostic] = []
    parent = {pid: content.facts_of("posts", f) if f.parsed else "?" for pid, f in posts.items()}
    heads = [pid for pid in sorted(parent, key=lambda p: posts[p].rel) if parent[pid] is None]
    all_read = all(f.parsed for f in posts.values())
    reported_cycles: set[frozenset] = set()
    for pid in sorted(parent, key=lambda p: posts[p].rel):
        chain = [pid]
        while True:
            up = parent.get(chain[-1])
            if not isinstance(up, str) or up not in parent:
                break
            if up in chain:
                cycle = chain[chain.index(up):]
                key = frozenset(cycle)
                if key not in reported_cycles:
                    reported_cycles.add(key)
                    last = max(cycle, key=lambda p: posts[p].rel)
                    loop = " → ".join([*cycle[cycle.index(last):], *cycle[: cycle.index(last)], last])
                    found.append(posts[last].diagnostic("post.cycle", ("reports_to",),
                                                        _("reports_to goes round in a circle: {loop}").format(loop=loop),
                                                        _("one post in the circle must report elsewhere")))
                break
            chain.append(up)
    if parent and all_read and not heads and not reported_cycles:
        first = min(parent, key=lambda p: posts[p].rel)
        found.append(posts[first].diagnostic("post.head", ("reports_to",), _("every post reports to another: no head"),
                                             _("omit reports_to on the head of the office")))
    for extra in heads[1:]:
        found.append(posts[extra].diagnostic(
            "post.head", (), _("a second head of the office: '{head}' has no reports_to either").format(head=heads[0]),
            _("add reports_to: the office has exactly one head")))
    if not all(duty.ok for duty in content.items["duties"].values()):
        return found  # who holds which duty is unsure until the duties themselves are right
    holders = {post for duty in content.items["duties"].values() for post in content.facts_of("duties", duty)}
    for pid, loaded in posts.items():
        if loaded.parsed and pid not in holders:
            found.append(loaded.diagnostic("post.no-duties", (), _("the post '{post}' is responsible or accountable "
                                                                   "for no duty, so it gets no duty checklist").format(
                                               post=pid),
                                           _("name it in some duty's raci.responsible or raci.accountable"),
                                           severity=Severity.WARNING))
    return found
