"""export --format xlsx: the workbooks read back with openpyxl and opened by LibreOffice."""

import csv
import io
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from conftest import CASES, ROOT
from officebook.cells import neutralise_cell
from officebook.pipeline import run_check
from officebook.vocabulary.labels import label
from officebook.xlsx import WORKBOOK_FORMAT, sheet_name, workbook_bytes, xlsx_workbooks

SECOND = CASES / "valid" / "second-edition" / "content"
HOSTILE_TITLES = ['=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1)", "#N/A", "=1+1",
                  "\t=cmd|' /C calc'!A0", " =SUM(1)"]


@pytest.fixture(scope="module")
def default_manual():
    return run_check(ROOT / "content", use_cache=False).manual


@pytest.fixture(scope="module")
def default_zh(default_manual, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "officebook-zh.xlsx"
    path.write_bytes(workbook_bytes(default_manual, "zh"))
    return path


def test_one_workbook_per_language_with_the_four_tables_and_an_about_sheet(default_manual, default_zh):
    assert sorted(xlsx_workbooks(default_manual, ["en"])) == ["officebook-en.xlsx"]
    book = load_workbook(default_zh)
    assert book.sheetnames == ["职责分工", "职责清单", "检查清单", "岗位", "说明"]
    about = book["说明"]
    assert (about["A1"].value, about["B1"].value) == ("format", WORKBOOK_FORMAT)
    facts = {about.cell(r, 1).value: about.cell(r, 2).value for r in range(1, 9)}
    assert facts["language"] == "zh" and facts["raci-sheet"] == "职责分工"
    assert facts["edition"] == default_manual.info.edition


def test_raci_sheet_has_ids_beside_titles_and_the_roles_of_the_manual(default_manual, default_zh):
    sheet = load_workbook(default_zh)["职责分工"]
    posts = default_manual.raci.posts
    assert [sheet.cell(2, 3 + i).value for i in range(len(posts))] == list(posts)
    assert [sheet.cell(1, 3 + i).value for i in range(len(posts))] == [
        default_manual.posts[p].title.get("zh") for p in posts]
    duties = default_manual.raci.duties
    assert [sheet.cell(3 + i, 1).value for i in range(len(duties))] == list(duties)
    for row, duty in enumerate(duties, start=3):
        assert sheet.cell(row, 2).value == default_manual.duties[duty].title.get("zh")
        for column, post in enumerate(posts, start=3):
            assert (sheet.cell(row, column).value or "") == default_manual.raci.cell(duty, post)
    assert sheet.freeze_panes == "C3"
    assert sheet.column_dimensions["B"].width > 20 and sheet.column_dimensions["A"].width > 12


def test_list_sheets_have_ids_beside_titles_frozen_headers_and_one_entry_a_line(default_manual, default_zh):
    book = load_workbook(default_zh)
    duties = book["职责清单"]
    header = [c.value for c in duties[1]]
    assert header[:5] == ["编号", "职责", "职能编号", "职能", "频次"]
    responsible_ids = header.index(label("ids-of", "zh", field=label("responsible", "zh")))
    first = next(iter(default_manual.duties.values()))
    assert duties.cell(2, 1).value == first.id
    assert duties.cell(2, responsible_ids + 1).value.split("\n") == list(first.raci.responsible)
    assert duties.cell(2, responsible_ids + 2).value.split("\n") == [
        default_manual.posts[p].title.get("zh") for p in first.raci.responsible]
    assert duties.freeze_panes == "C2"
    checklists = book["检查清单"]
    rows = checklists.max_row - 1
    expected = sum(len(v.first_day) + len(v.first_week) + len(v.first_month) for v in default_manual.onboarding.values())
    expected += sum(sum(map(len, c.by_frequency.values())) + len(c.steps) + len(c.criteria)
                    for c in default_manual.checklists.values())
    assert rows == expected
    posts = book["岗位"]
    assert [posts.cell(r, 1).value for r in range(2, posts.max_row + 1)] == list(default_manual.post_order)


def test_every_cell_is_a_string_and_no_hostile_title_becomes_a_formula(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SECOND, content)
    files = sorted((content / "duties").glob("*.yaml")) + sorted((content / "posts").glob("*.yaml"))
    assert len(files) >= len(HOSTILE_TITLES)
    for path, title in zip(files, HOSTILE_TITLES, strict=False):
        text = path.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith("title:")]
        quoted = title.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        path.write_text(f'title: {{zh: "{quoted}", en: "{quoted}"}}\n' + "\n".join(lines) + "\n", encoding="utf-8")
    result = run_check(content, use_cache=False)
    assert result.manual is not None, [d.as_text() for d in result.diagnostics]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(workbook_bytes(result.manual, "zh"))
    book = load_workbook(path)
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                assert not str(cell.value).lstrip(" \t").startswith(("=", "+", "-", "@")), cell.value
                seen.add(str(cell.value))
    for title in HOSTILE_TITLES:  # formula starts get the apostrophe; "#N/A" stays text, not an error value
        assert neutralise_cell(" ".join(title.split())) in seen  # titles are folded onto one line


@pytest.fixture(scope="module")
def soffice():
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc)")
    return found


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_with_chinese_intact(soffice, default_manual, default_zh, tmp_path):
    shutil.copy(default_zh, tmp_path / "book.xlsx")
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "out"),
         str(tmp_path / "book.xlsx")],
        capture_output=True, text=True, timeout=180,
    )
    converted = tmp_path / "out" / "book.csv"
    assert converted.exists(), run.stdout + run.stderr
    rows = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"), newline="")))
    assert rows[0][:2] == ["职责编号", "职责"]
    assert rows[1][2:2 + len(default_manual.raci.posts)] == list(default_manual.raci.posts)
    duty = default_manual.raci.duties[0]
    assert rows[2][:2] == [duty, default_manual.duties[duty].title.get("zh")]


def test_export_command_writes_the_workbooks(tmp_path):
    run = subprocess.run([sys.executable, "-m", "officebook", "export", str(SECOND), "--format", "xlsx", "-o",
                          str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["officebook-en.xlsx", "officebook-zh.xlsx"]
    assert load_workbook(tmp_path / "officebook-en.xlsx").sheetnames[0] == sheet_name("raci", "en") == "RACI"

