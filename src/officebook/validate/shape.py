"""Shape: a file against its kind's JSON Schema, each schema error turned into one finding that says
what to write instead."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from officebook.diagnostics import Diagnostic, YamlPath, did_you_mean, listed
from officebook.i18n import N_, ngettext
from officebook.i18n import gettext as _
from officebook.load import LoadedFile
from officebook.validate.content import next_ids, short, suggest_id
from officebook.validate.texts import branch_for, walk_schema
from officebook.vocabulary.kinds import REF_KINDS
from officebook.vocabulary.schemas import Schemas, default_schemas

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    import jsonschema


# ---- validation ----------------------------------------------------------------------------------


def validate_shape(loaded: LoadedFile, kind: str, schemas: Schemas | None = None) -> list[Diagnostic]:
    """Schema findings for one file (cacheable: they depend on the file's content alone)."""
    schemas = schemas or default_schemas()
    if not loaded.ok or schemas.is_valid(kind, loaded.data):
        return []
    findings: dict[tuple, Diagnostic] = {}
    # A reference that is not an id (a `TODO` left by `new`) is reported by the meaning checks, which
    # know the ids that exist and can name them.
    references = {path for path, def_name, _value in walk_schema(schemas.by_kind[kind], loaded.data, (), schemas.defs)
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
    meant = next_ids(loaded.data.get("steps"), words)
    if not meant:
        return diagnostic
    return replace(diagnostic, hint=_("write it as a list of step ids: next: [{ids}]").format(ids=", ".join(meant)))


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
        return _("the text '{text}'").format(text=short(value))
    if isinstance(value, list):
        return ngettext("a list of {count}", "a list of {count}", len(value)).format(count=len(value))
    return _("a mapping")




def _schema_diagnostics(loaded: LoadedFile, error: jsonschema.ValidationError, schemas: Schemas) -> Iterator[Diagnostic]:
    """The findings of one schema error: worded for its keyword, or jsonschema's own message."""
    path: YamlPath = tuple(error.absolute_path)
    if error.validator == "pattern" and error.schema.get("format") == "date":
        keyword = "format"  # a date the pattern rejects reads as any other bad date
    else:
        keyword = str(error.validator)
    worded = _BY_KEYWORD.get(keyword)
    if worded is None:
        yield loaded.diagnostic("schema.invalid", path, error.message)
    else:
        yield from worded(loaded, path, error, schemas)


def _unknown_keys(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    schema, instance = error.schema, error.instance
    if not isinstance(instance, dict):
        yield loaded.diagnostic("schema.invalid", path, error.message)
        return
    allowed = sorted(schema.get("properties", {}))
    for key in sorted(k for k in instance if k not in schema.get("properties", {})):
        hint = did_you_mean(key, allowed) or _("allowed here: {fields}").format(fields=listed(allowed))
        yield loaded.diagnostic("schema.unknown-key", (*path, key), _("unknown field '{key}'").format(key=key),
                                hint, at_key=True)


def _missing_keys(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    schema, instance = error.schema, error.instance
    if not isinstance(instance, dict):
        yield loaded.diagnostic("schema.invalid", path, error.message)
        return
    for key in error.validator_value:
        if key not in instance:
            description = schema.get("properties", {}).get(key, {}).get("description", "")
            described = _(description).rstrip(".。").lower() if description else ""
            hint = _("add '{key}:' ({description})").format(key=key, description=described) if description \
                else _("add '{key}:'").format(key=key)
            yield loaded.diagnostic("schema.required", path, _("missing required field '{key}'").format(key=key),
                                    hint, at_key=bool(path))


def _not_allowed(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    instance = error.instance
    allowed = [str(v) for v in error.validator_value]
    meant = _enum_value_named(instance, allowed) if isinstance(instance, str) else None
    hint = (_("write {value} (for {word})").format(value=meant, word=instance.strip()) if meant else "") or \
        (did_you_mean(str(instance), allowed) if isinstance(instance, str) else "") or \
        _("use one of: {values}").format(values=listed(allowed))
    yield loaded.diagnostic("schema.enum", path, _("{value} is not allowed here").format(value=_describe(instance)),
                            hint)


def _not_a_date(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    yield loaded.diagnostic("schema.date", path, _("'{value}' is not a date").format(value=short(str(error.instance))),
                            _("write a real calendar date as YYYY-MM-DD, e.g. 2027-06-30"))


def _too_few(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    if path[-2:] == ("raci", "responsible"):
        yield loaded.diagnostic("raci.responsible", path, _("no post is responsible for this duty"),
                                _("name at least one post under raci.responsible"))
    else:
        count = error.validator_value
        yield loaded.diagnostic("schema.min-items", path, ngettext(
            "the list needs at least {count} entry", "the list needs at least {count} entries", count).format(
            count=count))


def _repeated(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    seen: set = set()
    duplicate = next((json.dumps(v, ensure_ascii=False) for v in error.instance
                      if json.dumps(v, sort_keys=True) in seen or seen.add(json.dumps(v, sort_keys=True))), "")
    yield loaded.diagnostic("schema.unique-items", path,
                            _("the list names {entry} more than once").format(entry=duplicate),
                            _("remove the repeated entry"))


def _empty_mapping(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    yield loaded.diagnostic("schema.invalid", path, _("the mapping is empty"),
                            _("write the text in at least the default language, e.g. {example}").format(
                                example="{zh: ..., en: ...}"))


def _empty_value(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    yield loaded.diagnostic("schema.invalid", path, _("the value is empty"), _("write a value, or remove the field"))


def _in_the_branch_meant(loaded: LoadedFile, path: YamlPath, error, schemas: Schemas) -> Iterator[Diagnostic]:
    """anyOf: the findings of the branch the value was meant for (a text is a string or a mapping)."""
    if not error.context:
        yield loaded.diagnostic("schema.invalid", path, error.message)
        return
    branch = branch_for(error.schema["anyOf"], error.instance)
    for sub in error.context:
        if sub.relative_schema_path[0] == branch:
            yield from _schema_diagnostics(loaded, sub, schemas)


_BY_KEYWORD = {
    "additionalProperties": _unknown_keys,
    "required": _missing_keys,
    "type": lambda loaded, path, error, schemas: iter([_type_diagnostic(loaded, path, error)]),
    "enum": _not_allowed,
    "format": _not_a_date,
    "pattern": lambda loaded, path, error, schemas: iter([_pattern_diagnostic(loaded, path, error)]),
    "minItems": _too_few,
    "uniqueItems": _repeated,
    "minProperties": _empty_mapping,
    "minLength": _empty_value,
    "propertyNames": lambda loaded, path, error, schemas: iter([_pattern_diagnostic(loaded, path, error, key=True)]),
    "anyOf": _in_the_branch_meant,
}


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
                                 _("'{value}' is not a language code").format(value=short(str(bad))), hint, at_key=True)
    pattern = error.validator_value
    if pattern.startswith("^(functions|"):
        return loaded.diagnostic("schema.pattern", path,
                                 _("'{value}' is not a reference of the form kind/id").format(value=short(value)),
                                 _("write e.g. procedures/document-review or posts/secretary"))
    if pattern.startswith("^[a-z]{2,3}"):
        return loaded.diagnostic("schema.pattern", path, _("'{value}' is not a language code").format(value=short(value)),
                                 _("use codes like zh, en, zh-Hant"))
    return loaded.diagnostic("schema.pattern", path, _("'{value}' is not a valid id").format(value=short(value)),
                             _("ids are lower-case letters, digits and hyphens, e.g. '{id}'").format(
                                 id=suggest_id(value)))

