"""The blocks of an entry in a Word document: facts, text lists, checklists, the steps table, pictures
and flowcharts (PNG with the SVG beside it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from officebook.model import ChecklistEntry, Item, Procedure, Ref, Step, Text
from officebook.outline import date_text, flow_text, step_rows
from officebook.render.docx.html import Inline
from officebook.render.docx.ooxml import (
    png_size,
    shade_cell,
)
from officebook.render.docx.raster import load_rasteriser
from officebook.render.docx.styles import (
    CHECKLIST,
    META,
    SVG_BLIP_EXTENSION,
    SVG_NAMESPACE,
    TABLE_TEXT,
)
from officebook.render.flowchart import fit_flowchart, flowchart_title
from officebook.vocabulary.kinds import SINGULAR

EMU_PER_PX = 9525  # English Metric Units in a CSS px
PICTURE_HEIGHT = 0.85  # the tallest a picture may be, of the page's text height
FLOWCHART_HEADING = int(Mm(14))  # a flowchart's heading (流程图) on the page above it, with its spacing


class ContentBlocks:
    """The blocks entries are made of — facts, lists, checklists, steps, pictures, flowcharts;
    mixed into the document writer, whose primitives they use."""

    def meta(self, item: Item) -> None:
        parts: list[Callable] = []
        if item.maintainer:
            parts.append(lambda p: (self.add_text(p, self.label("maintainer") + self.colon),
                                    self.link(p, "posts", item.maintainer)))
        if item.review_by:
            parts.append(lambda p: self.add_text(p, f"{self.label('review-by')}{self.colon}{date_text(item.review_by, self.lang)}"))
        tags = [self.text(tag) for tag in item.tags]
        if tags:
            parts.append(lambda p: self.add_text(p, self.label("tags") + self.colon + self.separator.join(tags)))
        if not parts:
            return
        paragraph = self.add(self.document, META)
        for index, part in enumerate(parts):
            if index:
                self.add_text(paragraph, " · ")
            part(paragraph)

    def summary(self, item: Item) -> None:
        if item.summary:
            paragraph = self.paragraph(style=None)
            self.add_text(paragraph, self.text(item.summary), Inline(bold=True) if self.type.line_pitch else Inline(italic=True))

    def text_list(self, texts: Sequence[Text], *, ordered: bool = False) -> None:
        number_id = self._new_numbering() if ordered else None
        for position, text in enumerate(texts, start=1):
            self.add_text(self.list_item(self.document, ordered, number_id, position), self.text(text))

    def ticks(self, entries: Sequence[ChecklistEntry], *, linked: bool = True) -> None:
        """Checklist lines: a box to tick, the item, and on a line below what it comes from."""
        indent = Pt(self.type.body.size * 1.5)
        for entry in entries:
            source = entry.source
            whole_duty = entry.key.startswith("duty:")
            extra: list[Callable] = []
            if entry.detail:
                extra.append(lambda p, e=entry: self.add_text(p, self.text(e.detail)))
            if linked and entry.step:
                extra.append(lambda p, e=entry: self.step_link(p, e.source.id, e.step))
            elif linked and not whole_duty:
                extra.append(lambda p, s=source: (self.add_text(p, self.label(SINGULAR[s.kind]) + self.colon),
                                                  self.link(p, s.kind, s.id, numbered=True)))
            paragraph = self.add(self.document, CHECKLIST, keep_with_next=bool(extra))  # kept with its detail line
            self.add_text(paragraph, "□\u2002")
            if linked and whole_duty:
                self.link(paragraph, "duties", source.id, numbered=True)
            else:
                self.add_text(paragraph, self.text(entry.text))
            if extra:
                detail = self.add(self.document, META, left_indent=indent)
                for index, part in enumerate(extra):
                    if index:
                        self.add_text(detail, " · ")
                    part(detail)

    def step_link(self, paragraph, procedure_id: str, step_id: str) -> None:
        procedure = self.manual.procedures[procedure_id]
        step = procedure.step(step_id)
        number = self.numbers.get(Ref("procedures", procedure_id))
        text = self.label("step-of", procedure=self.title("procedures", procedure_id), number=step.number)
        if number:
            text += self.label("section-ref", number=number)
        anchor = f"procedures--{procedure_id}"
        self.add_text(paragraph, text, Inline(link="#" + self.bookmark_name(anchor)) if self._linkable(anchor) else Inline())

    def steps_table(self, procedure: Procedure, steps: Sequence[Step], *, with_actor: bool = True,
                    mark_post: str | None = None) -> None:
        """The steps as a table; with `mark_post`, that post's own steps are shaded and marked."""
        header = [self.label("number-short"), *([self.label("actor")] if with_actor else []), self.label("action"),
                  self.label("time-limit")]
        weights = [0.8, *([1.7] if with_actor else []), 5, 1.4]
        table = self.table(self.document, len(header), weights)
        self.row(table, header, header=True, first=True)
        rows = {row.id: row for row in step_rows(procedure, mark_post)}
        for step in steps:
            def action(cell, step=step):
                paragraph = cell.paragraphs[0]
                if step.when:
                    self.add_text(paragraph, f"{self.label('when')}{self.colon}{self.text(step.when)}", Inline(italic=True))
                    paragraph = self.add(cell, TABLE_TEXT)
                if step.title:
                    self.add_text(paragraph, self.text(step.title), Inline(bold=True))
                    paragraph = self.add(cell, TABLE_TEXT)
                self.markdown(step.action, container=cell, style=TABLE_TEXT)
                if not paragraph.runs and not paragraph._p.findall(qn("w:hyperlink")):
                    paragraph._p.getparent().remove(paragraph._p)
                if step.output:
                    extra = self.add(cell, TABLE_TEXT)
                    self.add_text(extra, self.label("output") + self.colon, Inline(bold=True))
                    self.add_text(extra, self.text(step.output))
                if step.standards:
                    extra = self.add(cell, TABLE_TEXT)
                    self.add_text(extra, self.label("standards") + self.colon, Inline(bold=True))
                    self.links(extra, "standards", step.standards)
                flow = self.add(cell, TABLE_TEXT)
                self.add_text(flow, "→ " + flow_text(rows[step.id], self.lang))

            own = mark_post is not None and step.actor == mark_post
            number = f"{step.number}\n{self.label('own-step')}" if own else str(step.number)
            row = self.row(table, [number, *([self.cell_link("posts", step.actor)] if with_actor else []),
                                   action, self.text(step.time_limit)])
            if own:
                for cell in row.cells:
                    shade_cell(cell, "FFF1C2")
        self.spacer()

    def flowchart(self, procedure: Procedure, highlight_post: str | None = None) -> None:
        """The procedure's flowchart as a picture (PNG, with the SVG for Word versions that draw it),
        laid out for the page as in print (officebook.render.flowchart.pages): whole where it fits,
        else page-sized pictures cut between rows, with off-page connectors on both sides of each
        cut, each after a line naming the chart (续)."""
        page = (self.text_width() / EMU_PER_PX, (self.text_height() - FLOWCHART_HEADING) / EMU_PER_PX)
        printed = fit_flowchart(procedure, self.manual, self.lang, [page], id_prefix=f"flow-{procedure.id}",
                                highlight_post=highlight_post)
        title = flowchart_title(procedure, self.lang)
        for index, svg in enumerate(printed.parts):
            if index:
                line = self.add(self.document, META)
                line.paragraph_format.keep_with_next = True  # on the page of its picture
                self.add_text(line, title + self.label("flowchart-continued"))
            self.svg_picture(svg, title, caption=False, width=int(printed.width * EMU_PER_PX))  # under its heading

    def svg_picture(self, svg: str, title: str, *, caption: bool = True, width: int | None = None) -> None:
        """A drawing as a centred picture with its caption, `width` EMU wide (the text's width by
        default): PNG, with the SVG for Word versions that draw it."""
        png = self.rasterise(svg)
        width_px, height_px = png_size(png)
        width = width or self.text_width()
        height = int(width * height_px / width_px)
        limit = int(self.text_height() * PICTURE_HEIGHT)
        if height > limit:
            width, height = int(width * limit / height), limit
        paragraph = self.add(self.document, TABLE_TEXT)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        inline = self.picture(paragraph, png, Emu(width), Emu(height))
        inline.docPr.set("descr", title)
        inline.docPr.set("name", title)
        self._attach_svg(inline, svg)
        if caption:
            line = self.add(self.document, META)
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.add_text(line, title)

    def rasterise(self, svg: str) -> bytes:
        if self._png is None:
            self._png = load_rasteriser()
        return self._png(svg)

    def _attach_svg(self, inline, svg: str) -> None:
        """Word 2016+ draws the SVG named in the picture's extension list; others draw the PNG."""
        package = self.document.part.package
        digest = hashlib.sha1(svg.encode("utf-8")).hexdigest()[:12]
        part = Part(PackURI(f"/word/media/flowchart-{digest}.svg"), "image/svg+xml", svg.encode("utf-8"), package)
        relation = self.relate(part)
        blip = inline.graphic.graphicData.pic.blipFill.blip
        extensions = OxmlElement("a:extLst")
        extension = OxmlElement("a:ext")
        extension.set("uri", SVG_BLIP_EXTENSION)
        svg_blip = extension.makeelement(f"{{{SVG_NAMESPACE}}}svgBlip", nsmap={"asvg": SVG_NAMESPACE})
        svg_blip.set(qn("r:embed"), relation)
        extension.append(svg_blip)
        extensions.append(extension)
        blip.append(extensions)

    def post_facts(self, post) -> None:
        reports = self.manual.direct_reports(post.id)
        self.facts([
            (self.label("reports-to"), self.cell_link("posts", post.reports_to, numbered=True) if post.reports_to
             else self.label("head-of-office")),
            (self.label("direct-reports"), self.cell_links("posts", reports, numbered=True)),
        ])

    def tasks(self, duty) -> None:
        """The duty's tasks, numbered; a task with a rhythm of its own says so (`（每周）`)."""
        if not duty.tasks:
            return
        self.heading(self.label("tasks"), 3)
        number_id = self._new_numbering()
        for task in duty.tasks:
            paragraph = self.list_item(self.document, True, number_id, task.number)
            self.add_text(paragraph, self.text(task.action))
            if task.explicit_frequency:
                self.add_text(paragraph, self.label("paren", text=self.label(task.frequency)))
