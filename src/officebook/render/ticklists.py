"""A post's tickable lists and case sheets on the web, as ready-made HTML (render/prebuilt.py).

A post page at 1,000 items carries dozens of lists and case sheets with hundreds of lines to tick;
written as Markdown with HTML blocks they were most of the site's Markdown and went through
Python-Markdown's HTML parser character by character. Here each list's body is built once as final
HTML (links are page addresses), lean: one class on the list, none on its lines (officebook.css
styles a list's children), nothing a stylesheet can draw. The wrapper and its heading stay Markdown
(the heading is in the page's contents and has its permalink).

What every list of a page shares — the manual's storage scope, the post, its working day, the
words officebook.js shows, the signature line printed under a list — is written once, on the page's
first list; officebook.js gives it to the others, and a list's print title is the post's name and
the list's heading. Each box keeps its `data-key`: staff's saved ticks are filed under it.
"""

from __future__ import annotations

from html import escape

from officebook.model import CaseSheet, ChecklistEntry, CriteriaGroup, Procedure
from officebook.render.pages import PageContext, item_path, step_anchor


def _attr(text: str) -> str:
    return escape(str(text), quote=True)


class TickLists:
    """The lists of one page (one post's): made by the page's template through its macros."""

    def __init__(self, ctx: PageContext, scope: str) -> None:
        self.ctx = ctx
        self.scope = scope
        self._shared_given = False

    # the wrapper -----------------------------------------------------------------------------

    def attributes(self, post: str, list_id: str, period: str = "none", kind: str = "list") -> str:
        """The wrapper's `data-` attributes: its list id, period ("none" left out) and kind ("occasion"
        only: a case sheet is known by its class); on the page's first list, what all lists share."""
        ctx = self.ctx
        parts = [f'data-list="{_attr(list_id)}"']
        if period != "none":
            parts.append(f'data-period="{_attr(period)}"')
        if kind == "occasion":
            parts.append('data-kind="occasion"')
        if not self._shared_given:
            self._shared_given = True
            footer = (f"{ctx.label('checked-by')}{ctx.label('colon')}________________    "
                      f"{ctx.label('date')}{ctx.label('colon')}____________")
            parts += [f'data-scope="{_attr(self.scope)}"', f'data-post="{_attr(post)}"',
                      f'data-day-starts="{_attr(ctx.day_starts(post))}"',
                      f'data-labels="{_attr(ctx.checklist_labels())}"',
                      f'data-print-post="{_attr(ctx.post_title(post))}"', f'data-print-footer="{_attr(footer)}"']
        return " ".join(parts)

    # lines -----------------------------------------------------------------------------------

    def tick(self, entry: ChecklistEntry, with_source: bool = True, number: int | None = None) -> str:
        """One line: the whole line is the label of its box; what it serves is named quietly."""
        ctx = self.ctx
        numbered = f"<b>{number}.</b>" if number is not None else ""
        source = ""
        if with_source and entry.source.kind != "posts" and not entry.key.startswith("duty:"):
            source = f" <small>{escape(ctx.label('paren', text=ctx.title_of(entry.source)))}</small>"
        return (f'<li><label>{numbered}<input type="checkbox" data-key="{_attr(entry.key)}">'
                f"{escape(ctx.plain(entry.text))}{source}</label></li>")

    def ticks(self, entries, with_source: bool = True) -> str:
        return '<ul class="officebook-ticks">' + "".join(self.tick(e, with_source) for e in entries) + "</ul>"

    def criteria(self, groups: tuple[CriteriaGroup, ...], heading: str) -> str:
        """Standards without check shown with the work they govern: each standard once (linked), its
        criteria beneath."""
        if not groups:
            return ""
        ctx = self.ctx
        items = []
        for group in groups:
            standard = ctx.manual.standards[group.standard]
            lines = "".join(f"<li>{escape(ctx.plain(e.text))}</li>" for e in group.entries)
            items.append(f'<li><a href="{_attr(ctx.href(item_path(standard.ref)))}">'
                         f"{escape(standard.title.get(ctx.lang))}</a><ul>{lines}</ul></li>")
        return f'<div class="officebook-criteria"><p><strong>{escape(heading)}</strong></p><ul>{"".join(items)}</ul></div>'

    def also(self, standard_ids) -> str:
        """"Also observe: …" under a list: standards whose criteria stand elsewhere on the page."""
        if not standard_ids:
            return ""
        ctx = self.ctx
        links = ctx.label("list-separator").join(
            f'<a href="{_attr(ctx.href(item_path(ctx.manual.standards[s].ref)))}">'
            f"{escape(ctx.manual.standards[s].title.get(ctx.lang))}</a>" for s in standard_ids)
        return f'<p class="officebook-also">{escape(ctx.label("also-observe") + ctx.label("colon"))}{links}</p>'

    # case sheets -----------------------------------------------------------------------------

    def case_body(self, sheet: CaseSheet) -> str:
        """A case sheet under its heading: what the procedure is (linked), the post's own steps in
        full to tick, with who hands the case to each and to whom it goes next (linked to those
        steps on the procedure's page, where every step is), then the criteria met each time."""
        ctx = self.ctx
        procedure = ctx.manual.procedures[sheet.procedure]
        about = [f'<a href="{_attr(ctx.href(item_path(procedure.ref)))}">{escape(procedure.title.get(ctx.lang))}</a>']
        about += [escape(ctx.plain(value)) for value in (procedure.trigger, procedure.time_limit) if value]
        lines = []
        for what, row in self.case_rows(sheet, procedure):
            lines.append(self.tick(row.entry, with_source=False, number=row.number) if what == "own" else row)
        parts = [f'<p class="officebook-case__about">{" · ".join(about)}</p>',
                 f'<ol class="officebook-ticks officebook-case__steps">{"".join(lines)}</ol>']
        if sheet.criteria:
            groups = "".join(f"<p>{escape(ctx.title_of(ctx.manual.standards[g.standard].ref))}</p>"
                             + self.ticks(g.entries, with_source=False) for g in sheet.criteria)
            parts.append(f'<div class="officebook-case__criteria"><p><strong>{escape(ctx.label("met-each-time"))}'
                         f"</strong></p>{groups}</div>")
        return "".join(parts)

    def case_rows(self, sheet: CaseSheet, procedure: Procedure) -> list[tuple[str, object]]:
        """The sheet's lines in step order: `("own", step)` for each of the post's own steps, and
        `("others", html)` for the other posts' steps that hand the case to one of them or receive it
        from one (`CaseStep.adjacent`) — one line per run of such steps. The rest are on the
        procedure's page (its flowchart and every step), not here."""
        rows: list[tuple[str, object]] = []
        run: list = []

        def close_run() -> None:
            if run:
                rows.append(("others", self._other_steps_line(procedure, run)))
                run.clear()

        for case_step in sheet.steps:
            if case_step.own:
                close_run()
                rows.append(("own", case_step))
            elif case_step.adjacent:
                run.append(case_step)
        close_run()
        return rows

    def _other_steps_line(self, procedure: Procedure, steps: list) -> str:
        """`<li>` of a run of other posts' steps, one clause per actor's consecutive steps —
        `第 5 步（拟办）由甲办理；第 6–7 步（批办、审核）由乙办理` — each linked to its first step on the
        procedure's page."""
        ctx = self.ctx
        groups: list[list] = []
        for case_step in steps:
            if groups and groups[-1][-1].actor == case_step.actor and groups[-1][-1].number + 1 == case_step.number:
                groups[-1].append(case_step)
            else:
                groups.append([case_step])
        clauses = []
        for group in groups:
            first, last = group[0].number, group[-1].number
            shown = ctx.label("step-number", number=f"{first}–{last}" if last != first else first)
            titles = [step.title.get(ctx.lang) for s in group
                      if (step := procedure.step(s.step)) is not None and step.title]
            if titles:
                shown += ctx.label("paren", text=ctx.label("list-separator").join(titles))
            href = f"{ctx.href(item_path(procedure.ref))}#{step_anchor(group[0].step)}"
            actor = group[0].actor
            who = escape(ctx.label("case-other-step", actor=ctx.post_title(actor))) if actor else ""
            clauses.append(f'<a href="{_attr(href)}">{escape(shown)}</a>{who}')
        return (f'<li class="officebook-case__other"><b>{steps[0].number}.</b>'
                f'<span>{escape(ctx.label("clause-separator")).join(clauses)}</span></li>')
