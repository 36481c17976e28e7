"""A procedure's steps as rows every output shows the same way: number, actor, title, where the step
leads (with the conditions of each way, rework marked), time limit, and whether a post does it.

`flow_text` is the one wording of where a step leads, for the site, the handbook, the Word files and
the flowchart's text for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from officebook.model import Procedure, Step, Text
from officebook.vocabulary.labels import label


@dataclass(frozen=True)
class StepTarget:
    """One way out of a step."""

    id: str
    number: int
    when: Text | None  # the condition of going there, if the author gave one
    rework: bool  # back to this or an earlier step


@dataclass(frozen=True)
class StepRow:
    id: str
    number: int
    actor: str | None
    title: Text
    targets: tuple[StepTarget, ...]  # () at the end of the procedure
    time_limit: Text | None
    own: bool  # done by the post the document is for
    step: Step

    @property
    def ends(self) -> bool:
        return not self.targets


def step_rows(procedure: Procedure, post: str | None = None) -> tuple[StepRow, ...]:
    """Every step of `procedure`; `own` marks `post`'s."""
    rows = []
    for step in procedure.steps:
        targets = tuple(StepTarget(target.id, target.number, target.when, target.number <= step.number)
                        for target in (procedure.step(t) for t in step.next) if target is not None)
        rows.append(StepRow(step.id, step.number, step.actor, step.name, targets, step.time_limit,
                            post is not None and step.actor == post, step))
    return tuple(rows)


def flow_text(row: StepRow, lang: str, *, step_name: Callable[[StepTarget], str] | None = None,
              condition: Callable[[Text], str] | None = None) -> str:
    """Where a step leads, in words: `then step 3 (if approved); back to step 1 (if rejected)`, or
    `ends the procedure`. `step_name` writes a target (a link on the web; by default `step 3`),
    `condition` a condition's text (by default its text in `lang`)."""
    if row.ends:
        return label("ends", lang)
    clauses = []
    for target in row.targets:
        name = step_name(target) if step_name else label("step-number", lang, number=target.number)
        clause = label("flow-back" if target.rework else "flow-to", lang, step=name)
        if target.when is not None:
            when = condition(target.when) if condition else target.when.get(lang)
            clause += label("paren", lang, text=when)
        clauses.append(clause)
    return label("clause-separator", lang).join(clauses)
