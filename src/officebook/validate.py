"""Validate loaded content: shape against the JSON Schemas, then meaning (ids, refs, RACI, steps, posts, texts).

The schemas in `schemas/` are the single source of truth for shape; the semantic checks here walk the
data with those schemas to find texts and references, so a field added to a schema is checked at once.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from officebook.diagnostics import Diagnostic, Severity, YamlPath, did_you_mean
from officebook.load import LoadedFile, read_file, yaml_lines

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    import jsonschema

SCHEMA_DIR = Path(__file__).parent / "schemas"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
KIND_SCHEMA = {
    "manual": "manual",
    "glossary": "glossary",
    "functions": "function",
    "duties": "duty",
    "procedures": "procedure",
    "standards": "standard",
    "posts": "post",
}
ITEM_KINDS = ("functions", "duties", "procedures", "standards", "posts")
KIND_NOUN = {
    "functions": "function",
    "duties": "duty",
    "procedures": "procedure",
    "standards": "standard",
    "posts": "post",
}
# Definitions in common.schema.json that the semantic checks look at: texts and references (a kindRef
# is `kind/id`, any kind). A list definition maps to the definition of its entries.
CHECKED_DEFS = {"text", "postRef", "functionRef", "kindRef"}
LIST_DEFS = {"textList": "text", "postRefs": "postRef", "procedureRefs": "procedureRef", "standardRefs": "standardRef"}
# Long texts: Markdown, whose links and images are checked against the URL policy.
MARKDOWN_FIELDS = frozenset({"summary", "description", "statement", "rationale", "purpose", "action", "definition",
                             "introduction"})
ASSET_DIR = "assets"
REF_KINDS = {"postRef": "posts", "functionRef": "functions", "procedureRef": "procedures", "standardRef": "standards"}


# ---- schemas -------------------------------------------------------------------------------------


class Schemas:
    """The JSON Schemas, with common.schema.json inlined so each kind's schema stands alone."""

    def __init__(self, directory: Path = SCHEMA_DIR) -> None:
        common = json.loads((directory / "common.schema.json").read_text(encoding="utf-8"))
        self.defs: dict[str, Any] = common["$defs"]
        self.by_kind: dict[str, dict] = {}
        self._python: dict[str, jsonschema.protocols.Validator] = {}
        self._fast: dict[str, Any] = {}
        for kind, name in KIND_SCHEMA.items():
            raw = json.loads((directory / f"{name}.schema.json").read_text(encoding="utf-8"))
            schema = _inline(raw)
            schema.pop("$id", None)
            schema["$defs"] = {**copy.deepcopy(self.defs), **schema.get("$defs", {})}
            self.by_kind[kind] = schema

    def python_validator(self, kind: str) -> jsonschema.protocols.Validator:
        if kind not in self._python:
            import jsonschema

            self._python[kind] = jsonschema.Draft202012Validator(
                self.by_kind[kind], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
            )
        return self._python[kind]

    def is_valid(self, kind: str, data: Any) -> bool:
        """A quick yes/no (compiled validator where available); details come from `errors`."""
        if kind not in self._fast:
            try:
                import jsonschema_rs
            except ImportError:  # the compiled validator is an optional speed-up
                return self.python_validator(kind).is_valid(data)
            self._fast[kind] = jsonschema_rs.Draft202012Validator(self.by_kind[kind], validate_formats=True)
        try:
            return self._fast[kind].is_valid(data)
        except (ValueError, OverflowError):
            return self.python_validator(kind).is_valid(data)

    def errors(self, kind: str, data: Any) -> Iterator[jsonschema.ValidationError]:
        return self.python_validator(kind).iter_errors(data)


def _inline(schema: Any) -> Any:
    """Point `common.schema.json#/...` refs at the inlined `#/...` definitions."""
    if isinstance(schema, dict):
        out = {k: _inline(v) for k, v in schema.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("common.schema.json#"):
            out["$ref"] = ref[len("common.schema.json"):]
        return out
    if isinstance(schema, list):
        return [_inline(v) for v in schema]
    return schema


@functools.cache
def default_schemas() -> Schemas:
    return Schemas()


# ---- the content, as the validator sees it ----------------------------------------------------------


@dataclass
class Content:
    """Loaded files sorted by kind and id (first file wins an id; later duplicates are reported)."""

    manual: LoadedFile | None = None
    glossary: LoadedFile | None = None
    items: dict[str, dict[str, LoadedFile]] = field(default_factory=lambda: {k: {} for k in ITEM_KINDS})
    languages: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # rel -> file_facts(), filled on demand or from a cache

    def facts_of(self, kind: str, loaded: LoadedFile) -> Any:
        if loaded.rel not in self.facts:
            self.facts[loaded.rel] = file_facts(kind, loaded.data)
        return self.facts[loaded.rel]

    @property
    def default_language(self) -> str | None:
        return self.languages[0] if self.languages else None

    @property
    def allow_html(self) -> bool:
        return bool(self.manual and self.manual.ok and self.manual.data.get("allow_html") is True)

    def files(self) -> Iterator[tuple[str, LoadedFile]]:
        """(kind, file) for manual.yaml, glossary.yaml and every item, in kind order."""
        for kind in ("manual", "glossary"):
            if getattr(self, kind) is not None:
                yield kind, getattr(self, kind)
        for kind in ITEM_KINDS:
            for loaded in self.items[kind].values():
                yield kind, loaded


def kind_of(rel: str) -> str | None:
    """The kind of a file from its path relative to the content folder, or None."""
    if rel in ("manual.yaml", "manual.yml"):
        return "manual"
    if rel in ("glossary.yaml", "glossary.yml"):
        return "glossary"
    top, _, rest = rel.partition("/")
    return top if top in ITEM_KINDS and rest else None


def item_id(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


# ---- validation ----------------------------------------------------------------------------------


def validate_shape(loaded: LoadedFile, kind: str, schemas: Schemas | None = None) -> list[Diagnostic]:
    """Schema findings for one file (cacheable: they depend on the file's content alone)."""
    schemas = schemas or default_schemas()
    if not loaded.ok or schemas.is_valid(kind, loaded.data):
        return []
    findings: dict[tuple, Diagnostic] = {}
    for error in schemas.errors(kind, loaded.data):
        for diagnostic in _schema_diagnostics(loaded, error, schemas):
            findings.setdefault((diagnostic.code, diagnostic.path, diagnostic.message), diagnostic)
    return list(findings.values())


def build_content(files: list[LoadedFile]) -> tuple[Content, list[Diagnostic]]:
    """Sort files into kinds, checking ids (pattern, uniqueness within a kind) and unexpected files."""
    content = Content()
    diagnostics: list[Diagnostic] = []
    for loaded in sorted(files, key=lambda f: f.rel):
        kind = kind_of(loaded.rel)
        if kind is None:
            diagnostics.append(Diagnostic(
                "file.unexpected", Severity.WARNING, loaded.rel, 1, 1, (),
                "this file belongs to no kind and is ignored",
                "items go in functions/, duties/, procedures/, standards/ or posts/"))
            continue
        if kind in ("manual", "glossary"):
            if getattr(content, kind) is not None:
                first = getattr(content, kind).rel
                diagnostics.append(Diagnostic("id.duplicate", Severity.ERROR, loaded.rel, 1, 1, (),
                                              f"a second {kind} file; '{first}' is already read",
                                              "keep only one of them"))
                continue
            setattr(content, kind, loaded)
            continue
        stem = item_id(loaded.rel)
        if not ID_PATTERN.match(stem):
            diagnostics.append(Diagnostic(
                "id.invalid", Severity.ERROR, loaded.rel, 1, 1, (),
                f"'{stem}' is not a valid id: the file name is the item's id",
                f"rename the file to '{_suggest_id(stem)}.yaml' (lower-case letters, digits and hyphens)"))
        if stem in content.items[kind]:
            first = content.items[kind][stem].rel
            diagnostics.append(Diagnostic(
                "id.duplicate", Severity.ERROR, loaded.rel, 1, 1, (),
                f"the {KIND_NOUN[kind]} id '{stem}' is already used by '{first}'",
                "ids are file names and must be unique within a kind, sub-folders included: rename one"))
            continue
        content.items[kind][stem] = loaded
    if content.manual is None:
        diagnostics.append(Diagnostic("file.missing", Severity.ERROR, "manual.yaml", 1, 1, (),
                                      "the content folder has no manual.yaml",
                                      "create manual.yaml with title, organization, edition and languages"))
    elif content.manual.ok:
        languages = content.manual.data.get("languages")
        if isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages):
            content.languages = tuple(dict.fromkeys(languages))
    return content, diagnostics


def meaning_fingerprint(content: Content, today: dt.date | None = None) -> str:
    """What a file's own semantic findings depend on besides its bytes: languages, the ids of every kind, today."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((content.languages, content.allow_html, (today or dt.date.today()).isoformat())).encode())
    for kind in ITEM_KINDS:
        digest.update(f"\x00{kind}\x00".encode())
        digest.update("\x00".join(sorted(content.items[kind])).encode())
    return digest.hexdigest()


def validate_file_meaning(kind: str, loaded: LoadedFile, content: Content, schemas: Schemas | None = None,
                          today: dt.date | None = None) -> list[Diagnostic]:
    """One file's semantic findings: texts, references, RACI, steps, review date."""
    if not loaded.parsed:
        return []
    schemas = schemas or default_schemas()
    today = today or dt.date.today()
    diagnostics: list[Diagnostic] = []
    for path, def_name, value in _walk(schemas.by_kind[kind], loaded.data, (), schemas.defs):
        if def_name == "text":
            diagnostics += _check_text(loaded, path, value, content)
            if path and path[-1] in MARKDOWN_FIELDS:
                diagnostics += check_urls(loaded, path, value, content.allow_html)
        elif def_name == "kindRef":
            diagnostics += _check_kind_ref(loaded, path, value, content)
        else:
            diagnostics += _check_ref(loaded, path, value, REF_KINDS[def_name], content)
    review_by = loaded.data.get("review_by") if kind in ITEM_KINDS else None
    if isinstance(review_by, str) and _is_date(review_by) and dt.date.fromisoformat(review_by) < today:
        diagnostics.append(loaded.diagnostic(
            "review.overdue", ("review_by",), f"the review date {review_by} has passed",
            "review the entry, then set review_by to the next review date", severity=Severity.WARNING))
    if kind == "duties":
        diagnostics += _check_raci(loaded)
    elif kind == "procedures":
        diagnostics += _check_steps(loaded)
    return diagnostics


def validate_across(content: Content) -> list[Diagnostic]:
    """Findings that involve several files: the reporting tree and posts without duties."""
    return _check_posts(content)


# ---- schema errors into findings -----------------------------------------------------------------

_TYPE_WORDS = {
    "string": "text", "object": "a mapping", "array": "a list", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "nothing",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a mapping"


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _schema_diagnostics(loaded: LoadedFile, error: jsonschema.ValidationError, schemas: Schemas) -> Iterator[Diagnostic]:
    path: YamlPath = tuple(error.absolute_path)
    validator, schema, instance = error.validator, error.schema, error.instance
    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(k for k in instance if k not in schema.get("properties", {})):
            hint = did_you_mean(key, allowed) or f"allowed here: {', '.join(allowed)}"
            yield loaded.diagnostic("schema.unknown-key", (*path, key), f"unknown field '{key}'", hint, at_key=True)
    elif validator == "required" and isinstance(instance, dict):
        for key in error.validator_value:
            if key not in instance:
                description = schema.get("properties", {}).get(key, {}).get("description", "")
                hint = f"add '{key}:' ({description.rstrip('.').lower()})" if description else f"add '{key}:'"
                yield loaded.diagnostic("schema.required", path, f"missing required field '{key}'", hint,
                                        at_key=bool(path))
    elif validator == "type":
        yield _type_diagnostic(loaded, path, error)
    elif validator == "enum":
        allowed = [str(v) for v in error.validator_value]
        hint = (did_you_mean(str(instance), allowed) if isinstance(instance, str) else "") or \
            f"use one of: {', '.join(allowed)}"
        yield loaded.diagnostic("schema.enum", path, f"{_describe(instance)} is not allowed here", hint)
    elif validator == "format" or (validator == "pattern" and schema.get("format") == "date"):
        yield loaded.diagnostic("schema.date", path, f"'{_short(str(instance))}' is not a date",
                                "write a real calendar date as YYYY-MM-DD, e.g. 2027-06-30")
    elif validator == "pattern":
        yield _pattern_diagnostic(loaded, path, error)
    elif validator == "minItems":
        if path[-2:] == ("raci", "responsible"):
            yield loaded.diagnostic("raci.responsible", path, "no post is responsible for this duty",
                                    "name at least one post under raci.responsible")
        else:
            yield loaded.diagnostic("schema.min-items", path,
                                    f"the list needs at least {error.validator_value} entr"
                                    f"{'y' if error.validator_value == 1 else 'ies'}")
    elif validator == "uniqueItems":
        seen: set = set()
        duplicate = next((json.dumps(v, ensure_ascii=False) for v in instance
                          if json.dumps(v, sort_keys=True) in seen or seen.add(json.dumps(v, sort_keys=True))), "")
        yield loaded.diagnostic("schema.unique-items", path, f"the list names {duplicate} more than once",
                                "remove the repeated entry")
    elif validator == "minProperties":
        yield loaded.diagnostic("schema.invalid", path, "the mapping is empty",
                                "write the text in at least the default language, e.g. {zh: ..., en: ...}")
    elif validator == "minLength":
        yield loaded.diagnostic("schema.invalid", path, "the value is empty", "write a value, or remove the field")
    elif validator == "propertyNames":
        yield _pattern_diagnostic(loaded, path, error, key=True)
    else:
        yield loaded.diagnostic("schema.invalid", path, error.message)


def _type_diagnostic(loaded: LoadedFile, path: YamlPath, error: jsonschema.ValidationError) -> Diagnostic:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    instance = error.instance
    if path[-2:] == ("raci", "accountable") and isinstance(instance, list):
        return loaded.diagnostic("raci.accountable", path,
                                 f"exactly one post must be accountable, not a list of {len(instance)}",
                                 "keep one post here; move the others to responsible or consulted")
    if set(expected) == {"string", "object"}:
        wanted = "a text (a string, or a mapping of language code to string)"
    else:
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
    hint = ""
    plain = loaded.positions.plain.get(path)
    if "string" in expected and plain is not None:
        hint = f"quote it: '{plain}' (unquoted, YAML reads it as {_describe(instance)})"
    elif "array" in expected and not isinstance(instance, (list, dict)):
        hint = "write a list: one '- entry' per line, or [a, b]"
    return loaded.diagnostic("schema.type", path, f"expected {wanted}, found {_describe(instance)}", hint)


def _pattern_diagnostic(loaded: LoadedFile, path: YamlPath, error: jsonschema.ValidationError,
                        key: bool = False) -> Diagnostic:
    value = str(error.instance)
    if key:  # propertyNames: a text's language code
        bad = next((k for k in error.instance if not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", str(k))), value)
        hint = "use codes like zh, en, zh-Hant"
        if " " in str(bad) or "," in loaded.positions.plain.get((*path, bad), ""):
            hint = "a comma inside { } ends the text: put the whole text in quotes"
        return loaded.diagnostic("schema.pattern", (*path, bad), f"'{_short(str(bad))}' is not a language code",
                                 hint, at_key=True)
    pattern = error.validator_value
    if pattern.startswith("^(functions|"):
        return loaded.diagnostic("schema.pattern", path, f"'{_short(value)}' is not a reference of the form kind/id",
                                 "write e.g. procedures/document-review or posts/secretary")
    if pattern.startswith("^[a-z]{2,3}"):
        return loaded.diagnostic("schema.pattern", path, f"'{_short(value)}' is not a language code",
                                 "use codes like zh, en, zh-Hant")
    return loaded.diagnostic("schema.pattern", path, f"'{_short(value)}' is not a valid id",
                             f"ids are lower-case letters, digits and hyphens, e.g. '{_suggest_id(value)}'")


def _suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]
    return slug or "my-item"


# ---- semantic checks -----------------------------------------------------------------------------


def _walk(schema: dict, value: Any, path: YamlPath, defs: dict) -> Iterator[tuple[YamlPath, str, Any]]:
    """Yield (path, definition name, value) for every text and reference in `value`, guided by the schema.

    Entries of list definitions are yielded under their entry definition (`procedureRefs` -> `procedureRef`).
    """
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        name = ref[len("#/$defs/"):]
        if name in CHECKED_DEFS:
            yield path, name, value
            return
        if name in LIST_DEFS:
            if isinstance(value, list):
                for i, entry in enumerate(value):
                    yield (*path, i), LIST_DEFS[name], entry
            return
        target: Any = defs
        for part in name.split("/"):
            target = target[part]
        yield from _walk(target, value, path, defs)
        return
    if isinstance(value, dict) and "properties" in schema:
        for key, sub in schema["properties"].items():
            if key in value:
                yield from _walk(sub, value[key], (*path, key), defs)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, entry in enumerate(value):
            yield from _walk(schema["items"], entry, (*path, i), defs)


def _check_text(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
    languages = content.languages
    if not languages:
        return []
    if isinstance(value, str):
        if len(languages) > 1:
            return [loaded.diagnostic(
                "i18n.missing", path, f"only in the default language '{languages[0]}'",
                f"write it as {{{', '.join(f'{lang}: ...' for lang in languages)}}}", severity=Severity.WARNING)]
        return []
    if not isinstance(value, dict) or not value:
        return []  # not a text at all: the schema has reported it
    found: list[Diagnostic] = []
    for code in value:
        if code not in languages:
            hint = did_you_mean(str(code), languages) or f"manual.yaml lists: {', '.join(languages)}"
            found.append(loaded.diagnostic("i18n.unknown-language", (*path, code),
                                           f"the language '{code}' is not listed in manual.yaml", hint, at_key=True))
    if languages[0] not in value:
        found.append(loaded.diagnostic("i18n.missing-default", path,
                                       f"no text in the default language '{languages[0]}'",
                                       f"add '{languages[0]}: ...' (the default language is listed first in manual.yaml)"))
    else:
        missing = [lang for lang in languages[1:] if lang not in value]
        if missing:
            found.append(loaded.diagnostic(
                "i18n.missing", path, f"no translation into {', '.join(repr(m) for m in missing)}",
                "add the translation; until then the default language is shown", severity=Severity.WARNING))
    return found


def check_urls(loaded: LoadedFile, path: YamlPath, value: Any, allow_html: bool) -> list[Diagnostic]:
    """The URL policy, as findings at the text: a local file outside `content/assets/` (a path, a
    `file:` URL) is an error (never read); a scheme other than http, https, mailto and tel is a
    warning (removed from every output); a remote image is a warning (never fetched: shown as a link).
    Item links (`kind/id`) are the link checker's."""
    from officebook.render.markdown import is_remote_url, link_targets, url_scheme

    texts = value.items() if isinstance(value, dict) else [(None, value)]
    found: list[Diagnostic] = []
    for lang, text in texts:
        if not isinstance(text, str) or not ("](" in text or "]:" in text or "<" in text):
            continue  # no link, image or autolink can be written without these
        where = (*path, lang) if lang is not None else path
        for what, url in link_targets(text, allow_html):
            at = _AtLine(loaded, where, text, url)
            shown = _short(url, 60)
            scheme = url_scheme(url)
            if scheme == "file" or (scheme is None and not is_remote_url(url) and _outside_assets(url)):
                found.append(at.diagnostic(
                    "link.outside-assets",
                    f"the {what} '{shown}' names a local file outside content/assets/: it is never read",
                    "put the file in content/assets/ and write its path from content/ (assets/...), or link "
                    "to a web address"))
            elif scheme is not None and scheme not in ("http", "https", "mailto", "tel"):
                found.append(at.diagnostic(
                    "link.unsafe-url",
                    f"the {what} '{shown}' uses '{scheme}:', which is removed from every output",
                    "link with http:, https:, mailto: or tel:, or to a file in content/assets/",
                    severity=Severity.WARNING))
            elif what == "image" and is_remote_url(url):
                found.append(at.diagnostic(
                    "link.remote-image",
                    f"the image '{shown}' is on another server: it is never fetched, readers see a link to it",
                    "save the image in content/assets/ and write ![...](assets/...)", severity=Severity.WARNING))
    return found


class _AtLine:
    """A finding about `url` inside the text at `path`: at the URL's own line when the text is a
    literal block scalar (`|`), whose lines are the file's; else at the text."""

    def __init__(self, loaded: LoadedFile, path: YamlPath, text: str, url: str) -> None:
        self.loaded, self.path = loaded, path
        self.line, self.column = loaded.positions.of_value(path)
        offset = text.find(url)
        if offset < 0:
            return
        raw, _, _ = read_file(loaded.path, loaded.rel, loaded.limits)
        lines = yaml_lines(raw.decode("utf-8-sig", errors="replace")) if raw else []
        if 0 < self.line <= len(lines) and lines[self.line - 1][self.column - 1:self.column] == "|":
            below = self.line + text[:offset].count("\n")
            if below < len(lines):
                source = lines[below]
                indent = len(source) - len(source.lstrip(" "))
                self.line, self.column = below + 1, indent + 1 + offset - (text.rfind("\n", 0, offset) + 1)

    def diagnostic(self, code: str, message: str, hint: str, severity: Severity = Severity.ERROR) -> Diagnostic:
        return Diagnostic(code, severity, self.loaded.rel, self.line, self.column, self.path, message, hint)


def _outside_assets(url: str) -> bool:
    """A relative URL that names a file outside `assets/`; anchors (`#x`) and item links
    (`kind/id`, the link checker's) are not files."""
    import posixpath
    from urllib.parse import unquote

    location = unquote(url.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    if not location:
        return False
    if location.startswith("/"):
        return True
    normal = posixpath.normpath(location)
    first = normal.split("/", 1)[0]
    if first in ITEM_KINDS or first == "glossary":
        return False
    return not (normal.startswith(ASSET_DIR + "/") and normal != ASSET_DIR)


def _check_ref(loaded: LoadedFile, path: YamlPath, value: Any, kind: str, content: Content) -> list[Diagnostic]:
    if not isinstance(value, str) or not ID_PATTERN.match(value) or value in content.items[kind]:
        return []
    noun = KIND_NOUN[kind]
    others = [k for k in ITEM_KINDS if k != kind and value in content.items[k]]
    if others:
        return [loaded.diagnostic("ref.wrong-kind", path, f"'{value}' is a {KIND_NOUN[others[0]]}, not a {noun}",
                                  did_you_mean(value, content.items[kind]) or f"name a {noun} here")]
    hint = did_you_mean(value, content.items[kind]) or f"create {kind}/{value}.yaml, or name an existing {noun}"
    return [loaded.diagnostic("ref.unknown", path, f"no {noun} '{value}'", hint)]


def _check_kind_ref(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
    if not isinstance(value, str) or "/" not in value:
        return []
    kind, _, ident = value.partition("/")
    if kind not in content.items or ident in content.items[kind]:
        return []
    noun = KIND_NOUN[kind]
    near = did_you_mean(ident, content.items[kind])
    hint = near.replace("'", f"'{kind}/", 1) if near else f"name an existing {noun}"
    return [loaded.diagnostic("ref.unknown", path, f"no {noun} '{ident}'", hint)]


def _check_raci(loaded: LoadedFile) -> list[Diagnostic]:
    raci = loaded.data.get("raci")
    if not isinstance(raci, dict):
        return []
    found = []
    accountable = raci.get("accountable")
    responsible = raci.get("responsible")
    if isinstance(accountable, str) and isinstance(raci.get("consulted"), list) and accountable in raci["consulted"]:
        index = raci["consulted"].index(accountable)
        found.append(loaded.diagnostic("raci.accountable", ("raci", "consulted", index),
                                       f"'{accountable}' is accountable and cannot also be only consulted",
                                       "remove it from consulted"))
    if isinstance(responsible, list) and isinstance(raci.get("informed"), list):
        for index, post in enumerate(raci["informed"]):
            if post in responsible:
                found.append(loaded.diagnostic("raci.responsible", ("raci", "informed", index),
                                               f"'{post}' is responsible and need not also be informed",
                                               "remove it from informed"))
    return found


def _check_steps(loaded: LoadedFile) -> list[Diagnostic]:
    steps = loaded.data.get("steps")
    if not isinstance(steps, list):
        return []
    found: list[Diagnostic] = []
    index_of: dict[str, int] = {}
    for i, step in enumerate(steps):
        sid = step.get("id") if isinstance(step, dict) else None
        if not isinstance(sid, str):
            return []  # a step without an id: the schema has reported it, and the graph cannot be drawn
        if sid in index_of:
            found.append(loaded.diagnostic("step.duplicate-id", ("steps", i, "id"),
                                           f"step id '{sid}' is already used by step {index_of[sid] + 1}",
                                           "step ids must be unique within the procedure"))
        else:
            index_of[sid] = i
    graph: dict[int, list[int]] = {}
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            graph[i] = []
            continue
        targets = step.get("next")
        if targets is None:
            graph[i] = [i + 1] if i + 1 < len(steps) else []
            continue
        graph[i] = []
        if not isinstance(targets, list):
            continue
        for j, target in enumerate(targets):
            if not isinstance(target, str):
                continue
            if target in index_of:
                graph[i].append(index_of[target])
            else:
                found.append(loaded.diagnostic("step.next-unknown", ("steps", i, "next", j),
                                               f"no step '{target}' in this procedure",
                                               did_you_mean(target, index_of) or
                                               f"steps here: {', '.join(index_of) or 'none'}"))
    if found:
        return found  # the graph is incomplete: reachability would only repeat these findings
    reachable = _reach(graph, [0])
    for i in range(len(steps)):
        if i not in reachable:
            found.append(loaded.diagnostic("procedure.unreachable", ("steps", i),
                                           f"step {i + 1} ({_step_name(steps[i])}) cannot be reached from the first step",
                                           "name it in some step's next, or remove it"))
    ends = [i for i, targets in graph.items() if not targets]
    reverse: dict[int, list[int]] = {i: [] for i in graph}
    for i, targets in graph.items():
        for j in targets:
            reverse[j].append(i)
    can_end = _reach(reverse, ends)
    stuck = [i for i in sorted(reachable) if i not in can_end]
    if stuck:
        names = ", ".join(_step_name(steps[i]) for i in stuck)
        found.append(loaded.diagnostic("procedure.no-end", ("steps", stuck[0]),
                                       f"no end of the procedure can be reached from step {stuck[0] + 1} ({names})",
                                       "give the loop a way out: add a step whose next is [] or that is last"))
    return found


def _step_name(step: Any) -> str:
    return str(step.get("id")) if isinstance(step, dict) else "?"


def _reach(graph: dict[int, list[int]], starts: list[int]) -> set[int]:
    seen: set[int] = set()
    stack = [s for s in starts if s in graph]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _check_posts(content: Content) -> list[Diagnostic]:
    posts = content.items["posts"]
    found: list[Diagnostic] = []
    parent = {pid: content.facts_of("posts", f) if f.parsed else "?" for pid, f in posts.items()}
    heads = [pid for pid in sorted(parent, key=lambda p: posts[p].rel) if parent[pid] is None]
    all_read = all(f.parsed for f in posts.values())
    reported_cycles: set[frozenset] = set()
    for pid in sorted(parent, key=lambda p: posts[p].rel):
        chain = [pid]
        while True:
            up = parent.get(chain[-1])
            if not isinstance(up, str) or up not in parent:
                break
            if up in chain:
                cycle = chain[chain.index(up):]
                key = frozenset(cycle)
                if key not in reported_cycles:
                    reported_cycles.add(key)
                    last = max(cycle, key=lambda p: posts[p].rel)
                    loop = " → ".join([*cycle[cycle.index(last):], *cycle[: cycle.index(last)], last])
                    found.append(posts[last].diagnostic("post.cycle", ("reports_to",),
                                                        f"reports_to goes round in a circle: {loop}",
                                                        "one post in the circle must report elsewhere"))
                break
            chain.append(up)
    if parent and all_read and not heads and not reported_cycles:
        first = min(parent, key=lambda p: posts[p].rel)
        found.append(posts[first].diagnostic("post.head", ("reports_to",), "every post reports to another: no head",
                                             "omit reports_to on the head of the office"))
    for extra in heads[1:]:
        found.append(posts[extra].diagnostic(
            "post.head", (), f"a second head of the office: '{heads[0]}' has no reports_to either",
            "add reports_to: the office has exactly one head"))
    if not all(duty.ok for duty in content.items["duties"].values()):
        return found  # who holds which duty is unsure until the duties themselves are right
    holders = {post for duty in content.items["duties"].values() for post in content.facts_of("duties", duty)}
    for pid, loaded in posts.items():
        if loaded.parsed and pid not in holders:
            found.append(loaded.diagnostic("post.no-duties", (), f"the post '{pid}' is responsible or accountable "
                                           "for no duty, so it gets no duty checklist",
                                           "name it in some duty's raci.responsible or raci.accountable",
                                           severity=Severity.WARNING))
    return found


def file_facts(kind: str, data: Any) -> Any:
    """What the cross-file checks need of one file: a post's reports_to, a duty's R and A posts.

    Small enough to keep in the check cache, so a re-check need not unpack every file's data.
    """
    if not isinstance(data, dict):
        return None
    if kind == "posts":
        return data.get("reports_to")
    if kind == "duties":
        raci = data.get("raci") if isinstance(data.get("raci"), dict) else {}
        responsible = raci.get("responsible") if isinstance(raci.get("responsible"), list) else []
        accountable = [raci["accountable"]] if isinstance(raci.get("accountable"), str) else []
        return tuple(p for p in [*responsible, *accountable] if isinstance(p, str))
    return None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
