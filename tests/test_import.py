"""officebook import: an edited RACI sheet back into the YAML, every other byte kept."""

import difflib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from conftest import CASES, officebook
from officebook.importer import RaciEditError, edit_raci, parse_letters
from officebook.pipeline import run_check
from officebook.xlsx import workbook_bytes

SECOND = CASES / "valid" / "second-edition" / "content"


def _raci(text: str) -> dict:
    return yaml.safe_load(text)["raci"]


def _changed_lines(old: str, new: str) -> list[str]:
    """The lines a diff removes (`- …`), then those it adds (`+ …`)."""
    diff = [line for line in difflib.ndiff(old.splitlines(True), new.splitlines(True)) if line[:1] in "+-"]
    return [line for line in diff if line[0] == "-"] + [line for line in diff if line[0] == "+"]


# ---- editing at positions ------------------------------------------------------------------------


BLOCK = """\
# 公文处理：分工经主任办公会研究确定
title: {zh: 公文处理, en: Document handling}
raci:
  responsible:
    - secretary   # 主办
    - clerk
  accountable: 'director'
  # 征询意见的岗位
  consulted:
  - deputy
frequency: daily
"""


def test_block_lists_lose_and_gain_lines_and_nothing_else_changes():
    new = edit_raci(BLOCK, {"responsible": ["secretary", "driver"], "accountable": ["deputy"],
                            "consulted": ["deputy", "clerk"]})
    assert new == """\
# 公文处理：分工经主任办公会研究确定
title: {zh: 公文处理, en: Document handling}
raci:
  responsible:
    - secretary   # 主办
    - driver
  accountable: 'deputy'
  # 征询意见的岗位
  consulted:
  - deputy
  - clerk
frequency: daily
"""


def test_an_emptied_list_loses_its_key_and_a_new_role_is_added_in_the_file_style():
    new = edit_raci(BLOCK, {"consulted": [], "informed": ["driver", "on"]})
    assert _raci(new) == {"responsible": ["secretary", "clerk"], "accountable": "director", "informed": ["driver", "on"]}
    assert "consulted" not in new and "  # 征询意见的岗位\n" in new
    assert "  informed:\n    - driver\n    - 'on'\n" in new  # `on` would read back as true unquoted


def test_flow_lists_and_scalars_are_replaced_in_place_keeping_quotes_and_crlf():
    text = ('\ufefftitle: x\r\nraci:\r\n  responsible: ["a", "b"]  # two\r\n  accountable: c\r\n'
            '  informed: [ d ]\r\nfrequency: daily\r\n')
    new = edit_raci(text, {"responsible": ["b"], "accountable": ["a"], "informed": ["d", "e"], "consulted": ["c"]})
    assert new == ('\ufefftitle: x\r\nraci:\r\n  responsible: ["b"]  # two\r\n  accountable: a\r\n'
                   '  informed: [ d, e ]\r\n  consulted: [c]\r\nfrequency: daily\r\n')


def test_a_flow_mapping_raci_is_edited_in_place():
    text = "raci: {responsible: [a], accountable: b}\nother: 1\n"
    new = edit_raci(text, {"accountable": ["c"], "consulted": ["a"]})
    assert new == "raci: {responsible: [a], accountable: c, consulted: [a]}\nother: 1\n"


def test_a_raci_written_through_an_alias_or_merge_key_is_refused():
    shared = "base: &r {responsible: [a], accountable: b}\nraci: *r\n"
    with pytest.raises(RaciEditError, match="alias"):
        edit_raci(shared, {"accountable": ["c"]})
    merged = "base: &r {responsible: [a]}\nraci:\n  <<: *r\n  accountable: b\n"
    with pytest.raises(RaciEditError, match="merge"):
        edit_raci(merged, {"accountable": ["c"]})


def test_every_file_of_the_default_manual_round_trips_unchanged_when_nothing_changes():
    for path in sorted((Path(__file__).parent.parent / "content" / "duties").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        raci = _raci(text)
        same = {role: raci.get(role, []) if role != "accountable" else [raci["accountable"]]
                for role in ("responsible", "accountable", "consulted", "informed")}
        assert edit_raci(text, same) == text, path


def test_cell_letters_are_read_as_people_type_them():
    assert parse_letters("R/A") == ({"responsible", "accountable"}, [])
    assert parse_letters("牵头") == ({"responsible"}, [])  # what a Chinese user types for R
    assert parse_letters("牵头、负责") == ({"responsible", "accountable"}, [])  # as the zh matrix prints it
    assert parse_letters("牵头负责") == ({"responsible", "accountable"}, [])
    assert parse_letters(" 会商 ") == ({"consulted"}, []) and parse_letters("知会") == ({"informed"}, [])
    assert parse_letters("Responsible") == ({"responsible"}, [])
    assert parse_letters("牵头/主办") == ({"responsible"}, ["主办"])
    assert parse_letters(" ｒ，ａ ") == ({"responsible", "accountable"}, [])  # full-width, as a Chinese IME types
    assert parse_letters("RA") == ({"responsible", "accountable"}, [])
    assert parse_letters("R/X") == ({"responsible"}, ["X"])
    assert parse_letters("") == (set(), [])


# ---- the command ---------------------------------------------------------------------------------


def _officebook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return officebook(*args, cwd=cwd)

@pytest.fixture
def project(tmp_path):
    """A copy of the second-edition manual with comments in a duty file, and its exported zh workbook."""
    content = tmp_path / "content"
    shutil.copytree(SECOND, content)
    supervision = content / "duties" / "supervision.yaml"
    supervision.write_text(supervision.read_text(encoding="utf-8").replace(
        "raci:\n", "# 分工依据：主任办公会纪要\nraci:\n").replace(
        "  consulted: [secretary]", "  consulted: [secretary]  # 文稿把关"), encoding="utf-8")
    manual = run_check(content, use_cache=False).manual
    book = tmp_path / "raci.xlsx"
    book.write_bytes(workbook_bytes(manual, "zh"))
    return content, book


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(book: Path, changes: dict[tuple[str, str], str | None], out: Path | None = None) -> Path:
    """Set RACI cells by (duty id, post id) with openpyxl, as someone editing in Excel would."""
    workbook = load_workbook(book)
    sheet = workbook["职责分工"]
    columns = {sheet.cell(2, c).value: c for c in range(3, sheet.max_column + 1)}
    rows = {sheet.cell(r, 1).value: r for r in range(3, sheet.max_row + 1)}
    for (duty, post), value in changes.items():
        sheet.cell(rows[duty], columns[post]).value = value
    target = out or book
    workbook.save(target)
    return target


def test_import_rewrites_exactly_the_edited_roles_and_keeps_the_comments(project):
    content, book = project
    before = {p: p.read_text(encoding="utf-8") for p in (content / "duties").glob("*.yaml")}
    _edit(book, {("supervision", "director"): "R", ("supervision", "secretary"): "A",  # two cells
                 })
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "duties/supervision.yaml: raci.responsible supervision-officer → supervision-officer, director",
        "duties/supervision.yaml: raci.accountable director → secretary",
        "duties/supervision.yaml: raci.consulted secretary → (none)",
    ]
    after = {p: p.read_text(encoding="utf-8") for p in before}
    changed = [p.name for p in before if before[p] != after[p]]
    assert changed == ["supervision.yaml"]
    old, new = before[content / "duties" / "supervision.yaml"], after[content / "duties" / "supervision.yaml"]
    assert _changed_lines(old, new) == [
        "-   responsible: [supervision-officer]\n",
        "-   accountable: director\n",
        "-   consulted: [secretary]  # 文稿把关\n",
        "+   responsible: [supervision-officer, director]\n",
        "+   accountable: secretary\n",
    ]
    assert "# 分工依据：主任办公会纪要\n" in new
    assert run_check(content, use_cache=False).manual.duties["supervision"].raci.accountable == "secretary"


def test_import_of_two_duties_changes_one_line_each(project):
    content, book = project
    before = _snapshot(content)
    texts = {n: (content / "duties" / n).read_text(encoding="utf-8") for n in ("emergency.yaml", "duty-shift.yaml")}
    _edit(book, {("emergency", "secretary"): "I", ("duty-shift", "secretary"): None})
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 0, run.stderr
    assert _changed_lines(texts["emergency.yaml"], (content / "duties" / "emergency.yaml").read_text(encoding="utf-8")) == [
        "+   informed: [secretary]\n"]
    assert _changed_lines(texts["duty-shift.yaml"], (content / "duties" / "duty-shift.yaml").read_text(encoding="utf-8")) == [
        "-   informed: [secretary]\n"]
    after = _snapshot(content)
    assert sorted(k for k in before if before[k] != after[k]) == ["duties/duty-shift.yaml", "duties/emergency.yaml"]


def test_dry_run_prints_the_changes_and_writes_nothing(project):
    content, book = project
    before = _snapshot(content)
    _edit(book, {("emergency", "secretary"): "C"})
    run = _officebook("import", str(book), str(content), "--dry-run")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "duties/emergency.yaml: raci.consulted (none) → secretary\n"
    assert _snapshot(content) == before


def test_an_unchanged_sheet_changes_nothing(project):
    content, book = project
    before = _snapshot(content)
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 0 and run.stdout == "" and "no changes" in run.stderr
    assert _snapshot(content) == before


@pytest.mark.parametrize(("edit", "message"), [
    ({("supervision", "secretary"): "A"}, "2 accountable posts"),
    ({("supervision", "supervision-officer"): "C"}, "no responsible post"),
    ({("supervision", "director"): "X"}, "'X' is not R, A, C or I"),
    ({("supervision", "director"): "=A1"}, "a formula"),
])
def test_a_sheet_that_breaks_the_rules_writes_nothing(project, edit, message):
    content, book = project
    before = _snapshot(content)
    _edit(book, {("emergency", "secretary"): "I", **edit})  # a valid edit too: still nothing is written
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 1, run.stdout + run.stderr
    assert message in run.stderr and "nothing written" in run.stderr and run.stdout == ""
    assert _snapshot(content) == before


def test_an_unknown_post_id_or_a_vanished_duty_writes_nothing(project):
    content, book = project
    before = _snapshot(content)
    workbook = load_workbook(book)
    sheet = workbook["职责分工"]
    sheet.cell(2, 3).value = "direktor"
    sheet.cell(3, 1).value = "no-such-duty"
    workbook.save(book)
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 1
    assert "no post 'direktor'" in run.stderr and "did you mean 'director'" in run.stderr
    assert "no duty 'no-such-duty'" in run.stderr
    assert _snapshot(content) == before


def test_a_duty_removed_from_the_content_since_the_export_writes_nothing(project):
    content, book = project
    _edit(book, {("emergency", "secretary"): "I"})
    (content / "duties" / "emergency.yaml").unlink()
    before = _snapshot(content)
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 1 and "no duty 'emergency'" in run.stderr
    assert _snapshot(content) == before


def test_a_workbook_that_is_not_officebooks_is_a_usage_error(project, tmp_path):
    content, _ = project
    before = _snapshot(content)
    foreign = tmp_path / "foreign.xlsx"
    workbook = Workbook()
    workbook.active["A1"] = "职责"
    workbook.save(foreign)
    run = _officebook("import", str(foreign), str(content))
    assert run.returncode == 2 and "not a workbook exported by officebook" in run.stderr
    text = tmp_path / "notes.xlsx"
    text.write_text("R,A,C\n", encoding="utf-8")
    run = _officebook("import", str(text), str(content))
    assert run.returncode == 2 and "not an Excel workbook" in run.stderr
    assert _snapshot(content) == before


@pytest.mark.slow
def test_a_workbook_saved_again_by_libreoffice_imports_the_same(project, tmp_path):
    """Someone opens the workbook in LibreOffice Calc (or WPS), changes a letter and saves it as .xlsx."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc)")
    content, book = project
    edited = _edit(book, {("emergency", "secretary"): "i"}, tmp_path / "edited.xlsx")  # lower case, as typed
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"), str(edited)],
        capture_output=True, text=True, timeout=180)
    saved = tmp_path / "saved" / "edited.xlsx"
    assert saved.exists(), run.stdout + run.stderr
    run = _officebook("import", str(saved), str(content))
    assert run.returncode == 0, run.stderr
    assert run.stdout == "duties/emergency.yaml: raci.informed (none) → secretary\n"


# ---- the baseline: only what was changed in the workbook ------------------------------------------


def _set_raci(content: Path, duty: str, old: str, new: str) -> None:
    path = content / "duties" / f"{duty}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_old_workbook_applies_only_its_changed_cells_and_refuses_a_duty_changed_since(project):
    """Export; the content changes (a duty's RACI); the old workbook comes back with one other cell
    changed: that cell is applied, the newer content is kept, the conflicting duty is reported."""
    content, book = project
    _set_raci(content, "emergency", "  accountable: director\n", "  accountable: director\n  informed: [secretary]\n")
    _set_raci(content, "supervision", "  consulted: [secretary]", "  consulted: [secretary, duty-officer]")
    newer = {n: (content / "duties" / n).read_text(encoding="utf-8") for n in ("emergency.yaml", "supervision.yaml")}
    # in the old workbook: one cell of a duty nobody else touched, and one of the duty changed since
    _edit(book, {("duty-shift", "supervision-officer"): "C", ("supervision", "director"): "R/A"})
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 0, run.stderr
    assert run.stdout == "duties/duty-shift.yaml: raci.consulted (none) → supervision-officer\n"
    assert "warning:" in run.stderr and "'supervision' was changed in the content since this workbook was exported" \
        in run.stderr and "raci.consulted secretary → secretary, duty-officer" in run.stderr
    assert "1 duty not applied" in run.stderr
    for name, text in newer.items():  # the newer content is kept: emergency's new I, supervision's new C
        assert (content / "duties" / name).read_text(encoding="utf-8") == text
    manual = run_check(content, use_cache=False).manual
    assert manual.duties["duty-shift"].raci.consulted == ("supervision-officer",)


def test_a_changed_cell_the_content_already_has_is_no_change(project):
    content, book = project
    _set_raci(content, "emergency", "  accountable: director\n", "  accountable: director\n  informed: [secretary]\n")
    before = _snapshot(content)
    _edit(book, {("emergency", "secretary"): "I"})  # the same change, made in both places
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 0 and run.stdout == "" and "no changes" in run.stderr, run.stderr
    assert _snapshot(content) == before


def test_a_workbook_of_another_manual_is_refused(project, tmp_path):
    content, book = project
    other = tmp_path / "other"
    shutil.copytree(content, other)
    manual_yaml = other / "manual.yaml"
    manual_yaml.write_text(manual_yaml.read_text(encoding="utf-8").replace("示例区政府办公室", "另一区政府办公室"),
                           encoding="utf-8")
    before = _snapshot(other)
    _edit(book, {("emergency", "secretary"): "I"})
    run = _officebook("import", str(book), str(other))
    assert run.returncode == 2, run.stderr
    assert "exported from another manual" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert _snapshot(other) == before


def test_a_tampered_baseline_is_refused(project):
    content, book = project
    workbook = load_workbook(book)
    facts = workbook["officebook"]
    last = facts.max_row
    facts.cell(last, 2).value = '{"responsible":["director"],"accountable":["director"]}'
    workbook.save(book)
    run = _officebook("import", str(book), str(content))
    assert run.returncode == 2 and "was changed" in run.stderr, run.stderr


@pytest.mark.slow
def test_chinese_words_are_read_and_problems_reported_in_the_workbooks_language(project):
    content, book = project
    _edit(book, {("emergency", "secretary"): "知会", ("supervision", "director"): "主办"})
    env = {k: v for k, v in os.environ.items() if k not in ("OFFICEBOOK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "C.UTF-8"  # a server's locale names no language: the workbook's (zh) is spoken
    run = subprocess.run([sys.executable, "-m", "officebook", "import", str(book), str(content)],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "职责分工!C" in run.stderr and "'主办'" in run.stderr and "不是" in run.stderr, run.stderr
    assert "is not R, A, C or I" not in run.stderr
    _edit(book, {("supervision", "director"): "A"})
    run = subprocess.run([sys.executable, "-m", "officebook", "import", str(book), str(content)],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "duties/emergency.yaml: raci.informed （无） → secretary\n" or \
        run.stdout == "duties/emergency.yaml: raci.informed (none) → secretary\n", run.stdout
    env["LANG"] = "en_GB.UTF-8"  # a locale that names English keeps English
    _edit(book, {("supervision", "director"): "主办"})
    run = subprocess.run([sys.executable, "-m", "officebook", "import", str(book), str(content)],
                         capture_output=True, text=True, env=env)
    assert "is not R, A, C or I" in run.stderr
