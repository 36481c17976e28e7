"""The interface's language: gettext catalogues (officebook/locale/<lang>/LC_MESSAGES/officebook.mo).

Messages are written in English in the code, marked with `_()` (or `N_()` where they are only
named, to be translated later), extracted with Babel (`babel.cfg`, `scripts/i18n.py`) and translated
in `locale/<lang>/LC_MESSAGES/officebook.po`. The language is chosen as gettext chooses it, from
LANGUAGE, LC_ALL, LC_MESSAGES and LANG, without needing the locale installed on the machine;
OFFICEBOOK_LANG and the `--ui-lang` option override it. English is the source language.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

DOMAIN = "officebook"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
SHIPPED = ("en", "zh_CN")
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order


def normalize(value: str | None) -> str | None:
    """`zh_CN.UTF-8`, `zh-CN`, `zh`, `zh_TW` → `zh_CN`; `en_GB`, `C`, `POSIX` → `en`; others → None."""
    code = (value or "").strip().split(".")[0].split("@")[0].replace("-", "_")
    if not code:
        return None
    if code in ("C", "POSIX"):
        return SOURCE_LANGUAGE
    base = code.split("_")[0].lower()
    # Only Simplified Chinese is shipped: a reader of Traditional Chinese reads it better than English.
    return {"zh": "zh_CN", "en": "en"}.get(base)


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """OFFICEBOOK_LANG if it names a shipped language, else the first of LANGUAGE, LC_ALL, LC_MESSAGES
    and LANG that is set (LANGUAGE may list several, `zh_CN:en`), as gettext reads them; else English."""
    environ = os.environ if environ is None else environ
    explicit = normalize(environ.get("OFFICEBOOK_LANG"))
    if explicit:
        return explicit
    for variable in ENVIRONMENT:
        value = environ.get(variable)
        if value:
            for part in value.split(":"):
                found = normalize(part)
                if found:
                    return found
            return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def named_by_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The language OFFICEBOOK_LANG or the locale variables name, or None when they name none (unset,
    or the C and POSIX locales of servers and containers): then a command may speak its file's language."""
    environ = os.environ if environ is None else environ
    for variable in ("OFFICEBOOK_LANG", *ENVIRONMENT):
        for part in (environ.get(variable) or "").split(":"):
            if part.split(".")[0] not in ("", "C", "POSIX") and (found := normalize(part)):
                return found
    return None


def for_manual(language: str) -> str:
    """The interface language for a manual language code (`zh`, `zh-Hant`, `en`, `fr`)."""
    return normalize(language) or SOURCE_LANGUAGE


def _load(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


_current_language = from_environment()
_current = _load(_current_language)


def set_language(language: str) -> str:
    """Speak `language` (a shipped code, or anything `normalize` reads) from now on; returns the code."""
    global _current, _current_language
    _current_language = normalize(language) or SOURCE_LANGUAGE
    _current = _load(_current_language)
    return _current_language


def current_language() -> str:
    return _current_language


def fingerprint() -> str:
    """The interface language and a hash of its compiled catalogue (for caches of worded findings)."""
    mo = LOCALE_DIR / _current_language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    digest = hashlib.blake2b(mo.read_bytes() if mo.is_file() else b"", digest_size=8).hexdigest()
    return f"{_current_language}:{digest}"


@contextlib.contextmanager
def using(language: str) -> Iterator[str]:
    """Speak `language` inside the block (for files written in a manual's language)."""
    previous = _current_language
    try:
        yield set_language(language)
    finally:
        set_language(previous)


def gettext(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return _current.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here (it is translated where shown)."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark a message with a context for the catalogue (translated where shown, with `pgettext`)."""
    return message


def Nn_(singular: str, plural: str) -> str:
    """Mark a message with a plural form for the catalogue (translated where shown, with `ngettext`)."""
    return singular


# The marker functions scripts/i18n.py extracts, in Babel's keyword notation.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
            "NC_": ((1, "c"), 2), "Nn_": (1, 2)}

_ = gettext
