"""Texts: every language present, no placeholder left, links that lead somewhere inside the manual and
URLs the policy allows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from officebook.diagnostics import Diagnostic, Severity, YamlPath, did_you_mean, listed, quoted_list
from officebook.i18n import gettext as _
from officebook.load import LoadedFile
from officebook.validate.content import ASSET_DIR, CHECKED_DEFS, LIST_DEFS, PLACEHOLDER_TEXT, Content, name_one, short
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN
from officebook.vocabulary.schemas import Schemas, default_schemas
from officebook.vocabulary.textlinks import asset_target, find_links, item_target

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    pass


# ---- semantic checks -----------------------------------------------------------------------------


def walk_texts(kind: str, data: Any, schemas: Schemas | None = None) -> Iterator[tuple[YamlPath, Any]]:
    """(path, value) of every Markdown-capable text of one file's data (strings-or-texts excluded)."""
    schemas = schemas or default_schemas()
    for path, def_name, value in walk_schema(schemas.by_kind[kind], data, (), schemas.defs):
        if def_name == "text":
            yield path, value


def walk_schema(schema: dict, value: Any, path: YamlPath, defs: dict) -> list[tuple[YamlPath, str, Any]]:
    """(path, definition name, value) of every text and reference in `value`, guided by the schema.

    Entries of list definitions are listed under their entry definition (`procedureRefs` -> `procedureRef`).
    """
    found: list[tuple[YamlPath, str, Any]] = []
    _walker(schema, defs)(value, path, found)
    return found


_Walk = Callable[[Any, YamlPath, list], None]
_WALKERS: dict[tuple[int, int], tuple[dict, dict, _Walk]] = {}


def _walker(schema: dict, defs: dict) -> _Walk:
    """The walk of one schema, compiled once: every file of a kind is walked by the same schema, and
    interpreting it anew for each (resolving `$ref`s, testing keys that hold no text) was most of a
    cold check's validation time. Kept with the schema objects themselves, so an id is never reused."""
    key = (id(schema), id(defs))
    cached = _WALKERS.get(key)
    if cached is None or cached[0] is not schema or cached[1] is not defs:
        cached = _WALKERS[key] = (schema, defs, _WalkCompiler(defs).compile(schema))
    return cached[2]


def _skip(value: Any, path: YamlPath, found: list) -> None:
    """The walk of a schema part that holds no text and no reference."""


class _WalkCompiler:
    def __init__(self, defs: dict) -> None:
        self.defs = defs
        self.by_name: dict[str, _Walk] = {}

    def compile(self, schema: dict) -> _Walk:
        if "anyOf" in schema:
            return self._any_of(schema["anyOf"])
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return self._ref(ref[len("#/$defs/"):])
        properties = [(key, walk) for key, sub in schema.get("properties", {}).items()
                      if (walk := self.compile(sub)) is not _skip]
        items = self.compile(schema["items"]) if isinstance(schema.get("items"), dict) else _skip
        if not properties and items is _skip:
            return _skip
        has_properties = "properties" in schema

        def walk(value: Any, path: YamlPath, found: list) -> None:
            if has_properties and isinstance(value, dict):
                for key, walk_key in properties:
                    if key in value:
                        walk_key(value[key], (*path, key), found)
            elif isinstance(value, list) and items is not _skip:
                for i, entry in enumerate(value):
                    items(entry, (*path, i), found)
        return walk

    def _any_of(self, branches: list[dict]) -> _Walk:
        walks = [self.compile(branch) for branch in branches]
        if all(walk is _skip for walk in walks):
            return _skip

        def walk(value: Any, path: YamlPath, found: list) -> None:
            walks[branch_for(branches, value)](value, path, found)
        return walk

    def _ref(self, name: str) -> _Walk:
        if name in CHECKED_DEFS:
            def checked(value: Any, path: YamlPath, found: list) -> None:
                found.append((path, name, value))
            return checked
        if name in LIST_DEFS:
            entry_name = LIST_DEFS[name]

            def entries(value: Any, path: YamlPath, found: list) -> None:
                if isinstance(value, list):
                    found.extend(((*path, i), entry_name, entry) for i, entry in enumerate(value))
            return entries
        if name in self.by_name:
            return self.by_name[name]
        compiled: list[_Walk] = []
        self.by_name[name] = lambda value, path, found: compiled[0](value, path, found)  # a definition within itself
        target: Any = self.defs
        for part in name.split("/"):
            target = target[part]
        compiled.append(self.compile(target))
        self.by_name[name] = compiled[0]
        return compiled[0]


def branch_for(branches: list[dict], value: Any) -> int:
    """Which alternative of an `anyOf` a value was meant as: a mapping using a field of a branch that
    lists its fields (a task `{action: ..., frequency: ...}`) is that branch; anything else the first (a text)."""
    if isinstance(value, dict):
        for index, branch in enumerate(branches):
            if any(key in branch.get("properties", ()) for key in value):
                return index
    return 0


def check_text(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
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
            hint = did_you_mean(str(code), languages) or _(
                "manual.yaml lists: {languages} (officebook languages {codes} removes the other languages' "
                "strings from every file)").format(languages=listed(languages), codes=",".join(languages))
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
            shown = short(url, 60)
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
    message = _("the text is still the placeholder '{text}'").format(text=short(text.strip()))
    return [loaded.diagnostic("text.placeholder", path, message,
                              _("write the text; a placeholder would be published as it is"), severity=Severity.WARNING)]


def check_links(loaded: LoadedFile, path: YamlPath, value: Any, content: Content) -> list[Diagnostic]:
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
            hint = name_one(item.id, known, noun, prefix=f"{item.kind}/")
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
