"""A post's booklet as a Word document: profile, sign-off, reference, duties, procedures, standards,
checklists."""

from __future__ import annotations

from collections.abc import Iterable

from officebook.model import FREQUENCIES, Ref, Text
from officebook.newcomer import terms_used
from officebook.render.docx.html import SPACE_RUN
from officebook.render.docx.ooxml import shade_cell
from officebook.render.docx.styles import COVER, META, TABLE_HEADING, TABLE_TEXT
from officebook.render.docx.writer import WordWriter
from officebook.render.orgchart import orgchart_svg
from officebook.render.print import (
    chapter_number,
    checklist_cards,
)
from officebook.vocabulary.labels import category_label, raci_cell


class BookletWriter(WordWriter):
    """A post's booklet."""

    def booklet(self, post_id: str) -> None:
        manual, info = self.manual, self.manual.info
        post = manual.posts[post_id]
        view = manual.onboarding[post_id]
        post_title = self.title("posts", post_id)
        self.properties(f"{post_title} — {self.label('post-description')}", self.label("post-description"))
        for number, (kind, ids) in enumerate((("duties", view.duties),
                                              ("procedures", view.procedures_owned + view.procedures_acted_in),
                                              ("standards", view.standards)), start=2):
            for position, item_id in enumerate(ids, start=1):
                self.numbers[Ref(kind, item_id)] = f"{number}.{position}" if not self.type.line_pitch else ""
        self.targets = frozenset({f"{ref.kind}--{ref.id}" for ref in self.numbers})
        self.cover([(f"{SPACE_RUN.sub(' ', self.text(info.organization))}", COVER)], post_title,
                   [(self.label("post-description"), "Subtitle"),
                    (SPACE_RUN.sub(" ", self.text(info.title)), COVER),
                    (f"{self.label('edition')} {info.edition}", COVER),
                    *([(f"{self.label('effective')} {info.effective}", COVER)] if info.effective else []),
                    (f"{self.label('holder')}{self.colon}____________", COVER)])
        body = self.new_section(restart=self.restart_numbers)
        self.footers(body)
        self.contents()
        parts = [("post-profile", self.booklet_profile), ("signoff", self.booklet_signoff),
                 ("post-duties", self.booklet_duties), ("booklet-procedures", self.booklet_procedures),
                 ("standards-applying", self.booklet_standards), ("booklet-reference", self.booklet_reference),
                 ("checklists", self.booklet_checklists)]
        shown = [(key, write) for key, write in parts if write(post, view, dry=True)]
        for number, (key, write) in enumerate(shown, start=1):
            self.heading(self._part_number(number) + self.label(key), 1, f"part-{key}")
            write(post, view, dry=False)

    def _part_number(self, number: int) -> str:
        """`一、` in Chinese (GB/T 9704's first level), `1 ` elsewhere."""
        if self.type.line_pitch:
            return chapter_number(number, self.lang).removeprefix("第").removesuffix("章") + "、"
        return f"{number} "

    def _sub_number(self, number: int) -> str:
        """`（一）` in Chinese (the second level), nothing elsewhere (entries carry `2.1`)."""
        if self.type.line_pitch:
            return "（" + chapter_number(number, self.lang).removeprefix("第").removesuffix("章") + "）"
        return ""

    def booklet_heading(self, position: int, kind: str, item_id: str) -> None:
        number = self._sub_number(position) or self.numbers.get(Ref(kind, item_id), "") + "\u2002"
        self.heading(f"{number}{self.title(kind, item_id)}", 2, f"{kind}--{item_id}")

    def booklet_profile(self, post, view, *, dry: bool) -> bool:
        if dry:
            return True
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
        return True

    def titles(self, kind: str, ids: Iterable[str]) -> str:
        return self.label("list-separator").join(self.title(kind, i) for i in ids)

    def booklet_signoff(self, post, view, *, dry: bool) -> bool:
        """The first day / week / month lists as a sign-off sheet: a completion date and the mentor's
        initials per item, the newcomer's start date, and the mentor's and section chief's signatures."""
        periods = [p for p in ("first_day", "first_week", "first_month") if getattr(view, p)]
        if dry:
            return bool(periods)
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
        return True

    def booklet_reference(self, post, view, *, dry: bool) -> bool:
        """Time limits the post keeps, the forms it uses and the terms it will meet."""
        terms = [self.manual.glossary[i] for i in terms_used(self.manual, post.id, self.lang)]
        if dry:
            return True
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
        return True

    def booklet_duties(self, post, view, *, dry: bool) -> bool:
        if dry:
            return bool(view.duties)
        for position, duty_id in enumerate(view.duties, start=1):
            duty = self.manual.duties[duty_id]
            self.booklet_heading(position, "duties", duty_id)
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
        return True

    def booklet_procedures(self, post, view, *, dry: bool) -> bool:
        procedures = view.procedures_owned + view.procedures_acted_in
        if dry:
            return bool(procedures)
        for position, procedure_id in enumerate(procedures, start=1):
            procedure = self.manual.procedures[procedure_id]
            self.booklet_heading(position, "procedures", procedure_id)
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
        return True

    def booklet_standards(self, post, view, *, dry: bool) -> bool:
        if dry:
            return bool(view.standards)
        for position, standard_id in enumerate(view.standards, start=1):
            standard = self.manual.standards[standard_id]
            self.booklet_heading(position, "standards", standard_id)
            self.paragraph(category_label(standard.category, self.lang) if standard.category else "", META)
            self.markdown(standard.statement)
            if standard.criteria:
                self.heading(self.label("criteria"), 3)
                self.text_list(standard.criteria, ordered=True)
        return True

    def booklet_checklists(self, post, view, *, dry: bool) -> bool:
        cards = checklist_cards(self.manual, post.id)
        if dry:
            return bool(cards)
        for index, card in enumerate(cards):
            heading = self.heading(self._card_title(card), 2, f"card-{card.key}")
            if index:
                heading.paragraph_format.page_break_before = True
            line = self.paragraph(style=META)
            self.add_text(line, f"{self.label('date')}{self.colon}______________\u2003\u2003"
                                f"{self.label('checked-by')}{self.colon}______________")
            self.ticks(card.entries)
        return True

    def _card_title(self, card) -> str:
        if card.key in FREQUENCIES:
            return self.label("card-title", list=self.label(card.key))
        return self.label(card.title_key)
