"""A link that reuses the last one's work (`LinkMemo`, as `serve` and `edit` keep it) gives the same
manual as a fresh check, after every kind of edit, and derives again only what the edit touches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from officebook.edit.service import Editor
from officebook.link import LinkMemo
from officebook.pipeline import run_check

DEFAULT = Path(__file__).resolve().parent.parent / "content"


def _edit(editor: Editor, kind: str, ident: str, change, new_id: str | None = None) -> None:
    got = editor.get(kind, ident)
    change(got["item"])
    body = {"item": got["item"], "revision": got["revision"]}
    if new_id:
        body["id"] = new_id
    editor.put(kind, ident, body)


def _first(content: Path, kind: str, where=lambda data: True) -> str:
    for path in sorted((content / kind).rglob("*.yaml")):
        if where(yaml.safe_load(path.read_text(encoding="utf-8"))):
            return path.stem
    raise AssertionError(f"no {kind} to edit")


def _retitle(item: dict) -> None:
    item["title"]["zh"] += "（修订）"


def _new_accountable(post: str):
    def change(item: dict) -> None:
        item["raci"]["accountable"] = post
        item["raci"]["consulted"] = [p for p in item["raci"].get("consulted", []) if p != post]
        item["raci"]["responsible"] = [p for p in item["raci"].get("responsible", []) if p != post] or \
            item["raci"]["responsible"]
        item["raci"]["informed"] = [p for p in item["raci"].get("informed", []) if p != post]
    return change


@pytest.fixture
def content(tmp_path):
    shutil.copytree(DEFAULT, tmp_path / "content")
    return tmp_path / "content"


def test_an_incremental_link_equals_a_fresh_one_after_every_kind_of_edit(content, tmp_path, monkeypatch):
    monkeypatch.setenv("OFFICEBOOK_CACHE_DIR", str(tmp_path / "cache"))
    editor = Editor(content)
    memo = LinkMemo()
    first = run_check(content, link_memo=memo).manual
    assert first is not None and memo.built == sum(len(first.kind(k)) for k in
                                                   ("functions", "duties", "procedures", "standards", "posts"))
    posts = list(first.post_order)
    duty = _first(content, "duties", lambda d: bool(d.get("raci", {}).get("consulted")))
    procedure = _first(content, "procedures", lambda d: len(d.get("steps", [])) > 2)
    leaf = next(p for p in reversed(posts) if not first.direct_reports(p))
    chief = next(p for p in posts if first.direct_reports(p) and p not in (posts[0], first.posts[leaf].reports_to))
    edits = [
        ("a duty's title", 1, lambda: _edit(editor, "duties", duty, _retitle)),
        ("a duty's RACI", 1, lambda: _edit(editor, "duties", duty, _new_accountable(posts[-1]))),
        ("a step's actor", 1, lambda: _edit(editor, "procedures", procedure,
                                             lambda item: item["steps"][1].update(actor=leaf))),
        ("a post's place in the tree", 1, lambda: _edit(editor, "posts", leaf,
                                                         lambda item: item.update(reports_to=chief))),
        ("a new standard", 1, lambda: editor.create("standards", {"id": "clear-ink", "item": {
            "title": {"zh": "字迹清楚", "en": "Clear writing"}, "category": "quality",
            "statement": {"zh": "手写内容字迹清楚。", "en": "Handwriting is legible."},
            "criteria": [{"zh": "签名可辨认。", "en": "Signatures can be read."}], "check": "daily",
            "applies_to": {"posts": [leaf], "procedures": [procedure]}}})),
        ("a standard's criteria", 1, lambda: _edit(editor, "standards", "clear-ink", lambda item: item["criteria"].append(
            {"zh": "日期写全。", "en": "Dates are written in full."}))),
        ("a standard deleted", 0, lambda: editor.delete("standards", "clear-ink")),
        ("a procedure's id renamed", None, lambda: _edit(editor, "procedures", procedure, lambda item: None,
                                                         new_id=f"{procedure}-renamed")),
        ("a post's id renamed", None, lambda: _edit(editor, "posts", leaf, lambda item: None, new_id=f"{leaf}-renamed")),
        ("the manual's title", 0, lambda: _edit(editor, "manual", None, _retitle)),
        ("the default language", None, lambda: _edit(editor, "manual", None,
                                                     lambda item: item.update(languages=["en", "zh"]))),
    ]
    for what, built, edit in edits:
        before = run_check(content, link_memo=memo).manual
        edit()
        incremental = run_check(content, link_memo=memo).manual
        fresh = run_check(content, use_cache=False).manual
        assert incremental is not None, what
        assert incremental == fresh, what
        assert incremental.checklists == fresh.checklists and incremental.onboarding == fresh.onboarding, what
        assert incremental.backrefs == fresh.backrefs, what
        if built is not None:  # only the edited file's item is built again
            assert memo.built == built, what
        if what == "a duty's title":  # only the posts that hold the duty get new views
            holders = {p for p in posts if duty in before.onboarding[p].duties}
            assert memo.views.derived <= 2 * len(holders), what
            untouched = next(p for p in posts if p not in holders)
            assert incremental.onboarding[untouched] is before.onboarding[untouched]


def test_nothing_changed_reuses_everything(content, tmp_path, monkeypatch):
    monkeypatch.setenv("OFFICEBOOK_CACHE_DIR", str(tmp_path / "cache"))
    memo = LinkMemo()
    first = run_check(content, link_memo=memo).manual
    again = run_check(content, link_memo=memo).manual
    assert memo.built == 0 and memo.views.derived == 0
    assert all(again.posts[p] is first.posts[p] for p in first.posts)
    assert again == first
