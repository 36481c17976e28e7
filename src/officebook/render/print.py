"""The printed handbook and the per-post booklets, as HTML for a paged-media engine (WeasyPrint).

`handbook_html(manual, lang)` gives one self-contained HTML document per language: cover, document
control, contents with page numbers, introduction, one chapter per kind, the RACI matrix and the
glossary. `booklet_html(manual, post, lang)` gives a post's onboarding reference followed by its
checklists as paper forms (period sheets and case sheets). Both embed their print CSS; nothing is fetched.

Anchors are `<kind>--<id>` (steps `<kind>--<id>--step-<step>`), so a duty and a procedure sharing an
id never collide, and headings inside Markdown carry no ids at all.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from officebook.collation import sort_key
from officebook.model import (
    ChecklistEntry,
    Item,
    Manual,
    Procedure,
    Ref,
    Step,
    Text,
    WorkList,
)
from officebook.newcomer import terms_used
from officebook.outline import (
    BookletOutline,
    HandbookOutline,
    PaperForm,
    StepRow,
    anchor,
    booklet_outline,
    cover_date,
    date_text,
    flow_text,
    handbook_outline,
    numbering_for,
    step_anchor,
)
from officebook.outline.handbook import referring
from officebook.render.editions import EditionNotes, mark_changed_sections, revisions
from officebook.render.flowchart import flowchart_title, printed_flowchart
from officebook.render.itemlinks import print_links
from officebook.render.orgchart import orgchart_svg
from officebook.render.printfonts import PrintFonts, cjk_fallback_for, default_print_style
from officebook.vocabulary.kinds import SINGULAR
from officebook.vocabulary.labels import category_label, label, raci_cell
from officebook.vocabulary.languages import cjk_variant, html_lang
from officebook.vocabulary.markdown import plain_text, render_markdown

TEMPLATES = Path(__file__).parent / "templates"

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b([^>]*)>")
_ID_ATTRIBUTE = re.compile(r"""\s+id=("[^"]*"|'[^']*')""")
_SINGLE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p[ >]).)*)</p>", re.DOTALL)  # the whole text is one <p>


# ---- what the templates see ----------------------------------------------------------------------


@dataclass
class TemplateHelpers:
    """Helpers bound to one manual and one language, exposed to the templates."""

    manual: Manual
    lang: str
    linkable: bool = True  # False in a booklet, where most items have no section to link to
    outline: HandbookOutline | BookletOutline | None = None  # numbers, step rows, dates: computed there
    style: str = "modern"

    @property
    def official(self) -> bool:
        """Chinese official numbering and dates: the official style, in Chinese."""
        return self.style == "official" and html_lang(self.lang).startswith("zh")

    @property
    def number_gap(self) -> str:
        """Between a heading's number and its title: none after 一、 or （一）, a space after 3.1."""
        return numbering_for(self.lang).gap

    def date(self, value: str | None) -> str:
        """A `YYYY-MM-DD` date as the reader writes it: 2026年12月1日 in Chinese."""
        return date_text(value, self.lang)

    @property
    def default_lang(self) -> str:
        return self.manual.info.default_language

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    @property
    def colon(self) -> str:
        """After a field name: `: ` in English, a full-width `：` in Chinese."""
        return self.label("colon")

    def category(self, category: str | None) -> str:
        return category_label(category, self.lang) if category else ""

    def raci_cell(self, role: str) -> str:
        return raci_cell(role, self.lang)

    def glossary_terms(self) -> tuple:
        """The terms in the order of this language's terms (officebook.collation)."""
        if self.lang == self.default_lang:
            return self.manual.glossary
        return tuple(sorted(self.manual.glossary, key=lambda t: sort_key(t.term.get(self.lang), self.manual.info.collation)))

    def text(self, value: Text | str | None) -> Markup:
        """A short text, escaped; marked with the default language where it falls back to it."""
        if value is None:
            return Markup("")
        if isinstance(value, str):
            return escape(value)
        shown = escape(value.get(self.lang))
        if value.has(self.lang) or html_lang(self.default_lang) == html_lang(self.lang):
            return shown
        return Markup('<span lang="{}">{}</span>').format(html_lang(self.default_lang), shown)

    def plain(self, value: Text | str | None) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else value.get(self.lang)

    def markdown(self, value: Text | None, level: int = 3) -> Markup:
        """A long text as HTML; its headings start at `level`, carry no ids and make no bookmarks."""
        if value is None:
            return Markup("")
        text = print_links(value.get(self.lang), self.manual, self.lang, anchor=anchor, step_anchor=step_anchor,
                           step_label=lambda number: self.label("step-number", number=number),
                           linkable=self.linkable)
        html = render_markdown(text, self.manual.info.allow_html)
        html = _shift_headings(html, level)
        lang = "" if value.has(self.lang) or html_lang(self.default_lang) == html_lang(self.lang) else (
            Markup(' lang="{}"').format(html_lang(self.default_lang)))
        paragraph = _SINGLE_PARAGRAPH.fullmatch(html.strip())
        if paragraph:  # one paragraph needs no wrapper: a box fewer for the layout
            return Markup('<p class="prose"{}>{}</p>').format(lang, Markup(paragraph[1]))
        return Markup('<div class="prose"{}>{}</div>').format(lang, Markup(html))

    def title(self, kind: str, item_id: str) -> Markup:
        return self.text(self.manual.kind(kind)[item_id].title)

    def link(self, kind: str, item_id: str, *, numbered: bool = False) -> Markup:
        """A link to an item's section; `numbered` adds its section number, `Document review (3.1)`.

        Section numbers rather than page numbers: they cost the layout nothing (a page reference makes
        WeasyPrint lay out its page twice) and they are what the headings and the contents show.
        """
        title = self.title(kind, item_id)
        ref = Ref(kind, item_id)
        number = self.outline.reference_number(ref) if numbered and isinstance(self.outline, HandbookOutline) else None
        suffix = escape(self.label("section-ref", number=number)) if number else Markup("")
        if not self.linkable:
            return title + suffix
        return Markup('<a class="xref" href="#{}">{}{}</a>').format(anchor(kind, item_id), title, suffix)

    def links(self, kind: str, ids: Iterable[str], *, numbered: bool = False) -> Markup:
        separator = Markup(self.label("list-separator"))
        return separator.join(self.link(kind, i, numbered=numbered) for i in ids)

    def ref_link(self, ref: Ref, *, numbered: bool = False) -> Markup:
        return self.link(ref.kind, ref.id, numbered=numbered)

    def step_link(self, procedure: str, step: str, *, numbered: bool = False) -> Markup:
        """`Document review, step 3 (3.1)`, linking to the step's row."""
        owner = self.manual.procedures[procedure]
        text = escape(self.label("step-of", procedure=self.plain(owner.title), number=owner.step(step).number))
        ref = Ref("procedures", procedure)
        number = self.outline.reference_number(ref) if numbered and isinstance(self.outline, HandbookOutline) else None
        if number:
            text += escape(self.label("section-ref", number=number))
        if not self.linkable:
            return text
        return Markup('<a class="xref" href="#{}">{}</a>').format(step_anchor(procedure, step), text)

    def meta_line(self, item: Item) -> Markup:
        """`Tags: …` under an entry (modern style). Who keeps the entry and when it is reviewed are not
        repeated under every entry: each chapter ends with one control table (`control_rows`)."""
        parts = []
        if item.tags and not self.official:  # keywords are for finding entries on the web, not for print
            parts.append(escape(self.label("tags") + self.colon + self.label("list-separator").join(item.tag_names(self.lang))))
        return Markup(" · ").join(parts)

    def control_rows(self, chapter) -> tuple[tuple[str, Markup, Markup, str], ...]:
        """A chapter's revision control: (number, entry, maintaining post, review date) for every entry
        that names a maintainer or a review date."""
        rows = []
        for entry in chapter.entries:
            item = self.manual.item(entry.ref)
            if item is None or not (item.maintainer or item.review_by):
                continue
            rows.append((entry.number, escape(self.text(entry.title)),
                         self.link("posts", item.maintainer) if item.maintainer else Markup(""),
                         self.date(item.review_by) if item.review_by else ""))
        return tuple(rows)

    def step_flow(self, row: StepRow) -> str:
        """Where a step leads, in the words every output uses."""
        return flow_text(row, self.lang)

    def part_title(self, key: str) -> str:
        """A booklet part's heading, numbered as the outline numbers it (一、岗位概况)."""
        part = self.outline.part(key) if isinstance(self.outline, BookletOutline) else None
        return self.outline.part_heading(part) if part else self.label(key)

    def step_rows(self, procedure: str) -> tuple[StepRow, ...]:
        return self.outline.steps[procedure]

    def steps_of(self, procedure: Procedure, post: str) -> tuple[Step, ...]:
        return tuple(s for s in procedure.steps if s.actor == post)

    def anchor(self, kind: str, item_id: str) -> str:
        return anchor(kind, item_id)

    def step_anchor(self, procedure: str, step: str) -> str:
        return step_anchor(procedure, step)

    def kind_label(self, kind: str) -> str:
        """The singular name of a kind: `procedures` -> `Procedure`."""
        return self.label(SINGULAR[kind])

    def referring(self, kind: str, item_id: str, source_kind: str) -> tuple[str, ...]:
        """Ids of the `source_kind` items that refer to an item, each once, in order of reference."""
        return referring(self.manual, kind, item_id, source_kind)

    def applying_posts(self, standard: str) -> tuple[str, ...]:
        """Every post the standard applies to (directly or through duties, procedures and steps)."""
        return self.manual.applying_posts.get(standard, ())


    @staticmethod
    def work_lines(work: WorkList) -> tuple[ChecklistEntry, ...]:
        """The lines of `work` that are tasks or duties (self-check criteria are referred to by standard)."""
        return tuple(e for e in work.entries if not e.key.startswith("criterion:"))

    @staticmethod
    def checked_standards(work: WorkList) -> tuple[str, ...]:
        """The standards whose self-check criteria are lines of `work`, each once."""
        return tuple(dict.fromkeys(e.source.id for e in work.entries if e.key.startswith("criterion:")))

    def form_heading(self, form: PaperForm) -> str:
        """A booklet form's title: a period sheet's, or `<procedure>办件单` for a case sheet."""
        if form.case is not None:
            return self.label("case-sheet", procedure=self.plain(self.manual.procedures[form.case.procedure].title))
        return self.form_title(form)

    def form_title(self, form: PaperForm) -> str:
        """`每日清单月度登记表`, `Weekly list: quarter sheet` ..."""
        work = form.work
        if work is None:
            return ""
        name = self.label("list-title", frequency=self.label(work.frequency))
        if form.sheet in ("month", "quarter"):
            return self.label(f"sheet-{form.sheet}", list=name)
        if form.sheet == "occasions":
            return self.label("occasion-list", frequency=self.label(work.frequency))
        return self.label("sheet-year", list=name)

    def form_period(self, form: PaperForm) -> str:
        """The blank the period is written into: `______年____月`."""
        key = {"month": "sheet-month-of", "quarter": "sheet-quarter-of", "year": "sheet-year-of"}.get(form.sheet)
        return self.label(key) if key else ""

    def standard_titles(self, standard_ids: Iterable[str]) -> str:
        """Standards named by title, `、`-separated in Chinese."""
        titles = (self.plain(self.manual.standards[s].title) for s in standard_ids if s in self.manual.standards)
        return self.label("list-separator").join(titles)

    def plain_markdown(self, value: Text | None) -> str:
        """A Markdown text as one line of plain text (a step's action in a table cell)."""
        if not value:
            return ""
        return plain_text(print_links(value.get(self.lang), self.manual, self.lang, anchor=anchor,
                                      step_anchor=step_anchor, linkable=False,
                                      step_label=lambda number: self.label("step-number", number=number)))

    def reference_number(self, kind: str, item_id: str) -> str:
        """An entry's number as a table in another chapter shows it: 二（一）, or 2.1."""
        return self.outline.reference_number(Ref(kind, item_id)) if isinstance(self.outline, HandbookOutline) else ""

    def number(self, kind: str, item_id: str) -> str:
        """An entry's number as its heading shows it (none in a booklet)."""
        return self.outline.heading_number(Ref(kind, item_id)) if isinstance(self.outline, HandbookOutline) else ""

    def orgchart(self, highlight_post: str | None = None) -> Markup:
        """The organisation chart (vector, as on the web), with `highlight_post`'s box tinted."""
        svg = orgchart_svg(self.manual, self.lang, id_prefix=f"org-{highlight_post or 'all'}",
                           highlight_post=highlight_post, around=highlight_post is not None)
        return Markup('<img class="orgchart" alt="{}" src="data:image/svg+xml;base64,{}">').format(
            label("org-chart", self.lang), base64.b64encode(svg.encode()).decode("ascii"))

    def terms_used(self, post: str) -> tuple:
        """The glossary terms the post's work uses (officebook.newcomer), in this language's order."""
        used = {id(self.manual.glossary[i]) for i in terms_used(self.manual, post, self.lang)}
        return tuple(term for term in self.glossary_terms() if id(term) in used)

    def flowchart(self, procedure_id: str, caption: str, highlight_post: str | None = None) -> Markup:
        """The procedure's swimlane flowchart under `caption`: the web manual's drawing, drawn by
        WeasyPrint as vectors, laid out for the page (officebook.render.flowchart.pages).

        A chart that fits a portrait page, or else a landscape one, is one picture that never
        breaks; a longer one is cut between steps into page-sized pictures with off-page connectors,
        each after its own caption (续). Each picture is an `<img>` with a data URL rather than inline
        SVG: then WeasyPrint's HTML parser never sees the SVG's markup, which makes the handbook print
        about a tenth faster.
        """
        procedure = self.manual.procedures[procedure_id]
        printed = printed_flowchart(procedure, self.manual, self.lang, self.style, highlight_post=highlight_post,
                                    id_prefix=anchor("procedures", procedure_id) + "--flow")
        title = flowchart_title(procedure, self.lang)
        parts = []
        for index, svg in enumerate(printed.parts):
            more = self.label("flowchart-continued") if index else ""
            parts.append(Markup('<div class="flowchart-part"><p class="caption">{}</p><img alt="{}" '
                                'style="width: {}px" src="data:image/svg+xml;base64,{}"></div>').format(
                caption + more, title + more, f"{printed.width:.1f}", base64.b64encode(svg.encode()).decode("ascii")))
        classes = ["flowchart"] + (["landscape"] if printed.landscape else []) + (["split"] if len(parts) > 1 else [])
        return Markup('<figure class="{}">{}</figure>').format(" ".join(classes), Markup("").join(parts))

    def flowchart_figure(self, procedure_id: str) -> Markup:
        """The flowchart under the procedure's number and title, for the handbook."""
        number = self.number("procedures", procedure_id)
        return self.flowchart(procedure_id, self.label(
            "flowchart-caption", number=number + self.number_gap if number else "",
            title=self.manual.procedures[procedure_id].title.get(self.lang)))


def _shift_headings(html: str, top: int) -> str:
    """Renumber Markdown headings so the highest one becomes `h<top>`, and drop their ids."""
    levels = [int(m.group(2)) for m in _HEADING_TAG.finditer(html) if not m.group(1)]
    if not levels:
        return html
    shift = top - min(levels)

    def replace(match: re.Match[str]) -> str:
        closing, level, attributes = match.groups()
        new_level = min(6, max(1, int(level) + shift))
        if closing:
            return f"</h{new_level}>"
        return f"<h{new_level}{_ID_ATTRIBUTE.sub('', attributes)}>"

    return _HEADING_TAG.sub(replace, html)


# ---- documents -----------------------------------------------------------------------------------


def handbook_html(manual: Manual, lang: str, *, font: str | None = None,
                  notes: EditionNotes | None = None, style: str | None = None) -> str:
    """The whole handbook in `lang` as one HTML document, print CSS included. With `notes` that
    compare it with the previous edition, the document control gets a revision table and every
    changed or new entry a bar in the margin. `style`: one of PRINT_STYLES (by default the
    language's, `default_print_style`)."""
    outline = handbook_outline(manual, lang)
    context = TemplateHelpers(manual, lang, style=style or default_print_style(lang), outline=outline)
    notes = notes.in_language(lang) if notes is not None else None
    html = _render(
        "print/handbook.html.j2",
        context,
        font,
        outline=outline,
        chapters=outline.chapters,
        raci_tables=outline.raci_tables,
        raci_landscape=outline.raci_landscape,
        running_title=context.plain(manual.info.title),
        revisions=revisions(notes, manual, lang),
        previous_edition=notes.changes.old_edition if notes and notes.changes else "",
    )
    if notes is None:
        return html
    return mark_changed_sections(html, [step_anchor(ref.id, step) if step else anchor(ref.kind, ref.id)
                                        for ref, step in notes.margin_marks()])


def booklet_html(manual: Manual, post: str, lang: str, *, font: str | None = None,
                 style: str | None = None, notes: EditionNotes | None = None) -> str:
    """One post's booklet in `lang`: its onboarding reference, then its checklists as paper forms:
    a month sheet for the daily list (a column per day), quarter and year sheets for the others,
    an occasion sheet for the as-needed and on-event lists, and a case sheet per procedure. With
    `notes` that compare it with the previous edition, the post's profile opens with what changed
    among the entries that concern the post, and those entries carry a bar in the margin."""
    outline = booklet_outline(manual, post, lang)
    context = TemplateHelpers(manual, lang, linkable=False, style=style or default_print_style(lang), outline=outline)
    onboarding = manual.onboarding[post]
    concerned = {Ref("posts", post), *(Ref("duties", d) for d in onboarding.duties),
                 *(Ref("procedures", p) for p in (*onboarding.procedures_owned, *onboarding.procedures_acted_in)),
                 *(Ref("standards", s) for s in onboarding.standards)}
    notes = notes.in_language(lang) if notes is not None else None
    changed = [row for row in revisions(notes, manual, lang)
               if row.status != "revision-removed" and Ref(row.kind, row.id) in concerned]
    marks = notes.margin_marks() if notes is not None else []
    changed_steps = {(ref.id, step) for ref, step in marks if step}
    return _render(
        "print/booklet.html.j2",
        context,
        font,
        post=manual.posts[post],
        onboarding=onboarding,
        outline=outline,
        forms=outline.forms,
        running_title=context.plain(manual.posts[post].title),
        revisions=changed,
        previous_edition=notes.changes.old_edition if notes and notes.changes else "",
        changed_entries={(row.kind, row.id) for row in changed if not any(
            ref == Ref(row.kind, row.id) and step for ref, step in marks)},
        changed_steps=changed_steps,
    )


def description_html(manual: Manual, post: str, lang: str, *, font: str | None = None,
                     style: str | None = None) -> str:
    """One post's 岗位说明书 in `lang` (the PDF twin of `officebook.render.description.description_docx`)."""
    from officebook.render.description import post_description

    context = TemplateHelpers(manual, lang, linkable=False, style=style or default_print_style(lang))
    description = post_description(manual, post, lang)
    return _render("print/description.html.j2", context, font, d=description,
                   running_title=f"{description.title} {description.field('post-description')}")


def _css_string(text: str) -> str:
    """A CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _css_content(template: str, **functions: str) -> str:
    """A label with `{name}` placeholders as CSS `content`: `"Page " counter(page) " of " counter(pages)`."""
    parts = []
    for piece in re.split(r"(\{\w+\})", template):
        name = piece[1:-1]
        if piece.startswith("{") and name in functions:
            parts.append(functions[name])
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def _render(template: str, context: TemplateHelpers, font: str | None, **values: object) -> str:
    manual, lang = context.manual, context.lang
    typography = PrintFonts(lang, cjk_fallback_for(manual), font)
    info = manual.info
    edition_line = label("edition", lang) + " " + info.edition
    if info.effective:
        edition_line += " · " + label("effective", lang) + " " + date_text(info.effective, lang)
    if context.style == "official":
        edition_line = label("edition", lang) + label("colon", lang) + info.edition
        page_css = _official_page_css(
            edition=_css_string(edition_line),
            page=_css_content(label("page-number", lang), page="counter(page)"),
        )
        css = "\n".join((_stylesheet(), _stylesheet("print-official.css"), page_css,
                         typography.css(manual.info.languages), typography.official_css()))
    else:
        page_css = _page_css(
            running_title=_css_string(str(values["running_title"])),
            edition=_css_string(edition_line),
            uncontrolled=_css_string(label("uncontrolled-short", lang)),
            page_of=_css_content(label("page-of", lang), page="counter(page)", pages="counter(pages)"),
        )
        css = "\n".join((_stylesheet(), page_css, typography.css(manual.info.languages)))
    html = _environment().get_template(template).render(
        x=context,
        info=info,
        lang=lang,
        doc_lang=html_lang(lang),
        css=Markup(css),
        manual=manual,
        style=context.style,
        marking=context.plain(info.marking) if info.marking else "",
        cover_date=cover_date(info.effective, lang),
        effective=date_text(info.effective, lang),
        emblem=info.emblem if info.emblem in manual.assets else None,  # content-relative, read from content/assets/
        **values,
    )
    return html if cjk_variant(lang) else typographic_quotes(html)


_MARKUP = re.compile(r"(<style\b.*?</style>|<script\b.*?</script>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
_OPENING_CONTEXT = r"(^|[\s(\[{\u2014\u2013/-])"


def _curl(text: str) -> str:
    text = text.replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'").replace("&#x27;", "'")
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)  # don't, People's
    text = re.sub(_OPENING_CONTEXT + "'", "\\1\u2018", text)
    text = re.sub(_OPENING_CONTEXT + '"', "\\1\u201c", text)
    return text.replace("'", "\u2019").replace('"', "\u201d")


def typographic_quotes(html: str) -> str:
    """Straight quotes in the text of a document turned into curly ones (“ ” ‘ ’), as English is
    printed; markup, styles and attributes are left alone. Written here because Python-Markdown's
    smarty extension covers only Markdown texts, not titles and labels."""
    return "".join(piece if piece.startswith("<") else _curl(piece) for piece in _MARKUP.split(html))


def _page_css(*, running_title: str, edition: str, uncontrolled: str, page_of: str) -> str:
    """The page margins: running header (title, chapter) and footer (edition, page N of M)."""
    return f"""@page {{
  @top-left {{ content: {running_title}; }}
  @top-right {{ content: string(chapter); }}
  @bottom-left {{ content: {edition}; }}
  @bottom-center {{ content: {uncontrolled}; }}
  @bottom-right {{ content: {page_of}; }}
}}
"""


def _official_page_css(*, edition: str, page: str) -> str:
    """Page numbers "— 3 —" at the outer edge (right on odd pages, left on even), the edition at the
    inner edge, no running head: as Chinese official documents are printed."""
    return f"""@page {{
  @top-left {{ content: none; }}
  @top-right {{ content: none; }}
  @bottom-center {{ content: none; }}
}}
@page :right {{
  @bottom-left {{ content: {edition}; }}
  @bottom-right {{ content: {page}; }}
}}
@page :left {{
  @bottom-left {{ content: {page}; }}
  @bottom-right {{ content: {edition}; }}
}}
@page cover {{
  @bottom-left {{ content: none; }}
  @bottom-right {{ content: none; }}
}}
"""


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _stylesheet(name: str = "print.css") -> str:
    return (TEMPLATES / "print" / name).read_text(encoding="utf-8")
