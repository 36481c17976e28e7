"""The authors' guide and the diagnostic reference: complete, generated, and the same everywhere."""

import json
import re
import subprocess
import sys

import markdown
import pytest

from conftest import CASES, ROOT, expected_file
from officebook.diagnostics import CODES
from officebook.guide import (
    ADVICE,
    GUIDE_FILE,
    REFERENCE_FILE,
    SECTIONS,
    SchemaSet,
    authors_guide,
    documents,
    repository_documents,
)
from officebook.scaffold import init_project
from officebook.vocabulary.kinds import KIND_SCHEMA

DOCS = ROOT / "guide"


def test_docs_folder_is_generated_from_the_current_schemas_and_codes():
    for name, text in repository_documents().items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, \
            f"guide/{name} is out of date: run python scripts/gen_docs.py"


@pytest.mark.slow
def test_gen_docs_check_reports_drift(tmp_path):
    script = ROOT / "scripts" / "gen_docs.py"
    run = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("gen_docs", script)
    gen_docs = module_from_spec(spec)
    spec.loader.exec_module(gen_docs)
    for name, text in repository_documents().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert list(gen_docs.stale(tmp_path)) == []
    chinese = tmp_path / "zh_CN" / GUIDE_FILE
    chinese.write_text(chinese.read_text(encoding="utf-8").replace("| 文本 |", "| 字符串 |", 1), encoding="utf-8")
    (tmp_path / GUIDE_FILE).write_text(authors_guide().replace("| text |", "| string |", 1), encoding="utf-8")
    assert sorted(gen_docs.stale(tmp_path)) == [tmp_path / GUIDE_FILE, chinese]


def test_init_projects_get_the_guide_of_their_default_language():
    """The guide of the repository (guide/ in English, guide/zh_CN/ in Chinese) is the one a project
    whose manual's default language is that language gets."""
    chinese = init_project(("zh", "en")).files
    english = init_project(("en", "zh")).files
    repository = repository_documents()
    for name, text in documents().items():
        assert english[f"guide/{name}"] == text == repository[name]
        assert chinese[f"guide/{name}"] == documents(language="zh")[name] == repository[f"zh_CN/{name}"]
    assert "# 编写指南" in chinese["guide/authors-guide.md"] and "# 问题代码说明" in chinese["guide/diagnostics.md"]
    assert "| [`title`](#item-title) | 文本 | **是** | 这一项的名称。 |" in chinese["guide/authors-guide.md"]
    assert "| `yaml.full-width` | 错误 |" in chinese["guide/diagnostics.md"]
    assert init_project(("fr", "en")).files["guide/authors-guide.md"] == english["guide/authors-guide.md"]


def test_every_piece_of_the_guide_is_translated():
    """No English sentence is left in the Chinese guide outside code, ids, field names and examples."""
    text = documents(language="zh_CN")["authors-guide.md"]
    prose = re.sub(r"<!--.*?-->|```.*?```|`[^`]*`|<a [^>]*></a>|\(#[^)]*\)|\([a-z-]+\.md\)", "", text, flags=re.S)
    english = [line for line in prose.splitlines() if re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", line)]
    assert english == []


# ---- every schema field in the guide ------------------------------------------------------------------


def _raw_fields(node, prefix=""):
    """Every property path of a raw schema, found without the guide's code: nested `properties`,
    and `items` of lists (as `name[]`)."""
    for name, sub in node.get("properties", {}).items():
        yield prefix + name, sub
        yield from _raw_fields(sub, f"{prefix}{name}.")
        if isinstance(sub.get("items"), dict):
            yield from _raw_fields(sub["items"], f"{prefix}{name}[].")


def _section(guide: str, heading: str) -> str:
    start = guide.index(f"\n## {heading}")
    end = guide.find("\n## ", start + 1)
    return guide[start:end if end > 0 else None]


def _resolved_description(sub: dict, schemas: dict) -> str:
    while "description" not in sub and "$ref" in sub:
        file, _, pointer = sub["$ref"].partition("#")
        target = schemas[file] if file else schemas["common.schema.json"]
        for part in pointer.strip("/").split("/"):
            target = target[part]
        sub = target
    return sub.get("description", "")


@pytest.mark.parametrize("kind, heading", SECTIONS, ids=[kind for kind, _ in SECTIONS])
def test_every_schema_field_is_in_its_section_with_type_required_and_description(kind, heading):
    guide = (DOCS / GUIDE_FILE).read_text(encoding="utf-8")
    section = _section(guide, heading)
    common = _section(guide, "Fields every item may carry")
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.schema.json")}
    schema = schemas[f"{KIND_SCHEMA[kind]}.schema.json"]
    fields = list(_raw_fields(schema))
    assert fields
    for path, sub in fields:
        parent = schema
        for part in path.split(".")[:-1]:
            parent = parent["properties"][part.removesuffix("[]")]
            parent = parent.get("items", parent) if part.endswith("[]") else parent
        required = path.split(".")[-1] in parent.get("required", [])
        rows = [line for line in section.splitlines() if line.startswith(f"| [`{path}`]")]
        assert len(rows) == 1, f"{kind}: the field {path} is missing from the guide's table"
        cells = [cell.strip() for cell in rows[0].split(" | ")]
        assert cells[1], f"{kind}.{path}: no type"
        assert cells[2] == ("**yes**" if required else "no"), f"{kind}.{path}: required is wrong"
        description = _resolved_description(sub, schemas)
        assert description and description.replace("|", "\\|") in rows[0], f"{kind}.{path}: no description"
        is_common = sub.get("$ref", "").startswith("common.schema.json#/$defs/item/")
        details = common if is_common else section
        block = details.split(f"#### `{path}`\n", 1)
        assert len(block) == 2, f"{kind}.{path}: no detailed entry"
        entry = block[1].split("####", 1)[0]
        assert "```yaml" in entry, f"{kind}.{path}: no example"


def test_every_field_has_a_title_description_and_example_in_the_schemas():
    schemas = SchemaSet()
    for kind, _ in SECTIONS:
        for field in schemas.fields(kind):
            assert field.title and field.title != field.name or field.name == "title", (kind, field.path)
            assert field.description, (kind, field.path)
            assert field.has_example, (kind, field.path)


def test_field_types_read_as_an_author_expects():
    types = {(kind, f.path): f.type for kind, _ in SECTIONS for f in SchemaSet().fields(kind)}
    assert types["duties", "raci.responsible"] == "list of post ids, at least 1"
    assert types["duties", "frequency"].startswith("one of `daily`, `weekly`")
    assert types["procedures", "steps"] == "list of steps, at least 1"
    assert types["procedures", "steps[].next"] == "list of step ids"
    assert types["manual", "languages"] == "list of language codes, at least 1"
    assert types["glossary", "terms[].see"] == "list of references (kind/id)"
    assert types["functions", "review_by"] == "date (YYYY-MM-DD)"


def test_field_examples_are_shown_in_place():
    fields = {f.path: f for f in SchemaSet().fields("procedures")}
    assert fields["steps[].actor"].example_yaml() == "steps:\n  - actor: director\n"
    assert fields["title"].example_yaml() == "title:\n  zh: 公文处理\n  en: Document handling\n", "a text: one language a line"


def test_guide_links_point_at_anchors_that_exist():
    html = markdown.markdown((DOCS / GUIDE_FILE).read_text(encoding="utf-8"), extensions=["tables", "fenced_code"])
    anchors = set(re.findall(r'id="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    headings = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
                for h in re.findall(r"<h2>(.*?)</h2>", html)}
    assert links and links <= anchors | headings, links - anchors - headings
    assert len(anchors) == len(re.findall(r'id="', html)), "an anchor is defined twice"


# ---- every code in the reference ----------------------------------------------------------------------


def test_every_code_has_advice_and_every_advice_a_code():
    assert set(ADVICE) == set(CODES)


def test_every_code_is_in_the_reference_with_severity_cause_and_fix():
    reference = (DOCS / REFERENCE_FILE).read_text(encoding="utf-8")
    for code, cause in CODES.items():
        rows = [line for line in reference.splitlines() if line.startswith(f"| `{code}` |")]
        assert len(rows) == 1, f"{code} is missing from the diagnostic reference"
        _, severity, shown_cause, fix = [cell.strip() for cell in rows[0].strip("|").split(" | ")]
        assert severity == ADVICE[code].severity.value
        assert cause.rstrip(".").lower() in shown_cause.lower()
        assert fix == ADVICE[code].fix.replace("|", "\\|")


def test_reference_severities_are_what_check_reports():
    """The severity of each code, as the invalid cases show `officebook check` reporting it."""
    seen = {}
    for case in (CASES / "invalid").iterdir():
        args = case / "args.txt"
        if args.exists() and "--strict" in args.read_text():
            continue  # strict turns warnings into errors
        for line in expected_file(case).read_text(encoding="utf-8").splitlines():
            match = re.search(r": (error|warning|错误|警告) \[([a-z0-9.-]+)\]", line)
            if match:
                severity = {"错误": "error", "警告": "warning"}.get(match.group(1), match.group(1))
                seen.setdefault(match.group(2), set()).add(severity)
    assert seen
    for code, severities in seen.items():
        assert severities == {ADVICE[code].severity.value}, code
