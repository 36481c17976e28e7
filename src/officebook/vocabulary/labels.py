"""Interface strings of every output, per language.

`label(key, lang)` looks a key up in `lang`, then in English. Languages other than zh and en get the
English strings until someone adds theirs (one module a language: labels_en.py, labels_zh.py). Keys
are grouped by what they label; add new keys to every language you can write.
"""

from __future__ import annotations

import re

from officebook.vocabulary.labels_en import EN
from officebook.vocabulary.labels_zh import ZH

LABELS: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}

FALLBACK_LANGUAGE = "en"

LANGUAGE_NAMES = {
    "zh": "中文", "zh-Hans": "简体中文", "zh-Hant": "繁體中文", "zh-TW": "繁體中文", "en": "English",
    "fr": "Français", "de": "Deutsch", "es": "Español", "pt": "Português", "ru": "Русский",
    "ja": "日本語", "ko": "한국어", "ar": "العربية", "mn": "Монгол", "bo": "བོད་ཡིག", "ug": "ئۇيغۇرچە",
    "vi": "Tiếng Việt", "it": "Italiano", "nl": "Nederlands",
}
"""Each language's name in itself, as the site's language selector shows it."""


def label(key: str, lang: str, **values: object) -> str:
    """The interface string `key` in `lang` (English when missing), formatted with `values`."""
    text = LABELS.get(lang, {}).get(key)
    if text is None:
        text = LABELS[FALLBACK_LANGUAGE][key]
    return text.format(**values) if values else text


def format_date(value: str, lang: str) -> str:
    """`2026-12-01` as 2026年12月1日 in Chinese and Japanese; unchanged elsewhere (ISO dates are plain
    English office usage too)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    if not match or lang.lower().split("-")[0] not in {"zh", "ja"}:
        return str(value)
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def raci_cell(role: str, lang: str) -> str:
    """A RACI matrix cell (`R/A`, `C` ...) in `lang`'s words: `R/A` in English, 牵头、负责 in Chinese."""
    if not role:
        return ""
    return label("raci-letters", lang).join(label(f"raci-letter-{letter}", lang) for letter in role.split("/"))


def category_label(category: str, lang: str) -> str:
    """A standard's category; `time-limit` shares its key with the field name, so it is mapped."""
    return label("time-limit-category" if category == "time-limit" else category, lang)
