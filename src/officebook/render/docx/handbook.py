"""The handbook as a Word document: document control, contents, one chapter a kind, RACI, glossary."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from docx.shared import Mm, Pt

from officebook.model import Item, Ref
from officebook.outline import handbook_outline
from officebook.outline.handbook import referring
from officebook.render.docx.html import SPACE_RUN, Inline
from officebook.render.docx.ooxml import shade_cell, vertical_text
from officebook.render.docx.styles import COVER, META, TEXT_HEADING
from officebook.render.docx.writer import WordWriter, row_cells
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.labels import category_label


class HandbookWriter(WordWriter):
    """The handbook."""

    def handbook(self) -> None:
        manual, info = self.manual, self.manual.info
        self.outline = outline = handbook_outline(manual, self.lang)
        self.numbers = dict(outline.reference_numbers)
        self.heading_numbers = dict(outline.heading_numbers)
        self.targets = frozenset({f"{item.kind}--{item.id}" for kind in ITEM_KINDS for item in manual.kind(kind).values()})
        title = SPACE_RUN.sub(" ", self.text(info.title))
        self.properties(title, self.label("handbook"))
        kind = self.label("handbook")  # not under a title that already says it (XX工作手册)
        self.cover([(self.text(info.organization), COVER)], title,
                   [*([(kind, "Subtitle")] if kind not in title else []),
                    (f"{self.label('edition')}{self.colon}{info.edition}", COVER),
                    *([(outline.control.cover_date, COVER)] if outline.control.cover_date else [])])
        body = self.new_section(restart=self.restart_numbers)
        self.footers(body)
        self.document_control()
        self.contents()
        previous = ""
        for chapter in outline.chapters:
            key, text = chapter.key, outline.chapter_heading(chapter)
            turned = outline.raci_landscape and (key == "raci" or previous == "raci")
            if turned:  # the matrix on landscape pages, in a section of its own
                self.new_section(landscape=key == "raci")
            paragraph = self.heading(text, 1, f"chapter-{key}")
            if turned:
                paragraph.paragraph_format.page_break_before = False
            self.chapter(key)
            previous = key

    def document_control(self) -> None:
        info = self.manual.info
        paragraph = self.add(self.document, "TOC Heading", self.label("document-control"))
        paragraph.paragraph_format.page_break_before = False
        control = self.outline.control
        self.facts([
            (self.label("title"), SPACE_RUN.sub(" ", self.text(info.title))),
            (self.label("organization"), self.text(info.organization)),
            (self.label("edition"), info.edition),
            (self.label("effective"), control.effective or self.label("none")),
            (self.label("language"), control.language),
            (self.label("holdings"), control.counts),
        ])
        self.paragraph(self.label("uncontrolled"), bold=True)
        self.paragraph(self.label("uncontrolled-hint", edition=info.edition))
        if control.maintainers:
            self.paragraph(self.label("maintainers"), TEXT_HEADING)
            table = self.table(self.document, 3, [3, 1.2, 1.4])
            self.row(table, [self.label("post"), self.label("entries-maintained"), self.label("next-review")],
                     header=True, first=True)
            for row in control.maintainers:
                self.row(table, [self.cell_link("posts", row.post), str(row.count), row.next_review])
            self.spacer()

    def chapter(self, key: str) -> None:
        getattr(self, f"chapter_{key}")()

    def chapter_introduction(self) -> None:
        self.markdown(self.manual.info.introduction)

    def item_heading(self, item: Item) -> None:
        title = SPACE_RUN.sub(" ", self.text(item.title))
        self.heading(self.numbering.heading(self.heading_numbers.get(item.ref, ""), title), 2, f"{item.kind}--{item.id}")
        self.meta(item)
        self.summary(item)

    def chapter_functions(self) -> None:
        for function in self.manual.functions.values():
            self.item_heading(function)
            self.facts([(self.label("aim"), self.text(function.aim))])
            self.markdown(function.description)
            if function.principles:
                self.heading(self.label("principles"), 3)
                self.text_list(function.principles, ordered=True)
            duties = self.manual.duties_of_function(function.id)
            if duties:
                self.heading(self.label("function-duties"), 3)
                table = self.table(self.document, 5, [0.8, 3, 1.1, 2, 1.6])
                self.row(table, [self.label("number-short"), self.label("duty"), self.label("frequency"),
                                 self.label("responsible"), self.label("accountable")], header=True, first=True)
                for duty in duties:
                    self.row(table, [self.numbers.get(duty.ref, ""), self.cell_link("duties", duty.id),
                                     self.label(duty.frequency) if duty.frequency else "",
                                     self.cell_links("posts", duty.raci.responsible),
                                     self.cell_link("posts", duty.raci.accountable)])
                self.spacer()

    def duty_facts(self, duty) -> None:
        raci = duty.raci
        self.facts([
            (self.label("function"), self.cell_link("functions", duty.function, numbered=True)),
            (self.label("frequency"), self.label(duty.frequency) if duty.frequency else ""),
            (f"{self.label('responsible')} (R)", self.cell_links("posts", raci.responsible)),
            (f"{self.label('accountable')} (A)", self.cell_link("posts", raci.accountable)),
            (f"{self.label('consulted')} (C)", self.cell_links("posts", raci.consulted)),
            (f"{self.label('informed')} (I)", self.cell_links("posts", raci.informed)),
            (self.label("procedures"), self.cell_links("procedures", duty.procedures, numbered=True)),
            (self.label("standards"), self.cell_links("standards", duty.standards, numbered=True)),
        ])

    def chapter_duties(self) -> None:
        for duty in self.manual.duties.values():
            self.item_heading(duty)
            self.duty_facts(duty)
            self.markdown(duty.description)
            self.tasks(duty)

    def chapter_procedures(self) -> None:
        for procedure in self.manual.procedures.values():
            self.item_heading(procedure)
            duties = self.referring("procedures", procedure.id, "duties")
            self.facts([
                (self.label("owner"), self.cell_link("posts", procedure.owner, numbered=True)),
                (self.label("trigger"), self.text(procedure.trigger)),
                (self.label("time-limit"), self.text(procedure.time_limit)),
                (self.label("carries-out"), self.cell_links("duties", duties, numbered=True)),
                (self.label("standards"), self.cell_links("standards", procedure.standards, numbered=True)),
            ])
            if procedure.purpose:
                self.heading(self.label("purpose"), 3)
                self.markdown(procedure.purpose)
            self.heading(self.label("steps"), 3)
            self.steps_table(procedure, procedure.steps)
            if procedure.records:
                self.heading(self.label("records"), 3)
                self.text_list(procedure.records)
            self.heading(self.label("flowchart"), 3)
            self.flowchart(procedure)

    def chapter_standards(self) -> None:
        for standard in self.manual.standards.values():
            self.item_heading(standard)
            posts = self.manual.applying_posts.get(standard.id, ())
            self.facts([
                (self.label("category"), category_label(standard.category, self.lang) if standard.category else ""),
                (self.label("applies-to"), self.cell_links("posts", posts)),
                (self.label("procedures"), self.cell_links("procedures", standard.applies_to_procedures, numbered=True)),
                (self.label("check"), self.label(standard.check) if standard.check else ""),
            ])
            self.markdown(standard.statement)
            if standard.rationale:
                self.heading(self.label("rationale"), 3)
                self.markdown(standard.rationale)
            if standard.criteria:
                self.heading(self.label("criteria"), 3)
                self.text_list(standard.criteria, ordered=True)

    def chapter_posts(self) -> None:
        for post in self.manual.posts.values():
            view = self.manual.onboarding[post.id]
            self.item_heading(post)
            self.post_facts(post)
            self.markdown(post.description)
            if post.competencies:
                self.heading(self.label("competencies"), 3)
                self.text_list(post.competencies)
            self.facts([
                (self.label("procedures-owned"), self.cell_links("procedures", view.procedures_owned, numbered=True)),
                (self.label("procedures-acted-in"), self.cell_links("procedures", view.procedures_acted_in, numbered=True)),
                (self.label("standards-applying"), self.cell_links("standards", view.standards, numbered=True)),
            ])
            if view.first_day or view.first_week or view.first_month:
                self.heading(self.label("onboarding"), 3)
                self.onboarding_lists(view, level=4)
            self.heading(self.label("checklists"), 3)
            self.post_checklists(post.id)

    def post_checklists(self, post_id: str) -> None:
        """A post's lists as the printed handbook has them: the tasks to tick, and the standards and
        procedures they are done to by number — their criteria and steps are in their own chapters,
        not repeated for every post that meets or takes part in them."""
        lists = self.manual.checklists[post_id]
        for work in lists.lists:
            self.heading(self.label("occasion-list" if work.is_occasional else "list-title",
                                    frequency=self.label(work.frequency)), 4)
            lines = [e for e in work.entries if not e.key.startswith("criterion:")]
            if lines:
                self.ticks(lines)
            self.refers(self.label("check"), "standards",
                        dict.fromkeys(e.source.id for e in work.entries if e.key.startswith("criterion:")))
            self.refers(self.label("met-each-time"), "standards", work.governing)
        if lists.cases:
            self.heading(self.label("case-sheets"), 4)
            for case in lists.cases:
                paragraph = self.list_item(self.document, False, None, 0)
                self.link(paragraph, "procedures", case.procedure, numbered=True)
                if case.own_steps:
                    self.add_text(paragraph, self.colon + self.separator.join(str(s.number) for s in case.own_steps))
                if case.criteria:
                    self.add_text(paragraph, f" · {self.label('met-each-time')}{self.colon}")
                    self.links(paragraph, "standards", [g.standard for g in case.criteria], numbered=True)
        self.refers(self.label("general-standards"), "standards", [g.standard for g in lists.general])
        if lists.is_empty:
            self.paragraph(self.label("no-checklists"))

    def refers(self, name: str, kind: str, ids) -> None:
        """`name：` and the items it names, linked and numbered, on one line (nothing when there are none)."""
        ids = list(ids)
        if ids:
            paragraph = self.add(self.document, META)
            self.add_text(paragraph, name + self.colon, Inline(bold=True))
            self.links(paragraph, kind, ids, numbered=True)

    def onboarding_lists(self, view, *, level: int) -> None:
        for period in ("first_day", "first_week", "first_month"):
            entries = getattr(view, period)
            if entries:
                self.heading(self.label(period), level)
                self.ticks(entries, linked=False)

    def chapter_raci(self) -> None:
        self.paragraph(self.label("raci-legend"), META)
        for table_outline in self.outline.raci_tables:
            group = table_outline.posts
            # a heading for every part, kept with the table: a part never starts without its function's name
            number = self.numbering.heading(self.numbers.get(Ref("functions", table_outline.function), ""), "")
            paragraph = self.add(self.document, TEXT_HEADING, keep_with_next=True)
            self.add_text(paragraph, number)
            self.link(paragraph, "functions", table_outline.function)
            if table_outline.parts > 1:
                part = self.label("raci-part", part=table_outline.part, parts=table_outline.parts)
                self.add_text(paragraph, self.label("paren", text=part))
            # The post columns are centred on the row every body row copies: a matrix is duties × posts
            # cells, most of them empty, and only the cells that hold a role are written to.
            table = self.table(self.document, 1 + len(group), [4.2 if len(group) > 6 else 3.2] + [1] * len(group),
                               centred=range(1, 1 + len(group)))
            header = self.row(table, [self.label("duty"), *(self.cell_link("posts", p) for p in group)],
                              header=True, first=True)
            for cell in row_cells(header)[1:]:
                vertical_text(cell, upright=self.type.line_pitch is not None)
            header.height = self._vertical_header_height(group)
            # Not kept whole even when short (`kept_whole`, as the PDF is): under post names set
            # vertically, up to 70 mm tall, ten rows may not fit a page, and Word then leaves the
            # heading alone on one page.
            for raci_row in table_outline.rows:
                number = self.numbering.heading(self.numbers.get(Ref("duties", raci_row.duty), ""), "")
                cells = [self.in_cell(lambda p, d=raci_row.duty, n=number: (self.add_text(p, n), self.link(p, "duties", d)))]
                cells += [self._accountable_cell(cell.words) if cell.accountable else cell.words for cell in raci_row.cells]
                self.row(table, cells)
            self.spacer()

    def _accountable_cell(self, words: str):
        """The accountable post's cell: shaded, its words in bold."""
        def fill(cell) -> None:
            shade_cell(cell, "FCE4D6")
            self.add_text(cell.paragraphs[0], words, Inline(bold=True))
        return fill

    def _vertical_header_height(self, posts: Sequence[str]) -> int:
        """Tall enough for the longest post title set vertically in one line (at most 70 mm)."""
        longest = max((sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in self.title("posts", p))
                       for p in posts), default=4.0)
        return min(Mm(70), max(Mm(20), Pt(self.type.table.size * (longest * 1.1 + 1.5))))

    def chapter_glossary(self) -> None:
        for term in self.manual.glossary:
            self.paragraph(self.text(term.term), TEXT_HEADING)
            self.markdown(term.definition)
            if term.see:
                paragraph = self.add(self.document, META)
                self.add_text(paragraph, self.label("see-also") + self.colon)
                for index, ref in enumerate(term.see):
                    if index:
                        self.add_text(paragraph, self.separator)
                    self.link(paragraph, ref.kind, ref.id, numbered=True)

    def referring(self, kind: str, item_id: str, source_kind: str) -> tuple[str, ...]:
        return referring(self.manual, kind, item_id, source_kind)

