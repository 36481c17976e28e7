"""Edition notes in the outputs: what changed since the previous edition, and what is due for review.

`EditionNotes` carries the comparison with the previous edition (`officebook.diff`) and the review
report (`officebook.review`). The site shows them as a "What changed in this edition" page, a "Due
for review" page and notices at the top of the pages concerned; the handbook as a revision table in
its document control and a bar in the margin of every changed section. Without notes (the default)
the outputs are exactly as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from officebook.diff import EditionDiff, FieldChange, ItemChange, common_affixes, diff_editions, in_language
from officebook.model import Item, Manual, Ref
from officebook.render.pages import PageContext, front_matter, inline, render
from officebook.review import DEFAULT_WITHIN_DAYS, ReviewEntry, ReviewReport, due_for_review, is_past_review
from officebook.vocabulary.kinds import SINGULAR
from officebook.vocabulary.labels import label

CHANGES_PATH = "changes.md"
REVIEW_PATH = "review.md"

# Field name -> label key (most fields' label keys are their own names).
_SAME_NAME = (
    "title summary description tags maintainer source order aim principles function frequency responsible "
    "accountable consulted informed procedures standards purpose owner trigger steps records category "
    "statement rationale criteria competencies onboarding first_day first_week first_month actor action "
    "output next when term definition edition effective introduction organization tasks check"
).split()
_FIELD_LABELS = {
    **{name: name for name in _SAME_NAME},
    "review_by": "review-by", "time_limit": "time-limit", "applies_to": "applies-to",
    "reports_to": "reports-to", "see": "see-also", "languages": "language",
}
_NESTED_LABELS = {("applies_to", "posts"): "applies-to-posts",
                  ("applies_to", "procedures"): "applies-to-procedures"}
_SKIPPED = {"raci"}  # `raci.accountable` reads as "Accountable"
_REF_KINDS = {
    "maintainer": "posts", "owner": "posts", "actor": "posts", "reports_to": "posts", "responsible": "posts",
    "accountable": "posts", "consulted": "posts", "informed": "posts", "function": "functions",
    "procedures": "procedures", "standards": "standards",
}
_TOKEN = re.compile(r"([A-Za-z_][\w-]*)|\[([^\]]+)\]")
_SHORT = 100
_CONTEXT = 30


@dataclass(frozen=True)
class EditionNotes:
    """What the outputs say about this edition: changes since `changes.old_edition`, reviews due."""

    changes: EditionDiff | None = None
    review: ReviewReport | None = None
    editions: tuple[dict, dict] | None = None  # (previous, this) as JSON exports, for in_language

    def in_language(self, lang: str) -> EditionNotes:
        """The notes as the `lang` outputs state them: changes made only to other languages' texts
        are left out (the handbook of one language marks what its readers see changed)."""
        if self.editions is None:
            return self
        previous, current = self.editions
        return EditionNotes(diff_editions(in_language(previous, lang), in_language(current, lang)), self.review)

    def margin_marks(self) -> list[tuple[Ref, str | None]]:
        """What gets a bar in the handbook's margin: (item, None) for a new or changed entry; for a
        procedure whose changes are all within existing steps, (procedure, step id) for each such step
        instead of the whole procedure."""
        if self.changes is None:
            return []
        marks: list[tuple[Ref, str | None]] = []
        for change in (*self.changes.added, *self.changes.changed):
            if change.kind == "glossary":
                continue
            ref = Ref(change.kind, change.id)
            steps = _changed_steps(change) if change.kind == "procedures" and change.changes else None
            marks += [(ref, step) for step in steps] if steps else [(ref, None)]
        return marks

    @cached_property
    def _changed(self) -> dict[tuple[str, str], ItemChange]:
        if self.changes is None:
            return {}
        return {c.key: c for c in (*self.changes.added, *self.changes.changed)}

    @cached_property
    def _added(self) -> set[tuple[str, str]]:
        return {c.key for c in self.changes.added} if self.changes else set()

    def change_of(self, ref: Ref) -> ItemChange | None:
        """The item's change when it was added or changed in this edition."""
        return self._changed.get((ref.kind, ref.id))

    def is_new(self, ref: Ref) -> bool:
        return (ref.kind, ref.id) in self._added

    def past_review(self, item: Item) -> bool:
        return self.review is not None and is_past_review(item, self.review.today)


_STEP_FIELD = re.compile(r"^steps\[([^\]]+)\]")


def _changed_steps(change: ItemChange) -> list[str] | None:
    """The steps a procedure's changes lie in, in order of change; None when a change lies outside the
    existing steps (another field, the order of the steps, a step removed)."""
    steps: list[str] = []
    for field_change in change.changes:
        match = _STEP_FIELD.match(field_change.field)
        if match is None or (field_change.field == match.group(0) and field_change.new is None):
            return None
        if match.group(1) not in steps:
            steps.append(match.group(1))
    return steps


def edition_notes(manual: Manual, *, previous: dict | None = None, current: dict | None = None,
                  today: dt.date | None = None, within_days: int = DEFAULT_WITHIN_DAYS) -> EditionNotes:
    """Notes for `manual`: compared with the `previous` edition (a JSON export, as read by
    `officebook.diff.read_edition`) when given — `current` is this edition's export, which the caller
    makes (`officebook.export.export_data(manual, derived=False)`) — and reviews counted from `today`
    when given."""
    changes, editions = None, None
    if previous is not None:
        if current is None:
            raise ValueError("edition_notes: the current edition's export is needed to compare with the previous")
        changes, editions = diff_editions(previous, current), (previous, current)
    review = due_for_review(manual, today, within_days) if today is not None else None
    return EditionNotes(changes, review, editions)


# ---- naming fields --------------------------------------------------------------------------------


def field_name(change_field: str, manual: Manual, lang: str, ref: Ref | None = None, *,
               with_language: bool = True) -> str:
    """A field path as readers name it: `steps[check].actor` → "Step 2 · Actor",
    `title[en]` → "Title (en)", `raci.accountable` → "Accountable"."""
    if change_field == "steps.order":
        return label("steps-order", lang)
    parts: list[str] = []
    language = ""
    names: list[str] = []
    for match in _TOKEN.finditer(change_field):
        name, bracket = match.groups()
        if name:
            names.append(name)
            nested = _NESTED_LABELS.get(tuple(names[-2:]))
            if nested:
                parts[-1:] = [label("applies-to", lang), label(nested, lang)]
            elif name not in _SKIPPED:
                key = _FIELD_LABELS.get(name)
                parts.append(label(key, lang) if key else name)
        elif bracket in manual.info.languages:
            language = bracket
        elif bracket.isdigit():
            parts[-1] = f"{parts[-1]} {int(bracket) + 1}" if parts else bracket
        elif names and names[-1] == "steps":
            parts[-1] = _step_name(bracket, manual, lang, ref)
        else:
            parts.append(bracket)
    text = " · ".join(parts)
    return f"{text} ({language})" if language and with_language else text


def _step_name(step_id: str, manual: Manual, lang: str, ref: Ref | None) -> str:
    procedure = manual.procedures.get(ref.id) if ref and ref.kind == "procedures" else None
    step = procedure.step(step_id) if procedure else None
    return label("step-title", lang, number=step.number if step else step_id)


def field_names(change: ItemChange, manual: Manual, lang: str) -> list[str]:
    """The fields of a change, named once each (all languages of a text as one field)."""
    names = (field_name(c.field, manual, lang, Ref(change.kind, change.id), with_language=False)
             for c in change.changes)
    return list(dict.fromkeys(names))


# ---- showing a change ------------------------------------------------------------------------------


def _ref_kind(change_field: str) -> str | None:
    names = [m.group(1) for m in _TOKEN.finditer(change_field) if m.group(1)]
    if names[-2:] == ["applies_to", "posts"]:
        return "posts"
    if names[-2:] == ["applies_to", "procedures"]:
        return "procedures"
    return _REF_KINDS.get(names[-1]) if names else None


def _shown(value: Any, kind: str | None, manual: Manual, lang: str) -> str:
    """A value as escaped inline text: refs as titles, texts in `lang`, lists joined."""
    if isinstance(value, (tuple, list)):
        return label("list-separator", lang).join(_shown(v, kind, manual, lang) for v in value)
    if isinstance(value, dict):
        return inline(value.get(lang) or next(iter(value.values()), ""))
    if kind and isinstance(value, str):
        item = manual.kind(kind).get(value)
        return inline(item.title.get(lang) if item else value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return inline(str(value))


def change_html(change: FieldChange, manual: Manual, lang: str) -> str:
    """One change as inline Markdown with <del> and <ins>: list members added and removed, long texts
    around what changed, refs by title."""
    kind = _ref_kind(change.field)
    old, new = change.old, change.new
    if old is None:
        return f"<ins>{_shown(new, kind, manual, lang)}</ins>"
    if new is None:
        return f"<del>{_shown(old, kind, manual, lang)}</del>"
    if isinstance(old, tuple) and isinstance(new, tuple) and set(old) != set(new):
        added = [f"<ins>{_shown(v, kind, manual, lang)}</ins>" for v in new if v not in old]
        removed = [f"<del>{_shown(v, kind, manual, lang)}</del>" for v in old if v not in new]
        return " ".join(added + removed)
    if isinstance(old, str) and isinstance(new, str) and not kind and max(len(old), len(new)) > _SHORT:
        return _around_change(old, new)
    return f"<del>{_shown(old, kind, manual, lang)}</del> → <ins>{_shown(new, kind, manual, lang)}</ins>"


def _around_change(old: str, new: str) -> str:
    start, end = common_affixes(old, new)
    before, after = old[max(0, start - _CONTEXT):start], old[len(old) - end:len(old) - end + _CONTEXT]
    removed, added = old[start:len(old) - end], new[start:len(new) - end]

    def cut(text: str) -> str:
        half = _SHORT
        return text if len(text) <= 2 * half else f"{text[:half]} … {text[-half:]}"

    html = ("… " if start > _CONTEXT else "") + inline(before)
    html += f"<del>{inline(cut(removed))}</del>" if removed else ""
    html += f"<ins>{inline(cut(added))}</ins>" if added else ""
    return html + inline(after) + (" …" if end > _CONTEXT else "")


def change_anchor(change: ItemChange) -> str:
    """The anchor of an entry on the "What changed" page. Item ids are ASCII already; a glossary term
    (keyed by its term, Chinese as often as not) gets what ASCII it has and a hash of the whole term,
    so that no two terms share an anchor."""
    slug = re.sub(r"[^a-z0-9-]+", "-", change.id.lower()).strip("-")
    if change.kind != "glossary":
        return f"{change.kind}-{slug or 'entry'}"
    import hashlib

    digest = hashlib.sha1(change.id.encode("utf-8")).hexdigest()[:8]
    return f"glossary-{slug}-{digest}" if slug else f"glossary-{digest}"


# ---- site pages and notices ------------------------------------------------------------------------


def edition_paths(notes: EditionNotes | None) -> list[str]:
    if notes is None:
        return []
    # no review page with nothing to review (an empty page is noise to staff)
    return ([CHANGES_PATH] if notes.changes else []) + ([REVIEW_PATH] if notes.review and notes.review.entries else [])


def edition_nav(notes: EditionNotes | None, lang: str) -> list[dict]:
    entries = []
    if notes and notes.changes:
        entries.append({label("what-changed", lang): CHANGES_PATH})
    return entries  # the review page is the keepers': linked from the home page's foot, not the navigation


def render_edition_page(manual: Manual, lang: str, path: str, notes: EditionNotes,
                        directory_urls: bool = True) -> str:
    ctx = PageContext(manual, lang, path, directory_urls)
    if path == CHANGES_PATH and notes.changes:
        return render("changes.md.j2", ctx, front=front_matter(label("what-changed", lang)),
                       diff=notes.changes, helper=_ChangeHelper(ctx))
    if path == REVIEW_PATH and notes.review and notes.review.entries:
        return render("review.md.j2", ctx, front=front_matter(label("due-for-review", lang)),
                       report=notes.review, helper=_ReviewHelper(ctx))
    raise KeyError(path)


class _ChangeHelper:
    """What changes.md.j2 needs, bound to the page."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def title(self, change: ItemChange) -> str:
        return inline(change.title.get(self.ctx.lang) or next(iter(change.title.values()), change.id))

    def entry(self, change: ItemChange) -> str:
        """A link to the entry (plain text when it is gone or a glossary term), with its kind."""
        ctx = self.ctx
        if change.kind == "glossary":
            return f"{self.title(change)}{ctx.label('paren', text=ctx.label('term'))}"
        kind = ctx.label("paren", text=ctx.label(SINGULAR[change.kind]))
        ref = Ref(change.kind, change.id)
        shown = ctx.link(ref) if ctx.manual.item(ref) is not None else self.title(change)
        return shown + kind

    def field(self, change: ItemChange | None, field_change: FieldChange) -> str:
        ref = Ref(change.kind, change.id) if change else None
        return inline(field_name(field_change.field, self.ctx.manual, self.ctx.lang, ref))

    def value(self, field_change: FieldChange) -> str:
        return change_html(field_change, self.ctx.manual, self.ctx.lang).replace("|", "\\|")

    def anchor(self, change: ItemChange) -> str:
        return change_anchor(change)


class _ReviewHelper:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def status(self, entry: ReviewEntry) -> str:
        if entry.days < 0:
            return self.ctx.label("overdue-by", days=-entry.days)
        if entry.days == 0:
            return self.ctx.label("due-today")
        return self.ctx.label("due-in", days=entry.days)

    def kind(self, entry: ReviewEntry) -> str:
        return self.ctx.label(SINGULAR[entry.ref.kind])


def item_notices(ctx: PageContext, item: Item, notes: EditionNotes) -> str:
    """Admonitions for the top of an item's page: review overdue, new or changed in this edition."""
    blocks = []
    lang = ctx.lang
    if notes.past_review(item):
        if item.maintainer in ctx.manual.posts:
            body = ctx.label("notice-overdue-body", date=ctx.date(item.review_by), maintainer=ctx.post(item.maintainer))
        else:
            body = ctx.label("notice-overdue-body-unmaintained", date=ctx.date(item.review_by))
        body += f" [{ctx.label('due-for-review')}]({ctx.url(REVIEW_PATH)})"
        blocks.append(_admonition("warning", ctx.label("notice-overdue"), body))
    change = notes.change_of(item.ref)
    if change is not None and notes.changes is not None:
        edition = notes.changes.new_edition
        anchor = "added" if notes.is_new(item.ref) else change_anchor(change)
        link = f"[{ctx.label('see-changes')}]({ctx.url(CHANGES_PATH)}#{anchor})"
        if notes.is_new(item.ref):
            body = ctx.label("notice-new-body", edition=inline(edition))
            blocks.append(_admonition("note", label("notice-new", lang, edition=edition), f"{body} {link}"))
        else:
            names = field_names(change, ctx.manual, lang)
            fields = label("list-separator", lang).join(inline(n) for n in names)
            body = ctx.label("notice-changed-fields", old=inline(notes.changes.old_edition), fields=fields)
            title = label("notice-changed", lang, edition=edition)
            blocks.append(_admonition("note", title, f"{body} {link}"))
    return "\n".join(blocks)


def _admonition(kind: str, title: str, body: str) -> str:
    title = title.replace('"', "'")
    return f'!!! {kind} "{title}"\n\n    {body}\n'


def with_notices(markdown: str, notices: str) -> str:
    """The page with `notices` right below its title (the first `# ` heading)."""
    if not notices:
        return markdown
    match = re.search(r"^# .*$", markdown, flags=re.MULTILINE)
    if match is None:
        return notices + "\n" + markdown
    return markdown[:match.end()] + "\n\n" + notices + markdown[match.end():]


# ---- the handbook ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """One row of the handbook's revision table."""

    kind: str
    id: str
    status: str  # revision-new, revision-changed, revision-removed (label keys)
    title: dict
    fields: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or next(iter(self.title.values()), self.id)


def revisions(notes: EditionNotes | None, manual: Manual, lang: str) -> list[Revision]:
    """The revision table: new, changed and removed items in chapter order (glossary terms last)."""
    if notes is None or notes.changes is None:
        return []
    changes = notes.changes
    order = {kind: i for i, kind in enumerate(("functions", "duties", "procedures", "standards", "posts",
                                               "glossary"))}
    rows = [Revision(c.kind, c.id, "revision-new", dict(c.title)) for c in changes.added]
    rows += [Revision(c.kind, c.id, "revision-changed", dict(c.title), tuple(field_names(c, manual, lang)))
             for c in changes.changed]
    rows += [Revision(c.kind, c.id, "revision-removed", dict(c.title)) for c in changes.removed]

    positions = {kind: {item_id: i for i, item_id in enumerate(manual.post_order if kind == "posts"
                                                                 else manual.kind(kind))}
                 for kind in order if kind != "glossary"}

    def position(row: Revision) -> tuple:
        found = positions.get(row.kind, {})
        return (order[row.kind], found.get(row.id, len(found)), row.id)

    return sorted(rows, key=position)


_MARKABLE = re.compile(r'<(section) class="([^"]*)" id="([^"]*)"|<(tr) id="([^"]*)"')


def mark_changed_sections(html: str, anchors: Iterable[str]) -> str:
    """Add the class `changed` to the `<section>` or table row (a procedure's step) of every anchor:
    the margin bar of print.css."""
    marked = set(anchors)

    def mark(match: re.Match[str]) -> str:
        section, classes, section_id, row, row_id = match.groups()
        if section and section_id in marked:
            return f'<section class="{classes} changed" id="{section_id}"'
        if row and row_id in marked:
            return f'<tr class="changed" id="{row_id}"'
        return match.group(0)

    return _MARKABLE.sub(mark, html)
