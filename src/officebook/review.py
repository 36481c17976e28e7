"""The review cycle: which entries are past their `review_by` date or due within a window.

`due_for_review(manual, today)` is a derived view, plain data grouped by the maintainer post, shared by
`officebook review`, the site's "Due for review" page and its notices. `today` is always passed in.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from officebook.i18n import gettext as _
from officebook.i18n import ngettext
from officebook.model import Item, Manual, Ref, Text
from officebook.vocabulary.kinds import ITEM_KINDS

DEFAULT_WITHIN_DAYS = 30


@dataclass(frozen=True)
class ReviewEntry:
    """One entry to review; `days` until its review date, negative when the date has passed."""

    ref: Ref
    title: Text
    review_by: str
    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0


@dataclass(frozen=True)
class ReviewGroup:
    """The entries one post maintains; `maintainer` is None for entries nobody maintains."""

    maintainer: str | None
    entries: tuple[ReviewEntry, ...]


@dataclass(frozen=True)
class ReviewReport:
    today: dt.date
    within_days: int
    groups: tuple[ReviewGroup, ...]

    @property
    def entries(self) -> tuple[ReviewEntry, ...]:
        return tuple(e for g in self.groups for e in g.entries)

    @property
    def overdue(self) -> int:
        return sum(e.overdue for e in self.entries)

    @property
    def horizon(self) -> dt.date:
        """The last day counted as due."""
        return self.today + dt.timedelta(days=self.within_days)


def days_until_review(item: Item, today: dt.date) -> int | None:
    """Days from `today` to the item's review date (negative when past), None without a valid date."""
    if not item.review_by:
        return None
    try:
        return (dt.date.fromisoformat(item.review_by) - today).days
    except ValueError:
        return None


def is_past_review(item: Item, today: dt.date) -> bool:
    days = days_until_review(item, today)
    return days is not None and days < 0


def due_for_review(manual: Manual, today: dt.date, within_days: int = DEFAULT_WITHIN_DAYS) -> ReviewReport:
    """Every item whose review date has passed or falls within `within_days` of `today`, grouped by
    maintainer (posts in reporting-tree order, unmaintained last), earliest date first."""
    by_maintainer: dict[str | None, list[tuple[tuple, ReviewEntry]]] = {}
    for kind_index, kind in enumerate(ITEM_KINDS):
        for position, item in enumerate(manual.kind(kind).values()):
            days = days_until_review(item, today)
            if days is None or days > within_days:
                continue
            maintainer = item.maintainer if item.maintainer in manual.posts else None
            entry = ReviewEntry(item.ref, item.title, item.review_by or "", days)
            by_maintainer.setdefault(maintainer, []).append(((days, kind_index, position), entry))
    order = [*manual.post_order, None]
    groups = tuple(
        ReviewGroup(maintainer, tuple(entry for _, entry in sorted(found, key=lambda pair: pair[0])))
        for maintainer in order if (found := by_maintainer.get(maintainer))
    )
    return ReviewReport(today=today, within_days=within_days, groups=groups)


def _when(entry: ReviewEntry) -> str:
    if entry.days < 0:
        return ngettext("overdue by {days} day", "overdue by {days} days", -entry.days).format(days=-entry.days)
    if entry.days == 0:
        return _("due today")
    return ngettext("due in {days} day", "due in {days} days", entry.days).format(days=entry.days)


def _padded(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a CJK character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def format_text(report: ReviewReport, manual: Manual, lang: str | None = None) -> str:
    """The report for a terminal, in the interface's language: one block per maintainer, one line per entry."""
    lang = lang or manual.info.default_language
    entries = report.entries
    lines = [_("Due for review by {horizon} (today {today}, within {within}): {entries}, {overdue} overdue").format(
        horizon=report.horizon.isoformat(), today=report.today.isoformat(),
        within=ngettext("{count} day", "{count} days", report.within_days).format(count=report.within_days),
        entries=ngettext("{count} entry", "{count} entries", len(entries)).format(count=len(entries)),
        overdue=report.overdue)]
    for group in report.groups:
        post = manual.posts.get(group.maintainer) if group.maintainer else None
        heading = _("{title} ({id})").format(title=post.title.get(lang), id=post.id) if post else _("No maintainer")
        lines += ["", heading]
        lines += [f"  {e.review_by}  {_padded(_when(e), 20)}  {e.ref}  {e.title.get(lang)}" for e in group.entries]
    return "\n".join(lines) + "\n"


def as_dict(report: ReviewReport) -> dict:
    return {
        "today": report.today.isoformat(),
        "within_days": report.within_days,
        "horizon": report.horizon.isoformat(),
        "entries": len(report.entries),
        "overdue": report.overdue,
        "groups": [
            {"maintainer": group.maintainer,
             "entries": [{"kind": e.ref.kind, "id": e.ref.id, "title": dict(e.title.values),
                          "review_by": e.review_by, "days": e.days, "overdue": e.overdue}
                         for e in group.entries]}
            for group in report.groups
        ],
    }
