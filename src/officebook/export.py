"""Machine-readable exports of the linked manual: one JSON catalogue and CSV tables for spreadsheets.

`export_data(manual)` is the whole catalogue as plain JSON values, in the shape documented by
`schemas/export.schema.json` (versioned by `EXPORT_VERSION`). `csv_tables(manual)` gives the RACI
matrix, the same as one row per duty, post and role, every post's checklists and the duty list per
language, as UTF-8 with a BOM so that Excel recognises Chinese text, and CRLF line ends as the csv module
writes them. A cell listing several titles puts one on each line.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from officebook import __version__
from officebook.cells import neutralise_cell
from officebook.model import (
    BackRef,
    CaseSheet,
    ChecklistEntry,
    CriteriaGroup,
    Duty,
    Function,
    Item,
    Manual,
    Post,
    PostChecklists,
    Procedure,
    Ref,
    Standard,
    Step,
    Term,
    Text,
    WorkList,
)
from officebook.vocabulary.labels import label
from officebook.vocabulary.schemas import EXPORT_SCHEMA, schema_document

EXPORT_FORMAT = "officebook-export"
EXPORT_VERSION = 2
JSON_FILENAME = "officebook.json"
CELL_LINES = "\n"  # between the entries of a list in one cell: a title never holds a line break

Json = dict[str, Any]


# ---- JSON ----------------------------------------------------------------------------------------


def export_data(manual: Manual, *, derived: bool = True) -> Json:
    """The whole linked catalogue: items with resolved references and back-references, the
    glossary, and the derived views (checklists, onboarding references, RACI matrix).

    `derived=False` leaves the three derived views out (what comparing editions needs, faster);
    the result then does not match the export schema."""
    items = {
        "functions": [_function(manual, f) for f in manual.functions.values()],
        "duties": [_duty(manual, d) for d in manual.duties.values()],
        "procedures": [_procedure(manual, p) for p in manual.procedures.values()],
        "standards": [_standard(manual, s) for s in manual.standards.values()],
        "posts": [_post(manual, manual.posts[p]) for p in manual.post_order],
    }
    info = manual.info
    data: Json = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generator": f"officebook {__version__}",
        "manual": {
            "title": _text(info.title),
            "organization": _text(info.organization),
            "edition": info.edition,
            "effective": info.effective,
            "languages": list(info.languages),
            "default_language": info.default_language,
            "allow_html": info.allow_html,
            "introduction": _text(info.introduction),
        },
        "counts": {**{kind: len(entries) for kind, entries in items.items()},
                   "glossary": len(manual.glossary)},
        "items": items,
        "glossary": [_term(manual, t) for t in manual.glossary],
        "assets": list(manual.assets),
    }
    if derived:
        data["checklists"] = [_checklists(manual, manual.checklists[p]) for p in manual.post_order]
        data["onboarding"] = [_onboarding(manual, p) for p in manual.post_order]
        data["raci"] = _raci(manual)
    return data


def _raci(manual: Manual) -> Json:
    column = {post: i for i, post in enumerate(manual.raci.posts)}
    roles: dict[str, dict[str, str]] = {}
    for (duty, post), role in manual.raci.cells.items():
        if role and post in column:
            roles.setdefault(duty, {})[post] = role
    return {
        "posts": [_ref(manual, Ref("posts", p)) for p in manual.raci.posts],
        "rows": [
            {"duty": _ref(manual, Ref("duties", d)),
             "roles": dict(sorted(roles.get(d, {}).items(), key=lambda pair: column[pair[0]]))}
            for d in manual.raci.duties
        ],
    }


def export_json(manual: Manual) -> str:
    """`export_data` as JSON text: UTF-8 characters kept as they are, two-space indent, final newline."""
    return json.dumps(export_data(manual), ensure_ascii=False, indent=2) + "\n"


def load_export_schema() -> Json:
    return copy.deepcopy(schema_document(EXPORT_SCHEMA))


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else dict(text.values)


def _texts(texts: Iterable[Text]) -> list[dict[str, str]]:
    return [dict(t.values) for t in texts]


def _ref(manual: Manual, ref: Ref) -> Json:
    item = manual.item(ref)
    return {"kind": ref.kind, "id": ref.id, "title": _text(item.title) if item else None}


def _refs(manual: Manual, kind: str, ids: Iterable[str]) -> list[Json]:
    return [_ref(manual, Ref(kind, i)) for i in ids]


def _optional_ref(manual: Manual, kind: str, ident: str | None) -> Json | None:
    return None if ident is None else _ref(manual, Ref(kind, ident))


def _backref(manual: Manual, backref: BackRef) -> Json:
    source = None if backref.source is None else _ref(manual, backref.source)
    return {"source": source, "field": backref.field}


def _common(manual: Manual, item: Item) -> Json:
    return {
        "kind": item.kind,
        "id": item.id,
        "file": item.file,
        "title": _text(item.title),
        "summary": _text(item.summary),
        "tags": _texts(item.tags),
        "maintainer": _optional_ref(manual, "posts", item.maintainer),
        "review_by": item.review_by,
        "source": _text(item.source),
        "order": item.order,
        "referenced_by": [_backref(manual, b) for b in manual.referrers(item.ref)],
    }


def _function(manual: Manual, function: Function) -> Json:
    return {
        **_common(manual, function),
        "aim": _text(function.aim),
        "description": _text(function.description),
        "principles": _texts(function.principles),
        "duties": _refs(manual, "duties", manual.function_duties.get(function.id, ())),
    }


def _duty(manual: Manual, duty: Duty) -> Json:
    raci = duty.raci
    return {
        **_common(manual, duty),
        "function": _optional_ref(manual, "functions", duty.function),
        "description": _text(duty.description),
        "frequency": duty.frequency,
        "tasks": [{"number": t.number, "action": _text(t.action), "frequency": t.frequency,
                   "own_frequency": t.explicit_frequency} for t in duty.tasks],
        "raci": {
            "responsible": _refs(manual, "posts", raci.responsible),
            "accountable": _optional_ref(manual, "posts", raci.accountable),
            "consulted": _refs(manual, "posts", raci.consulted),
            "informed": _refs(manual, "posts", raci.informed),
        },
        "procedures": _refs(manual, "procedures", duty.procedures),
        "standards": _refs(manual, "standards", duty.standards),
    }


def _step(manual: Manual, step: Step) -> Json:
    return {
        "id": step.id,
        "number": step.number,
        "title": _text(step.title),
        "actor": _optional_ref(manual, "posts", step.actor),
        "action": _text(step.action),
        "output": _text(step.output),
        "time_limit": _text(step.time_limit),
        "standards": _refs(manual, "standards", step.standards),
        "next": list(step.next),
        "when": _text(step.when),
    }


def _procedure(manual: Manual, procedure: Procedure) -> Json:
    return {
        **_common(manual, procedure),
        "purpose": _text(procedure.purpose),
        "owner": _optional_ref(manual, "posts", procedure.owner),
        "trigger": _text(procedure.trigger),
        "time_limit": _text(procedure.time_limit),
        "steps": [_step(manual, s) for s in procedure.steps],
        "records": _texts(procedure.records),
        "standards": _refs(manual, "standards", procedure.standards),
        "actors": _refs(manual, "posts", procedure.actors),
    }


def _standard(manual: Manual, standard: Standard) -> Json:
    return {
        **_common(manual, standard),
        "category": standard.category,
        "statement": _text(standard.statement),
        "rationale": _text(standard.rationale),
        "criteria": _texts(standard.criteria),
        "check": standard.check,
        "applies_to": {
            "posts": _refs(manual, "posts", standard.applies_to_posts),
            "procedures": _refs(manual, "procedures", standard.applies_to_procedures),
        },
    }


def _post(manual: Manual, post: Post) -> Json:
    return {
        **_common(manual, post),
        "reports_to": _optional_ref(manual, "posts", post.reports_to),
        "description": _text(post.description),
        "competencies": _texts(post.competencies),
        "onboarding": {
            "first_day": _texts(post.onboarding.first_day),
            "first_week": _texts(post.onboarding.first_week),
            "first_month": _texts(post.onboarding.first_month),
        },
        "direct_reports": _refs(manual, "posts", manual.direct_reports(post.id)),
        "standards_applying": _refs(manual, "standards", manual.applicable_standards.get(post.id, ())),
    }


def _term(manual: Manual, term: Term) -> Json:
    return {
        "term": _text(term.term),
        "definition": _text(term.definition),
        "see": [_ref(manual, ref) for ref in term.see],
    }


def _entry(manual: Manual, entry: ChecklistEntry) -> Json:
    return {
        "key": entry.key,
        "text": _text(entry.text),
        "source": _ref(manual, entry.source),
        "step": entry.step,
        "detail": _text(entry.detail),
    }


def _group(manual: Manual, group: CriteriaGroup) -> Json:
    return {"standard": _ref(manual, Ref("standards", group.standard)),
            "entries": [_entry(manual, e) for e in group.entries]}


def _work(manual: Manual, work: WorkList) -> Json:
    return {
        "frequency": work.frequency,
        "entries": [_entry(manual, e) for e in work.entries],
        "governing": _refs(manual, "standards", work.governing),
        "criteria": [_group(manual, g) for g in work.criteria],
    }


def _case(manual: Manual, sheet: CaseSheet) -> Json:
    return {
        "procedure": _ref(manual, Ref("procedures", sheet.procedure)),
        "owner": sheet.owner,
        "steps": [{"step": s.step, "number": s.number, "actor": _optional_ref(manual, "posts", s.actor),
                   "own": s.own, "entry": _entry(manual, s.entry)} for s in sheet.steps],
        "criteria": [_group(manual, g) for g in sheet.criteria],
    }


def _checklists(manual: Manual, lists: PostChecklists) -> Json:
    return {
        "post": _ref(manual, Ref("posts", lists.post)),
        "periodic": [_work(manual, w) for w in lists.periodic.values()],
        "occasions": [_work(manual, w) for w in lists.occasions.values()],
        "cases": [_case(manual, c) for c in lists.cases],
        "general": [_group(manual, g) for g in lists.general],
        "by_frequency": {frequency: [_entry(manual, e) for e in entries]
                         for frequency, entries in lists.by_frequency.items()},
        "steps": [_entry(manual, e) for e in lists.steps],
        "criteria": [_entry(manual, e) for e in lists.criteria],
    }


def _onboarding(manual: Manual, post: str) -> Json:
    view = manual.onboarding[post]
    return {
        "post": _ref(manual, Ref("posts", post)),
        "first_day": [_entry(manual, e) for e in view.first_day],
        "first_week": [_entry(manual, e) for e in view.first_week],
        "first_month": [_entry(manual, e) for e in view.first_month],
        "duties": _refs(manual, "duties", view.duties),
        "procedures_owned": _refs(manual, "procedures", view.procedures_owned),
        "procedures_acted_in": _refs(manual, "procedures", view.procedures_acted_in),
        "standards": _refs(manual, "standards", view.standards),
        "reports_to": _optional_ref(manual, "posts", view.reports_to),
        "direct_reports": _refs(manual, "posts", view.direct_reports),
    }


# ---- CSV -----------------------------------------------------------------------------------------


def csv_filename(table: str, lang: str) -> str:
    return f"{table}-{lang}.csv"


def csv_tables(manual: Manual, languages: Iterable[str] | None = None) -> dict[str, bytes]:
    """File name -> bytes for every table in every language (default: the manual's languages).

    Bytes are UTF-8 with a BOM and CRLF row ends: Excel then reads Chinese correctly, and LibreOffice
    and the csv module read them as they are.
    """
    files: dict[str, bytes] = {}
    for lang in languages or manual.info.languages:
        for table, rows in (("raci", raci_rows(manual, lang)), ("assignments", assignment_rows(manual, lang)),
                            ("checklists", checklist_rows(manual, lang)), ("duties", duty_rows(manual, lang))):
            files[csv_filename(table, lang)] = _csv_bytes(rows)
    return files


def _csv_bytes(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([neutralise_cell(cell.strip()) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _title(manual: Manual, kind: str, ident: str | None, lang: str) -> str:
    """An item's title on one line (a title written over several lines is folded)."""
    item = manual.item(Ref(kind, ident)) if ident else None
    return " ".join(item.title.get(lang).split()) if item else ""


def _titles(manual: Manual, kind: str, ids: Iterable[str], lang: str) -> str:
    """Several titles in one cell, one a line: `、` and `, ` occur inside titles, a line break cannot."""
    return CELL_LINES.join(_title(manual, kind, i, lang) for i in ids)


def raci_rows(manual: Manual, lang: str) -> list[list[str]]:
    """Duties × posts: id, duty, then one column per post (reporting-tree order) holding R, A, C, I.
    Post columns are headed `title (id)`; `assignments` has the same as one row per role."""
    header = [label("id", lang), label("duty", lang),
              *(f"{_title(manual, 'posts', p, lang)} ({p})" for p in manual.raci.posts)]
    rows = [[d, _title(manual, "duties", d, lang), *(manual.raci.cell(d, p) for p in manual.raci.posts)]
            for d in manual.raci.duties]
    return [header, *rows]


def assignment_rows(manual: Manual, lang: str) -> list[list[str]]:
    """One row per duty, post and role (R, A, C, I), ids beside titles: the RACI for scripts and filters."""
    header = [label("ids-of", lang, field=label("duty", lang)), label("duty", lang), label("export-post-id", lang),
              label("post", lang), label("role", lang), label("export-role-name", lang)]
    rows = [header]
    for duty in manual.duties.values():
        raci = duty.raci
        held = [("R", "responsible", raci.responsible), ("A", "accountable", (raci.accountable,) if raci.accountable else ()),
                ("C", "consulted", raci.consulted), ("I", "informed", raci.informed)]
        for letter, role, posts in held:
            for post in posts:
                rows.append([duty.id, _title(manual, "duties", duty.id, lang), post, _title(manual, "posts", post, lang),
                             letter, label(role, lang)])
    return rows


def checklist_rows(manual: Manual, lang: str) -> list[list[str]]:
    """One row per tickable line of every post: onboarding lists, periodic and occasion lists (tasks,
    duties without tasks, self-check criteria), each case sheet (own steps, then its criteria), and the
    criteria of standards observed in all work."""
    header = [label("export-post-id", lang), label("post", lang), label("export-list", lang),
              label("export-key", lang), label("export-item", lang), label("source", lang),
              label("export-detail", lang)]
    rows = [header]
    for post in manual.post_order:
        lists = manual.checklists[post]
        onboarding = manual.onboarding[post]
        sections: list[tuple[str, tuple[ChecklistEntry, ...]]] = [
            (label("export-onboarding-list", lang, period=label(period, lang)), getattr(onboarding, period))
            for period in ("first_day", "first_week", "first_month")
        ]
        sections += [(label(frequency, lang), entries) for frequency, entries in lists.by_frequency.items()]
        for sheet in lists.cases:
            title = label("case-sheet", lang, procedure=_title(manual, "procedures", sheet.procedure, lang))
            sections.append((title, (*(s.entry for s in sheet.own_steps),
                                     *(e for group in sheet.criteria for e in group.entries))))
        sections += [(label("general-standards", lang), tuple(e for g in lists.general for e in g.entries))]
        post_title = _title(manual, "posts", post, lang)
        for section, entries in sections:
            for entry in entries:
                rows.append([post, post_title, section, entry.key, entry.text.get(lang),
                             _source(manual, entry, lang), entry.detail.get(lang) if entry.detail else ""])
    return rows


def _source(manual: Manual, entry: ChecklistEntry, lang: str) -> str:
    title = _title(manual, entry.source.kind, entry.source.id, lang)
    if entry.step is not None and isinstance(procedure := manual.item(entry.source), Procedure):
        step = procedure.step(entry.step)
        if step is not None:
            return label("step-of", lang, procedure=title, number=step.number)
    return title


def duty_rows(manual: Manual, lang: str) -> list[list[str]]:
    """The duty list: one row per duty with its function, frequency, RACI, procedures and standards."""
    header = [label(key, lang) for key in (
        "id", "duty", "function", "frequency", "responsible", "accountable", "consulted", "informed",
        "procedures", "standards", "maintainer", "review-by", "summary")]
    rows = [header]
    for duty in manual.duties.values():
        raci = duty.raci
        rows.append([
            duty.id, duty.title.get(lang), _title(manual, "functions", duty.function, lang),
            label(duty.frequency, lang) if duty.frequency else "",
            _titles(manual, "posts", raci.responsible, lang), _title(manual, "posts", raci.accountable, lang),
            _titles(manual, "posts", raci.consulted, lang), _titles(manual, "posts", raci.informed, lang),
            _titles(manual, "procedures", duty.procedures, lang),
            _titles(manual, "standards", duty.standards, lang),
            _title(manual, "posts", duty.maintainer, lang), duty.review_by or "",
            duty.summary.get(lang) if duty.summary else "",
        ])
    return rows

