"""The live preview (build/preview.py, build/incremental.py, build/changes.py): after each change, the
pages it rebuilds page by page are the pages a whole build makes of the same content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from officebook.build.preview import Preview
from officebook.pipeline import run_check

FIXTURE = Path(__file__).parent / "golden" / "fixture" / "content"


def _preview(content: Path, work: Path, lang: str | None = None) -> Preview:
    preview = Preview(content, lang, None, check=lambda: run_check(content, use_cache=False).manual,
                      on_pages=lambda pages: None, work_dir=work)
    assert preview.render()
    preview.refresh()  # the first build
    return preview


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = [
    ("a title (the menu changes)", lambda c: _edit(c / "duties" / "daily-mail.yaml", "收发文件", "收发公文")),
    ("a task", lambda c: _edit(c / "duties" / "daily-mail.yaml", "上午十点前", "上午九点前")),
    ("a standard no longer applies to a post",
     lambda c: _edit(c / "standards" / "tidy-desk.yaml", "posts: [clerk, head]", "posts: [clerk]")),
    ("a new item", lambda c: (c / "standards" / "fresh-ink.yaml").write_text(
        "title: {zh: 墨迹清晰, en: Clear ink}\ncategory: quality\nstatement: {zh: 字迹清楚。, en: Write clearly.}\n"
        "applies_to:\n  posts: [head]\n", encoding="utf-8")),
    ("an item removed", lambda c: (c / "standards" / "fresh-ink.yaml").unlink()),
    ("a glossary term", lambda c: _edit(c / "glossary.yaml", "term:", "term:", )),
]


@pytest.mark.slow
def test_pages_rebuilt_one_by_one_are_those_of_a_whole_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "zh")
    try:
        for number, (what, edit) in enumerate(EDITS):
            edit(content)
            urls = preview.refresh()
            preview.settle()
            fresh = _preview(content, tmp_path / f"whole-{number}", "zh")
            try:
                served, whole = _site(preview.site_dir), _site(fresh.site_dir)
                assert sorted(served) == sorted(whole), what
                differing = [path for path in whole if served[path] != whole[path]]
                assert differing == [], f"{what}: {differing}"
                assert preview.pages == fresh.pages
            finally:
                fresh.site.close()
            if what == "a title (the menu changes)":
                assert urls == ["duties/daily-mail/"]
    finally:
        preview.site.close()


def test_only_the_items_own_page_comes_first(tmp_path):
    """The quick pass builds the edited item's page; the pages showing it follow in the background."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    preview = _preview(content, tmp_path / "live", "en")
    try:
        _edit(content / "duties" / "daily-mail.yaml", "en: Daily mail", "en: Incoming post")
        assert preview.refresh() == ["duties/daily-mail/"]
        assert "Incoming post" in (preview.site_dir / "duties" / "daily-mail" / "index.html").read_text(encoding="utf-8")
        clerk = preview.site_dir / "posts" / "clerk" / "index.html"
        assert "Incoming post" not in clerk.read_text(encoding="utf-8")
        assert "posts/clerk/index.md" in preview._to_render  # it shows the duty
        preview.settle()
        assert "Incoming post" in clerk.read_text(encoding="utf-8")
        assert preview.refresh() == []  # nothing changed since
    finally:
        preview.site.close()
