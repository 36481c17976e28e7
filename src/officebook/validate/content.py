"""The content as the validator sees it: files sorted by kind and id, and the facts other files' checks
read of each file (a procedure's steps, a file's dates)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from officebook.diagnostics import Diagnostic, Severity, did_you_mean, quoted_list
from officebook.i18n import gettext as _
from officebook.load import LoadedFile
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    pass



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
                    name=f"{suggest_id(stem)}.yaml")))
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


def is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]
    return slug or "my-item"


def name_one(word: str, existing, noun: str, prefix: str = "") -> str:
    """The closest existing id; when none is close, the ids that exist (the right kind's)."""
    ids = [f"{prefix}{known}" for known in sorted(existing)]
    near = did_you_mean(f"{prefix}{word}", ids)
    if near:
        return near
    if not ids:
        return _("the manual has no {noun} yet").format(noun=noun)
    return _("name an existing {noun}: {ids}").format(noun=noun, ids=quoted_list(ids))


def next_ids(steps: Any, words: list[str]) -> list[str] | None:
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
