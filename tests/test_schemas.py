"""The JSON Schemas: valid Draft 2020-12, closed, and the ones the package uses."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from officebook.vocabulary.kinds import KIND_SCHEMA
from officebook.vocabulary.schemas import SCHEMA_DIR, default_schemas

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


def _check_jsonschema(schema: Path, files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_check_jsonschema_uses_the_schemas_from_any_folder(tmp_path):
    """Another JSON Schema tool, run from a folder that is neither the schemas' nor the content's: the
    references between schema files resolve (relative to the file, since no schema sets a relative $id)."""
    pytest.importorskip("check_jsonschema")  # a test extra (scripts/test installs it)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    content = ROOT / "content"
    for kind, name in KIND_SCHEMA.items():
        files = sorted((content / kind).rglob("*.yaml")) if (content / kind).is_dir() else [content / f"{kind}.yaml"]
        run = _check_jsonschema(ROOT / "schemas" / f"{name}.schema.json", files, elsewhere)
        assert run.returncode == 0, f"{name}: {run.stdout}{run.stderr}"
    wrong = _check_jsonschema(ROOT / "schemas" / "duty.schema.json", sorted((content / "posts").glob("*.yaml"))[:1],
                              elsewhere)
    assert wrong.returncode == 1 and "is a required property" in wrong.stdout, wrong.stdout + wrong.stderr
