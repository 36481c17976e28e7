"""Every link of every built site resolves (tests/linkcheck.py): each `href` and `src` of every page
leads to a file and each fragment to an element id, online (directory URLs) and offline (`.html`
files opened from a folder) — the default manual, the case manuals, and a manual with links
(to items, to steps, to assets) in every Markdown text."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml
from click.testing import CliRunner
from linkcheck import check_site

from officebook.cli import main
from officebook.render.pages import html_href, page_url

TESTS = Path(__file__).parent
ROOT = TESTS.parent
CASES = TESTS / "cases"
MARKDOWN_FIELDS = {"summary", "description", "statement", "rationale", "purpose", "action", "definition",
                   "introduction"}
LINKS = {
    "zh": " 另见[](procedures/urgent-report)、[信息核实](procedures/urgent-report#verify)、[](duties/duty-shift)、"
          "[](posts/duty-officer)和[交接班记录表](assets/forms/handover.docx)。",
    "en": " See [](procedures/urgent-report), [verification](procedures/urgent-report#verify), "
          "[](duties/duty-shift), [](posts/duty-officer) and the [handover form](assets/forms/handover.docx).",
}


def _add_links(value, key: str | None = None):
    """Every Markdown text of a YAML document with LINKS appended (in its own language)."""
    if isinstance(value, dict):
        if key in MARKDOWN_FIELDS and value and all(k in LINKS for k in value):
            return {lang: text + LINKS[lang] for lang, text in value.items()}
        return {k: _add_links(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_add_links(v, key) for v in value]
    if isinstance(value, str) and key in MARKDOWN_FIELDS:
        return value + LINKS["zh"]
    return value


def links_everywhere(target: Path) -> Path:
    """The second-edition case with links appended to every Markdown text."""
    shutil.copytree(CASES / "valid" / "second-edition" / "content", target)
    for path in target.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_add_links(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _build(content: Path, output: Path, *extra: str) -> Path:
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(output), "--no-cache", *extra])
    assert result.exit_code == 0, result.output
    return output


def test_page_addresses_are_those_mkdocs_gives():
    assert page_url("index.md") == ""
    assert page_url("raci.md") == "raci/"
    assert page_url("duties/x/index.md") == "duties/x/"
    assert page_url("raci.md", directory_urls=False) == "raci.html"
    assert html_href("procedures/p/index.md", "duties/x/index.md") == "../../procedures/p/"
    assert html_href("procedures/p/index.md", "raci.md") == "../procedures/p/"
    assert html_href("index.md", "posts/a/index.md") == "../../"
    assert html_href("index.md", "index.md") == "./"
    assert html_href("attachments/f.docx", "glossary.md") == "../attachments/f.docx"
    assert html_href("procedures/p/index.md", "raci.md", directory_urls=False) == "procedures/p/index.html"
    assert html_href("attachments/f.docx", "posts/a/index.md", directory_urls=False) == "../../attachments/f.docx"


@pytest.mark.slow
@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_default_manual_has_no_broken_link(request, offline):
    """The default manual's sites as built once per run for every test that reads them (conftest: the
    pages `officebook build` writes; the command itself is link-checked on the case manuals below)."""
    site = request.getfixturevalue("default_offline_site" if offline else "default_site")
    assert [str(b) for b in check_site(site)] == []


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(p.parent.name for p in (CASES / "valid").glob("*/content")))
def test_case_manuals_have_no_broken_link(tmp_path, case):
    site = _build(CASES / "valid" / case / "content", tmp_path / "site")
    assert [str(b) for b in check_site(site)] == []


@pytest.mark.slow
def test_edition_pages_have_no_broken_link(tmp_path):
    editions = CASES / "editions"
    site = _build(editions / "new", tmp_path / "site", "--previous", str(editions / "old"),
                  "--today", "2026-01-01")
    assert [str(b) for b in check_site(site)] == []


@pytest.mark.slow
@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_links_in_every_text_resolve(tmp_path, offline):
    content = links_everywhere(tmp_path / "content")
    site = _build(content, tmp_path / "site", *(["--offline"] if offline else []))
    assert [str(b) for b in check_site(site)] == []
    # the links were really there: a post page links the step and the form
    suffix = "index.html" if offline else ""
    hrefs = {a.get("href") for a in lxml.html.parse(str(site / "posts" / "duty-officer" / "index.html")).iter("a")}
    assert f"../../procedures/urgent-report/{suffix}#step-verify" in hrefs
    assert "../../attachments/forms/handover.docx" in hrefs


def test_the_checker_finds_what_is_broken(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here"><a href="../b/">b</a><a href="#here">h</a></p>')
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="a/#gone">x</a><a href="b/">x</a>'
        '<img src="pic.png"><a href="/a/">x</a><a href="https://example.org/">ok</a>')
    found = sorted((b.page, b.url) for b in check_site(tmp_path))
    assert found == [("a/index.html", "../b/"), ("index.html", "/a/"), ("index.html", "a/#gone"),
                     ("index.html", "b/"), ("index.html", "pic.png")]
