"""`officebook export`: the JSON catalogue against its own schema, and CSV tables for spreadsheets."""

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from conftest import CASES, ROOT, officebook
from officebook.export import EXPORT_VERSION, csv_tables, export_data, export_json, load_export_schema
from officebook.pipeline import run_check
from officebook.vocabulary.labels import label

MINIMAL = CASES / "valid" / "minimal" / "content"


@pytest.fixture(scope="module")
def default_manual():
    result = run_check(ROOT / "content", use_cache=False)
    assert result.manual is not None
    return result.manual


@pytest.fixture(scope="module")
def minimal_manual():
    return run_check(MINIMAL, use_cache=False).manual


def _officebook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return officebook(*args, cwd=cwd or ROOT)


def test_export_schema_is_versioned_and_documented():
    schema = load_export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["version"]["const"] == EXPORT_VERSION
    assert "version" in schema["required"] and schema["description"]


def test_json_export_of_the_default_manual_validates_and_round_trips_its_counts(default_manual):
    data = json.loads(export_json(default_manual))
    jsonschema.Draft202012Validator(load_export_schema()).validate(data)
    manual = default_manual
    for kind in ("functions", "duties", "procedures", "standards", "posts"):
        order = manual.post_order if kind == "posts" else tuple(manual.kind(kind))
        assert tuple(item["id"] for item in data["items"][kind]) == order
        assert data["counts"][kind] == len(data["items"][kind]) == len(manual.kind(kind))
    assert data["counts"]["glossary"] == len(data["glossary"]) == len(manual.glossary)
    assert sum(len(p["steps"]) for p in data["items"]["procedures"]) == sum(
        len(p.steps) for p in manual.procedures.values())
    assert sum(len(i["referenced_by"]) for kind in data["items"].values() for i in kind) == sum(
        len(refs) for refs in manual.backrefs.values())
    for lists in data["checklists"]:
        derived = manual.checklists[lists["post"]["id"]]
        assert {f: len(e) for f, e in lists["by_frequency"].items()} == {
            f: len(e) for f, e in derived.by_frequency.items()}
        assert (len(lists["steps"]), len(lists["criteria"])) == (len(derived.steps), len(derived.criteria))
    for view in data["onboarding"]:
        derived = manual.onboarding[view["post"]["id"]]
        for field in ("first_day", "first_week", "first_month", "duties", "procedures_owned",
                      "procedures_acted_in", "standards", "direct_reports"):
            assert len(view[field]) == len(getattr(derived, field)), field
    cells = {(row["duty"]["id"], post): role
             for row in data["raci"]["rows"] for post, role in row["roles"].items()}
    assert cells == {key: role for key, role in manual.raci.cells.items() if role}


def test_json_export_resolves_references_and_lists_back_references(minimal_manual):
    data = export_data(minimal_manual)
    duties = {d["id"]: d for d in data["items"]["duties"]}
    handling = duties["document-handling"]
    assert handling["function"] == {"kind": "functions", "id": "coordination",
                                     "title": {"zh": "综合协调", "en": "Coordination"}}
    assert handling["raci"]["accountable"]["title"]["en"] == "Office Director"
    assert [p["id"] for p in handling["raci"]["informed"]] == ["driver"]
    review = next(p for p in data["items"]["procedures"] if p["id"] == "document-review")
    assert [(s["id"], s["next"]) for s in review["steps"]] == [
        ("draft", ["check"]), ("check", ["sign", "draft"]), ("sign", [])]
    secretary = next(p for p in data["items"]["posts"] if p["id"] == "secretary")
    assert {"source": {"kind": "duties", "id": "document-handling", "title": handling["title"]},
            "field": "raci.responsible"} in secretary["referenced_by"]
    term_backref = next(b for b in review["referenced_by"] if b["source"] is None)
    assert term_backref["field"] == "terms[0].see"
    onboarding = next(o for o in data["onboarding"] if o["post"]["id"] == "secretary")
    assert [e["key"] for e in onboarding["first_week"]] == ["onboarding:first_week/0"]


def test_json_export_is_deterministic_and_keeps_chinese_readable(minimal_manual):
    text = export_json(minimal_manual)
    assert text == export_json(run_check(MINIMAL, use_cache=False).manual)
    assert "示例办公室工作手册" in text and "\\u" not in text and text.endswith("}\n")


def test_export_command_writes_json_and_csv(tmp_path):
    out = tmp_path / "out"
    run = _officebook("export", str(MINIMAL), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert json.loads((out / "officebook.json").read_text(encoding="utf-8"))["counts"]["duties"] == 3
    run = _officebook("export", str(MINIMAL), "--format", "csv", "-o", str(out))
    assert run.returncode == 0, run.stderr
    tables = [f"{t}-{lang}.csv" for t in ("raci", "assignments", "checklists", "duties") for lang in ("zh", "en")]
    assert sorted(p.name for p in out.iterdir()) == sorted(["officebook.json", *tables])
    stdout = _officebook("export", str(MINIMAL), "-o", "-")
    assert stdout.returncode == 0 and json.loads(stdout.stdout)["version"] == EXPORT_VERSION


def test_export_command_exit_codes(tmp_path):
    assert _officebook("export", str(MINIMAL), "--format", "csv", "-o", "-").returncode == 2
    broken = tmp_path / "content"
    shutil.copytree(MINIMAL, broken)
    (broken / "duties" / "annual-review.yaml").write_text("title: x\nfunction: nowhere\n", encoding="utf-8")
    run = _officebook("export", "--no-cache", str(broken), "-o", str(tmp_path / "out"))
    assert run.returncode == 1 and "error [" in run.stderr and not (tmp_path / "out").exists()


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_tables_open_with_the_csv_module(minimal_manual):
    tables = csv_tables(minimal_manual)
    raci = _rows(tables["raci-zh.csv"])
    assert raci[0] == ["编号", "职责", "办公室主任 (director)", "秘书 (secretary)", "驾驶员 (driver)"]
    assert sorted(raci[1:]) == [["annual-review", "年度总结", "R/A", "R", ""],
                                ["document-handling", "公文处理", "A", "R", "I"],
                                ["vehicles", "车辆保障", "C", "A", "R"]]
    assert [row[0] for row in raci[1:]] == list(minimal_manual.raci.duties)
    assert b"\r\n" in tables["raci-zh.csv"] and b"\n" not in tables["raci-zh.csv"].replace(b"\r\n", b"")
    checklists = _rows(tables["checklists-en.csv"])
    entries = sum(len(v.first_day) + len(v.first_week) + len(v.first_month)
                  for v in minimal_manual.onboarding.values())
    entries += sum(sum(map(len, c.by_frequency.values())) + len(c.steps)
                   + sum(len(g.entries) for sheet in c.cases for g in sheet.criteria)
                   + sum(len(g.entries) for g in c.general)
                   for c in minimal_manual.checklists.values())
    assert len(checklists) == entries + 1
    assert ["director", "Office Director", "Daily", "duty:document-handling", "Document handling",
            "Document handling", "Receive, register and route documents."] in checklists
    assert ["secretary", "Secretary", "Onboarding: First month", "onboarding:first_month/0",
            "Draft a notice on your own", "Secretary", ""] in checklists
    duties = _rows(tables["duties-zh.csv"])
    assert next(row for row in duties if row[0] == "annual-review")[:8] == ["annual-review", "年度总结", "综合协调", "每年",
                             "办公室主任\n秘书", "办公室主任", "", ""]
    assignments = _rows(tables["assignments-en.csv"])
    assert assignments[0] == ["Duty (id)", "Duty", "Post id", "Post", "Role", "Role name"]
    assert [row for row in assignments if row[0] == "document-handling"] == [
        ["document-handling", "Document handling", "secretary", "Secretary", "R", "Responsible"],
        ["document-handling", "Document handling", "director", "Office Director", "A", "Accountable"],
        ["document-handling", "Document handling", "driver", "Driver", "I", "Informed"],
    ]
    roles = sum(len(d.raci.members) + (d.raci.accountable in d.raci.responsible) for d in minimal_manual.duties.values())
    assert len(assignments) == roles + 1


def test_csv_lists_split_back_into_titles_even_when_titles_hold_separators(tmp_path):
    """Titles with 、 and , (as real ones have) must come back whole from a multi-title cell."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    post = content / "posts" / "secretary.yaml"
    post.write_text(post.read_text(encoding="utf-8").replace(
        "title: {zh: 秘书, en: Secretary}", 'title: {zh: 秘书（文稿、会务）, en: "Secretary, drafting and meetings"}'),
        encoding="utf-8")
    manual = run_check(content, use_cache=False).manual
    tables = csv_tables(manual)
    for lang, secretary in (("zh", "秘书（文稿、会务）"), ("en", "Secretary, drafting and meetings")):
        duties = _rows(tables[f"duties-{lang}.csv"])
        responsible = duties[0].index(label("responsible", lang))
        row = next(r for r in duties if r[0] == "annual-review")
        assert row[responsible].split("\n") == [label_title(manual, "director", lang), secretary]
        raci = _rows(tables[f"raci-{lang}.csv"])
        assert f"{secretary} (secretary)" in raci[0]


def label_title(manual, post: str, lang: str) -> str:
    return manual.posts[post].title.get(lang)


def _without_trailing_blanks(row: list[str]) -> list[str]:
    """A spreadsheet does not store empty cells at the end of a row."""
    while row and row[-1] == "":
        row = row[:-1]
    return row


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The first sheet of an .xlsx as rows of strings (shared strings and inline numbers)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as book:
        shared = [
            "".join(t.text or "" for t in si.iterfind(".//m:t", ns))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iterfind("m:si", ns)
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind(".//m:sheetData/m:row", ns):
        cells: dict[int, str] = {}
        for cell in row.iterfind("m:c", ns):
            column = re.match(r"[A-Z]+", cell.get("r")).group()
            index = 0
            for letter in column:
                index = index * 26 + ord(letter) - 64
            value = cell.find("m:v", ns)
            text = "" if value is None else value.text or ""
            cells[index - 1] = shared[int(text)] if cell.get("t") == "s" else text
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


@pytest.mark.slow
def test_libreoffice_reads_the_checklists_as_the_csv_module_does(tmp_path, default_manual):
    """One headless LibreOffice run converting both languages' checklists of the default manual.

    LibreOffice's import is told the files are UTF-8 (`76`), as one picks in its Text Import dialog; it
    must then drop the BOM and read quoting, CRLF and Chinese exactly as Python's csv module does."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc)")
    tables = csv_tables(default_manual)
    names = ["checklists-zh.csv", "checklists-en.csv"]
    for name in names:
        (tmp_path / name).write_bytes(tables[name])
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         *(str(tmp_path / name) for name in names)],
        capture_output=True, text=True, timeout=180,
    )
    for name in names:
        converted = tmp_path / name.replace(".csv", ".xlsx")
        assert converted.exists(), run.stdout + run.stderr
        assert _xlsx_rows(converted) == [_without_trailing_blanks(row) for row in _rows(tables[name])]
    assert _xlsx_rows(tmp_path / "checklists-zh.xlsx")[0][:2] == ["岗位编号", "岗位"]
    assert any(b'"' in tables[name] for name in names)  # quoting was exercised
