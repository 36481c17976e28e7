"""`officebook languages`: change the languages of an existing manual in one step.

Setting `languages:` in manual.yaml by hand leaves every text holding the strings of a language the
manual no longer lists — one `i18n.unknown-language` error per string. This rewrites them: manual.yaml
lists the new languages (the first is the default), every text keeps only the strings of those
languages, and in a one-language manual a text becomes a plain string. Files are rewritten through
the editor's round-trip writer, so comments, quoting and the lines of other fields stay as they were.
Returns a plan (file → new text); cli.py writes it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from officebook.diagnostics import YamlPath
from officebook.edit.roundtrip import RoundTripError, rewrite
from officebook.i18n import gettext as _
from officebook.load import LoadLimits, load_file
from officebook.pipeline import discover
from officebook.validate.content import kind_of
from officebook.validate.texts import walk_schema
from officebook.vocabulary.schemas import default_schemas

TEXT_DEFS = ("text", "stringOrText")


class LanguagesError(Exception):
    """The content cannot be switched as asked (cli.py exits 2, or 1 for content that does not load)."""


@dataclass
class LanguagesPlan:
    """Files to rewrite (content-relative path → new text) and, per file, texts that had no string in
    the new default language and keep the old default's (the author translates them)."""

    files: dict[str, str] = field(default_factory=dict)
    untranslated: dict[str, int] = field(default_factory=dict)


def switch_languages(content_dir: Path, languages: Sequence[str]) -> LanguagesPlan:
    """The rewrite that gives the manual in `content_dir` exactly `languages` (first: the default)."""
    schemas = default_schemas()
    manual = next((content_dir / name for name in ("manual.yaml", "manual.yml") if (content_dir / name).is_file()), None)
    if manual is None:
        raise LanguagesError(_("{path} has no manual.yaml").format(path=content_dir))
    loaded = load_file(manual, manual.name, LoadLimits())
    old = loaded.data.get("languages") if loaded.ok and isinstance(loaded.data, dict) else None
    if not (isinstance(old, list) and old and all(isinstance(lang, str) for lang in old)):
        raise LanguagesError(_("{path} has no valid list of languages: run officebook check and fix it first").format(
            path=manual))
    plan = LanguagesPlan()
    for rel in discover(content_dir).files:
        kind = kind_of(rel)
        if kind is None:
            continue
        path = content_dir / rel
        loaded = load_file(path, rel, LoadLimits())
        if not loaded.ok:
            raise LanguagesError(_("{path} has errors: run officebook check and fix them first").format(path=path))
        data = copy.deepcopy(loaded.data)
        missing = 0
        for text_path, def_name, value in list(walk_schema(schemas.by_kind[kind], loaded.data, (), schemas.defs)):
            if def_name not in TEXT_DEFS or (def_name == "stringOrText" and isinstance(value, str)):
                continue
            new, lacks_default = _text_in(value, old[0], languages)
            missing += lacks_default
            if new != value:
                _set(data, text_path, new)
        if kind == "manual":
            data["languages"] = list(languages)
        if missing:
            plan.untranslated[rel] = missing
        if data == loaded.data:
            continue
        original = path.read_text(encoding="utf-8-sig")
        try:
            plan.files[rel] = rewrite(original, data)
        except RoundTripError as error:
            raise LanguagesError(f"{path}: {error}") from error
    return plan


def _text_in(value: Any, old_default: str, languages: Sequence[str]) -> tuple[Any, bool]:
    """A text (a plain string is in the old default language) holding only `languages`; a plain
    string when one language is left. True as well when it had nothing in the new default language
    (it then keeps the old default's string)."""
    texts = {old_default: value} if isinstance(value, str) else dict(value) if isinstance(value, dict) else None
    if texts is None:
        return value, False
    kept = {lang: texts[lang] for lang in languages if lang in texts}
    lacks_default = languages[0] not in kept
    if lacks_default:
        fallback = texts.get(old_default, next(iter(texts.values()), ""))
        kept = {languages[0]: fallback, **kept}
    if len(languages) == 1:
        return kept[languages[0]], lacks_default
    if isinstance(value, str) and list(kept) == [old_default] == [languages[0]]:
        return value, lacks_default  # still the default language's plain string
    return kept, lacks_default


def _set(data: Any, path: YamlPath, value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
