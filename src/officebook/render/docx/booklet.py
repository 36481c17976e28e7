"""A post's booklet as a Word document: profile, sign-off, reference, duties, procedures, standards,
checklists."""

from __future__ import annotations

from collections.abc import Iterable

from officebook.model import Ref, Text
from officebook.newcomer import terms_used
from officebook.outline import booklet_outline
from officebook.render.docx.html import SPACE_RUN
from officebook.render.docx.ooxml import shade_cell
from officebook.render.docx.styles import COVER, META, TABLE_HEADING, TABLE_TEXT
from officebook.render.docx.writer import WordWriter
from officebook.render.orgchart import orgchart_svg
from officebook.vocabulary.labels import category_label, raci_cell


class BookletWriter(WordWriter):
    """A post's booklet."""

    def booklet(self, post_id: str) -> None:
        manual, info = self.manual, self.manual.info
        post = manual.posts[post_id]
        view = manual.onboarding[post_id]
        post_title = self.title("posts", post_id)
        self.properties(f"{post_title} — {self.label('booklet-short')}", self.label("booklet-short"))
        self.outline = outline = booklet_outline(manual, post_id, self.lang)
        self.numbers = {}  # a booklet refers to its entries by title
        self.heading_numbers = dict(outline.entry_numbers)
        self.targets = frozenset({f"{ref.kind}--{ref.id}" for ref in outline.entry_numbers})
        self.cover([(f"{SPACE_RUN.sub(' ', self.text(info.organization))}", COVER)], post_title,
                   [(self.label("booklet"), "Subtitle"),
                    (SPACE_RUN.sub(" ", self.text(info.title)), COVER),
                    (f"{self.label('edition')}{self.colon}{info.edition}", COVER),
                    *([(f"{self.label('effective')}{self.colon}{outline.effective}", COVER)] if outline.effective else []),
                    (f"{self.label('holder')}{self.colon}____________", COVER)])
        body = self.new_section(restart=self.restart_numbers)
        self.footers(body)
        self.contents()
        write = {"post-at-a-glance": self.booklet_profile, "signoff": self.booklet_signoff,
                 "post-duties": self.booklet_duties, "procedures-taken-part": self.booklet_procedures,
                 "standards-applying": self.booklet_standards, "booklet-reference": self.booklet_reference,
                 "checklists": self.booklet_checklists}
        for part in outline.parts:
            self.heading(outline.part_heading(part), 1, part.anchor)
            write[part.key](post, view)

    def booklet_heading(self, kind: str, item_id: str) -> None:
        self.heading(self.outline.entry_heading(Ref(kind, item_id), self.title(kind, item_id)), 2, f"{kind}--{item_id}")

    def booklet_profile(self, post, view) -> None:
        self.summary(post)
        self.markdown(post.description)
        self.heading(self.label("reporting-lines"), 3)
        self.post_facts(post)
        self.svg_picture(orgchart_svg(self.manual, self.lang, id_prefix=f"org-{post.id}", highlight_post=post.id,
                                      around=True), self.label("org-chart"))
        if view.partners:
            self.heading(self.label("works-with"), 3)
            table = self.table(self.document, 3, [1.6, 2.6, 2.6])
            self.row(table, [self.label("post"), self.label("works-with-duties-heading"),
                             self.label("works-with-handoffs")], header=True, first=True)
            for partner in view.partners[:8]:
                self.row(table, [self.title("posts", partner.post), self.titles("duties", partner.duties),
                                 self.titles("procedures", partner.procedures)])
            self.spacer()
        if post.competencies:
            self.heading(self.label("competencies"), 3)
            self.text_list(post.competencies)

    def titles(self, kind: str, ids: Iterable[str]) -> str:
        return self.label("list-separator").join(self.title(kind, i) for i in ids)

    def booklet_signoff(self, post, view) -> None:
        """The first day / week / month lists as a sign-off sheet: a completion date and the mentor's
        initials per item, the newcomer's start date, and the mentor's and section chief's signatures."""
        periods = [p for p in ("first_day", "first_week", "first_month") if getattr(view, p)]
        people = self.table(self.document, 4, [1.2, 2, 1.2, 2], header_rows=0)
        for index, (left, right) in enumerate((("signoff-newcomer", "signoff-started"),
                                               ("signoff-mentor", "signoff-chief"))):
            row = self.row(people, [self.label(left), "", self.label(right), ""], first=index == 0)
            for cell in (row.cells[0], row.cells[2]):
                self.set_style(cell.paragraphs[0], TABLE_HEADING)
                shade_cell(cell)
        self.spacer()
        for period in periods:
            table = self.table(self.document, 4, [0.7, 5, 1.5, 1.5])
            self.row(table, [self.label("number-short"), self.label(period), self.label("signoff-done-on"),
                             self.label("signoff-mentor")], header=True, first=True)
            for number, entry in enumerate(getattr(view, period), start=1):
                self.row(table, [str(number), self.text(entry.text), "", ""])
            self.spacer()
        for who in ("signoff-mentor", "signoff-chief"):
            line = self.paragraph(style=TABLE_TEXT)
            self.add_text(line, f"{self.label(who)}{self.label('signoff-signature')}{self.colon}______________\u2003\u2003"
                                f"{self.label('signoff-date')}{self.colon}______________")

    def booklet_reference(self, post, view) -> None:
        """Time limits the post keeps, the forms it uses and the terms it will meet."""
        terms = [self.manual.glossary[i] for i in terms_used(self.manual, post.id, self.lang)]
        if view.time_limits:
            self.heading(self.label("time-limits-kept"), 2, "booklet-time-limits")
            table = self.table(self.document, 3, [2.4, 3.2, 2])
            self.row(table, [self.label("time-limit-applies-to"), self.label("time-limit"),
                             self.label("time-limit-source")], header=True, first=True)
            for row in view.time_limits:
                source = self.title(row.source.kind, row.source.id)
                if row.step:
                    step = self.manual.procedures[row.source.id].step(row.step)
                    source += self.label("list-separator") + self.label("step-number", number=step.number)
                self.row(table, [self.text(row.what), self.text(row.limit), source])
            self.spacer()
        self.heading(self.label("forms-used"), 2, "booklet-forms")
        if view.forms:
            self.text_list([Text({self.lang: asset.split("/")[-1]}, self.lang) for asset in view.forms])
        else:
            self.paragraph(self.label("no-forms"), META)
        if terms:
            self.heading(self.label("terms-used"), 2, "booklet-terms")
            table = self.table(self.document, 2, [1.4, 5])
            self.row(table, [self.label("term"), self.label("definition")], header=True, first=True)
            for term in terms:
                self.row(table, [self.text(term.term), self.text(term.definition)])
            self.spacer()

    def booklet_duties(self, post, view) -> None:
        for duty_id in view.duties:
            duty = self.manual.duties[duty_id]
            self.booklet_heading("duties", duty_id)
            self.summary(duty)
            self.facts([
                (self.label("role"), raci_cell(duty.raci.role_of(post.id), self.lang)),
                (self.label("frequency"), self.label(duty.frequency) if duty.frequency else ""),
                (self.label("function"), self.title("functions", duty.function)),
                (f"{self.label('accountable')} (A)", self.title("posts", duty.raci.accountable)),
                (self.label("procedures"), self.cell_links("procedures", duty.procedures, numbered=True)),
                (self.label("standards"), self.cell_links("standards", duty.standards, numbered=True)),
            ])
            self.markdown(duty.description)
            self.tasks(duty)

    def booklet_procedures(self, post, view) -> None:
        procedures = view.procedures_owned + view.procedures_acted_in
        for procedure_id in procedures:
            procedure = self.manual.procedures[procedure_id]
            self.booklet_heading("procedures", procedure_id)
            self.summary(procedure)
            self.facts([
                (self.label("owner"), self.title("posts", procedure.owner)),
                (self.label("trigger"), self.text(procedure.trigger)),
                (self.label("time-limit"), self.text(procedure.time_limit)),
            ])
            self.heading(self.label("steps"), 3)
            self.paragraph(self.label("own-steps-note"), META)
            self.steps_table(procedure, procedure.steps, mark_post=post.id)
            self.heading(self.label("flowchart"), 3)
            self.flowchart(procedure, highlight_post=post.id)

    def booklet_standards(self, post, view) -> None:
        for standard_id in view.standards:
            standard = self.manual.standards[standard_id]
            self.booklet_heading("standards", standard_id)
            self.paragraph(category_label(standard.category, self.lang) if standard.category else "", META)
            self.markdown(standard.statement)
            if standard.criteria:
                self.heading(self.label("criteria"), 3)
                self.text_list(standard.criteria, ordered=True)

    def booklet_checklists(self, post, view) -> None:
        for index, card in enumerate(self.outline.cards):
            heading = self.heading(card.title, 2, f"card-{card.key}")
            if index:
                heading.paragraph_format.page_break_before = True
            line = self.paragraph(style=META)
            self.add_text(line, f"{self.label('date')}{self.colon}______________\u2003\u2003"
                                f"{self.label('checked-by')}{self.colon}______________")
            self.ticks(card.entries)
