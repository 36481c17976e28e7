"""The Content-Security-Policy of the built pages (build/csp.py): script only from the site's own files."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from officebook.build.csp import THEME_SCRIPTS, iframe_worker_without_inline_script, policy, write_theme_scripts

FIXTURE = Path(__file__).parent / "golden" / "fixture" / "content"


def test_materials_inline_scripts_move_to_files(tmp_path):
    assert write_theme_scripts(tmp_path), (
        "Material's partials/javascripts/*.html are no longer as build/csp.py understands them: "
        "the pages' inline scripts would be refused by the Content-Security-Policy")
    partials = sorted((tmp_path / "partials" / "javascripts").glob("*.html"))
    assert len(partials) == 6
    for partial in partials:
        text = partial.read_text(encoding="utf-8")
        assert "<script>" not in text
        for file in re.findall(r"'(" + THEME_SCRIPTS + r"/[^']+)'", text):
            assert (tmp_path / file).is_file()
    base = (tmp_path / THEME_SCRIPTS / "base-0.js").read_text(encoding="utf-8")
    assert base.startswith("__md_scope=new URL(document.currentScript.dataset.v0,location)")


def test_the_offline_search_shim_writes_no_inline_script():
    shim = (resources.files("officebook.render") / "assets" / "vendor" / "iframe-worker" / "shim.js").read_text(
        encoding="utf-8")
    patched = iframe_worker_without_inline_script(shim)
    assert patched is not None, "the vendored iframe-worker shim changed: build/csp.py no longer patches it"
    assert "<script>postMessage" not in patched[0] and "data-url" in patched[0]


def test_policy_allows_the_sites_own_scripts_and_configured_origins():
    assert policy([]).startswith("script-src 'self';")
    assert "object-src 'none'" in policy([]) and "base-uri 'self'" in policy([])
    assert policy(["https://cdn.example.org/mermaid.js", "js/own.js"]).startswith(
        "script-src 'self' https://cdn.example.org;")
    assert policy([], offline=True).startswith("script-src 'self' file:;")


@pytest.mark.slow
def test_an_inline_script_is_refused_in_chromium_and_the_site_still_works(browser, tmp_path):
    """A page carrying an inline script (here a user's own docs page, which is not sanitised) does not
    run it; the manual's own pages load with no policy violation, and search answers."""
    from browsing import Watched, served

    from officebook.build.site import build_site
    from officebook.pipeline import run_check

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "hostile.md").write_text(
        "# Hostile\n\n<script>document.title = 'ran'</script>\n\n<img src=x onerror=\"document.title='ran'\">\n",
        encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({"validation": {"nav": {"omitted_files": "ignore"}}}),
                                         encoding="utf-8")
    manual = run_check(FIXTURE, use_cache=False).manual
    build_site(manual, tmp_path / "site", config_file=tmp_path / "mkdocs.yml")
    with served(tmp_path / "site") as url:
        hostile = Watched(browser, url)
        try:
            hostile.page.goto(f"{url}/hostile/")
            hostile.page.wait_for_timeout(300)
            assert hostile.page.title() != "ran"
            refused = [e for e in hostile.errors if "Content Security Policy" in e]
            assert refused, hostile.errors
        finally:
            hostile.errors.clear()
            hostile.close()
        web = Watched(browser, url)
        try:
            for path in ("/", "/duties/daily-mail/", "/posts/clerk/", "/procedures/review/", "/en/"):
                web.page.goto(url + path)
            web.page.goto(f"{url}/en/")
            web.page.locator(".md-search__input").click()
            web.page.keyboard.type("mail")
            web.page.locator(".md-search-result__item > a").first.wait_for(timeout=15000)
        finally:
            web.close()  # no console error: no policy violation on any page
