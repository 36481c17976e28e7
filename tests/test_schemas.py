"""The JSON Schemas: valid Draft 2020-12, closed, and the ones the package uses."""

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from officebook.validate import KIND_SCHEMA, SCHEMA_DIR, default_schemas

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_draft_2020_12(path: Path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def _objects(schema):
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema and schema is not None:
            yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


@pytest.mark.parametrize("kind", sorted(KIND_SCHEMA))
def test_every_object_is_closed(kind):
    schema = default_schemas().by_kind[kind]
    closed = [o for o in _objects({k: v for k, v in schema.items() if k != "$defs"})]
    assert closed and all(o.get("additionalProperties") is False for o in closed)


def test_the_package_reads_the_top_level_schemas():
    assert SCHEMA_DIR.resolve() == (ROOT / "schemas").resolve()


@pytest.mark.parametrize("kind", sorted(KIND_SCHEMA))
def test_compiled_and_python_validators_agree(kind):
    """The fast path (jsonschema-rs) must accept exactly what the Python validator accepts."""
    schemas = default_schemas()
    samples = [{}, {"title": "x"}, {"title": {"zh": "x"}}, {"title": 1}, {"title": "x", "review_by": "2026-02-30"},
               {"title": "x", "review_by": "2026-02-28"}, {"title": "x", "unknown": 1}]
    for sample in samples:
        assert schemas.is_valid(kind, sample) == schemas.python_validator(kind).is_valid(sample), sample
