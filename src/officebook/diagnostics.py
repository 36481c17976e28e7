"""The diagnostic record: one finding about the content, with where it is and what to do."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum

YamlPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Stable codes: users look them up and scripts match on them. Never rename one.
CODES: dict[str, str] = {
    "file.unreadable": "the file cannot be read",
    "file.encoding": "the file is not valid UTF-8",
    "file.too-large": "the file is larger than the size limit",
    "file.empty": "the file has no content",
    "file.not-mapping": "the file's top level is not a mapping",
    "file.missing": "a required file (manual.yaml) is missing",
    "file.unexpected": "a file in the content folder that belongs to no kind",
    "file.not-regular": "a FIFO, device or socket where a content file is expected",
    "file.outside": "a symbolic link that leads out of the content folder",
    "file.loop": "a symbolic link to a folder already read (a loop)",
    "yaml.syntax": "the YAML cannot be parsed",
    "yaml.tab": "a tab character is used for indentation",
    "yaml.duplicate-key": "a key appears twice in one mapping",
    "yaml.tag": "an unsafe or unknown YAML tag",
    "yaml.alias-limit": "anchors and aliases expand past the node or size limit",
    "yaml.key-type": "a mapping key is not a plain string",
    "yaml.multi-document": "the file holds more than one YAML document",
    "schema.required": "a required field is missing",
    "schema.unknown-key": "a field the contract does not know",
    "schema.type": "a value of the wrong type",
    "schema.enum": "a value outside its list of allowed values",
    "schema.pattern": "a value that does not match its pattern (ids, language codes, refs)",
    "schema.date": "a date that is not a real YYYY-MM-DD date",
    "schema.min-items": "a list with too few entries",
    "schema.unique-items": "a list with the same entry twice",
    "schema.invalid": "a value that breaks another schema rule",
    "id.invalid": "a file name that is not a valid id",
    "id.duplicate": "two items of one kind share an id",
    "ref.unknown": "a reference to an item that does not exist",
    "ref.wrong-kind": "a reference to an item of another kind",
    "raci.accountable": "a duty without exactly one accountable post",
    "raci.responsible": "a duty without a responsible post",
    "step.duplicate-id": "two steps of one procedure share an id",
    "step.next-unknown": "a step's next names no step of its procedure",
    "procedure.unreachable": "a step that cannot be reached from the first step",
    "procedure.no-end": "a step from which no end of the procedure can be reached",
    "post.cycle": "reports_to goes round in a circle",
    "post.head": "not exactly one post without reports_to",
    "post.no-duties": "a post that is responsible or accountable for no duty",
    "i18n.unknown-language": "a text in a language manual.yaml does not list",
    "i18n.missing-default": "a text without the default language",
    "i18n.missing": "a text without a translation (falls back to the default language)",
    "review.overdue": "review_by lies in the past",
    "link.outside-assets": "a link or image naming a local file outside content/assets/",
    "link.unsafe-url": "a link or image whose scheme is not http, https, mailto or tel",
    "link.remote-image": "an image on another server (never fetched; shown as a link)",
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
        return format_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)

    def as_text(self) -> str:
        """One line: `file:line:column: severity [code] path: message — hint` (control characters escaped)."""
        where = f"{self.yaml_path}: " if self.path else ""
        text = f"{self.file}:{self.line}:{self.column}: {self.severity.value} [{self.code}] {where}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return terminal_safe(text).replace("\n", "\\u000a")

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["path"] = self.yaml_path
        return data

    def as_github(self) -> str:
        level = "error" if self.is_error else "warning"
        body = f"[{self.code}] {self.yaml_path + ': ' if self.path else ''}{self.message}"
        if self.hint:
            body += f" — {self.hint}"
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


def format_path(path: YamlPath) -> str:
    """`("raci", "responsible", 1)` -> `raci.responsible[1]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
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
    if not diagnostics:
        return f"{files} files checked: no problems"
    return f"{files} files checked: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
    return f"did you mean '{match[0]}'?" if match else ""
