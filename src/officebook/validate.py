"""Validate loaded content: shape against the JSON Schemas, then meaning (ids, refs, RACI, steps, posts, texts).

The schemas in `schemas/` are the single source of truth for shape; the semantic checks here walk the
data with those schemas to find texts and references, so a field added to a schema is checked at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from officebook.diagnostics import Diagnostic, Severity, YamlPath, did_you_mean, listed, quoted_list
from officebook.i18n import N_, ngettext
from officebook.i18n import gettext as _
from officebook.load import LoadedFile
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN, REF_KINDS
from officebook.vocabulary.schemas import Schemas, default_schemas
from officebook.vocabulary.textlinks import asset_target, find_links, item_target

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    import jsonschema

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# A text left as the placeholder `officebook new` or `officebook init` writes: `TODO`, `TODO translate: …`.
PLACEHOLDER_TEXT = re.compile(r"^\s*TODO\b")
# Definitions in common.schema.json that the semantic checks look at: texts and references (a kindRef
# is `kind/id`, any kind; a stringOrText is a text whose plain string is meant for every language).
# A list definition maps to the definition of its entries.
CHECKED_DEFS = {"text", "stringOrText", "postRef", "functionRef", "kindRef"}
LIST_DEFS = {"textList": "text", "postRefs": "postRef", "procedureRefs": "procedureRef", "standardRefs": "standardRef"}
# Long texts: Markdown, whose links and images are checked against the URL policy.
MARKDOWN_FIELDS = frozenset({"summary", "description", "statement", "rationale", "purpose", "action", "definition",
                             "introduction"})
ASSET_DIR = "assets"


# ---- the content, as the validator sees it ----------------------------------------------------------


@dataclass
class Content:
    """Loaded files sorted by kind and id (first file wins an id; later duplicates are reported)."""

    manual: LoadedFile | None = None
    glossary: LoadedFile | None = None
    items: dict[str, dict[str, LoadedFile]] = field(default_factory=lambda: {k: {} for k in ITEM_KINDS})
    languages: tuple[str, ...] = ()
    assets: frozenset[str] = frozenset()  # files under assets/, as content-relative paths
    root: str = ""  # the content folder
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
    top, _slash, rest = rel.partition("/")
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
    # A reference that is not an id (a `TODO` left by `new`) is reported by the meaning checks, which
    # know the ids that exist and can name them.
    references = {path for path, def_name, _value in _walk(schemas.by_kind[kind], loaded.data, (), schemas.defs)
                  if def_name in REF_KINDS}
    for error in schemas.errors(kind, loaded.data):
        for diagnostic in _schema_diagnostics(loaded, error, schemas):
            if diagnostic.code == "schema.pattern" and (diagnostic.path in references or _is_next_entry(diagnostic.path)):
                continue  # a step's next naming no step id: _check_steps reports it once, with the ids meant
            if diagnostic.code == "schema.type" and diagnostic.path[-1:] == ("next",) and kind == "procedures":
                diagnostic = _next_not_a_list(loaded, diagnostic)
            findings.setdefault((diagnostic.code, diagnostic.path, diagnostic.message), diagnostic)
    return list(findings.values())


def _is_next_entry(path: YamlPath) -> bool:
    return len(path) == 4 and path[0] == "steps" and path[2] == "next"


def _next_not_a_list(loaded: LoadedFile, diagnostic: Diagnostic) -> Diagnostic:
    """`next: sign, draft` (a text): the hint is the list it should be, with ids for step titles."""
    from dataclasses import replace

    value = loaded.data["steps"][diagnostic.path[1]].get("next")
    if not isinstance(value, str):
        return diagnostic
    words = [word for word in re.split(r"[,，、;；\s]+", value.strip("[]［］ ")) if word]
    meant = _next_ids(loaded.data.get("steps"), words)
    if not meant:
        return diagnostic
    return replace(diagnostic, hint=_("write it as a list of step ids: next: [{ids}]").format(ids=", ".join(meant)))


def _next_ids(steps: Any, words: list[str]) -> list[str] | None:
    """The step ids that `words` name (an id, or a step's action in any language); None if one names none."""
    if not isinstance(steps, list):
        return None
    by_name: dict[str, str] = {}
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get("id"), str):
            continue
        action = step.get("action")
        names = [step["id"], *(action.values() if isinstance(action, dict) else [action])]
        for name in names:
            if isinstance(name, str):
                by_name.setdefault(name.strip().casefold(), step["id"])
    meant = [by_name.get(word.strip().casefold()) for word in words]
    return meant if words and all(meant) else None


def build_content(files: list[LoadedFile]) -> tuple[Content, list[Diagnostic]]:
    """Sort files into kinds, checking ids (pattern, uniqueness within a kind) and unexpected files."""
    content = Content()
    diagnostics: list[Diagnostic] = []
    for loaded in sorted(files, key=lambda f: f.rel):
        kind = kind_of(loaded.rel)
        if kind is None:
            diagnostics.append(Diagnostic(
                "file.unexpected", Severity.WARNING, loaded.rel, 1, 1, (),
                _("this file belongs to no kind and is ignored"),
                _("items go in functions/, duties/, procedures/, standards/ or posts/")))
            continue
        if kind in ("manual", "glossary"):
            if getattr(content, kind) is not None:
                first = getattr(content, kind).rel
                diagnostics.append(Diagnostic("id.duplicate", Severity.ERROR, loaded.rel, 1, 1, (),
                                              _("a second {kind} file; '{first}' is already read").format(
                                                  kind=kind, first=first),
                                              _("keep only one of them")))
                continue
            setattr(content, kind, loaded)
            continue
        stem = item_id(loaded.rel)
        if not ID_PATTERN.match(stem):
            diagnostics.append(Diagnostic(
                "id.invalid", Severity.ERROR, loaded.rel, 1, 1, (),
                _("'{id}' is not a valid id: the file name is the item's id").format(id=stem),
                _("rename the file to '{name}' (lower-case letters, digits and hyphens)").format(
                    name=f"{_suggest_id(stem)}.yaml")))
        if stem in content.items[kind]:
            first = content.items[kind][stem].rel
            diagnostics.append(Diagnostic(
                "id.duplicate", Severity.ERROR, loaded.rel, 1, 1, (),
                _("the {kind} id '{id}' is already used by '{first}'").format(kind=_(KIND_NOUN[kind]), id=stem,
                                                                               first=first),
                _("ids are file names and must be unique within a kind, sub-folders included: rename one")))
            continue
        content.items[kind][stem] = loaded
    if content.manual is None:
        diagnostics.append(Diagnostic("file.missing", Severity.ERROR, "manual.yaml", 1, 1, (),
                                      _("the content folder has no manual.yaml"),
                                      _("create manual.yaml with title, organization, edition and languages")))
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
    digest.update(b"\x00assets\x00" + "\x00".join(sorted(content.assets)).encode())
    for ident in sorted(content.items["procedures"]):  # links to steps: `procedures/id#step`
        digest.update(repr(content.facts_of("procedures", content.items["procedures"][ident])).encode())
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
            diagnostics += _check_links(loaded, path, value, content)
            if path and path[-1] in MARKDOWN_FIELDS:
                diagnostics += check_urls(loaded, path, value, content.allow_html)
        elif def_name == "stringOrText":
            diagnostics += [] if isinstance(value, str) else _check_text(loaded, path, value, content)
        elif def_name == "kindRef":
            diagnostics += _check_kind_ref(loaded, path, value, content)
        else:
            diagnostics += _check_ref(loaded, path, value, REF_KINDS[def_name], content)
    review_by = loaded.data.get("review_by") if kind in ITEM_KINDS else None
    if isinstance(review_by, str) and _is_date(review_by) and dt.date.fromisoformat(review_by) < today:
        diagnostics.append(loaded.diagnostic(
            "review.overdue", ("review_by",), _("the review date {date} has passed").format(date=review_by),
            _("review the entry, then set review_by to the next review date"), severity=Severity.WARNING))
    if kind == "duties":
        diagnostics += _check_raci(loaded)
    elif kind == "procedures":
        diagnostics += _check_steps(loaded)
    elif kind == "glossary":
        diagnostics += _check_terms(loaded, content.default_language)
    return diagnostics


def _check_terms(loaded: LoadedFile, default_language: str | None) -> list[Diagnostic]:
    """Two terms with the same text in one language (the contract's third edition): the later one is
    reported, naming the first, since the glossary and the search would show the term twice."""
    terms = loaded.data.get("terms")
    if not isinstance(terms, list):
        return []
    found = []
    first_of: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(terms):
        term = entry.get("term") if isinstance(entry, dict) else None
        texts = {default_language or "": term} if isinstance(term, str) else term if isinstance(term, dict) else {}
        for language, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                continue
            key = (language, " ".join(text.split()).casefold())
            if key not in first_of:
                first_of[key] = i
                continue
            path = ("terms", i, "term") if isinstance(term, str) else ("terms", i, "term", language)
            found.append(loaded.diagnostic("glossary.duplicate-term", path,
                                           _("the term '{term}' is already defined by term {number}").format(
                                               term=text.strip(), number=first_of[key] + 1),
                                           _("keep one entry: merge the definitions, or list the other name "
                                             "under the first entry's aliases")))
            break  # one finding per entry, whichever of its languages repeat
    return found


def validate_across(content: Content) -> list[Diagnostic]:
    """Findings that involve several files: the reporting tree and posts without duties."""
    return _check_posts(content)


# ---- schema errors into findings -----------------------------------------------------------------

_TYPE_WORDS = {
    "string": N_("text"), "object": N_("a mapping"), "array": N_("a list"), "integer": N_("a whole number"),
    "number": N_("a number"), "boolean": N_("true or false"), "null": N_("nothing"),
}


def _describe(value: Any) -> str:
    if value is None:
        return _("nothing (an empty value)")
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("the text '{text}'").format(text=_short(value))
    if isinstance(value, list):
        return ngettext("a list of {count}", "a list of {count}", len(value)).format(count=len(value))
    return _("a mapping")


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _schema_diagnostics(loaded: LoadedFile, error: jsonschema.ValidationError, schemas: Schemas) -> Iterator[Diagnostic]:
    path: YamlPath = tuple(error.absolute_path)
    validator, schema, instance = error.validator, error.schema, error.instance
    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(k for k in instance if k not in schema.get("properties", {})):
            hint = did_you_mean(key, allowed) or _("allowed here: {fields}").format(fields=listed(allowed))
            yield loaded.diagnostic("schema.unknown-key", (*path, key), _("unknown field '{key}'").format(key=key),
                                    hint, at_key=True)
    elif validator == "required" and isinstance(instance, dict):
        for key in error.validator_value:
            if key not in instance:
                description = schema.get("properties", {}).get(key, {}).get("description", "")
                described = _(description).rstrip(".。").lower() if description else ""
                hint = _("add '{key}:' ({description})").format(key=key, description=described) if description \
                    else _("add '{key}:'").format(key=key)
                yield loaded.diagnostic("schema.required", path, _("missing required field '{key}'").format(key=key),
                                        hint, at_key=bool(path))
    elif validator == "type":
        yield _type_diagnostic(loaded, path, error)
    elif validator == "enum":
        allowed = [str(v) for v in error.validator_value]
        meant = _enum_value_named(instance, allowed) if isinstance(instance, str) else None
        hint = (_("write {value} (for {word})").format(value=meant, word=instance.strip()) if meant else "") or \
            (did_you_mean(str(instance), allowed) if isinstance(instance, str) else "") or \
            _("use one of: {values}").format(values=listed(allowed))
        yield loaded.diagnostic("schema.enum", path, _("{value} is not allowed here").format(value=_describe(instance)),
                                hint)
    elif validator == "format" or (validator == "pattern" and schema.get("format") == "date"):
        yield loaded.diagnostic("schema.date", path, _("'{value}' is not a date").format(value=_short(str(instance))),
                                _("write a real calendar date as YYYY-MM-DD, e.g. 2027-06-30"))
    elif validator == "pattern":
        yield _pattern_diagnostic(loaded, path, error)
    elif validator == "minItems":
        if path[-2:] == ("raci", "responsible"):
            yield loaded.diagnostic("raci.responsible", path, _("no post is responsible for this duty"),
                                    _("name at least one post under raci.responsible"))
        else:
            count = error.validator_value
            yield loaded.diagnostic("schema.min-items", path, ngettext(
                "the list needs at least {count} entry", "the list needs at least {count} entries", count).format(
                count=count))
    elif validator == "uniqueItems":
        seen: set = set()
        duplicate = next((json.dumps(v, ensure_ascii=False) for v in instance
                          if json.dumps(v, sort_keys=True) in seen or seen.add(json.dumps(v, sort_keys=True))), "")
        yield loaded.diagnostic("schema.unique-items", path,
                                _("the list names {entry} more than once").format(entry=duplicate),
                                _("remove the repeated entry"))
    elif validator == "minProperties":
        yield loaded.diagnostic("schema.invalid", path, _("the mapping is empty"),
                                _("write the text in at least the default language, e.g. {example}").format(
                                    example="{zh: ..., en: ...}"))
    elif validator == "minLength":
        yield loaded.diagnostic("schema.invalid", path, _("the value is empty"), _("write a value, or remove the field"))
    elif validator == "propertyNames":
        yield _pattern_diagnostic(loaded, path, error, key=True)
    elif validator == "anyOf" and error.context:
        branch = _branch_for(schema["anyOf"], instance)
        for sub in error.context:
            if sub.relative_schema_path[0] == branch:
                yield from _schema_diagnostics(loaded, sub, schemas)
    else:
        yield loaded.diagnostic("schema.invalid", path, error.message)


# What authors write for an allowed value in their own words, beyond the value's label in each
# language (vocabulary/labels.py: 每日, 每季度, 根据需要 …), which is matched as well.
ENUM_WORDS = {
    "daily": ("每天", "天天", "日常", "每个工作日"),
    "weekly": ("每星期", "每礼拜"),
    "monthly": ("每个月",),
    "quarterly": ("每季", "每个季度", "季度"),
    "annually": ("每年度", "年度", "每一年", "yearly"),
    "as-needed": ("不定期", "按需", "随时", "需要时", "as needed"),
    "on-event": ("遇事", "发生时", "事件发生时", "有事时", "on event"),
}


def _enum_value_named(text: str, allowed: list[str]) -> str | None:
    """The allowed value that `text` names in words (每天 → daily, 每季度 → quarterly), if any."""
    from officebook.vocabulary.labels import LABELS

    word = text.strip().casefold()
    for value in allowed:
        key = "time-limit-category" if value == "time-limit" else value  # as vocabulary.labels.category_label
        names = {*ENUM_WORDS.get(value, ()), *(labels[key] for labels in LABELS.values() if key in labels)}
        if word in {name.casefold() for name in names}:
            return value
    return None


def _type_diagnostic(loaded: LoadedFile, path: YamlPath, error: jsonschema.ValidationError) -> Diagnostic:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    instance = error.instance
    if path[-2:] == ("raci", "accountable") and isinstance(instance, list):
        return loaded.diagnostic("raci.accountable", path,
                                 _("exactly one post must be accountable, not a list of {count}").format(
                                     count=len(instance)),
                                 _("keep one post here; move the others to responsible or consulted"))
    if set(expected) == {"string", "object"}:
        wanted = _("a text (a string, or a mapping of language code to string)")
    else:
        wanted = _(" or ").join(_(_TYPE_WORDS[t]) if t in _TYPE_WORDS else t for t in expected)
    hint = ""
    plain = loaded.positions.plain.get(path)
    if "string" in expected and plain is not None:
        hint = _("quote it: '{value}' (unquoted, YAML reads it as {read_as})").format(value=plain,
                                                                                    read_as=_describe(instance))
    elif "array" in expected and not isinstance(instance, (list, dict)):
        hint = _("write a list: one '- entry' per line, or [a, b]")
    return loaded.diagnostic("schema.type", path,
                             _("expected {wanted}, found {found}").format(wanted=wanted, found=_describe(instance)), hint)


def _pattern_diagnostic(loaded: LoadedFile, path: YamlPath, error: jsonschema.ValidationError,
                        key: bool = False) -> Diagnostic:
    value = str(error.instance)
    if key:  # propertyNames: a text's language code
        bad = next((k for k in error.instance if not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", str(k))), value)
        hint = _("use codes like zh, en, zh-Hant")
        if " " in str(bad) or "," in loaded.positions.plain.get((*path, bad), ""):
            hint = _("a comma inside { } ends the text: put the whole text in quotes")
        return loaded.diagnostic("schema.pattern", (*path, bad),
                                 _("'{value}' is not a language code").format(value=_short(str(bad))), hint, at_key=True)
    pattern = error.validator_value
    if pattern.startswith("^(functions|"):
        return loaded.diagnostic("schema.pattern", path,
                                 _("'{value}' is not a reference of the form kind/id").format(value=_short(value)),
                                 _("write e.g. procedures/document-review or posts/secretary"))
    if pattern.startswith("^[a-z]{2,3}"):
        return loaded.diagnostic("schema.pattern", path, _("'{value}' is not a language code").format(value=_short(value)),
                                 _("use codes like zh, en, zh-Hant"))
    return loaded.diagnostic("schema.pattern", path, _("'{value}' is not a valid id").format(value=_short(value)),
                             _("ids are lower-case letters, digits and hyphens, e.g. '{id}'").format(
                                 id=_suggest_id(value)))


def _suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]
    return slug or "my-item"


# ---- semantic checks -----------------------------------------------------------------------------


def walk_texts(kind: str, data: Any, schemas: Schemas | None = None) -> Iterator[tuple[YamlPath, Any]]:
    """(path, value) of every Markdown-capable text of one file's data (strings-or-texts excluded)."""
    schemas = schemas or default_schemas()
    for path, def_name, value in _walk(schemas.by_kind[kind], data, (), schemas.defs):
        if def_name == "text":
            yield path, value


def _walk(schema: dict, value: Any, path: YamlPath, defs: dict) -> Iterator[tuple[YamlPath, str, Any]]:
    """Yield (path, definition name, value) for every text and reference in `value`, guided by the schema.

    Entries of list definitions are yielded under their entry definition (`procedureRefs` -> `procedureRef`).
    """
    if "anyOf" in schema:
        yield from _walk(schema["anyOf"][_branch_for(schema["anyOf"], value)], value, path, defs)
        return
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


def _branch_for(branches: list[dict], value: Any) -> int:
    """Which alternative of an `anyOf` a value was meant as: a mapping using a field of a branch that
    lists its fields (a task `{action: ..., frequency: ...}`) is that branch; anything else the first (a text)."""
    if isinstance(value, dict):
        for index, branch in enumerate(branches):
            if any(key in branch.get("properties", ()) for key in value):
                return index
    return 0


def _check_text(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
    languages = content.languages
    if not languages:
        return []
    if isinstance(value, str):
        placeholders = _check_placeholder(loaded, path, value)
        if len(languages) > 1:
            return [*placeholders, loaded.diagnostic(
                "i18n.missing", path, _("only in the default language '{lang}'").format(lang=languages[0]),
                _("write it as {example}").format(example="{" + ", ".join(f"{lang}: ..." for lang in languages) + "}"),
                severity=Severity.WARNING)]
        return placeholders
    if not isinstance(value, dict) or not value:
        return []  # not a text at all: the schema has reported it
    found: list[Diagnostic] = []
    for code, text in value.items():
        found += _check_placeholder(loaded, (*path, code), text)
        if code not in languages:
            hint = did_you_mean(str(code), languages) or _("manual.yaml lists: {languages}").format(
                languages=listed(languages))
            found.append(loaded.diagnostic("i18n.unknown-language", (*path, code),
                                           _("the language '{lang}' is not listed in manual.yaml").format(lang=code),
                                           hint, at_key=True))
    if languages[0] not in value:
        found.append(loaded.diagnostic("i18n.missing-default", path,
                                       _("no text in the default language '{lang}'").format(lang=languages[0]),
                                       _("add '{lang}: ...' (the default language is listed first in manual.yaml)").format(
                                           lang=languages[0])))
    else:
        missing = [lang for lang in languages[1:] if lang not in value]
        if missing:
            found.append(loaded.diagnostic(
                "i18n.missing", path, _("no translation into {languages}").format(languages=quoted_list(missing)),
                _("add the translation; until then the default language is shown"), severity=Severity.WARNING))
    return found


def check_urls(loaded: LoadedFile, path: YamlPath, value: Any, allow_html: bool) -> list[Diagnostic]:
    """The URL policy, as findings at the link: a local file outside `content/assets/` (a path, a
    `file:` URL) is an error (never read); a scheme other than http, https, mailto and tel is a
    warning (removed from every output); a remote image is a warning (never fetched: shown as a link).
    Item links and missing assets are `_check_links`'s."""
    from officebook.vocabulary.markdown import SAFE_SCHEMES, is_network_path, is_remote_url, link_targets, url_scheme

    texts = value.items() if isinstance(value, dict) else [(None, value)]
    found: list[Diagnostic] = []
    for lang, text in texts:
        if not isinstance(text, str) or not ("](" in text or "]:" in text or "<" in text):
            continue  # no link, image or autolink can be written without these
        where = (*path, lang) if lang is not None else path
        for what, url in link_targets(text, allow_html):
            shown = _short(url, 60)
            scheme = url_scheme(url)
            if scheme is None and asset_target(url) is not None:
                continue  # under assets/ as written: `_check_links` says whether the file is there
            if scheme == "file" or (scheme is None and not is_remote_url(url) and _outside_assets(url)):
                message = (_("the image '{url}' names a local file outside content/assets/: it is never read")
                           if what == "image" else
                           _("the link '{url}' names a local file outside content/assets/: it is never read"))
                found.append(_diagnostic_at_text(
                    loaded, where, url, "link.outside-assets", message.format(url=shown),
                    _("put the file in content/assets/ and write its path from content/ (assets/...), "
                      "or link to a web address")))
            elif scheme is not None and scheme not in SAFE_SCHEMES:
                found.append(_diagnostic_at_text(
                    loaded, where, url, "link.unsafe-url",
                    _("the link '{url}' uses '{scheme}:', which is removed from every output").format(
                        url=shown, scheme=scheme),
                    _("link with http:, https:, mailto: or tel:, or to a file in content/assets/"),
                    severity=Severity.WARNING))
            elif scheme is None and is_network_path(url):
                found.append(_diagnostic_at_text(
                    loaded, where, url, "link.unsafe-url",
                    _("the link '{url}' names another computer without a scheme (a network share on Windows): it "
                      "is removed from every output").format(url=shown),
                    _("write the full web address (https://...), or put the file in content/assets/"),
                    severity=Severity.WARNING))
            elif what == "image" and is_remote_url(url):
                found.append(_diagnostic_at_text(
                    loaded, where, url, "link.remote-image",
                    _("the image '{url}' is on another server: it is never fetched, readers see a link to it").format(
                        url=shown),
                    _("save the image in content/assets/ and write ![...](assets/...)"), severity=Severity.WARNING))
    return found


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


def _check_placeholder(loaded: LoadedFile, path: YamlPath, text: Any) -> list[Diagnostic]:
    """A `TODO` (or `TODO translate: …`) text is a warning: `--strict` fails until it is written."""
    if not isinstance(text, str) or not PLACEHOLDER_TEXT.match(text):
        return []
    message = _("the text is still the placeholder '{text}'").format(text=_short(text.strip()))
    return [loaded.diagnostic("text.placeholder", path, message,
                              _("write the text; a placeholder would be published as it is"), severity=Severity.WARNING)]


def _check_links(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
    """Links in a Markdown text to items (`kind/id`, `procedures/id#step`) and to files under assets/."""
    if isinstance(value, str):
        variants: list[tuple[YamlPath, Any]] = [(path, value)]
    elif isinstance(value, dict):
        variants = [((*path, lang), text) for lang, text in value.items()]
    else:
        return []
    found: list[Diagnostic] = []
    for at, text in variants:
        if not isinstance(text, str):
            continue
        for link in find_links(text):
            problem = _link_problem(link.target, content)
            if problem:
                found.append(_diagnostic_at_text(loaded, at, link.target, *problem))
    return found


def _link_problem(target: str, content: Content) -> tuple[str, str, str] | None:
    """(code, message, hint) for a link target that names no item, step or asset; None when it is fine."""
    item = item_target(target)
    if item is not None:
        known = content.items[item.kind]
        noun = _(KIND_NOUN[item.kind])
        if item.id not in known:
            hint = _name_one(item.id, known, noun, prefix=f"{item.kind}/")
            return "ref.unknown", _("the link '{target}' names no {noun} '{id}'").format(
                target=target, noun=noun, id=item.id), hint
        if item.kind == "procedures" and item.fragment is not None:
            steps = content.facts_of("procedures", known[item.id]) or ()
            if item.fragment not in steps:
                hint = did_you_mean(item.fragment, steps) or _("steps of {procedure}: {steps}").format(
                    procedure=item.id, steps=listed(steps) or _("none"))
                return "ref.unknown", _("the link '{target}' names no step '{step}' of procedure '{procedure}'").format(
                    target=target, step=item.fragment, procedure=item.id), hint
        return None
    asset = asset_target(target)
    if asset is not None and asset not in content.assets:
        near = did_you_mean(asset, content.assets)
        hint = near or _("put the file under content/assets/ and link it by its path from content/, e.g. assets/flow.png")
        return "asset.missing", _("the link '{target}' names no file under content/assets/").format(target=target), hint
    return None


def _diagnostic_at_text(loaded: LoadedFile, path: YamlPath, needle: str, code: str, message: str,
                        hint: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    """A finding about something inside a (possibly multi-line) text: at the line and column where
    `needle` is written, at or after the text's own start; at the text's start when not found."""
    line, column = loaded.positions.of_value(path)
    try:
        lines = loaded.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        lines = []
    for number in range(line, len(lines) + 1):
        offset = lines[number - 1].find(needle, column - 1 if number == line else 0)
        if offset >= 0:
            line, column = number, offset + 1
            break
    return Diagnostic(code, severity, loaded.rel, line, column, path, message, hint)


def _check_ref(loaded: LoadedFile, path: YamlPath, value: Any, kind: str, content: Content) -> list[Diagnostic]:
    if not isinstance(value, str):
        return []
    if value in content.items[kind] and ID_PATTERN.match(value):
        return []  # the common case: nothing per item is computed for a reference that holds
    # Only a wrong reference pays for its hint (the ids of its kind, compared with it).
    noun = _(KIND_NOUN[kind])
    existing = [known for known in content.items[kind] if ID_PATTERN.match(known)]
    if not ID_PATTERN.match(value):  # a placeholder such as TODO, or a title typed for an id
        return [loaded.diagnostic("schema.pattern", path, _("'{value}' is not a {noun} id").format(
            value=_short(value), noun=noun), _name_one(_suggest_id(value), existing, noun))]
    others = [k for k in ITEM_KINDS if k != kind and value in content.items[k]]
    if others:  # what is missing first (a deleted post whose id a duty also has), then the mix-up
        return [loaded.diagnostic("ref.wrong-kind", path, _("no {noun} '{value}' ('{value}' is a {other})").format(
            value=value, other=_(KIND_NOUN[others[0]]), noun=noun), _name_one(value, existing, noun))]
    near = did_you_mean(value, existing)
    create = _("create {path}").format(path=f"{kind}/{value}.yaml")
    hint = near or (_("{create}, or name an existing {noun}: {ids}").format(create=create, noun=noun,
                                                                            ids=quoted_list(sorted(existing)))
                    if existing else create)
    return [loaded.diagnostic("ref.unknown", path, _("no {noun} '{value}'").format(noun=noun, value=value), hint)]


def _name_one(word: str, existing, noun: str, prefix: str = "") -> str:
    """The closest existing id; when none is close, the ids that exist (the right kind's)."""
    ids = [f"{prefix}{known}" for known in sorted(existing)]
    near = did_you_mean(f"{prefix}{word}", ids)
    if near:
        return near
    if not ids:
        return _("the manual has no {noun} yet").format(noun=noun)
    return _("name an existing {noun}: {ids}").format(noun=noun, ids=quoted_list(ids))


def _check_kind_ref(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
    if not isinstance(value, str) or "/" not in value:
        return []
    kind, _slash, ident = value.partition("/")
    if kind not in content.items or ident in content.items[kind]:
        return []
    noun = _(KIND_NOUN[kind])
    hint = _name_one(ident, content.items[kind], noun, prefix=f"{kind}/")
    return [loaded.diagnostic("ref.unknown", path, _("no {noun} '{value}'").format(noun=noun, value=ident), hint)]


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
                                       _("'{post}' is accountable and cannot also be only consulted").format(
                                           post=accountable),
                                       _("remove it from consulted")))
    if isinstance(responsible, list) and isinstance(raci.get("informed"), list):
        for index, post in enumerate(raci["informed"]):
            if post in responsible:
                found.append(loaded.diagnostic("raci.responsible", ("raci", "informed", index),
                                               _("'{post}' is responsible and need not also be informed").format(
                                                   post=post),
                                               _("remove it from informed")))
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
                                           _("step id '{id}' is already used by step {number}").format(
                                               id=sid, number=index_of[sid] + 1),
                                           _("step ids must be unique within the procedure")))
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
        if not isinstance(targets, list) or not all(isinstance(target, str) for target in targets):
            return found  # the schema has reported the shape; a graph without this step's exits would add findings
        graph[i] = [index_of[target] for target in targets if target in index_of]
        unknown = [j for j, target in enumerate(targets) if target not in index_of]
        if unknown:  # one finding for the step's next, however many of its entries are wrong
            meant = _next_ids(steps, targets)
            wrong = [targets[j] for j in unknown]
            message = _("no step '{step}' in this procedure").format(step=wrong[0]) if len(wrong) == 1 else \
                _("no steps {steps} in this procedure").format(steps=quoted_list(wrong))
            hint = _("name steps by their ids: next: [{ids}]").format(ids=", ".join(meant)) if meant else \
                did_you_mean(wrong[0], index_of) or _("steps here: {steps}").format(steps=listed(index_of) or _("none"))
            found.append(loaded.diagnostic("step.next-unknown", ("steps", i, "next", unknown[0]), message, hint))
    if found:
        return found  # the graph is incomplete: reachability would only repeat these findings
    reachable = _reach(graph, [0])
    for i in range(len(steps)):
        if i not in reachable:
            found.append(loaded.diagnostic("procedure.unreachable", ("steps", i),
                                           _("step {number} ({id}) cannot be reached from the first step").format(
                                               number=i + 1, id=_step_name(steps[i])),
                                           _("name it in some step's next, or remove it")))
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
                                       _("no end of the procedure can be reached from step {number} ({ids})").format(
                                           number=stuck[0] + 1, ids=names),
                                       _("give the loop a way out: add a step whose next is [] or that is last")))
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
                                                        _("reports_to goes round in a circle: {loop}").format(loop=loop),
                                                        _("one post in the circle must report elsewhere")))
                break
            chain.append(up)
    if parent and all_read and not heads and not reported_cycles:
        first = min(parent, key=lambda p: posts[p].rel)
        found.append(posts[first].diagnostic("post.head", ("reports_to",), _("every post reports to another: no head"),
                                             _("omit reports_to on the head of the office")))
    for extra in heads[1:]:
        found.append(posts[extra].diagnostic(
            "post.head", (), _("a second head of the office: '{head}' has no reports_to either").format(head=heads[0]),
            _("add reports_to: the office has exactly one head")))
    if not all(duty.ok for duty in content.items["duties"].values()):
        return found  # who holds which duty is unsure until the duties themselves are right
    holders = {post for duty in content.items["duties"].values() for post in content.facts_of("duties", duty)}
    for pid, loaded in posts.items():
        if loaded.parsed and pid not in holders:
            found.append(loaded.diagnostic("post.no-duties", (), _("the post '{post}' is responsible or accountable "
                                                                   "for no duty, so it gets no duty checklist").format(
                                               post=pid),
                                           _("name it in some duty's raci.responsible or raci.accountable"),
                                           severity=Severity.WARNING))
    return found


def file_facts(kind: str, data: Any) -> Any:
    """What the cross-file checks need of one file: a post's reports_to, a duty's R and A posts, a
    procedure's step ids.

    Small enough to keep in the check cache, so a re-check need not unpack every file's data.
    """
    if not isinstance(data, dict):
        return None
    if kind == "posts":
        return data.get("reports_to")
    if kind == "procedures":  # its step ids, for links to steps
        steps = data.get("steps") if isinstance(data.get("steps"), list) else []
        return tuple(s["id"] for s in steps if isinstance(s, dict) and isinstance(s.get("id"), str))
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
