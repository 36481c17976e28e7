"""The default manual's printable forms (issue #28): made by scripts/make_forms.py, linked from the work
that uses them, listed on every post's onboarding page, and readable by the office's own software."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import ROOT
from officebook.pipeline import run_check

FORMS = ROOT / "content" / "assets" / "forms"


def _make_forms():
    spec = importlib.util.spec_from_file_location("make_forms", ROOT / "scripts" / "make_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_forms():
    return _make_forms()


@pytest.fixture(scope="module")
def manual():
    return run_check(ROOT / "content", use_cache=False).manual


def test_the_committed_forms_are_what_the_script_makes(make_forms):
    made = make_forms.forms()
    on_disk = {p.name for p in FORMS.iterdir()}
    assert on_disk == set(made), "run python scripts/make_forms.py"
    stale = [name for name, data in made.items() if (FORMS / name).read_bytes() != data]
    assert not stale, f"out of date (run python scripts/make_forms.py): {stale}"
    assert make_forms.forms() == made  # reproducible: the same bytes twice


def test_the_forms_an_office_needs_are_there(make_forms):
    titles = {s.title for s in make_forms.SHEETS} | {r.title for r in make_forms.REGISTERS}
    for needed in ("值班记录表", "收文登记簿", "发文稿纸", "印章使用审批单", "用印登记簿", "会议签到表", "派车单"):
        assert any(needed in title for title in titles), needed


def test_each_form_reads_back_with_its_title(make_forms):
    for sheet in make_forms.SHEETS:
        text = "\n".join(p.text for p in Document(str(FORMS / sheet.name)).paragraphs)
        assert sheet.title in text and make_forms.OFFICE in text, sheet.name
        cells = {c.text for t in Document(str(FORMS / sheet.name)).tables for row in t.rows for c in row.cells}
        assert {label for row in sheet.rows for label in row} <= cells, sheet.name
    for register in make_forms.REGISTERS:
        sheet = load_workbook(FORMS / register.name).active
        assert register.title in sheet.cell(1, 1).value, register.name
        assert [sheet.cell(2, i + 1).value for i in range(len(register.columns))] == [c for c, _ in register.columns]
        assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in sheet.iter_rows() for c in row)


def test_every_form_is_linked_and_every_post_lists_one(manual):
    linked = {form for view in manual.onboarding.values() for form in view.forms}
    assert {f"assets/forms/{p.name}" for p in FORMS.iterdir()} <= linked
    for post_id, view in manual.onboarding.items():
        assert view.forms, f"{post_id}: its onboarding page lists no form"
    assert "assets/forms/duty-log.docx" in manual.onboarding["duty-officer"].forms
    assert "assets/forms/seal-approval.docx" in manual.onboarding["secretarial-officer"].forms


@pytest.mark.slow
def test_libreoffice_opens_every_form(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    forms = sorted(FORMS.iterdir())
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, forms)], capture_output=True, text=True, timeout=600)
    for form in forms:
        pdf = tmp_path / f"{form.stem}.pdf"
        assert pdf.exists(), (form.name, run.stdout + run.stderr)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "某市人民政府办公室" in text.replace(" ", ""), form.name
