"""Write content YAML the way an author should copy it: block mappings, one language a line, id lists
on one line.

    title:
      zh: 公文审核
      en: Document review
    owner: secretary
    standards: [document-accuracy]
    steps:
      - id: draft
        action:
          zh: 起草文稿
          en: Draft the document

Used for the example files of `init`, the new items of `new` and the examples of the authors' guide.
Texts are never written `{zh: …, en: …}` on one line: an author who copies that form and types a
comma or an ASCII `: ` into a text breaks the mapping (the comma starts a new key); on its own line,
after `en: `, a comma is just text. Quoting is left to PyYAML, so every value reads back exactly as
written (`'2026.1'` stays a string).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

WIDTH = 10_000  # never fold a long text across lines
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent list entries under their key (`steps:\\n  - id: ...`), as people write them."""
        return super().increase_indent(flow, False)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _one_line(value: Any) -> bool:
    return _is_scalar(value) and not (isinstance(value, str) and "\n" in value)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=all(_one_line(v) for v in data))


def _is_date(text: str) -> bool:
    try:
        return bool(DATE.match(text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if _is_date(data):  # dates unquoted, as authors write them (officebook reads both)
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", data)
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """YAML text for `data` (LF line ends, UTF-8 characters kept, keys in the order given), every
    mapping in block style (texts included)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=WIDTH,
                     default_flow_style=False)
