"""Other engines that read mkdocs.yml build the generated work folder as it is: ProperDocs (the
maintained MkDocs fork) byte for byte like officebook's own build, Zensical (Material's successor)
without errors. Nothing officebook generates needs hooks or absolute paths."""

from __future__ import annotations

import filecmp
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from officebook.build.site import build_site
from officebook.pipeline import run_check

pytestmark = pytest.mark.slow  # every test builds with another engine (ProperDocs, Zensical) in a new process

FIXTURE = Path(__file__).parent / "golden" / "fixture" / "content"
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The fixture built by officebook, generated files kept, then moved: nothing in them may name
    where they were written."""
    root = tmp_path_factory.mktemp("engines")
    manual = run_check(FIXTURE, use_cache=False).manual
    build_site(manual, root / "site", work_dir=root / "written")
    (root / "written").rename(root / "work")
    return root


class _Loader(yaml.SafeLoader):
    """Reads the generated mkdocs.yml, its Python names (the toc slugify function) as plain mappings."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: loader.construct_mapping(node))


def _config(work: Path, lang: str) -> dict:
    return yaml.load((work / "work" / lang / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def test_the_generated_config_is_relative_and_needs_no_hooks(work):
    for lang in ("zh", "en"):
        config = _config(work, lang)
        assert (config["docs_dir"], config["site_dir"]) == ("docs", "site")
        assert config["theme"]["custom_dir"] == "../overrides"
        assert "hooks" not in config
        assert str(work) not in (work / "work" / lang / "mkdocs.yml").read_text(encoding="utf-8")


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_properdocs_builds_the_work_folder_byte_for_byte(work):
    pytest.importorskip("properdocs")
    config = work / "work" / "en" / "mkdocs.yml"
    run = subprocess.run([sys.executable, "-m", "properdocs", "build", "-q", "-f", str(config)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    theirs, ours = work / "work" / "en" / "site", work / "site" / "en"
    # gzip stamps the time; officebook rewrites the search index after the engine's build
    # (officebook.build.search), which a plain engine run on the work folder does not do
    skip = {"sitemap.xml.gz", "search/search_index.json"}
    assert [p for p in _tree(theirs) if p not in skip] == [p for p in _tree(ours) if p not in skip]
    differ = []
    for relative in _tree(ours):
        if relative in skip:
            continue
        a, b = (theirs / relative).read_bytes(), (ours / relative).read_bytes()
        if GENERATOR.sub(b"", a) != GENERATOR.sub(b"", b):
            differ.append(relative)
    assert differ == [], "only the generator line may differ"
    assert not filecmp.cmp(theirs / "search" / "search_index.json", ours / "search" / "search_index.json",
                           shallow=False), "officebook's own build improves the index"


def test_zensical_builds_the_work_folder(work):
    pytest.importorskip("zensical")
    config = work / "work" / "zh" / "mkdocs.yml"
    run = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "-f", str(config)],
                         capture_output=True, text=True, timeout=300, cwd=work)
    assert run.returncode == 0, run.stdout + run.stderr
    site = work / "work" / "zh" / "site"
    ours = [p for p in _tree(work / "site") if p.endswith("index.html") and not p.startswith("en/")]
    theirs = [p for p in _tree(site) if p.endswith("index.html")]
    assert theirs == ours, "every page"
    page = (site / "procedures" / "review" / "index.html").read_text(encoding="utf-8")
    assert "assets/officebook/officebook.css" in page and 'id="steps"' in page
    assert 'class="officebook-flowchart"' in page, "ready-made HTML read back from the moved work folder's store"
