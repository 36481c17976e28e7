"""The loader: positions, safety, and never an exception (property tests with hypothesis)."""

import copy
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASES
from officebook.load import LoadLimits, Positions, load_bytes, load_file
from officebook.pipeline import run_check
from officebook.yaml_mistakes import full_width_findings, yaml_lines


def load(text: str | bytes, **limits):
    raw = text.encode() if isinstance(text, str) else text
    positions = Positions()
    data, diagnostics = load_bytes(raw, "f.yaml", LoadLimits(**limits), positions)
    return data, diagnostics, positions


def codes(diagnostics):
    return [d.code for d in diagnostics]


def test_values_know_their_line_and_column():
    data, diagnostics, positions = load("title: 文件审核\nraci:\n  responsible: [a, 秘书科]\n  accountable: b\n")
    assert diagnostics == []
    assert data == {"title": "文件审核", "raci": {"responsible": ["a", "秘书科"], "accountable": "b"}}
    assert positions.values[("title",)] == (1, 8)
    assert positions.values[("raci", "responsible", 1)] == (3, 20)
    assert positions.keys[("raci", "accountable")] == (4, 3)
    assert positions.of_value(("raci", "responsible", 7)) == (3, 16)  # nearest existing ancestor


def test_columns_count_characters_not_bytes():
    _, _, positions = load("标题: {中: 文件, en: x}\n")
    assert positions.values[("标题", "en")] == (1, 17)


def test_bom_is_tolerated():
    data, diagnostics, _ = load(b"\xef\xbb\xbftitle: x\n")
    assert data == {"title": "x"} and diagnostics == []


def test_dates_stay_text_and_numbers_keep_their_source():
    data, _, positions = load("review_by: 2027-01-31\nedition: 2026.10\norder: 0x10\n")
    assert data == {"review_by": "2027-01-31", "edition": 2026.1, "order": 16}
    assert positions.plain[("edition",)] == "2026.10"


def test_merge_keys_and_anchors():
    data, diagnostics, _ = load("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")
    assert diagnostics == [] and data["m"] == {"x": 1, "y": 3}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: 1\na: 2\n", "yaml.duplicate-key"),
        ("a:\n\tb: 1\n", "yaml.tab"),
        ("", "file.empty"),
        ("# only a comment\n", "file.empty"),
        ("- a\n", "file.not-mapping"),
        ("just text\n", "file.not-mapping"),
        ("a: !!python/object/apply:os.system [ls]\n", "yaml.tag"),
        ("a: !custom x\n", "yaml.tag"),
        ("a: !!binary aGk=\n", "yaml.tag"),
        ("a: 1\n---\nb: 2\n", "yaml.multi-document"),
        ("[1, 2]: x\n", "yaml.key-type"),
        ("on: x\n", "yaml.key-type"),
        ("a: [1\n", "yaml.syntax"),
        ("a: &x [*x]\n", "yaml.syntax"),
        ("a: " + "[" * 300 + "]" * 300 + "\n", "yaml.syntax"),
    ],
)
def test_bad_yaml_is_a_diagnostic(text, code):
    data, diagnostics, _ = load(text)
    assert code in codes(diagnostics)


def test_non_utf8_points_at_the_byte():
    _, diagnostics, _ = load("title: ok\nsummary: caf\xe9\n".encode("latin-1"))
    assert codes(diagnostics) == ["file.encoding"]
    assert (diagnostics[0].line, diagnostics[0].column) == (2, 13)


def test_alias_bomb_is_bounded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    _, diagnostics, _ = load("\n".join(lines) + "\n")
    assert codes(diagnostics) == ["yaml.alias-limit"]


def test_expansion_limit_is_a_setting():
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a]\n"
    assert load(text)[1] == []
    assert codes(load(text, max_nodes=20)[1]) == ["yaml.alias-limit"]


def test_oversize_file(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_text("title: " + "x" * 2000 + "\n")
    loaded = load_file(path, "big.yaml", LoadLimits(max_bytes=1000))
    assert codes(loaded.diagnostics) == ["file.too-large"] and loaded.data is None


def test_safe_constructor_never_builds_objects():
    data, _, _ = load("a: !!python/name:os.system\n")
    assert data == {"a": None}


# ---- property tests ------------------------------------------------------------------------------

yaml_ish = st.text(
    alphabet=st.sampled_from(list(string.printable) + ["\t", "中", "文", "\u00e9", "&", "*", "!", "<", "\ufeff"]),
    max_size=300,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), yaml_ish.map(str.encode)))
def test_any_bytes_give_data_or_diagnostics_inside_the_file(raw: bytes):
    positions = Positions()
    data, diagnostics = load_bytes(raw, "f.yaml", LoadLimits(), positions)
    assert data is None or isinstance(data, dict)
    assert data is not None or diagnostics
    lines = yaml_lines(raw.decode("utf-8-sig", errors="replace"))
    for diagnostic in diagnostics:
        assert 1 <= diagnostic.line <= len(lines), diagnostic
        assert 1 <= diagnostic.column <= len(lines[diagnostic.line - 1]) + 1, diagnostic


def _mapping_paths(data, path=()):
    """Every (mapping path, key) in data."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield path, key
            yield from _mapping_paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _mapping_paths(value, (*path, i))


def _required_keys():
    """(file, mapping path, key) for every key of the minimal manual that its schema requires."""
    from officebook.validate import kind_of
    from officebook.vocabulary.schemas import default_schemas

    content = CASES / "valid" / "minimal" / "content"
    schemas = default_schemas()
    found = []
    for path in sorted(content.rglob("*.yaml")):
        rel = path.relative_to(content).as_posix()
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for mapping_path, key in _mapping_paths(data):
            validator = schemas.python_validator(kind_of(rel))
            trimmed = copy.deepcopy(data)
            target = trimmed
            for part in mapping_path:
                target = target[part]
            del target[key]
            if any(e.validator == "required" for e in validator.iter_errors(trimmed)):
                found.append((rel, mapping_path, key))
    return found


REQUIRED = _required_keys()


def test_required_keys_were_found():
    assert len(REQUIRED) > 20


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(REQUIRED))
def test_removing_one_required_key_gives_exactly_one_required_error(tmp_path_factory, removal):
    import shutil

    rel, mapping_path, key = removal
    root = tmp_path_factory.mktemp("case")
    shutil.copytree(CASES / "valid" / "minimal" / "content", root / "content")
    path = root / "content" / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = data
    for part in mapping_path:
        target = target[part]
    del target[key]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    errors = [d for d in run_check(root / "content", use_cache=False).diagnostics if d.is_error]
    assert [d.code for d in errors] == ["schema.required"], [d.as_text() for d in errors]
    assert f"'{key}'" in errors[0].message and errors[0].file == rel


# ---- full-width punctuation: a finding of its own only where YAML needs ASCII -------------------------

_CHINESE_TEXT = st.text(alphabet="会议记录公文：，　［］｛｝（）。、“”；！？abc 123", min_size=1, max_size=30)


@given(_CHINESE_TEXT, _CHINESE_TEXT)
def test_full_width_punctuation_inside_texts_is_never_a_finding(first, second):
    """Chinese punctuation in a value (plain after `key: `, quoted, or in a block) is the author's text."""
    quoted = first.replace("'", "")
    text = (f"title: '{quoted}'\n"
            f"summary: \"{second.replace(chr(34), '')}\"\n"
            f"description: |\n  {first}\n  {second}\n"
            f"aim: 会议{first.strip() or '安排'}\n")
    assert [d.as_text() for d in full_width_findings("x.yaml", text)] == []


@pytest.mark.parametrize(("text", "where"), [
    ("a: b\nfrequency：weekly\n", (2, 10)),
    ("raci:\n  responsible: [a]\n\u3000accountable: b\n", (3, 1)),
    ("r: [secretary，director]\n", (1, 14)),
    ("r: ［secretary, director］\n", (1, 4)),
    ("t: ｛zh: 会议, en: Meeting｝\n", (1, 4)),
    ("t: {zh: 会议，en: Meeting}\n", (1, 11)),
    ("t:\u3000会议\n", (1, 3)),
    ("- a\n-\u3000b\n", (2, 2)),
])
def test_full_width_punctuation_where_yaml_needs_ascii_is_reported_at_its_place(text, where):
    data, found = load_bytes(text.encode("utf-8"), "x.yaml")
    assert data is None and found and all(d.code == "yaml.full-width" for d in found)
    assert (found[0].line, found[0].column) == where


@pytest.mark.parametrize("text", [
    "title: 会议：安排\n", "t: ［试行］办法\n", "t: {zh: 会议，讨论, en: x}\n", "d: |\n  frequency：weekly\n",
    "t: '[a，b]'\n", "# frequency：weekly\na: b\n",
])
def test_full_width_punctuation_in_texts_is_left_alone(text):
    assert full_width_findings("x.yaml", text) == []
