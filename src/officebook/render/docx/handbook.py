"""The handbook as a Word document: document control, contents, one chapter a kind, RACI, glossary."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from officebook.model import Item, Ref
from officebook.render.docx.html import SPACE_RUN
from officebook.render.docx.ooxml import shade_cell, vertical_text
from officebook.render.docx.styles import COVER, META, TEXT_HEADING
from officebook.render.docx.writer import WordWriter
from officebook.render.print import (
    RACI_LANDSCAPE_POSTS,
    RACI_PORTRAIT_POSTS,
    chapter_number,
    checklist_cards,
)
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.labels import LABELS, category_label


class HandbookWriter(WordWriter):
    """The handbook."""

    def handbook(self) -> None:
        manual, info = self.manual, self.manual.info
        chapters = self._number_items()
        self.targets = frozenset({f"{item.kind}--{item.id}" for kind in ITEM_KINDS for item in manual.kind(kind).values()})
        title = SPACE_RUN.sub(" ", self.text(info.title))
        self.properties(title, self.label("handbook"))
        self.cover([(self.text(info.organization), COVER)], title,
                   [(self.label("handbook"), "Subtitle"),
                    (f"{self.label('edition')} {info.edition}", COVER),
                    *([(f"{self.label('effective')} {info.effective}", COVER)] if info.effective else [])])
        body = self.new_section(restart=self.restart_numbers)
        self.footers(body)
        self.document_control()
        self.contents()
        landscape = len(manual.raci.posts) > RACI_PORTRAIT_POSTS
        previous = ""
        for key, number, heading in chapters:
            text = f"{number}\u3000{heading}" if number and self.type.line_pitch else (
                f"{number} {heading}" if number else heading)
            turned = landscape and (key == "raci" or previous == "raci")
            if turned:  # the matrix on landscape pages, in a section of its own
                self.new_section(landscape=key == "raci")
            paragraph = self.heading(text, 1, f"chapter-{key}")
            if turned:
                paragraph.paragraph_format.page_break_before = False
            self.chapter(key)
            previous = key

    def _number_items(self) -> list[tuple[str, str, str]]:
        manual = self.manual
        chapters: list[tuple[str, str, str]] = []
        if manual.info.introduction:
            chapters.append(("introduction", "", self.label("introduction")))
        number = 0
        for kind in ITEM_KINDS:
            items = manual.kind(kind)
            if not items:
                continue
            number += 1
            for position, item in enumerate(items.values(), start=1):
                self.numbers[item.ref] = f"{number}.{position}"
            chapters.append((kind, chapter_number(number, self.lang), self.label(kind)))
        if manual.raci.duties and manual.raci.posts:
            number += 1
            chapters.append(("raci", chapter_number(number, self.lang), self.label("raci")))
        if manual.glossary:
            number += 1
            chapters.append(("glossary", chapter_number(number, self.lang), self.label("glossary")))
        return chapters

    def document_control(self) -> None:
        manual, info = self.manual, self.manual.info
        paragraph = self.add(self.document, "TOC Heading", self.label("document-control"))
        paragraph.paragraph_format.page_break_before = False
        counts = self.separator.join(
            [f"{self.label(kind)} {len(manual.kind(kind))}" for kind in ITEM_KINDS]
            + ([f"{self.label('glossary')} {len(manual.glossary)}"] if manual.glossary else []))
        self.facts([
            (self.label("title"), SPACE_RUN.sub(" ", self.text(info.title))),
            (self.label("organization"), self.text(info.organization)),
            (self.label("edition"), info.edition),
            (self.label("effective"), info.effective or self.label("none")),
            (self.label("language"), LABELS.get(self.lang, {}).get("language-name", self.lang)),
            (self.label("holdings"), counts),
        ])
        self.paragraph(self.label("uncontrolled"), bold=True)
        self.paragraph(self.label("uncontrolled-hint", edition=info.edition))
        kept: dict[str, list[Item]] = {}
        for kind in ITEM_KINDS:
            for item in manual.kind(kind).values():
                if item.maintainer:
                    kept.setdefault(item.maintainer, []).append(item)
        if kept:
            self.paragraph(self.label("maintainers"), TEXT_HEADING)
            table = self.table(self.document, 3, [3, 1.2, 1.4])
            self.row(table, [self.label("post"), self.label("entries-maintained"), self.label("next-review")],
                     header=True, first=True)
            order = {post: i for i, post in enumerate(manual.post_order)}
            for post, items in sorted(kept.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0])):
                due = min((i.review_by for i in items if i.review_by), default="")
                self.row(table, [self.cell_link("posts", post), str(len(items)), due])
            self.spacer()

    def chapter(self, key: str) -> None:
        getattr(self, f"chapter_{key}")()

    def chapter_introduction(self) -> None:
        self.markdown(self.manual.info.introduction)

    def item_heading(self, item: Item) -> None:
        number = self.numbers.get(item.ref, "")
        self.heading(f"{number}\u2002{SPACE_RUN.sub(' ', self.text(item.title))}".strip(), 2, f"{item.kind}--{item.id}")
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
            posts = [p for p in self.manual.post_order if standard.id in self.manual.applicable_standards.get(p, ())]
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
            cards = checklist_cards(self.manual, post.id)
            for card in cards:
                self.heading(self.label(card.title_key), 4)
                self.ticks(card.entries)
            if not cards:
                self.paragraph(self.label("no-checklists"))

    def onboarding_lists(self, view, *, level: int) -> None:
        for period in ("first_day", "first_week", "first_month"):
            entries = getattr(view, period)
            if entries:
                self.heading(self.label(period), level)
                self.ticks(entries, linked=False)

    def chapter_raci(self) -> None:
        manual = self.manual
        self.paragraph(self.label("raci-legend"), META)
        posts = manual.raci.posts
        per_table = RACI_PORTRAIT_POSTS if len(posts) <= RACI_PORTRAIT_POSTS else RACI_LANDSCAPE_POSTS
        parts = -(-len(posts) // per_table)
        size = -(-len(posts) // parts)
        for part, start in enumerate(range(0, len(posts), size), start=1):
            group = posts[start:start + size]
            if parts > 1:
                self.paragraph(self.label("raci-part", part=part, parts=parts), TEXT_HEADING)
            table = self.table(self.document, 1 + len(group), [4.2 if len(group) > 6 else 3.2] + [1] * len(group))
            header = self.row(table, [self.label("duty"), *(self.cell_link("posts", p) for p in group)],
                              header=True, first=True)
            for cell in header.cells[1:]:
                vertical_text(cell, upright=self.type.line_pitch is not None)
            header.height = self._vertical_header_height(group)
            for duty in manual.raci.duties:
                cells = [self.in_cell(lambda p, d=duty: (self.add_text(p, self.numbers.get(Ref("duties", d), "") + " "),
                                                         self.link(p, "duties", d)))]
                cells += [manual.raci.cell(duty, post) for post in group]
                row = self.row(table, cells)
                for cell, post in zip(row.cells[1:], group, strict=True):
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                    if "A" in manual.raci.cell(duty, post).split("/"):
                        shade_cell(cell, "FCE4D6")
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            self.spacer()

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
        seen: dict[str, None] = {}
        for backref in self.manual.referrers(Ref(kind, item_id)):
            if backref.source and backref.source.kind == source_kind:
                seen.setdefault(backref.source.id, None)
        return tuple(seen)

    # ---- the booklet (岗位说明书) ------------------------------------------------------------------
