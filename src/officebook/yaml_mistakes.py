"""How an author's YAML mistakes are told: where YAML's own syntax errors stand and what they mean in
the interface's language, full-width punctuation typed where YAML's structure needs ASCII, and one-line
texts that a comma or a colon broke. Split from `officebook.load` (which reads and builds the values) so
that each stays readable; the loader calls these when a file does not parse or looks mistyped.
"""

from __future__ import annotations

import re

import yaml

from officebook.diagnostics import Diagnostic, Severity
from officebook.i18n import N_
from officebook.i18n import gettext as _


def error_at(rel: str, line: int, column: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, rel, line, column, (), message, hint)


def syntax_diagnostic(rel: str, text: str, error: yaml.MarkedYAMLError) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    if error.context_mark and mark is error.problem_mark and mark.index >= len(text.rstrip()):
        mark = error.context_mark  # reached the end still looking: point where the open construct began
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = yaml_lines(text)
    line = min(max(line, 1), len(lines))
    column = min(max(column, 1), len(lines[line - 1]) + 1)
    problem = _pyyaml_words(error.problem or error.context or "invalid YAML")
    if error.problem and error.context:
        problem = _("{problem}, {context}").format(problem=problem, context=_pyyaml_words(error.context))
    if "expected a single document" in str(error):
        return error_at(rel, line, column, "yaml.multi-document", _("the file holds more than one YAML document"),
                   _("keep one item per file: remove the '---' separator and what follows, or move it to its own file"))
    tab_line = next((n for n, text_line in enumerate(lines[:line], 1) if _indent(text_line).count("\t")), 0)
    if tab_line:
        return error_at(rel, tab_line, _indent(lines[tab_line - 1]).index("\t") + 1, "yaml.tab",
                   _("a tab character is used for indentation"),
                   _("indent with spaces only (set your editor to insert spaces for Tab)"))
    opened = error.context_mark
    problem_at = error.problem_mark.index if error.problem_mark else -1
    if error.context == "while parsing a flow mapping" and opened and error.problem_mark.line == opened.line \
            and text[problem_at:problem_at + 1] == ":":
        # `{zh: 会议: 安排, en: …}`: an ASCII ': ' inside a one-line text ends its value early
        return error_at(rel, line, column, "yaml.syntax", _(TEXT_WITH_SEPARATOR), _(TEXT_WITH_SEPARATOR_HINT))
    if error.context in _FLOW_CONTEXTS and opened and error.problem_mark and error.problem_mark.line > opened.line \
            and (error.problem or "").startswith("did not find expected ','"):
        bracket, closing = ("[", "]") if "sequence" in error.context else ("{", "}")
        return error_at(rel, opened.line + 1, opened.column + 1, "yaml.syntax",
                   _("the '{bracket}' opened here is not closed").format(bracket=bracket),
                   _("close it with '{closing}' on this line (an ASCII bracket), or quote the value").format(
                       closing=closing))
    return error_at(rel, line, column, "yaml.syntax", problem, _("check the indentation and quoting on this line"))


_FLOW_CONTEXTS = ("while parsing a flow sequence", "while parsing a flow mapping")

# PyYAML's (libyaml's and the pure-Python parser's) problems and contexts, in words an author reads in
# the interface's language. A message not listed is shown as PyYAML words it.
_PYYAML_WORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), message) for pattern, message in [
    (r"^mapping values are not allowed (here|in this context)$",
     N_("a ': ' here would start a key inside a value (quote the text if it contains ': ')")),
    (r"^did not find expected key$", N_("a line here is not a key: value pair at this indentation")),
    (r"^expected <block end>, but found .*$", N_("the indentation does not line up with the lines above")),
    (r"^did not find expected '-' indicator$", N_("a list entry here does not start with '- '")),
    (r"^did not find expected node content$", N_("a value is missing here")),
    (r"^expected the node content, but found .*$", N_("a value is missing here")),
    (r"^could not find expected ':'$", N_("the key here has no ':' after it")),
    (r"^did not find expected ',' or '}'$", N_("a comma or the closing brace is missing")),
    (r"^did not find expected ',' or '\]'$", N_("a comma or the closing square bracket is missing")),
    (r"^expected ',' or '}', but got .*$", N_("a comma or the closing brace is missing")),
    (r"^expected ',' or '\]', but got .*$", N_("a comma or the closing square bracket is missing")),
    (r"^found unexpected end of stream$", N_("the file ends before the quote is closed")),
    (r"^found character .*that cannot start any token$", N_("a character here cannot start a value (quote the text)")),
    (r"^found unknown escape character.*$", N_("an unknown backslash escape inside double quotes (write \\\\ for a backslash)")),
    (r"^block sequence entries are not allowed in this context$", N_("a '- ' list entry cannot stand here")),
    (r"^found undefined alias.*$", N_("an alias '*' names no anchor '&' above it")),
    (r"^found a tab character that violates indentation$", N_("a tab character is used for indentation")),
    (r"^found unexpected ':'$", N_("a ':' here is not part of a key")),
    (r"^while parsing a block mapping$", N_("in the mapping that starts above")),
    (r"^while parsing a block collection$", N_("in the list that starts above")),
    (r"^while parsing a block node$", N_("in the value that starts above")),
    (r"^while parsing a flow node$", N_("in the value that starts above")),
    (r"^while parsing a flow mapping$", N_("inside braces")),
    (r"^while parsing a flow sequence$", N_("inside square brackets")),
    (r"^while scanning a quoted scalar$", N_("inside a quoted text")),
    (r"^while scanning a simple key$", N_("while reading a key")),
    (r"^while scanning a plain scalar$", N_("while reading a value")),
    (r"^while scanning a block scalar$", N_("in a '|' or '>' text")),
    (r"^while scanning an? (alias|anchor)$", N_("in an anchor or alias")),
]]


def _pyyaml_words(text: str) -> str:
    text = text.strip()
    return next((_(message) for pattern, message in _PYYAML_WORDS if pattern.match(text)), text)
# One finding for a text written `{zh: …, en: …}` on one line whose words hold a comma or an ASCII
# colon: YAML reads the comma as the start of another key (a "language" named by the words after it)
# and the colon as a key's end. Found by the loader, before the schema would report each piece.
TEXT_WITH_SEPARATOR = N_("this text contains a comma or a colon: put it in quotes, or write each language on "
                         "its own line")
TEXT_WITH_SEPARATOR_HINT = N_("e.g. en: \"Review, then sign\", or title: then zh: … and en: … on lines of their own")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


# ---- full-width punctuation where YAML needs ASCII ------------------------------------------------------
# A Chinese input method types ：，　［］｛｝ where YAML's structure needs : , space [ ] { }. YAML then
# reads them as text, and the error (if any) shows up lines later. Full-width punctuation inside texts
# is right and is left alone: only the places where YAML's structure stands are looked at.

_FULL_WIDTH_NAMES = {
    "：": (N_("full-width colon"), ":"),
    "，": (N_("full-width comma"), ","),
    "\u3000": (N_("full-width space"), " "),
    "［": (N_("full-width bracket"), "["),
    "］": (N_("full-width bracket"), "]"),
    "｛": (N_("full-width brace"), "{"),
    "｝": (N_("full-width brace"), "}"),
}
_HAS_FULL_WIDTH = re.compile("[：，\u3000［］｛｝]")
_KEY = r"(?:[a-z][a-z0-9_]*(?:-[A-Za-z0-9]+)*)"  # contract fields and language codes are ASCII
_KEY_FULL_COLON = re.compile(rf"({_KEY}|\"[^\"]*\"|'[^']*')[ \u3000]*(：)")
_KEY_COLON = re.compile(rf"({_KEY}|\"[^\"]*\"|'[^']*'):(?=[ \u3000]|$)")
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*[ \t]*(#.*)?$")
_ID_LIST = re.compile(r"^[ \u3000A-Za-z0-9_/,，.-]*$")
_FLOW_KEY_AFTER = re.compile(rf"[ \u3000]*{_KEY}[ \u3000]*[:：]")


def full_width_findings(rel: str, text: str) -> list[Diagnostic]:
    """A `yaml.full-width` finding for each full-width character standing where YAML needs ASCII:
    in indentation, after a key or a list dash, as a key's colon, or as a flow list's or mapping's
    bracket, brace or comma."""
    if not _HAS_FULL_WIDTH.search(text):
        return []
    found: list[Diagnostic] = []
    block_indent = -1  # inside a block scalar (| or >): its lines are text
    for number, line in enumerate(yaml_lines(text), 1):
        stripped = line.lstrip(" \t\u3000")
        indent = len(line) - len(stripped)
        if block_indent >= 0:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = -1
        if not stripped or stripped.startswith("#"):
            continue
        if "\u3000" in line[:indent]:
            found.append(_full_width(rel, number, line.index("\u3000") + 1, "\u3000", _("used for indentation")))
        column = indent
        while stripped[:1] == "-" and stripped[1:2] in (" ", "\u3000"):
            if stripped[1] == "\u3000":
                found.append(_full_width(rel, number, column + 2, "\u3000", _("after a list dash")))
            step = len(stripped) - len(stripped[1:].lstrip(" \u3000"))
            column, stripped = column + step, stripped[step:]
        value_at = column
        colon = _KEY_FULL_COLON.match(stripped)
        if colon:
            found.append(_full_width(rel, number, column + colon.start(2) + 1, "：", _("after the key '{key}'").format(
                key=colon.group(1))))
            value_at = column + colon.end()
        else:
            key = _KEY_COLON.match(stripped)
            if key:
                value_at = column + key.end()
                if line[value_at:value_at + 1] == "\u3000":
                    found.append(_full_width(rel, number, value_at + 1, "\u3000",
                                             _("after the key '{key}'").format(key=key.group(1))))
        rest = line[value_at:]
        value = rest.lstrip(" \u3000")
        start = value_at + len(rest) - len(value)
        if _BLOCK_SCALAR.match(value):
            block_indent = indent
        found += _flow_findings(rel, number, start, value)
    return found


def _flow_findings(rel: str, number: int, start: int, value: str) -> list[Diagnostic]:
    """Full-width brackets, braces and commas of a flow list or mapping written at `value`."""
    if value[:1] in ("［", "｛"):
        closing = "］" if value[0] == "［" else "｝"
        inner = value[1:value.index(closing)] if closing in value else value[1:]
        looks_structural = _ID_LIST.match(inner) if value[0] == "［" else _FLOW_KEY_AFTER.match(inner)
        if not looks_structural:
            return []  # a text that starts with a bracket: ［试行］办法
        found = [_full_width(rel, number, start + 1, value[0], _("opening a list") if value[0] == "［"
                             else _("opening a mapping"))]
        if closing in value:
            found.append(_full_width(rel, number, start + value.index(closing) + 1, closing,
                                     _("closing a list") if closing == "］" else _("closing a mapping")))
        return found + _flow_commas(rel, number, start, value, "［" if value[0] == "［" else "｛")
    if value[:1] in ("[", "{"):
        return _flow_commas(rel, number, start, value, value[0])
    return []


def _flow_commas(rel: str, number: int, start: int, value: str, opening: str) -> list[Diagnostic]:
    found = []
    quote = ""
    in_list = opening in ("[", "［")
    for index, char in enumerate(value):
        if quote:
            quote = "" if char == quote else quote
        elif char in ("'", '"'):
            quote = char
        elif char == "#" and value[index - 1:index] in (" ", "\u3000"):
            break
        elif char == "，":
            before = value[:index].rstrip(" \u3000")[-1:]
            after = value[index + 1:].lstrip(" \u3000")[:1]
            separates = (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()) if in_list \
                else bool(_FLOW_KEY_AFTER.match(value, index + 1))
            if separates:
                found.append(_full_width(rel, number, start + index + 1, char,
                                         _("between the entries of a list") if in_list
                                         else _("between the entries of a mapping")))
        elif char in ("］", "｝") and opening in ("[", "{") and (char == "］") == in_list:
            found.append(_full_width(rel, number, start + index + 1, char,
                                     _("closing a list") if in_list else _("closing a mapping")))
        elif char == "：" and not in_list and re.search(rf"[{{,，][ \u3000]*{_KEY}[ \u3000]*$", value[:index]):
            found.append(_full_width(rel, number, start + index + 1, char, _("after a key")))
    return found


def _full_width(rel: str, line: int, column: int, char: str, where: str) -> Diagnostic:
    name, ascii_char = _FULL_WIDTH_NAMES[char]
    shown = _("an ASCII space") if ascii_char == " " else _("the ASCII '{char}'").format(char=ascii_char)
    return error_at(rel, line, column, "yaml.full-width",
               _("{name} '{char}' (U+{code:04X}) {where}: YAML needs {ascii} here").format(
                   name=_(name), char=char, code=ord(char), where=where, ascii=shown),
               _("switch the input method to half-width (English) punctuation and type it again"))


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def yaml_lines(text: str) -> list[str]:
    """The lines of a text as YAML counts them (CR, LF, CRLF, NEL, LS and PS all break lines)."""
    return _LINE_BREAK.split(text)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    return char_position(raw[:offset].decode("utf-8-sig", errors="replace"), None)


def char_position(text: str, offset: int | None) -> tuple[int, int]:
    lines = yaml_lines(text if offset is None else text[:offset])
    return len(lines), len(lines[-1]) + 1
