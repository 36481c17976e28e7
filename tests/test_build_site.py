"""Building the web manual with MkDocs: strict builds, layout, config merging, atomic replacement,
offline sites, the `build` and `serve` commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from officebook.build.mkdocs_config import UserConfig, material_language, site_config
from officebook.build.preview import Preview
from officebook.build.site import SITE_MARKER, OutputRefused, SiteBuildError, build_site
from officebook.cli import main
from officebook.pipeline import run_check
from officebook.render.site import render_site

pytestmark = pytest.mark.slow  # MkDocs builds and preview servers

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURE = TESTS / "golden" / "fixture" / "content"
VALID_CASES = sorted(p for p in (TESTS / "cases" / "valid").glob("*/content") if p.is_dir())


def load(content: Path):
    result = run_check(content, use_cache=False)
    assert result.manual is not None
    return result.manual


@pytest.fixture(scope="module")
def fixture_manual():
    return load(FIXTURE)


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixture_manual):
    """The fixture built once, with a user mkdocs.yml, generated files kept for inspection."""
    root = tmp_path_factory.mktemp("built")
    (root / "docs" / "images").mkdir(parents=True)
    (root / "docs" / "images" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (root / "docs" / "extra.css").write_text(".md-header { outline: 0; }\n")
    (root / "mkdocs.yml").write_text(yaml.safe_dump({
        "theme": {"palette": {"primary": "teal"}, "logo": "images/logo.svg", "features": ["content.code.copy"]},
        "extra_css": ["extra.css"],
        "markdown_extensions": [{"toc": {"permalink": "¶"}}],
    }))
    result = build_site(fixture_manual, root / "site", config_file=root / "mkdocs.yml", work_dir=root / "work")
    return root, result


def test_build_layout(built):
    root, result = built
    site = root / "site"
    assert result.languages == ("zh", "en")
    assert (site / SITE_MARKER).is_file()
    for prefix in ("", "en/"):
        for page in ("index.html", "duties/index.html", "duties/index/index.html", "procedures/review/index.html",
                     "posts/clerk/index.html", "raci/index.html", "org-chart/index.html", "glossary/index.html"):
            assert (site / prefix / page).is_file(), prefix + page
    assert '<html lang="zh"' in (site / "index.html").read_text()
    assert '<html lang="en"' in (site / "en" / "index.html").read_text()
    assert not list(site.parent.glob(".site.*")), "no staging or backup folder is left behind"


def test_language_selector_leads_to_the_same_page(built):
    root, _ = built
    zh_page = (root / "site" / "posts" / "clerk" / "index.html").read_text()
    en_page = (root / "site" / "en" / "posts" / "clerk" / "index.html").read_text()
    assert 'href="../../en/posts/clerk/" hreflang="en"' in zh_page
    assert 'href="../../../posts/clerk/" hreflang="zh"' in en_page
    home = (root / "site" / "index.html").read_text()
    assert 'href="./en/" hreflang="en"' in home


def test_user_settings_win_and_generator_adds_what_it_needs(built):
    root, _ = built
    config = yaml.load((root / "work" / "zh" / "mkdocs.yml").read_text(), Loader=yaml.Loader)
    assert config["theme"]["palette"] == {"primary": "teal"}
    assert config["theme"]["logo"] == "images/logo.svg"
    assert "content.code.copy" in config["theme"]["features"] and "navigation.prune" in config["theme"]["features"]
    assert config["extra_css"] == ["assets/officebook/officebook.css", "extra.css"]
    toc = next(e["toc"] for e in config["markdown_extensions"] if isinstance(e, dict) and "toc" in e)
    assert toc["permalink"] == "¶" and "slugify" in toc
    assert config["theme"]["language"] == "zh" and config["strict"] is True
    assert (root / "site" / "images" / "logo.svg").is_file() and (root / "site" / "extra.css").is_file()
    assert "teal" in (root / "site" / "index.html").read_text()


def test_chinese_search_index_is_segmented(built):
    root, _ = built
    index = json.loads((root / "site" / "search" / "search_index.json").read_text())
    assert "\\u200b" in index["config"]["separator"]  # queries split where jieba split the text
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b" in texts, "jieba segments Chinese text at build time"
    assert any(doc.get("tags") == ["协调", "coordination"] for doc in index["docs"]), "tags are indexed"
    english = json.loads((root / "site" / "en" / "search" / "search_index.json").read_text())
    # one set of separators (build/search.py): Chinese fallback text on the English site is segmented too
    assert english["config"]["separator"] == index["config"]["separator"]
    assert "keys" in english["config"]["fields"] and "words" in index["config"]["fields"]


def test_content_html_never_reaches_the_site(built):
    root, _ = built
    home = (root / "site" / "en" / "index.html").read_text()
    assert "&#60;script&#62;alert" in home and '<script>alert("x")' not in home, "shown as text"
    function = (root / "site" / "en" / "functions" / "coordination" / "index.html").read_text()
    assert "javascript:" not in unescape(function)
    assert not re.search(r"<[^>]*\sonclick=", function), "attribute lists in content stay text"
    assert '{: onclick="alert(1)" }' in unescape(function)


def test_a_failed_build_leaves_the_previous_site(built, fixture_manual, tmp_path):
    root, _ = built
    site = tmp_path / "site"
    shutil.copytree(root / "site", site)
    before = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    (tmp_path / "mkdocs.yml").write_text("markdown_extensions: [no_such_extension_anywhere]\n")
    with pytest.raises(SiteBuildError) as failure:
        build_site(fixture_manual, site, config_file=tmp_path / "mkdocs.yml")
    assert "no_such_extension_anywhere" in " ".join(failure.value.messages) + failure.value.summary
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml", "site"], "no staging folder is left"


def test_output_that_is_not_ours_is_refused(fixture_manual, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputRefused):
        build_site(fixture_manual, tmp_path)
    with pytest.raises(OutputRefused):
        build_site(fixture_manual, tmp_path.parent, protected=[tmp_path])
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_offline_site_loads_nothing_from_the_internet(fixture_manual, tmp_path):
    build_site(fixture_manual, tmp_path / "site", offline=True)
    site = tmp_path / "site"
    assert (site / "search" / "search_index.js").is_file()
    assert (site / "assets" / "officebook" / "iframe-worker-shim.js").is_file()
    page = (site / "procedures" / "review" / "index.html").read_text()
    assert "iframe-worker-shim.js" in page and "unpkg.com" not in page
    assert 'href="../../en/procedures/review/index.html"' in page
    for html in site.rglob("*.html"):
        text = html.read_text()
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//[^"]+"', text)
        assert not remote, (html, remote)
        assert "fonts.googleapis" not in text


def test_site_config_for_an_unknown_language_falls_back(fixture_manual, tmp_path):
    assert material_language("zh") == "zh" and material_language("zh-TW") == "zh-TW"
    assert material_language("xx") == "en" and material_language("de-CH") == "de"
    content = render_site(fixture_manual, "en")
    config = site_config(fixture_manual, "en", content, UserConfig(None, {"site_url": "https://x.example/manual"}),
                         config_dir=tmp_path, docs_dir=tmp_path / "d", site_dir=tmp_path / "s",
                         overrides_dir=tmp_path / "o", offline=True)
    assert config["site_url"] == "https://x.example/manual/en/"
    assert config["theme"]["font"] is False and config["use_directory_urls"] is False
    assert {"offline": {"enabled": True}} in config["plugins"]


def test_the_repository_mkdocs_yml_keeps_the_system_fonts(fixture_manual, tmp_path):
    """Its `theme:` holds only comments (YAML null): the defaults under it stay, so no page asks Google
    Fonts for Roboto, which office networks often block and which has no Chinese."""
    user = UserConfig.load(ROOT / "mkdocs.yml")
    assert user.data["theme"] is None
    config = site_config(fixture_manual, "zh", render_site(fixture_manual, "zh"), user, config_dir=tmp_path,
                         docs_dir=tmp_path / "d", site_dir=tmp_path / "s", overrides_dir=tmp_path / "o", offline=False)
    assert config["theme"]["font"] is False


@pytest.mark.parametrize("content", VALID_CASES, ids=[p.parent.name for p in VALID_CASES])
def test_every_valid_case_builds_without_warnings(content, tmp_path):
    """Manuals written to the contract, which the generator has not been tuned on, build strictly."""
    build_site(load(content), tmp_path / "site")


# ---- the command line -------------------------------------------------------------------------------


def test_build_command(tmp_path):
    result = CliRunner().invoke(main, ["build", str(FIXTURE), "-o", str(tmp_path / "site"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "built" in result.stderr and "zh: site" in result.stderr
    assert (tmp_path / "site" / "en" / "index.html").is_file()


def test_build_command_stops_on_content_errors_like_check(tmp_path):
    invalid = next(p for p in sorted((TESTS / "cases" / "invalid").glob("*/content")) if p.is_dir())
    check = CliRunner().invoke(main, ["check", str(invalid), "--no-cache"])
    build = CliRunner().invoke(main, ["build", str(invalid), "-o", str(tmp_path / "site"), "--no-cache"])
    assert check.exit_code == build.exit_code == 1
    assert build.stderr == check.stderr
    assert not (tmp_path / "site").exists()


def test_build_command_refuses_a_foreign_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    result = CliRunner().invoke(main, ["build", str(FIXTURE), "-o", str(tmp_path), "--no-cache"])
    assert result.exit_code == 2 and "refusing" in result.stderr


# ---- live preview -------------------------------------------------------------------------------------


def test_live_preview_rewrites_only_the_affected_pages(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    heard: list[list[str]] = []
    preview = Preview(content, "en", None, check=lambda: run_check(content, use_cache=False).manual,
                      on_pages=heard.append, work_dir=tmp_path / "work")
    assert preview.render()
    assert sorted(heard[-1]) == sorted(render_site(run_check(content, use_cache=False).manual, "en").pages)
    standard = content / "standards" / "accuracy.yaml"
    standard.write_text(standard.read_text().replace("Figures checked", "Figures double-checked"))
    assert preview.render()
    assert sorted(heard[-1]) == ["posts/clerk/index.md", "posts/head/index.md", "standards/accuracy/index.md"]
    docs = tmp_path / "work" / "en" / "docs"
    assert "Figures double-checked" in unescape((docs / "standards" / "accuracy" / "index.md").read_text())
    standard.write_text("title: [broken\n")
    assert not preview.render(), "content errors keep the last good pages"
    assert "Figures double-checked" in unescape((docs / "standards" / "accuracy" / "index.md").read_text())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_command_reloads_after_a_yaml_edit(tmp_path):
    """One preview through a session: edit, break, fix, a malformed request, SIGTERM."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = _free_port()
    env = {**os.environ, "OFFICEBOOK_CACHE_DIR": str(tmp_path / "cache"), "TMPDIR": str(temporary)}
    server = subprocess.Popen(
        [sys.executable, "-m", "officebook", "serve", "content", "--lang", "en", "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True, cwd=tmp_path)
    lines: list[str] = []  # what the preview has printed so far, read as it comes
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/standards/accuracy/"
    standard = content / "standards" / "accuracy.yaml"
    try:
        page = _wait_for(lambda: _fetch(url), timeout=60)
        assert "Figures checked" in page
        assert _status(f"http://127.0.0.1:{port}/%00") == 400
        assert _status(f"http://127.0.0.1:{port}/no/such/page/") == 404
        good = standard.read_text()
        standard.write_text(good.replace("Figures checked", "Figures double-checked"))
        _wait_for(lambda: "Figures double" in _fetch(url) or None, timeout=60)  # the hyphen may be &#45;
        standard.write_text("title: [broken\n")
        _wait_for(lambda: any("the content has errors" in line for line in lines), timeout=60)  # seen, then fixed
        standard.write_text(good)
        _wait_for(lambda: "Figures checked" in _fetch(url) or None, timeout=60)
    finally:
        server.terminate()  # SIGTERM
        server.wait(timeout=30)
        reader.join(timeout=30)
        server.stdout.close()
    output = "".join(lines)
    assert server.returncode == 0, output
    assert "re-rendered" in output
    assert "watching content/ for changes" in output
    assert "the content has errors; the preview keeps the last good pages" in output
    assert output.index("the content has errors") < output.index("the content is valid again")
    assert "Traceback" not in output and "/tmp" not in output.replace(str(tmp_path), "")
    assert "preview stopped" in output
    # jieba's dictionary cache (as `build` makes it, reused by every run) is not a leftover
    assert [p for p in temporary.iterdir() if p.name != "jieba.cache"] == [], "SIGTERM leaves no temporary folder"


def test_serve_refuses_an_address_it_cannot_use(tmp_path):
    for address, expected in [("localhost", "is not an address and a port"), ("127.0.0.1:99999", "outside 1–65535"),
                              ("127.0.0.1:http", "is not an address and a port")]:
        result = CliRunner().invoke(main, ["serve", str(FIXTURE), "-a", address])
        assert result.exit_code == 2 and expected in result.stderr, result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "OFFICEBOOK_CACHE_DIR": str(tmp_path / "cache"), "TMPDIR": str(tmp_path)}
        run = subprocess.run([sys.executable, "-m", "officebook", "serve", str(FIXTURE), "-a", f"127.0.0.1:{port}"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1, run.stderr
    assert f"error: cannot serve on 127.0.0.1:{port}: the address is already in use" in run.stderr
    assert "Traceback" not in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]


def _wait_for(probe, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
            if value:
                return value
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.3)


def test_relative_paths_work_everywhere(tmp_path, monkeypatch):
    """--work-dir, -o, --config and the content folder given relative to the current folder."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project / "manual")
    (project / "look.yml").write_text("theme:\n  palette:\n    primary: teal\n")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "manual", "--no-cache", "--work-dir", "work", "-o", "out/site",
                                       "--config", "look.yml"])
    assert result.exit_code == 0, result.output
    assert (project / "out" / "site" / "en" / "index.html").is_file()
    generated = yaml.safe_load((project / "work" / "en" / "mkdocs.yml").read_text().split("\n", 1)[1]
                               .replace("!!python/object/apply:pymdownx.slugs.slugify", ""))
    assert generated["docs_dir"] == "docs" and generated["site_dir"] == "site"
    assert generated["theme"]["custom_dir"] == "../overrides"
    assert generated["theme"]["palette"]["primary"] == "teal"
    assert not (project / "work" / "en" / "site").exists(), "officebook's build writes to -o, not the work dir"


def test_assets_are_files_never_pages(fixture_manual, tmp_path):
    """An asset MkDocs would take for a page (`.md`) is copied as it is: no themed page with its
    script, nothing in the search index."""
    from dataclasses import replace

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    (content / "assets").mkdir()
    (content / "assets" / "notes.md").write_text("# Notes\n\n<script>alert('asset')</script>\n", encoding="utf-8")
    manual = replace(fixture_manual, assets=(*fixture_manual.assets, "assets/notes.md"), content_dir=str(content))
    build_site(manual, tmp_path / "site")
    site = tmp_path / "site"
    for root in (site, site / "en"):
        assert (root / "attachments" / "notes.md").read_text(encoding="utf-8").startswith("# Notes")
        assert not (root / "attachments" / "notes").exists()
        assert "attachments/notes" not in (root / "search" / "search_index.json").read_text(encoding="utf-8")


def test_every_page_carries_the_content_security_policy(built):
    root, _result = built
    for html in (root / "site").rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert '<meta http-equiv="Content-Security-Policy" content="script-src &#39;self&#39;;' in text, html
        inline = [s for s in re.findall(r"<script\b[^>]*>", text) if "src=" not in s and "application/json" not in s]
        assert inline == [], (html, inline)


def test_build_into_a_mount_point_replaces_its_contents(fixture_manual, tmp_path, monkeypatch):
    """A mount point cannot be renamed (EBUSY): its contents are replaced, the folder itself stays."""
    output = tmp_path / "mounted"
    build_site(fixture_manual, output)
    (output / "stale.html").write_text("old", encoding="utf-8")
    inode = output.stat().st_ino
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == output or real_ismount(path))
    result = build_site(fixture_manual, output)
    assert result.in_place
    assert output.stat().st_ino == inode
    assert not (output / "stale.html").exists() and (output / "index.html").is_file()
    assert (output / SITE_MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mounted"]
    assert not [p for p in output.iterdir() if p.name.startswith(".mounted.")], "no staging folder is left"


def test_build_into_a_folder_that_cannot_be_renamed_replaces_its_contents(fixture_manual, tmp_path, monkeypatch):
    output = tmp_path / "site"
    build_site(fixture_manual, output)
    real_rename = os.rename

    def busy(source, target):
        if Path(source) == output:
            raise OSError(16, "Device or resource busy", str(source))
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", busy)
    result = build_site(fixture_manual, output)
    assert result.in_place and (output / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_build_beside_a_folder_we_may_not_write_says_why_and_what_to_do(fixture_manual, tmp_path, monkeypatch):
    import officebook.build.site as site_module

    def refused(target, role):
        raise PermissionError(13, "Permission denied", str(target.parent))

    monkeypatch.setattr(site_module, "staging_dir", refused)
    with pytest.raises(SiteBuildError) as failure:
        build_site(fixture_manual, tmp_path / "new-site")
    assert "Permission denied" in failure.value.summary and "-o" in failure.value.summary
