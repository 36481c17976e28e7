"""The diagnostic record: one finding about the content, with where it is and what to do."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum

from officebook.i18n import N_, NC_, gettext, ngettext, pgettext

YamlPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


SEVERITY_LABELS = (NC_("severity", "error"), NC_("severity", "warning"))  # for the catalogue


# Stable codes: users look them up and scripts match on them. Never rename one. The descriptions
# are catalogued (N_) and shown translated: `gettext(CODES[code])`.
CODES: dict[str, str] = {
    "file.unreadable": N_("the file cannot be read"),
    "file.encoding": N_("the file is not valid UTF-8"),
    "file.too-large": N_("the file is larger than the size limit"),
    "file.empty": N_("the file has no content"),
    "file.not-mapping": N_("the file's top level is not a mapping"),
    "file.missing": N_("a required file (manual.yaml) is missing"),
    "file.unexpected": N_("a file in the content folder that belongs to no kind"),
    "file.not-regular": N_("a FIFO, device or socket where a content file is expected"),
    "file.outside": N_("a symbolic link that leads out of the content folder"),
    "file.loop": N_("a symbolic link to a folder already read (a loop)"),
    "yaml.syntax": N_("the YAML cannot be parsed"),
    "yaml.tab": N_("a tab character is used for indentation"),
    "yaml.duplicate-key": N_("a key appears twice in one mapping"),
    "yaml.tag": N_("an unsafe or unknown YAML tag"),
    "yaml.alias-limit": N_("anchors and aliases expand past the node or size limit"),
    "yaml.key-type": N_("a mapping key is not a plain string"),
    "yaml.multi-document": N_("the file holds more than one YAML document"),
    "schema.required": N_("a required field is missing"),
    "schema.unknown-key": N_("a field the contract does not know"),
    "schema.type": N_("a value of the wrong type"),
    "schema.enum": N_("a value outside its list of allowed values"),
    "schema.pattern": N_("a value that does not match its pattern (ids, language codes, refs)"),
    "schema.date": N_("a date that is not a real YYYY-MM-DD date"),
    "schema.min-items": N_("a list with too few entries"),
    "schema.unique-items": N_("a list with the same entry twice"),
    "schema.invalid": N_("a value that breaks another schema rule"),
    "id.invalid": N_("a file name that is not a valid id"),
    "id.duplicate": N_("two items of one kind share an id"),
    "ref.unknown": N_("a reference to an item that does not exist"),
    "ref.wrong-kind": N_("a reference to an item of another kind"),
    "asset.missing": N_("a link or image naming a file that is not under content/assets/"),
    "asset.type": N_("a file under content/assets/ of a type that is not an image or a document"),
    "asset.active-content": N_("an SVG with script, event handlers, foreignObject, external references or a DTD"),
    "asset.invalid": N_("an image under content/assets/ that does not parse"),
    "asset.too-large": N_("an image past the pixel budget (default 40 megapixels)"),
    "link.outside-assets": N_("a link or image naming a local file outside content/assets/"),
    "link.unsafe-url": N_("a link or image whose scheme is not http, https, mailto or tel"),
    "link.remote-image": N_("an image on another server (never fetched; shown as a link)"),
    "raci.accountable": N_("a duty without exactly one accountable post"),
    "raci.responsible": N_("a duty without a responsible post"),
    "step.duplicate-id": N_("two steps of one procedure share an id"),
    "step.next-unknown": N_("a step's next names no step of its procedure"),
    "procedure.unreachable": N_("a step that cannot be reached from the first step"),
    "procedure.no-end": N_("a step from which no end of the procedure can be reached"),
    "post.cycle": N_("reports_to goes round in a circle"),
    "post.head": N_("not exactly one post without reports_to"),
    "post.no-duties": N_("a post that is responsible or accountable for no duty"),
    "i18n.unknown-language": N_("a text in a language manual.yaml does not list"),
    "i18n.missing-default": N_("a text without the default language"),
    "i18n.missing": N_("a text without a translation (falls back to the default language)"),
    "review.overdue": N_("review_by lies in the past"),
    "yaml.full-width": N_("a full-width character (：，　［］｛｝) where YAML needs its ASCII one"),
    "text.placeholder": N_("a TODO placeholder left in a text"),
    "glossary.duplicate-term": N_("two glossary terms with the same text in one language"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: code, severity, where (file:line:column and YAML path), message and hint."""

    code: str
    severity: Severity
    file: str
    line: int
    column: int
    path: YamlPath
    message: str
    hint: str = ""

    @property
    def yaml_path(self) -> str:
        """The path as programs read it (JSON output): list positions from 0, `steps[2]`."""
        return format_path(self.path)

    @property
    def shown_path(self) -> str:
        """The path as people read it: list positions from 1, as the messages count (`steps[3]`, 第 3 步)."""
        return format_path(self.path, first=1)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)

    @property
    def severity_label(self) -> str:
        """The severity in the interface's language (`error`, `错误`)."""
        return pgettext("severity", self.severity.value)

    def body(self) -> str:
        """`yaml.path: message — hint`, with the separators of the interface's language."""
        text = self.message
        if self.path:
            text = gettext("{path}: {message}").format(path=self.shown_path, message=text)
        if self.hint:
            text = gettext("{message} — {hint}").format(message=text, hint=self.hint)
        return text

    def as_text(self) -> str:
        """One line: `file:line:column: severity [code] path: message — hint` (control characters escaped)."""
        text = f"{self.file}:{self.line}:{self.column}: {self.severity_label} [{self.code}] {self.body()}"
        return terminal_safe(text).replace("\n", "\\u000a")

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["path"] = self.yaml_path
        return data

    def as_github(self) -> str:
        level = "error" if self.is_error else "warning"
        body = f"[{self.code}] {self.body()}"
        return f"::{level} file={_gh_escape(self.file, True)},line={self.line},col={self.column}," \
               f"title={_gh_escape(self.code, True)}::{_gh_escape(body, False)}"


# Control characters (C0 but line feed, DEL, C1) and the bidirectional overrides: written raw to a
# terminal they move the cursor, recolour, retitle the window or reorder what is shown (OSC/ANSI
# escape sequences, "Trojan source"). Content reaches messages through keys, values and file names.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as `\\uXXXX` (JSON reads the same escape back)."""
    return _UNSAFE_FOR_TERMINAL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _gh_escape(text: str, is_property: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_path(path: YamlPath, first: int = 0) -> str:
    """`("raci", "responsible", 1)` -> `raci.responsible[1]` (`[2]` when list positions count from `first=1`)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + first}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def strict(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Turn every warning into an error (`--strict`)."""
    return [replace(d, severity=Severity.ERROR) for d in diagnostics]


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    checked = ngettext("{count} file checked", "{count} files checked", files).format(count=files)
    if not diagnostics:
        return gettext("{checked}: no problems").format(checked=checked)
    return gettext("{checked}: {errors}, {warnings}").format(
        checked=checked,
        errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
        warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings))


def to_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(d.is_error for d in diagnostics)
    return json.dumps(
        {
            "files": files,
            "errors": errors,
            "warnings": len(diagnostics) - errors,
            "diagnostics": [d.as_dict() for d in diagnostics],
        },
        ensure_ascii=False,
        indent=2,
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or '' when none is close."""
    import difflib

    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return gettext("did you mean '{choice}'?").format(choice=match[0]) if match else ""


def listed(values: Iterable[str]) -> str:
    """`a, b, c`, separated as the interface's language separates a list (`a、b、c`)."""
    return gettext(", ").join(values)


def quoted_list(values: Iterable[str], limit: int = 8) -> str:
    """`'a', 'b', 'c'` (quoted as the interface's language quotes), the first `limit` and a count of the rest."""
    values = list(values)
    shown = listed(gettext("'{value}'").format(value=v) for v in values[:limit])
    if len(values) > limit:
        more = len(values) - limit
        shown = ngettext("{shown} and {count} more", "{shown} and {count} more", more).format(shown=shown, count=more)
    return shown


def did_you_mean_or_list(word: str, choices: Iterable[str], none: str) -> str:
    """The closest choice; when none is close, the choices that exist (`none` when there are none)."""
    choices = sorted(set(choices))
    near = did_you_mean(word, choices)
    if near:
        return near
    if not choices:
        return none
    return ngettext("the only one is {choices}", "existing: {choices}", len(choices)).format(
        choices=quoted_list(choices))
