"""A post's 岗位说明书 (post description): the one- or two-page form an office's personnel side files.

`post_description(manual, post, lang)` gathers its fields, format-neutral: 岗位名称, 所在单位, 直接上级,
直接下级, 岗位编制, 岗位目的, 主要职责 (each duty with the post's role and its frequency, then the
procedures it owns), 工作关系 (internal: derived from the duties and procedures it shares with other
posts; external: the post's `external_relations`), 任职条件 (`qualifications`, then `competencies`),
考核要点 (`assessment`). What officebook knows is derived, never typed twice; a field the content lacks
says so. `description_docx` writes it as a Word form (python-docx); the PDF twin is
`officebook.render.print.description_html`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from officebook.model import Manual, Ref
from officebook.vocabulary.labels import format_date, label
from officebook.vocabulary.markdown import plain_text

_ROLE_LABELS = (("responsible", "R"), ("accountable", "A"))


@dataclass(frozen=True)
class DutyLine:
    title: str
    role: str  # 牵头 / 负责 / 牵头、负责
    frequency: str


@dataclass(frozen=True)
class PostDescription:
    lang: str
    title: str
    organization: str
    manual: str
    edition: str
    effective: str
    reports_to: str
    direct_reports: tuple[str, ...]
    headcount: str
    purpose: str
    duties: tuple[DutyLine, ...]
    procedures: tuple[str, ...]  # owned
    internal: tuple[tuple[str, str], ...]  # (post, what they share)
    external: tuple[str, ...]
    qualifications: tuple[str, ...]
    assessment: tuple[str, ...]

    def field(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)


def post_description(manual: Manual, post_id: str, lang: str) -> PostDescription:
    post = manual.posts[post_id]
    view = manual.onboarding[post_id]

    def title(kind: str, ident: str | None) -> str:
        item = manual.item(Ref(kind, ident)) if ident else None
        return " ".join(item.title.get(lang).split()) if item else ""

    duties = []
    for duty_id in view.duties:
        duty = manual.duties[duty_id]
        held = [role for role, _ in _ROLE_LABELS
                if post_id in (duty.raci.responsible if role == "responsible" else (duty.raci.accountable,))]
        duties.append(DutyLine(title("duties", duty_id),
                               label("raci-letters", lang).join(label(role, lang) for role in held),
                               label(duty.frequency, lang) if duty.frequency else ""))
    internal = []
    separator = label("list-separator", lang)
    for partner in view.partners:
        shared = [title("duties", d) for d in partner.duties] + [title("procedures", p) for p in partner.procedures]
        internal.append((title("posts", partner.post), separator.join(dict.fromkeys(shared))))
    purpose = post.summary or post.description
    info = manual.info
    return PostDescription(
        lang=lang,
        title=title("posts", post_id),
        organization=" ".join(info.organization.get(lang).split()),
        manual=" ".join(info.title.get(lang).split()),
        edition=info.edition,
        effective=format_date(info.effective, lang) if info.effective else "",
        reports_to=title("posts", view.reports_to) if view.reports_to else "",
        direct_reports=tuple(title("posts", p) for p in view.direct_reports),
        headcount=label("headcount-people", lang, count=post.headcount) if post.headcount else "",
        purpose=plain_text(purpose.get(lang)).strip() if purpose else "",
        duties=tuple(duties),
        procedures=tuple(title("procedures", p) for p in view.procedures_owned),
        internal=tuple(internal),
        external=tuple(plain_text(t.get(lang)).strip() for t in post.external_relations),
        qualifications=tuple(plain_text(t.get(lang)).strip() for t in (*post.qualifications, *post.competencies)),
        assessment=tuple(plain_text(t.get(lang)).strip() for t in post.assessment),
    )


# ---- Word ----------------------------------------------------------------------------------------------

_FACES = {"zh": ("SimHei", "FangSong", "SimSun")}  # 黑体 for headings, 仿宋 for text, as GB/T 9704


def description_docx(manual: Manual, post_id: str, lang: str) -> bytes:
    """The 岗位说明书 as a Word document: a bordered form on A4, one or two pages."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = post_description(manual, post_id, lang)
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    heading_face, text_face, _ = _FACES.get(lang.split("-")[0], ("Calibri", "Calibri", "Calibri"))

    def face(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = text_face
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), text_face)
    document.core_properties.title = f"{d.title} {d.field('post-description')}"
    document.core_properties.language = lang

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    face(heading.add_run(d.field("post-description")), heading_face, 18, bold=True)
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    face(meta.add_run(" · ".join(filter(None, (d.organization, f"{d.field('edition')} {d.edition}",
                                               d.effective)))), text_face, 9)

    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(30), Mm(52), Mm(28), Mm(53))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    def cell_text(cell, lines, *, bold: bool = False, size: float = 10.5) -> None:
        lines = [lines] if isinstance(lines, str) else list(lines) or [d.field("description-none")]
        cell.paragraphs[0].text = ""
        for index, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            face(paragraph.add_run(line), heading_face if bold else text_face, size, bold=bold)

    def row(*pairs) -> None:
        cells = table.add_row().cells
        for column, cell in enumerate(cells):
            cell.width = widths[column]
        if len(pairs) == 2:
            for index, (name, value) in enumerate(pairs):
                cell_text(cells[index * 2], name, bold=True)
                cell_text(cells[index * 2 + 1], value)
        else:
            (name, value), = pairs
            cell_text(cells[0], name, bold=True)
            merged = cells[1].merge(cells[3])
            cell_text(merged, value)

    row((d.field("post-name"), d.title), (d.field("post-unit"), d.organization))
    row((d.field("description-reports-to"), d.reports_to or d.field("description-none")),
        (d.field("description-direct-reports"),
         d.field("list-separator").join(d.direct_reports) or d.field("description-none")))
    row((d.field("headcount"), d.headcount or d.field("description-none")),
        (d.field("edition"), d.edition))
    row((d.field("post-purpose"), d.purpose or d.field("description-none")),)
    row((d.field("main-duties"), [_duty_line(d, i, duty) for i, duty in enumerate(d.duties, start=1)]
         + ([d.field("procedures-owned-line", procedures=d.field("list-separator").join(d.procedures))]
            if d.procedures else [])),)
    row((d.field("relations-internal"), [f"{name}：{what}" if lang.startswith("zh") else f"{name}: {what}"
                                         for name, what in d.internal]),)
    row((d.field("relations-external"), list(d.external)),)
    row((d.field("qualifications"), [f"{i}. {q}" for i, q in enumerate(d.qualifications, start=1)]),)
    row((d.field("assessment"), [f"{i}. {q}" for i, q in enumerate(d.assessment, start=1)]),)
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(12)
    face(signature.add_run(d.field("description-signatures")), text_face, 10.5)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _duty_line(d: PostDescription, number: int, duty: DutyLine) -> str:
    details = d.field("list-separator").join(filter(None, (duty.role, duty.frequency)))
    return f"{number}. {duty.title}（{details}）" if d.lang.startswith("zh") else f"{number}. {duty.title} ({details})"
