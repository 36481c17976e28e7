"""Language codes as documents and fonts need them: the BCP 47 tag of a manual's language, and the
CJK variant (Simplified or Traditional Chinese, Japanese, Korean) whose glyph shapes it wants."""

from __future__ import annotations

_CJK_VARIANTS = {"zh-Hans": "SC", "zh-Hant": "TC", "ja": "JP", "ko": "KR"}


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
