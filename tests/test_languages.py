"""`officebook languages`: a manual switched to other languages in one command, not by hand."""

import shutil
from pathlib import Path

from conftest import CASES, officebook
from officebook.pipeline import run_check

MINIMAL = CASES / "valid" / "minimal" / "content"


def _copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    duty = content / "duties" / "document-handling.yaml"
    duty.write_text("# 分工依据：主任办公会纪要\n" + duty.read_text(encoding="utf-8"), encoding="utf-8")
    return content


def test_a_bilingual_manual_becomes_chinese_only_with_one_command(tmp_path):
    content = _copy(tmp_path)
    before = (content / "duties" / "document-handling.yaml").read_text(encoding="utf-8")
    run = officebook("languages", "zh", "--content", str(content))
    assert run.returncode == 0, run.stderr
    assert "the manual's languages: zh" in run.stderr
    result = run_check(content, strict=True, use_cache=False)
    assert [d.as_text() for d in result.diagnostics] == []
    assert result.manual.info.languages == ("zh",)
    after = (content / "duties" / "document-handling.yaml").read_text(encoding="utf-8")
    assert after.startswith("# 分工依据：主任办公会纪要\ntitle: 公文处理\n"), "comments kept, texts plain strings"
    assert "en:" not in after and "Document handling" not in after
    kept = [line for line in before.splitlines() if "zh:" not in line and "en:" not in line and "{" not in line]
    assert all(line in after.splitlines() for line in kept), "lines without texts are untouched"
    again = officebook("languages", "zh", "--content", str(content))
    assert again.returncode == 0 and "0 files changed" in again.stderr


def test_a_dry_run_writes_nothing(tmp_path):
    content = _copy(tmp_path)
    files = {p: p.read_bytes() for p in content.rglob("*.yaml")}
    run = officebook("languages", "zh", "--content", str(content), "--dry-run")
    assert run.returncode == 0 and "nothing written" in run.stderr
    assert "duties/document-handling.yaml" in run.stdout
    assert {p: p.read_bytes() for p in content.rglob("*.yaml")} == files


def test_texts_without_the_new_default_keep_the_old_and_are_counted(tmp_path):
    content = _copy(tmp_path)
    duty = content / "duties" / "annual-review.yaml"
    duty.write_text(duty.read_text(encoding="utf-8").replace("title: {zh: 年度总结, en: Annual review}",
                                                             "title: 年度总结"), encoding="utf-8")
    run = officebook("languages", "en", "--content", str(content))
    assert run.returncode == 0, run.stderr
    assert "duties/annual-review.yaml: 1 text has no 'en' yet" in run.stderr
    assert "title: 年度总结" in duty.read_text(encoding="utf-8")
    assert not run_check(content, use_cache=False).has_errors


def test_editing_languages_by_hand_points_at_the_command(tmp_path):
    content = _copy(tmp_path)
    manual = content / "manual.yaml"
    manual.write_text(manual.read_text(encoding="utf-8").replace("languages: [zh, en]", "languages: [zh]"),
                      encoding="utf-8")
    found = [d for d in run_check(content, use_cache=False).diagnostics if d.code == "i18n.unknown-language"]
    assert found and all("officebook languages zh" in d.hint for d in found)


def test_bad_codes_and_a_missing_manual_are_refused(tmp_path):
    assert officebook("languages", "zh,,en", "--content", str(_copy(tmp_path))).returncode == 2
    (tmp_path / "empty").mkdir()
    run = officebook("languages", "zh", "--content", str(tmp_path / "empty"))
    assert run.returncode == 2 and "manual.yaml" in run.stderr
