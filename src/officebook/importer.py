"""Read an edited RACI sheet (from `officebook export --format xlsx`) back into the content.

`officebook.xlsx_read.read_raci_sheet(path)` reads the workbook (bounded) — its RACI sheet and the
baseline it carries: every duty's roles as exported. `plan_import(manual, sheet)` compares the sheet with
that baseline, so only the cells someone changed count: a duty whose roles changed in the content since
the export is left as it is and reported (its changes in the sheet are refused), and every other duty
keeps the content's roles. A workbook of another manual is refused. Nothing here writes: the command
validates the edited content and writes the files only when every step passed.

The YAML is edited at positions, not re-emitted: PyYAML's composer gives where each `raci` value starts
and ends, and only those spans are replaced (a flow list or a scalar in place, block list entries a
line each). Every other byte of the file — comments, key order, quoting, blank lines, line ends — stays
as it was. This is written here rather than with a round-trip library: a plain ruamel.yaml load and dump
(quotes preserved, no line width) changes 42 of the default manual's 68 files (list indentation, other
lines), which an office's reviewers would then have to read in every diff.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from officebook.i18n import gettext as _
from officebook.model import Manual, Raci
from officebook.vocabulary.labels import LABELS, label
from officebook.xlsx import RACI_HEADER_ROWS, manual_key, roles_of
from officebook.xlsx_read import RaciSheet, WorkbookError

ROLE_LETTERS = {"R": "responsible", "A": "accountable", "C": "consulted", "I": "informed"}
ROLES = ("responsible", "accountable", "consulted", "informed")
_LETTER_SEPARATORS = re.compile(r"[\s/,;、，；+&]+")


@dataclass(frozen=True)
class RoleChange:
    role: str  # responsible, accountable, consulted, informed
    old: tuple[str, ...]
    new: tuple[str, ...]

    def describe(self) -> str:
        """`raci.accountable deputy-director → director`."""
        return f"raci.{self.role} {_listed(self.old)} → {_listed(self.new)}"


@dataclass(frozen=True)
class DutyChange:
    duty: str
    file: str  # relative to the content folder
    changes: tuple[RoleChange, ...]


@dataclass
class ImportPlan:
    changes: list[DutyChange] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # file -> edited text
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # duties changed in the content since the export


def _listed(posts: Sequence[str]) -> str:
    return ", ".join(posts) if posts else _("(none)")


# ---- reading a cell ------------------------------------------------------------------------------


@cache
def _role_words() -> dict[str, str]:
    """Every word a cell may hold for a role, in every language officebook speaks: the letters, 牵头 负责
    会商 知会, Responsible … (upper-cased, NFKC)."""
    words = {letter: role for letter, role in ROLE_LETTERS.items()}
    for lang in LABELS:
        for letter, role in ROLE_LETTERS.items():
            for key in (f"raci-letter-{letter}", role):
                words.setdefault(unicodedata.normalize("NFKC", label(key, lang)).upper(), role)
    return words


def parse_letters(cell: str) -> tuple[set[str], list[str]]:
    """The roles in a cell (`R/A`, `r, a`, full-width `Ｒ`, `牵头`, `牵头、负责`, `牵头负责`): (roles, what
    could not be read)."""
    words = _role_words()
    pieces = [p for p in _LETTER_SEPARATORS.split(unicodedata.normalize("NFKC", cell).upper()) if p]
    roles: set[str] = set()
    unknown: list[str] = []
    for piece in pieces:
        if piece in words:
            roles.add(words[piece])
        elif (found := _segmented(piece, words)) is not None:  # "RA", "牵头负责"
            roles.update(found)
        else:
            unknown.append(piece)
    return roles, unknown


def _segmented(piece: str, words: Mapping[str, str]) -> list[str] | None:
    """`piece` read as role words written together, longest word first; None when it is not."""
    found: list[str] = []
    rest = piece
    while rest:
        word = next((w for w in sorted(words, key=len, reverse=True) if rest.startswith(w)), None)
        if word is None:
            return None
        found.append(words[word])
        rest = rest[len(word):]
    return found


# ---- comparing and planning ----------------------------------------------------------------------


def plan_import(manual: Manual, sheet: RaciSheet, content_dir: Path) -> ImportPlan:
    """The edits an imported sheet asks for: the cells changed since the export only, per duty, with
    the edited file texts. `WorkbookError` for a workbook of another manual."""
    baseline = sheet.baseline
    if baseline is not None and baseline.manual_key != manual_key(manual):
        this = manual.info.title.get(manual.info.default_language)
        raise WorkbookError(_("{path}: exported from another manual ({other}), not from {this}: nothing "
                              "read").format(path=sheet.path, other=baseline.manual_title or "?", this=this))
    plan = ImportPlan(problems=list(sheet.problems))
    where = f"{sheet.path}: {sheet.sheet}!"
    letter_of = dict((post, letter) for letter, post in sheet.posts)
    for letter, post in sheet.posts:
        if post not in manual.posts:
            plan.problems.append(_("{cell}: no post {post!r} in the manual").format(
                cell=f"{where}{letter}{RACI_HEADER_ROWS}", post=post) + _did_you_mean(post, manual.posts))
    known_posts = [post for _, post in sheet.posts if post in manual.posts]
    for row in sheet.rows:
        duty = manual.duties.get(row.duty)
        if duty is None:
            plan.problems.append(_("{cell}: no duty {duty!r} in the manual (removed or renamed since the export?)").format(
                cell=f"{where}A{row.row}", duty=row.duty) + _did_you_mean(row.duty, manual.duties))
            continue
        in_sheet: dict[str, set[str]] = {}
        for post in known_posts:
            roles, unknown = parse_letters(row.roles.get(post, ""))
            if unknown:
                plan.problems.append(_("{cell}: {value!r} is not R, A, C or I").format(
                    cell=f"{where}{letter_of[post]}{row.row}", value=" ".join(unknown)))
            in_sheet[post] = roles
        current = roles_of(duty.raci)
        exported = baseline.roles.get(duty.id) if baseline is not None else None
        if exported is None:  # a workbook without a baseline (or a row added to it): the sheet is the truth
            edited = known_posts
        else:
            was = _by_post(exported)
            edited = [post for post in known_posts if in_sheet[post] != was.get(post, set())]
            now = _by_post(current)
            if not edited or all(in_sheet[post] == now.get(post, set()) for post in edited):
                continue  # nothing changed in this row, or the content already says what it says
            if _by_post(exported) != now:
                cells = ", ".join(f"{letter_of[p]}{row.row}" for p in edited)
                since = "; ".join(RoleChange(role, tuple(exported.get(role, ())), current[role]).describe()
                                  for role in ROLES if tuple(exported.get(role, ())) != current[role])
                plan.refused.append(_("{cell}: duty {duty!r} was changed in the content since this workbook was "
                                      "exported ({since}); its cells {cells} are not applied — export again and "
                                      "change them there").format(cell=f"{where}A{row.row}", duty=duty.id,
                                                                  since=since, cells=cells))
                continue
        held = {role: [p for p in edited if role in in_sheet[p]] for role in ROLES}
        new = _merged(duty.raci, held, set(edited))
        if len(new["accountable"]) > 1:
            cells = ", ".join(f"{letter_of.get(p, '?')}{row.row}" for p in new["accountable"])
            plan.problems.append(_("{cell}: duty {duty!r} has {count} accountable posts ({posts}); exactly one A per "
                                   "duty").format(cell=f"{where}{cells}", duty=row.duty, count=len(new["accountable"]),
                                                  posts=", ".join(new["accountable"])))
        elif not new["accountable"]:
            plan.problems.append(_("{cell}: duty {duty!r} has no accountable post (A)").format(
                cell=f"{where}A{row.row}", duty=row.duty))
        if not new["responsible"]:
            plan.problems.append(_("{cell}: duty {duty!r} has no responsible post (R)").format(
                cell=f"{where}A{row.row}", duty=row.duty))
        changes = tuple(RoleChange(role, current[role], new[role]) for role in ROLES if current[role] != new[role])
        if changes:
            plan.changes.append(DutyChange(duty.id, duty.file, changes))
    if plan.problems:
        return plan
    for change in plan.changes:
        path = content_dir / change.file
        try:
            original = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            plan.problems.append(_("{file}: cannot be read ({reason})").format(file=change.file, reason=error))
            continue
        try:
            plan.texts[change.file] = edit_raci(original, {c.role: c.new for c in change.changes})
        except RaciEditError as error:
            plan.problems.append(f"{change.file}: {error}")
    return plan


def _by_post(roles: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """post -> the roles it holds."""
    held: dict[str, set[str]] = {}
    for role, posts in roles.items():
        for post in posts:
            held.setdefault(post, set()).add(role)
    return held


def _merged(raci: Raci, held: Mapping[str, Sequence[str]], in_sheet: set[str]) -> dict[str, tuple[str, ...]]:
    """The new roles: posts that keep a role stay where they were, new ones follow in column order, and
    posts not in `in_sheet` (no column, or a cell nobody changed) keep the roles they had."""
    merged = {}
    for role, old in roles_of(raci).items():
        kept = [p for p in old if p not in in_sheet or p in held[role]]
        merged[role] = tuple(kept + [p for p in held[role] if p not in kept])
    return merged


def _did_you_mean(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return _(" — did you mean {choice!r}?").format(choice=close[0]) if close else ""


# ---- editing the YAML at positions ---------------------------------------------------------------


class RaciEditError(Exception):
    """The file's raci cannot be edited in place (written through an alias or a merge key)."""


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def edit_raci(text: str, new: Mapping[str, Sequence[str]]) -> str:
    """`text` (a duty file) with the given `raci` roles replaced; every other character unchanged.

    `new` maps a role to its posts (`accountable` has one). A list that becomes empty loses its key.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise RaciEditError(_("the file is not a mapping"))
    raci_key, raci = _entry(root, "raci")
    if raci is None or not isinstance(raci, yaml.MappingNode):
        raise RaciEditError(_("no raci mapping to edit"))
    if any(key.value == "<<" for key, _ in raci.value):
        raise RaciEditError(_("its raci uses a << merge key; edit this duty's raci by hand"))
    if raci.start_mark.index < raci_key.end_mark.index or _shared(root, raci):
        raise RaciEditError(_("its raci is written through a YAML alias; edit this duty's raci by hand"))
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[_Edit] = []
    missing: list[tuple[str, Sequence[str]]] = []
    for role in ROLES:
        if role not in new:
            continue
        key, value = _entry(raci, role)
        posts = list(new[role])
        if value is None:
            if posts:
                missing.append((role, posts))
            continue
        if role == "accountable":
            if not isinstance(value, yaml.ScalarNode):
                raise RaciEditError(_("raci.accountable is not a single post id"))
            edits.append(_Edit(value.start_mark.index, value.end_mark.index, _scalar(posts[0], value.style)))
        elif not posts and not raci.flow_style:
            edits.append(_remove_entry(text, key, value))
        elif isinstance(value, yaml.SequenceNode) and (value.flow_style or not value.value):
            edits.append(_Edit(value.start_mark.index, value.end_mark.index, _flow(text, value, posts)))
        elif isinstance(value, yaml.SequenceNode):
            edits.extend(_block_edits(text, value, posts, newline))
        else:
            raise RaciEditError(_("{field} is not a list").format(field=f"raci.{role}"))
    if missing:
        edits.append(_insertion(text, raci, missing, newline))
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def _entry(mapping: yaml.MappingNode, name: str):
    for key, value in mapping.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return key, value
    return None, None


def _shared(root: yaml.Node, target: yaml.Node) -> bool:
    """True when `target` (or a node inside it) is reached twice: an anchor used through an alias."""
    counts: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        counts[id(node)] = counts.get(id(node), 0) + 1
        if counts[id(node)] > 1:
            continue
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    inside = [target]
    for node in inside:
        if counts.get(id(node), 0) > 1:
            return True
        if isinstance(node, yaml.MappingNode):
            inside.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            inside.extend(node.value)
    return False


def _scalar(value: str, style: str | None = None) -> str:
    """A post id as YAML: in the quotes it replaces, plain when it reads back as a string, else quoted."""
    if style in ("'", '"'):
        return f"{style}{value}{style}"
    resolved = yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, value, (True, False))
    return value if resolved == "tag:yaml.org,2002:str" else f"'{value}'"


def _flow(text: str, sequence: yaml.SequenceNode, posts: Sequence[str]) -> str:
    style = next((item.style for item in sequence.value if isinstance(item, yaml.ScalarNode)), None)
    inner = text[sequence.start_mark.index + 1:sequence.end_mark.index - 1]
    pad = " " if inner.startswith(" ") and inner.strip() else ""
    items = ", ".join(_scalar(p, style) for p in posts)
    return f"[{pad}{items}{pad}]" if items else "[]"


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """The index just past the end of the line holding `index` (past its line break)."""
    end = text.find("\n", index)
    return len(text) if end == -1 else end + 1


def _block_edits(text: str, sequence: yaml.SequenceNode, posts: Sequence[str], newline: str) -> list[_Edit]:
    """Entry by entry: lines of dropped posts go, new posts get a line after the last entry."""
    items = sequence.value
    if not all(isinstance(item, yaml.ScalarNode) for item in items):
        raise RaciEditError(_("a raci list holds something other than post ids"))
    edits = [
        _Edit(_line_start(text, item.start_mark.index), _line_end(text, item.end_mark.index), "")
        for item in items if item.value not in posts
    ]
    present = {item.value for item in items}
    added = [p for p in posts if p not in present]
    if added:
        last = items[-1]
        dash = _line_start(text, last.start_mark.index)
        prefix = text[dash:last.start_mark.index]  # "  - "
        if prefix.strip() != "-":
            raise RaciEditError(_("a raci list entry does not start its own line"))
        at = _line_end(text, last.end_mark.index)
        lead = "" if text[:at].endswith("\n") else newline
        style = last.style
        edits.append(_Edit(at, at, lead + "".join(f"{prefix}{_scalar(p, style)}{newline}" for p in added)))
    return edits


def _remove_entry(text: str, key: yaml.Node, value: yaml.Node) -> _Edit:
    """A role whose list became empty: its key and value lines go."""
    return _Edit(_line_start(text, key.start_mark.index), _line_end(text, _last_index(value)), "")


def _last_index(node: yaml.Node) -> int:
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return node.value[-1].end_mark.index
    return node.end_mark.index


def _insertion(text: str, raci: yaml.MappingNode, missing: list[tuple[str, Sequence[str]]], newline: str) -> _Edit:
    """Roles the file does not have yet, after its last raci entry, in the style of its lists."""
    if raci.flow_style:
        close = raci.end_mark.index - 1
        while close > 0 and text[close - 1] in " \t":
            close -= 1
        added = "".join(f", {role}: [{', '.join(_scalar(p) for p in posts)}]" for role, posts in missing)
        return _Edit(close, close, added)
    first_key = raci.value[0][0]
    indent = " " * first_key.start_mark.column
    block = next((v for _, v in raci.value if isinstance(v, yaml.SequenceNode) and not v.flow_style and v.value), None)
    lines = []
    for role, posts in missing:
        if block is None:
            lines.append(f"{indent}{role}: [{', '.join(_scalar(p) for p in posts)}]{newline}")
        else:
            dash = " " * block.value[0].start_mark.column
            entry_prefix = text[_line_start(text, block.value[0].start_mark.index):block.value[0].start_mark.index]
            dash = entry_prefix if entry_prefix.strip() == "-" else dash + "- "
            lines.append(f"{indent}{role}:{newline}" + "".join(f"{dash}{_scalar(p)}{newline}" for p in posts))
    at = _line_end(text, _last_index(raci.value[-1][1]))
    lead = "" if text[:at].endswith("\n") else newline
    return _Edit(at, at, lead + "".join(lines))


# ---- validating and writing ----------------------------------------------------------------------


def check_edited(content_dir: Path, texts: Mapping[str, str]):
    """Check a copy of the content folder with the edited files in it: the findings an import would
    cause (a `CheckResult`; paths relative to the content folder). The folder itself is not touched."""
    import shutil
    import tempfile

    from officebook.pipeline import run_check

    with tempfile.TemporaryDirectory(prefix="officebook-import-") as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir, copy, symlinks=True)
        for relative, text in texts.items():
            (copy / relative).write_bytes(text.encode("utf-8"))
        return run_check(copy, use_cache=False)


def write_edited(content_dir: Path, texts: Mapping[str, str]) -> None:
    """Write every edited file: all to partial files first, then each renamed into place."""
    import os
    import shutil

    partials = []
    try:
        for relative, text in texts.items():
            target = content_dir / relative
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            partial.write_bytes(text.encode("utf-8"))
            partials.append((partial, target))
            shutil.copymode(target, partial)
        for partial, target in partials:
            os.replace(partial, target)
    finally:
        for partial, _edited in partials:
            partial.unlink(missing_ok=True)
