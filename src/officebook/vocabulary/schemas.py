"""The JSON Schemas in `schemas/`: where they are, the registry that resolves their references, and
each kind's schema for validation.

The registry is `referencing`'s (the library jsonschema resolves `$ref` with): every schema file is a
resource under its file name, so `common.schema.json#/$defs/text` resolves as the files write it.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from officebook.vocabulary.kinds import KIND_SCHEMA

if TYPE_CHECKING:  # imported when a file is first validated: a re-check from the cache needs neither
    import jsonschema
    import referencing

SCHEMA_DIR = Path(__file__).parent.parent / "schemas"
EXPORT_SCHEMA = "export.schema.json"
# The keywords of a schema that are interface text (translated), not shape.
SCHEMA_TEXT_KEYS = ("title", "description")


def schema_file(kind: str) -> str:
    """The schema file name of a kind of content file (`functions` → `function.schema.json`)."""
    return f"{KIND_SCHEMA[kind]}.schema.json"


@functools.cache
def schema_document(name: str, directory: Path = SCHEMA_DIR) -> dict[str, Any]:
    """One schema file, parsed (shared: never change what it returns)."""
    return json.loads((directory / name).read_text(encoding="utf-8"))


def schema_names(directory: Path = SCHEMA_DIR) -> list[str]:
    return sorted(path.name for path in directory.glob("*.schema.json"))


@functools.cache
def registry(directory: Path = SCHEMA_DIR) -> referencing.Registry:
    """Every schema file of `directory` as a resource under its file name."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resources(
        (name, Resource.from_contents(schema_document(name, directory), default_specification=DRAFT202012))
        for name in schema_names(directory))


def validator(name: str, directory: Path = SCHEMA_DIR) -> jsonschema.protocols.Validator:
    """A validator of one schema file, its references resolved through the registry."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema_document(name, directory), registry=registry(directory),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


class Schemas:
    """Each kind's schema, validated through the registry; also inlined (common.schema.json's
    definitions copied in) for the walks of the semantic checks and the compiled validator."""

    def __init__(self, directory: Path = SCHEMA_DIR) -> None:
        self.directory = directory
        self.defs: dict[str, Any] = schema_document("common.schema.json", directory)["$defs"]
        self.by_kind: dict[str, dict] = {}
        self._python: dict[str, jsonschema.protocols.Validator] = {}
        self._fast: dict[str, Any] = {}
        for kind in KIND_SCHEMA:
            schema = _inline(schema_document(schema_file(kind), directory))
            schema.pop("$id", None)
            schema["$defs"] = {**copy.deepcopy(self.defs), **schema.get("$defs", {})}
            self.by_kind[kind] = schema

    def python_validator(self, kind: str) -> jsonschema.protocols.Validator:
        if kind not in self._python:
            self._python[kind] = validator(schema_file(kind), self.directory)
        return self._python[kind]

    def is_valid(self, kind: str, data: Any) -> bool:
        """A quick yes/no (compiled validator where available); details come from `errors`."""
        if kind not in self._fast:
            try:
                import jsonschema_rs
            except ImportError:  # the compiled validator is an optional speed-up
                return self.python_validator(kind).is_valid(data)
            self._fast[kind] = jsonschema_rs.Draft202012Validator(self.by_kind[kind], validate_formats=True)
        try:
            return self._fast[kind].is_valid(data)
        except (ValueError, OverflowError):
            return self.python_validator(kind).is_valid(data)

    def errors(self, kind: str, data: Any) -> Iterator[jsonschema.ValidationError]:
        return self.python_validator(kind).iter_errors(data)


def _inline(schema: Any) -> Any:
    """Point `common.schema.json#/...` refs at the inlined `#/...` definitions."""
    if isinstance(schema, dict):
        out = {k: _inline(v) for k, v in schema.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("common.schema.json#"):
            out["$ref"] = ref[len("common.schema.json"):]
        return out
    if isinstance(schema, list):
        return [_inline(v) for v in schema]
    return schema


@functools.cache
def default_schemas() -> Schemas:
    return Schemas()
