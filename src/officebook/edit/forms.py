"""The forms' schemas: each kind's JSON Schema from `schemas/`, as the schema-form library draws it.

The schemas stay the single source of truth: this only resolves their references, translates their
titles and descriptions through the interface's catalogue, and names the widget an author expects
for each definition of common.schema.json — a text is one box per language (`ob-text`, Markdown
fields with a preview), a reference a picker that searches titles (`ob-ref`, `ob-refs`), a duty's
RACI a grid of posts × R/A/C/I (`ob-raci`), a step's `next` a choice of steps by title (`ob-next`),
enums by their names in the interface language. A field added to a schema appears in its form.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from officebook.edit.roundtrip import TRAILING_KEYS
from officebook.i18n import N_, current_language
from officebook.i18n import gettext as _
from officebook.validate.content import MARKDOWN_FIELDS
from officebook.vocabulary.labels import category_label, label
from officebook.vocabulary.schemas import default_schemas

TEXT_DEFS = {"text", "stringOrText"}
REF_DEFS = {"postRef": "posts", "functionRef": "functions", "procedureRef": "procedures", "standardRef": "standards",
            "kindRef": "*"}
REFS_DEFS = {"postRefs": "posts", "procedureRefs": "procedures", "standardRefs": "standards"}


def _manual_language() -> str:
    """The manual-language code whose labels the interface shows (zh for zh_CN)."""
    return current_language().split("_")[0]


def _enum_title(value: str) -> str:
    lang = _manual_language()
    if value in ENUM_TITLES:
        return _(ENUM_TITLES[value])
    try:
        return category_label(value, lang) if value in CATEGORIES else label(value, lang)
    except KeyError:
        return value


_MARKDOWN_NOTE = re.compile(r"\s*[(（]Markdown[)）]")
CATEGORIES = ("principle", "quality", "conduct", "time-limit", "service", "security")
# Values without a label in the vocabulary (the manual's settings), named as the form shows them.
ENUM_TITLES = {"pinyin": N_("By pinyin"), "stroke": N_("By stroke count (as lists of names in official documents)"),
               "codepoint": N_("By character code")}
ONBOARDING_LISTS = ("first_day", "first_week", "first_month")
# What leaving an optional choice empty means, where "not set" would not say it.
UNSET_TITLES = {"frequency": N_("(as often as the duty)"), "check": N_("(with the work it governs)")}
# Where a schema's help speaks of how a field is typed in YAML (quotes, `kind/id`, a string or a
# mapping), the form, which does that for the author, says what the field is for instead.
FORM_HELP = {
    "tasks": N_("The concrete pieces of work of this duty, each one line of the checklist; a task without a "
                "frequency of its own is done as often as the duty."),
    "tags": N_("Key words, shown as tags and found by search."),
    "source": N_("Where the content comes from: a regulation, a document or other material."),
    "see": N_("Related entries."),
    "edition": N_("The edition, e.g. 2026.1; printed on the cover and in the footer of every page."),
    "color": N_("The main colour of the site and of the modern print style, as #RRGGBB (e.g. #1A4F8B)."),
    "collation": N_("How entries without an order of their own are sorted: titles, glossary terms, indexes, exports."),
    "introduction": N_("The text shown on the home page and at the front of the handbook."),
    "allow_html": N_("Let HTML written in texts take effect (otherwise it is shown as it is typed)."),
}


def _texts(node: dict, source: dict) -> dict:
    for key in ("title", "description"):
        if isinstance(source.get(key), str):
            node[key] = _(source[key])
    return node


def _convert(schema: dict, defs: dict, key: str | None, required: bool) -> dict:
    """One schema node as a form node (titles from the referring property win over the definition's)."""
    if "$ref" in schema and schema["$ref"].startswith("#/$defs/"):
        name = schema["$ref"][len("#/$defs/"):]
        if name in TEXT_DEFS:
            node = {"format": "ob-text", "x-markdown": key in MARKDOWN_FIELDS, "x-plain-ok": name == "stringOrText"}
            node = _texts(_texts(node, defs[name]), schema)
            if node["x-markdown"] and "description" in node:  # the form's preview and link list say it
                node["description"] = _MARKDOWN_NOTE.sub("", node["description"])
            return node
        if name in REF_DEFS:
            node = {"type": "string", "format": "ob-ref", "x-kind": REF_DEFS[name]}
            return _texts(_texts(node, defs[name]), schema)
        if name in REFS_DEFS:
            node = {"type": "array", "format": "ob-refs", "x-kind": REFS_DEFS[name], "items": {"type": "string"}}
            return _texts(_texts(node, defs[name]), schema)
        if name == "textList":
            node = _texts(_texts({"type": "array", "items": {"format": "ob-text"}}, defs[name]), schema)
            # an entry is named as its list (能力要求 1, 添加能力要求); an onboarding list's entries are tasks
            # (第一天 1 and 添加第一天 would read as days)
            node["items"]["title"] = _("Task") if key in ONBOARDING_LISTS else node.get("title", "")
            return node
        target: Any = defs
        for part in name.split("/"):
            target = target[part]
        node = _convert(target, defs, key, required)
        return _texts(node, schema)
    if "anyOf" in schema:  # a duty's task: a text, or {action, frequency}; the form always shows both fields
        detailed = next((b for b in schema["anyOf"] if "properties" in b), None)
        if detailed is not None:
            node = _convert({**detailed, "required": ["action"]}, defs, key, required)
            node["x-task"] = True
            return _texts(node, schema)
    node: dict[str, Any] = {}
    if "enum" in schema:
        values = list(schema["enum"])
        titles = [_enum_title(v) for v in values]
        node = {"type": "string", "enum": values, "options": {"enum_titles": titles}}
        if not required:
            unset = _(UNSET_TITLES[key]) if key in UNSET_TITLES else _("(not set)")
            node["enum"], node["options"]["enum_titles"] = ["", *values], [unset, *titles]
            # With a default, the library keeps the value the entry has when the form opens (without
            # one it shows an optional choice's first value: a task's own frequency would be lost).
            node["default"] = ""
    elif schema.get("type") == "object" and "properties" in schema:
        wanted = set(schema.get("required", []))
        node = {"type": "object", "properties": {}, "required": sorted(wanted), "additionalProperties": False}
        for name, sub in schema["properties"].items():
            node["properties"][name] = _convert(sub, defs, name, name in wanted)
        if key == "raci":
            node["format"] = "ob-raci"
    elif schema.get("type") == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        if items.get("$ref") == "#/$defs/kindRef":  # the glossary's `see`: entries of any kind, as chips
            return _texts({"type": "array", "format": "ob-refs", "x-kind": "*", "items": {"type": "string"}}, schema)
        node = {"type": "array", "items": _convert(items, defs, None, True)}
        if isinstance(schema.get("title"), str):  # an entry is named as its list: 标签 1, 标签 2 …
            node["items"]["title"] = _(schema["title"])
        if key == "next":
            node = {"type": "array", "format": "ob-next", "items": {"type": "string"},
                    "description": _("Which step comes after this one; several steps make a branch.")}
            return {**_texts(node, {"title": schema.get("title")}), "description": node["description"]}
        elif key == "steps":
            node["x-steps"] = True
            # Authors think in step titles: a step's id (what `next` and `#step` links store) is given
            # by the form, from the title of a new step, and never shown (editor.js keeps it unique).
            node["items"]["properties"]["id"]["options"] = {"hidden": True}
    elif schema.get("format") == "date" or key in ("review_by", "effective"):
        node = {"type": "string", "format": "date"}
    elif schema.get("type") in ("string", "integer", "number", "boolean"):
        node = {"type": schema["type"]}
        if schema["type"] == "boolean":
            node["format"] = "checkbox"
    else:
        node = {"type": schema.get("type", "string")}
    return _texts(node, schema)


@cache
def _form_schema(kind: str, languages: tuple[str, ...], interface: str) -> dict:
    schemas = default_schemas()
    schema = schemas.by_kind[kind]
    defs = {**schemas.defs, **schema.get("$defs", {})}
    form = _convert({k: v for k, v in schema.items() if k != "$defs"}, defs, None, True)
    form.pop("title", None)
    form.pop("description", None)
    form["options"] = {"compact": True}
    # The order an author reads an entry in: title and summary, the kind's own fields, then the fields
    # every item may carry (as the default manual's files have them).
    properties = form["properties"]
    head = [k for k in ("title", "summary") if k in properties]
    tail = [k for k in TRAILING_KEYS if k in properties and kind not in ("manual", "glossary")]
    ordered = head + [k for k in properties if k not in head and k not in tail] + tail
    form["properties"] = {k: properties[k] for k in ordered}
    for index, name in enumerate(ordered):
        form["properties"][name]["propertyOrder"] = index + 1
    _form_help(form)
    steps = form["properties"].get("steps")
    if steps and languages:  # a step's heading names it: 步骤 3　核稿 (the library fills it in as the title is typed)
        steps["items"]["headerTemplate"] = f"{_('Step')} {{{{ i1 }}}}　{{{{ self.title.{languages[0]} }}}}"
    return form


def _form_help(node: dict) -> None:
    """The form's own help where the schema's is about typing YAML; an entry of a list shows none of
    its own (its list's help is just above it)."""
    for name, sub in (node.get("properties") or {}).items():
        if name in FORM_HELP:
            sub["description"] = _(FORM_HELP[name])
        _form_help(sub)
    items = node.get("items")
    if isinstance(items, dict):
        items.pop("description", None)
        _form_help(items)


def form_schema(kind: str, languages: tuple[str, ...]) -> dict:
    """The form of one kind (`duties`, `manual`, `glossary`...), in the interface's language."""
    return _form_schema(kind, tuple(languages), current_language())


# The boxes of a text are named by language in the interface's words (中文, 英文); other codes by
# Babel's name for them, or the code itself.
LANGUAGE_NAMES = {"zh": N_("Chinese"), "en": N_("English")}


def language_names(languages: tuple[str, ...]) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(current_language()).languages
    except (UnknownLocaleError, ValueError):
        names = {}
    return {f"language_{code}": _(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else
            names.get(code.replace("-", "_")) or names.get(code.split("-")[0]) or code for code in languages}


def interface_strings(languages: tuple[str, ...] = ()) -> dict[str, str]:
    """What the editor's pages say, in the interface language (`languages`: the manual's, named)."""
    lang = _manual_language()
    return {
        **language_names(tuple(languages)),
        "page_title": _("Edit the manual"),
        "edit": _("Edit"),
        "new": _("New"),
        "edit_manual": _("Edit the manual's settings"),
        "edit_glossary": _("Edit the glossary"),
        "save": _("Save"),
        "saving": _("Saving…"),
        "saved": _("Saved; the page is being updated…"),
        "delete": _("Delete"),
        "confirm_delete": _("Delete this entry? This cannot be undone here."),
        "deleted": _("Deleted."),
        "back": _("Back to the page"),
        "has_errors": _("Nothing was saved: correct the fields marked below."),
        "fill_in": _("fill in “{field}”"),
        "conflict": _("The file was changed on disk since this form was opened. Reload the form (your changes "
                      "here will be lost) and make them again."),
        "referrers": _("Other entries refer to this one; change them first:"),
        "failed": _("The server did not answer; nothing was saved."),
        "id": _("Id (file name)"),
        "id_fold": _("File name and address (advanced)"),
        "id_rename_help": _("Changing it renames the file and changes every reference to this entry when you save."),
        "id_help": _("The file name and the address of the page: lower-case letters, digits and hyphens. "
                     "Proposed from the title; you may change it."),
        "untranslated": _("(not translated yet)"),
        "preview": _("Preview"),
        "hide_preview": _("Hide preview"),
        "insert_link": _("Insert a link to…"),
        "search": _("Search by title or id…"),
        "choose": _("— choose —"),
        "none": _("(none)"),
        "remove": _("Remove"),
        "next_default": _("The next step in the list"),
        "next_end": _("The procedure ends here"),
        "next_choose": _("Go on to:"),
        "step": _("Step"),
        "step_number": label("step-number", lang, number="{number}"),
        "responsible": label("responsible", lang),
        "accountable": label("accountable", lang),
        "consulted": label("consulted", lang),
        "informed": label("informed", lang),
        "post": label("post", lang) if _has_label("post", lang) else _("Post"),
        "kind_functions": label("functions", lang),
        "kind_duties": label("duties", lang),
        "kind_procedures": label("procedures", lang),
        "kind_standards": label("standards", lang),
        "kind_posts": label("posts", lang),
        "new_title_duties": _("New duty"),
        "new_title_functions": _("New function"),
        "new_title_procedures": _("New procedure"),
        "new_title_standards": _("New standard"),
        "new_title_posts": _("New post"),
        "title_manual": _("The manual's settings"),
        "title_glossary": _("Glossary"),
        "delete_row": _("Delete"),
        "add_item": _("Add {item}"),
        "delete_item": _("Delete {item}"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
    }


def _has_label(key: str, lang: str) -> bool:
    try:
        label(key, lang)
    except KeyError:
        return False
    return True
