"""The fonts of the printed handbook and booklets, as CSS: the faces each language and style wants
(Noto CJK per orthography, the faces of Chinese official documents), an office's own font first, and
the style a language prints in by default."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from officebook.model import Manual
from officebook.vocabulary.languages import cjk_variant, html_lang

# Noto CJK ships one family per orthography; naming the right one is what gives Simplified Chinese
# its own glyph shapes (left to itself, fontconfig picks the Japanese ones).
_LATIN_SERIF = ("Noto Serif", "Source Serif 4", "Liberation Serif", "DejaVu Serif")
_LATIN_SANS = ("Noto Sans", "Source Sans 3", "Liberation Sans", "DejaVu Sans")

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

def cjk_families(variant: str) -> tuple[str, ...]:
    """The CJK faces tried for one orthography, serif first (body text), then sans."""
    return (
        f"Noto Serif CJK {variant}",
        f"Source Han Serif {variant}",
        f"Noto Sans CJK {variant}",
        f"Source Han Sans {variant}",
    )


@dataclass(frozen=True)
class PrintFonts:
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
