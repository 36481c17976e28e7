"""The 岗位说明书 (`docx --post ID --kind description` and the PDF twin): one or two pages with every field
of the form, what officebook knows derived (上级, 下级, duties with frequency, procedures, internal
relations), the third edition's post fields filled in."""

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from conftest import ROOT
from officebook import cli
from officebook.pipeline import run_check
from officebook.render.description import post_description

FIELDS_ZH = ("岗位说明书", "岗位名称", "所在单位", "直接上级", "直接下级", "岗位编制", "岗位目的", "主要职责", "内部工作关系",
             "外部工作关系", "任职条件", "考核要点")


@pytest.fixture(scope="module")
def manual():
    return run_check(ROOT / "content", use_cache=False).manual


def test_the_fields_are_derived_from_the_manual(manual):
    description = post_description(manual, "duty-officer", "zh")
    post, view = manual.posts["duty-officer"], manual.onboarding["duty-officer"]
    assert description.reports_to == manual.posts[view.reports_to].title.get("zh")
    assert [d.title for d in description.duties] == [manual.duties[d].title.get("zh") for d in view.duties]
    frequencies = {manual.duties[d].frequency for d in view.duties}
    assert {d.frequency for d in description.duties} == {cli_label(f) for f in frequencies}
    assert all(d.role in ("牵头", "负责", "牵头、负责") for d in description.duties)
    assert description.headcount == f"{post.headcount} 人"
    assert len(description.external) == len(post.external_relations) > 0
    assert len(description.assessment) == len(post.assessment) > 0
    assert {name for name, _ in description.internal} == {manual.posts[p.post].title.get("zh") for p in view.partners}


def cli_label(frequency: str) -> str:
    from officebook.vocabulary.labels import label

    return label(frequency, "zh")


def _convert(soffice: str, files, out, tmp_path) -> None:
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), *map(str, files)], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_every_posts_description_is_one_or_two_pages_with_every_field(manual, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils is not installed")
    out = tmp_path / "docx"
    result = CliRunner().invoke(cli.main, ["docx", str(ROOT / "content"), "-o", str(out), "--all-posts", "--kind",
                                           "description", "--lang", "zh", "--no-cache"])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("description-*-zh.docx"))
    assert len(files) == len(manual.posts)
    _convert(soffice, files, tmp_path / "pdf", tmp_path)
    for docx in files:
        pdf = tmp_path / "pdf" / f"{docx.stem}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
        assert 1 <= pages <= 2, (docx.name, pages)
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                 check=True).stdout)
        missing = [field for field in FIELDS_ZH if field not in text]
        assert not missing, (docx.name, missing)
        post = docx.stem.removeprefix("description-").removesuffix("-zh")
        assert re.sub(r"\s+", "", manual.posts[post].title.get("zh"))[:6] in text  # a long title wraps in its cell


@pytest.mark.slow
def test_the_pdf_twin_is_one_or_two_pages_in_both_languages(tmp_path):
    result = CliRunner().invoke(cli.main, ["pdf", str(ROOT / "content"), "-o", str(tmp_path), "--post", "duty-officer",
                                           "--post", "secretary-general", "--kind", "description", "--no-cache"])
    assert result.exit_code == 0, result.output
    for pdf in sorted(tmp_path.glob("description-*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert 1 <= int(re.search(r"Pages:\s+(\d+)", info)[1]) <= 2, pdf.name
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                 check=True).stdout)
        if pdf.stem.endswith("-zh"):
            assert all(field in text for field in FIELDS_ZH), pdf.name
        else:
            assert "Postdescription" in text and "Assessedon" in text and "Headcount" in text
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "description-duty-officer-en.pdf", "description-duty-officer-zh.pdf",
        "description-secretary-general-en.pdf", "description-secretary-general-zh.pdf"]
