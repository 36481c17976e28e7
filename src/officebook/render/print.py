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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from officebook.collation import sort_key
from officebook.model import (
    FREQUENCIES,
    CaseSheet,
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
from officebook.render.editions import EditionNotes, mark_changed_sections, revisions
from officebook.render.flowchart import FlowchartLayout, flowchart_title
from officebook.render.itemlinks import print_links
from officebook.render.orgchart import orgchart_svg
from officebook.vocabulary.kinds import ITEM_KINDS, SINGULAR
from officebook.vocabulary.labels import LABELS, category_label, format_date, label, raci_cell
from officebook.vocabulary.markdown import plain_text, render_markdown

TEMPLATES = Path(__file__).parent / "templates"

# Noto CJK ships one family per orthography; naming the right one is what gives Simplified Chinese
# its own glyph shapes (left to itself, fontconfig picks the Japanese ones).
_CJK_VARIANTS = {"zh-Hans": "SC", "zh-Hant": "TC", "ja": "JP", "ko": "KR"}
_LATIN_SERIF = ("Noto Serif", "Source Serif 4", "Liberation Serif", "DejaVu Serif")
_LATIN_SANS = ("Noto Sans", "Source Sans 3", "Liberation Sans", "DejaVu Sans")

# The portrait text column in CSS px: 172 mm in the modern style, 156 mm in the official one. A
# flowchart scaled down to it keeps its smallest text (11 px labels, 8.25 pt at full size) at 7.5 pt
# while it is at most 1.1 times as wide; a wider one prints on landscape pages.
PORTRAIT_COLUMN_PX = {"modern": 650, "official": 589}
FLOWCHART_SHRINK = 1.1
# A printed flowchart up to this tall (CSS px, 210 mm; 60 % of it on a landscape page) fits one page
# under its caption in either style, and is kept whole; a taller one breaks between steps.
FLOWCHART_WHOLE_HEIGHT = 794

PRINT_STYLES = ("official", "modern")
"""`official`: the look of a Chinese office's internal documents (white cover, 一、（一）1.（1）headings
in 黑体 and 楷体, a Song or Fangsong body, page numbers "— 3 —" at the outer edge, Chinese dates);
`modern`: a coloured cover, blue headings, decimal numbering and "page N of M" (the look before)."""

# The faces of Chinese official documents, by role, most wanted first: the fonts an office has from
# Windows or macOS, then the free ones Debian packages (fonts-noto-cjk: Noto Serif / Sans CJK SC;
# fonts-arphic-ukai: AR PL UKai; fonts-arphic-uming: AR PL UMing; fonts-wqy-zenhei). Whatever is
# missing is skipped; the last resort is the generic family.
OFFICIAL_FACES = {
    "body": ("FangSong", "仿宋", "FangSong_GB2312", "STFangsong", "SimSun", "宋体", "Noto Serif CJK SC",
             "Source Han Serif SC", "AR PL UMing CN", "serif"),
    "hei": ("SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "sans-serif"),
    "title": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC",
              "AR PL UMing CN", "serif"),
    "kai": ("KaiTi", "楷体", "KaiTi_GB2312", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC",
            "Source Han Serif SC", "serif"),
}


def default_print_style(lang: str) -> str:
    """The official style for a Chinese handbook, the modern one for every other language."""
    return "official" if html_lang(lang).startswith("zh") else "modern"


# RACI columns per table: more posts than fit on a portrait page turn the matrix landscape, and
# more than fit on a landscape page split it into column groups that repeat the duty column.
RACI_PORTRAIT_POSTS = 6
RACI_LANDSCAPE_POSTS = 12

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b([^>]*)>")
_ID_ATTRIBUTE = re.compile(r"""\s+id=("[^"]*"|'[^']*')""")
_SINGLE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p[ >]).)*)</p>", re.DOTALL)  # the whole text is one <p>


def html_lang(lang: str) -> str:
    """The BCP 47 tag for a manual's language code: `zh` is Simplified Chinese (`zh-Hans`)."""
    lowered = lang.lower()
    if lowered in {"zh", "zh-cn", "zh-sg", "zh-hans"} or lowered.startswith("zh-hans-"):
        return "zh-Hans"
    if lowered in {"zh-tw", "zh-hk", "zh-mo", "zh-hant"} or lowered.startswith("zh-hant-"):
        return "zh-Hant"
    return lang


def cjk_variant(lang: str) -> str | None:
    """`SC`, `TC`, `JP` or `KR` for a CJK language, None otherwise."""
    tag = html_lang(lang)
    return _CJK_VARIANTS.get(tag) or _CJK_VARIANTS.get(tag.split("-")[0])


def cjk_families(variant: str) -> tuple[str, ...]:
    """The CJK faces tried for one orthography, serif first (body text), then sans."""
    return (
        f"Noto Serif CJK {variant}",
        f"Source Han Serif {variant}",
        f"Noto Sans CJK {variant}",
        f"Source Han Sans {variant}",
    )


@dataclass(frozen=True)
class Typography:
    """The fonts of one document, as CSS.

    `font` is what the user configured (a family name, or the path of a font file); it comes first in
    every stack. Latin documents get a Latin face with the manual's CJK face as fallback, so a
    Chinese fallback text in an English handbook still uses Simplified Chinese shapes.
    """

    lang: str
    cjk_fallback: str = "SC"
    font: str | None = None

    @property
    def variant(self) -> str | None:
        return cjk_variant(self.lang)

    @property
    def custom_family(self) -> str | None:
        if not self.font:
            return None
        return "officebook-custom" if _is_font_file(self.font) else self.font

    def stacks(self, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(body, headings) family stacks for text in `lang`."""
        variant = cjk_variant(lang)
        cjk = cjk_families(variant or self.cjk_fallback)
        serif_cjk, sans_cjk = cjk[:2], cjk[2:]
        custom = (self.custom_family,) if self.custom_family else ()
        if variant:
            body = (*custom, *serif_cjk, *sans_cjk, "serif")
            headings = (*custom, *sans_cjk, "sans-serif")
        else:
            body = (*custom, *_LATIN_SERIF, *serif_cjk, *sans_cjk, "serif")
            headings = (*custom, *_LATIN_SANS, *sans_cjk, "sans-serif")
        return body, headings

    def required_cjk(self) -> tuple[str, ...]:
        """The CJK faces one of which must be installed for this document's Chinese text."""
        return cjk_families(self.variant or self.cjk_fallback)

    def css(self, other_languages: Iterable[str] = ()) -> str:
        rules = []
        if self.font and _is_font_file(self.font):
            url = Path(self.font).resolve().as_uri()
            rules.append(f'@font-face {{ font-family: "officebook-custom"; src: url("{url}"); }}')
        body, headings = self.stacks(self.lang)
        rules.append(f":root {{ font-family: {_css_families(body)}; }}")
        sans = ".sans, h1, h2, h3, h4, th, .meta, .label" + (", em" if self.variant else "")
        rules.append(f"{sans} {{ font-family: {_css_families(headings)}; }}")
        # Another orthography than the one the stacks end with (Japanese text in a Chinese manual)
        # needs its own faces; text in the stacks' own orthography falls back to them glyph by glyph.
        own = self.variant or self.cjk_fallback
        for other in sorted({html_lang(x) for x in other_languages}):
            if cjk_variant(other) not in (None, own):
                body, headings = self.stacks(other)
                rules.append(f":lang({other}) {{ font-family: {_css_families(body)}; }}")
                rules.append(
                    f":lang({other}):is(.sans, h1, h2, h3, h4, th, .meta, .label), "
                    f":lang({other}) :is(.sans, h1, h2, h3, h4, th, .meta, .label) "
                    f"{{ font-family: {_css_families(headings)}; }}"
                )
        return "\n".join(rules)


    def official_css(self) -> str:
        """The official style's faces (after `css`): 黑体 chapters, 楷体 sections, a Song/Fangsong
        body, a 小标宋 (else a bold Song) title; the user's font first in each."""
        custom = (self.custom_family,) if self.custom_family else ()
        body = _css_families((*custom, *OFFICIAL_FACES["body"]))
        hei = _css_families((*custom, *OFFICIAL_FACES["hei"]))
        kai = _css_families((*custom, *OFFICIAL_FACES["kai"]))
        title = _css_families((*custom, *OFFICIAL_FACES["title"]))
        return "\n".join((
            f":root, .sans, .meta {{ font-family: {body}; }}",
            f"h1, .chapter > h1, .front > h1, .cover h1, .cover-marking, th, .label {{ font-family: {hei}; }}",
            f"h2, .item > h2, .toc .toc-chapter {{ font-family: {kai}; }}",
            f"h3, h4 {{ font-family: {body}; }}",
            f".cover h1 {{ font-family: {title}; }}",
        ))


def _is_font_file(font: str) -> bool:
    return Path(font).suffix.lower() in {".ttf", ".otf", ".ttc", ".woff", ".woff2"}


def _css_families(families: Sequence[str]) -> str:
    generic = {"serif", "sans-serif", "monospace"}
    return ", ".join(f if f in generic else '"' + f.replace('"', "") + '"' for f in families)


def cjk_fallback_for(manual: Manual) -> str:
    """The orthography of the manual's first CJK language (SC when it has none)."""
    for lang in manual.info.languages:
        if variant := cjk_variant(lang):
            return variant
    return "SC"


# ---- what the templates see ----------------------------------------------------------------------


def anchor(kind: str, item_id: str) -> str:
    return f"{kind}--{item_id}"


def step_anchor(procedure: str, step: str) -> str:
    return f"procedures--{procedure}--step-{step}"


@dataclass(frozen=True)
class TocEntry:
    number: str
    title: Markup
    anchor: str


@dataclass(frozen=True)
class Chapter:
    key: str  # introduction, functions, duties, procedures, standards, posts, raci, glossary
    number: str  # "" for the unnumbered introduction
    title: str
    anchor: str
    entries: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class RaciTable:
    posts: tuple[str, ...]
    part: int  # 1-based, when the matrix is split into column groups
    parts: int


@dataclass(frozen=True)
class MaintainerRow:
    post: str
    count: int
    next_review: str | None




@dataclass
class _Context:
    """Helpers bound to one manual and one language, exposed to the templates."""

    manual: Manual
    lang: str
    linkable: bool = True  # False in a booklet, where most items have no section to link to
    item_numbers: dict[Ref, str] = field(default_factory=dict)  # shown in headings and the contents
    ref_numbers: dict[Ref, str] = field(default_factory=dict)  # in cross-references, when not the same
    style: str = "modern"

    @property
    def official(self) -> bool:
        """Chinese official numbering and dates: the official style, in Chinese."""
        return self.style == "official" and html_lang(self.lang).startswith("zh")

    @property
    def number_gap(self) -> str:
        """Between a heading's number and its title: none after 一、 or （一）, a space after 3.1."""
        return "" if self.official else " "

    def date(self, value: str | None) -> str:
        """A `YYYY-MM-DD` date as the reader writes it: 2026年12月1日 in Chinese."""
        return format_date(value, self.lang) if value else ""

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
        number = self.ref_numbers.get(ref, self.item_numbers.get(ref)) if numbered else None
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
        number = self.ref_numbers.get(ref, self.item_numbers.get(ref)) if numbered else None
        if number:
            text += escape(self.label("section-ref", number=number))
        if not self.linkable:
            return text
        return Markup('<a class="xref" href="#{}">{}</a>').format(step_anchor(procedure, step), text)

    def meta_line(self, item: Item) -> Markup:
        """`Maintainer: Secretary · Review by: 2027-06-30 · Tags: …` as one run of text (no inline boxes)."""
        parts = []
        if item.maintainer:
            parts.append(escape(self.label("maintainer") + self.colon) + self.link("posts", item.maintainer))
        if item.review_by:
            parts.append(escape(f"{self.label('review-by')}{self.colon}{self.date(item.review_by)}"))
        if item.tags and not self.official:  # keywords are for finding entries on the web, not for print
            parts.append(escape(self.label("tags") + self.colon + self.label("list-separator").join(item.tag_names(self.lang))))
        return Markup(" · ").join(parts)

    def step_flow(self, procedure: Procedure, step: Step) -> str:
        return step_flow(procedure, step, self.lang)

    def steps_of(self, procedure: Procedure, post: str) -> tuple[Step, ...]:
        return tuple(s for s in procedure.steps if s.actor == post)

    def anchor(self, kind: str, item_id: str) -> str:
        return anchor(kind, item_id)

    def step_anchor(self, procedure: str, step: str) -> str:
        return step_anchor(procedure, step)

    def kind_label(self, kind: str) -> str:
        """The singular name of a kind: `procedures` -> `Procedure`."""
        return self.label(SINGULAR[kind])

    def counts(self) -> str:
        """`Functions 4 · Duties 40 · ...`: what the manual holds."""
        parts = [f"{self.label(kind)} {len(self.manual.kind(kind))}" for kind in ITEM_KINDS]
        if self.manual.glossary:
            parts.append(f"{self.label('glossary')} {len(self.manual.glossary)}")
        return self.label("list-separator").join(parts)

    def maintainers(self) -> tuple[MaintainerRow, ...]:
        """Per maintaining post, in reporting order: how many entries it keeps and the next review."""
        kept: dict[str, list[Item]] = {}
        for kind in ITEM_KINDS:
            for item in self.manual.kind(kind).values():
                if item.maintainer:
                    kept.setdefault(item.maintainer, []).append(item)
        order = {post: i for i, post in enumerate(self.manual.post_order)}
        return tuple(
            MaintainerRow(post, len(items), min((i.review_by for i in items if i.review_by), default=None))
            for post, items in sorted(kept.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0]))
        )

    def referring(self, kind: str, item_id: str, source_kind: str) -> tuple[str, ...]:
        """Ids of the `source_kind` items that refer to an item, each once, in order of reference."""
        seen: dict[str, None] = {}
        for backref in self.manual.referrers(Ref(kind, item_id)):
            if backref.source and backref.source.kind == source_kind:
                seen.setdefault(backref.source.id, None)
        return tuple(seen)

    def applying_posts(self, standard: str) -> tuple[str, ...]:
        """Every post the standard applies to (directly or through duties, procedures and steps)."""
        return tuple(p for p in self.manual.post_order if standard in self.manual.applicable_standards.get(p, ()))

    def language_name(self) -> str:
        return LABELS.get(self.lang, {}).get("language-name", self.lang)

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

    def number(self, kind: str, item_id: str) -> str:
        return self.item_numbers.get(Ref(kind, item_id), "")

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

    def flowchart(self, procedure_id: str, highlight_post: str | None = None) -> Markup:
        """The procedure's swimlane flowchart: the web manual's drawing, drawn by WeasyPrint as vectors
        at full size.

        It is cut into horizontal bands just under each box, one table row each, with the lane
        headers as the table's head: a chart that fits the space left follows the steps on the same
        page, and a long one breaks between steps and repeats the lanes on the next page. Each band
        is an `<img>` with a data URL rather than inline SVG: then WeasyPrint's HTML parser never
        sees the SVG's markup, which makes the handbook print about a tenth faster.
        """
        layout = self._flowchart_layout(procedure_id, highlight_post)
        title = flowchart_title(layout.procedure, self.lang)

        def image(svg: str, alt: str) -> Markup:
            return Markup('<img alt="{}" src="data:image/svg+xml;base64,{}">').format(
                alt, base64.b64encode(svg.encode()).decode("ascii"))

        rows = [Markup("<tr><td>{}</td></tr>").format(image(layout.svg_band(top, bottom, describe=index == 0),
                                                            title if index == 0 else ""))
                for index, (top, bottom) in enumerate(layout.bands())]
        return Markup('<table class="officebook-flowchart" id="{}"><thead><tr><td>{}</td></tr></thead>'
                      '<tbody>{}</tbody></table>').format(
            layout.prefix, image(layout.svg_band(0, layout.header_h), ""), Markup("").join(rows))

    def _flowchart_layout(self, procedure_id: str, highlight_post: str | None = None) -> FlowchartLayout:
        prefix = anchor("procedures", procedure_id) + "--flow"
        return FlowchartLayout(self.manual.procedures[procedure_id], self.manual, self.lang, prefix,
                               highlight_post=highlight_post)

    def flowchart_figure(self, procedure_id: str) -> Markup:
        """The flowchart under the procedure's number and title, for the handbook. One that fits a
        page but not the space left starts on the next page (`whole`); one too wide for the portrait
        column at 7.5 pt (more than six lanes) goes on landscape pages."""
        layout = self._flowchart_layout(procedure_id)
        number = self.number("procedures", procedure_id)
        caption = self.label("flowchart-caption", number=number + self.number_gap if number else "",
                             title=layout.procedure.title.get(self.lang))
        column = PORTRAIT_COLUMN_PX[self.style]
        landscape = layout.width > column * FLOWCHART_SHRINK
        classes = " landscape" if landscape else ""
        if layout.height * min(1.0, column / layout.width) <= FLOWCHART_WHOLE_HEIGHT * (0.6 if landscape else 1):
            classes += " whole"  # it fits one page: keep it whole rather than split it over two
        return Markup('<figure class="flowchart{}"><figcaption>{}</figcaption>{}</figure>').format(
            classes, caption, self.flowchart(procedure_id))


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
    context = _Context(manual, lang, style=style or default_print_style(lang))
    chapters = _chapters(context)
    notes = notes.in_language(lang) if notes is not None else None
    html = _render(
        "print/handbook.html.j2",
        context,
        font,
        chapters=chapters,
        raci_tables=_raci_tables(manual.raci.posts),
        raci_landscape=len(manual.raci.posts) > RACI_PORTRAIT_POSTS,
        running_title=context.plain(manual.info.title),
        revisions=revisions(notes, manual, lang),
        previous_edition=notes.changes.old_edition if notes and notes.changes else "",
    )
    if notes is None:
        return html
    return mark_changed_sections(html, [step_anchor(ref.id, step) if step else anchor(ref.kind, ref.id)
                                        for ref, step in notes.margin_marks()])


def step_flow(procedure: Procedure, step: Step, lang: str) -> str:
    """Where a step leads: `then step 3, 4`, `back to step 1`, or the end of the procedure (print and Word)."""
    if step.is_end:
        return label("ends", lang)
    forward: list[int] = []
    back: list[int] = []
    for target in step.next:
        number = procedure.step(target).number
        (back if number <= step.number else forward).append(number)
    separator = label("list-separator", lang)
    parts = [label("goes-to", lang, numbers=separator.join(map(str, sorted(forward))))] if forward else []
    parts += [label("rework", lang, number=number) for number in back]
    return separator.join(parts)


def booklet_html(manual: Manual, post: str, lang: str, *, font: str | None = None,
                 style: str | None = None, notes: EditionNotes | None = None) -> str:
    """One post's booklet in `lang`: its onboarding reference, then its checklists as paper forms:
    a month sheet for the daily list (a column per day), quarter and year sheets for the others,
    an occasion sheet for the as-needed and on-event lists, and a case sheet per procedure. With
    `notes` that compare it with the previous edition, the post's profile opens with what changed
    among the entries that concern the post, and those entries carry a bar in the margin."""
    context = _Context(manual, lang, linkable=False, style=style or default_print_style(lang))
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
        forms=paper_forms(manual, post, lang),
        running_title=context.plain(manual.posts[post].title),
        revisions=changed,
        previous_edition=notes.changes.old_edition if notes and notes.changes else "",
        changed_entries={(row.kind, row.id) for row in changed if not any(
            ref == Ref(row.kind, row.id) and step for ref, step in marks)},
        changed_steps=changed_steps,
    )


@dataclass(frozen=True)
class ChecklistCard:
    """One titled list of tick boxes (the Word booklet's checklists, render/docx.py)."""

    key: str  # daily, weekly, ..., steps, criteria
    title_key: str  # label key of the card's title
    entries: tuple[ChecklistEntry, ...]


def checklist_cards(manual: Manual, post: str) -> tuple[ChecklistCard, ...]:
    """A post's checklists as cards: one per frequency, then procedure steps, then criteria."""
    lists = manual.checklists[post]
    cards = [ChecklistCard(f, f, lists.by_frequency[f]) for f in FREQUENCIES if lists.by_frequency.get(f)]
    if lists.steps:
        cards.append(ChecklistCard("steps", "checklist-steps", lists.steps))
    if lists.criteria:
        cards.append(ChecklistCard("criteria", "checklist-criteria", lists.criteria))
    return tuple(cards)


# The paper form of each periodic list: a sheet for a whole period, a column per day, week, month ...
SHEET_OF_FREQUENCY = {"daily": "month", "weekly": "quarter", "monthly": "year", "quarterly": "year",
                      "annually": "years", "as-needed": "occasions", "on-event": "occasions"}
OCCASION_COLUMNS = 8  # occasions on one sheet
YEAR_COLUMNS = 5  # years on the sheet of an annual list


@dataclass(frozen=True)
class PaperForm:
    """One page of a post's booklet to fill in by hand: a periodic or occasion list as a grid (a row
    per line, a column per day, week, month, quarter, year or occasion), or a case sheet."""

    key: str  # the list's frequency, or case-<procedure>
    sheet: str  # month, quarter, year, years, occasions, case
    columns: tuple[str, ...] = ()  # the grid's column headings
    work: WorkList | None = None
    case: CaseSheet | None = None

    @property
    def landscape(self) -> bool:
        return len(self.columns) > 16


def paper_forms(manual: Manual, post: str, lang: str) -> tuple[PaperForm, ...]:
    """A post's booklet forms: its periodic and occasion lists as period sheets, then its case sheets."""
    lists = manual.checklists[post]
    forms = []
    for work in lists.lists:
        sheet = SHEET_OF_FREQUENCY[work.frequency]
        if sheet == "month":
            columns = tuple(str(day) for day in range(1, 32))
        elif sheet == "quarter":
            columns = tuple(str(week) for week in range(1, 14))
        elif sheet == "year" and work.frequency == "monthly":
            columns = tuple(label("month-short", lang, number=m) for m in range(1, 13))
        elif sheet == "year":
            columns = tuple(label("quarter-short", lang, number=q) for q in range(1, 5))
        elif sheet == "years":
            columns = ("",) * YEAR_COLUMNS
        else:
            columns = tuple(str(n) for n in range(1, OCCASION_COLUMNS + 1))
        forms.append(PaperForm(key=work.frequency, sheet=sheet, columns=columns, work=work))
    forms += [PaperForm(key=f"case-{case.procedure}", sheet="case", case=case) for case in lists.cases]
    return tuple(forms)


def _chapters(context: _Context) -> tuple[Chapter, ...]:
    """The chapters in print order, numbering every item (`3.12`) on the way for the TOC and headings."""
    manual, lang = context.manual, context.lang
    chapters = []
    if manual.info.introduction:
        chapters.append(Chapter("introduction", "", label("introduction", lang), "chapter-introduction"))
    kinds: list[tuple[str, Mapping[str, Item]]] = [
        (kind, manual.kind(kind)) for kind in ("functions", "duties", "procedures", "standards", "posts")
    ]
    number = 0
    for kind, items in kinds:
        if not items:
            continue
        number += 1
        entries = []
        for position, item in enumerate(items.values(), start=1):
            if context.official:  # （一）in the heading, 三（一）where another section refers to it
                item_number = f"（{chinese_numeral(position)}）"
                context.ref_numbers[item.ref] = chinese_numeral(number) + item_number
            else:
                item_number = f"{number}.{position}"
            context.item_numbers[item.ref] = item_number
            entries.append(TocEntry(item_number, context.text(item.title), anchor(kind, item.id)))
        chapters.append(
            Chapter(kind, _chapter_number(number, context), label(kind, lang), f"chapter-{kind}", tuple(entries))
        )
    if manual.raci.duties and manual.raci.posts:
        number += 1
        chapters.append(Chapter("raci", _chapter_number(number, context), label("raci", lang), "chapter-raci"))
    if manual.glossary:
        number += 1
        chapters.append(
            Chapter("glossary", _chapter_number(number, context), label("glossary", lang), "chapter-glossary")
        )
    return tuple(chapters)


_CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """一 … 九十九 (numbers outside 1–99 stay in digits)."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    return (("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" if tens else "") + (
        _CHINESE_DIGITS[units] if units else "")


def chapter_number(number: int, lang: str) -> str:
    """`第三章` in Chinese and Japanese, `3` elsewhere (numbers up to 99 in Chinese numerals)."""
    if html_lang(lang).split("-")[0] not in {"zh", "ja"} or not 0 < number < 100:
        return label("chapter-number", lang, number=number)
    return label("chapter-number", lang, number=chinese_numeral(number))


def _chapter_number(number: int, context: _Context) -> str:
    """A chapter's number: 三、 in the official style, 第三章 or 3 in the modern one."""
    return f"{chinese_numeral(number)}、" if context.official else chapter_number(number, context.lang)


def cover_date(value: str | None, lang: str) -> str:
    """The month on a Chinese cover, in Chinese numerals: 二〇二六年十二月 (empty without a date)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", str(value or ""))
    if not match:
        return ""
    if html_lang(lang).split("-")[0] not in {"zh", "ja"}:
        return format_date(str(value), lang)
    year, month = match.groups()
    return "".join(_CHINESE_DIGITS[int(d)] for d in year) + "年" + chinese_numeral(int(month)) + "月"


def _raci_tables(posts: Sequence[str]) -> tuple[RaciTable, ...]:
    """Split the matrix's post columns into balanced groups that each fit across a page."""
    if not posts:
        return ()
    per_table = RACI_PORTRAIT_POSTS if len(posts) <= RACI_PORTRAIT_POSTS else RACI_LANDSCAPE_POSTS
    parts = -(-len(posts) // per_table)
    size = -(-len(posts) // parts)
    return tuple(
        RaciTable(tuple(posts[i : i + size]), part, parts)
        for part, i in enumerate(range(0, len(posts), size), start=1)
    )


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


def _render(template: str, context: _Context, font: str | None, **values: object) -> str:
    manual, lang = context.manual, context.lang
    typography = Typography(lang, cjk_fallback_for(manual), font)
    info = manual.info
    edition_line = label("edition", lang) + " " + info.edition
    if info.effective:
        edition_line += " · " + label("effective", lang) + " " + info.effective
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
