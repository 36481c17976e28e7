"""The office's emblem and colour in the site (render/identity.py, build/mkdocs_config.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from officebook.build.mkdocs_config import UserConfig, site_config
from officebook.pipeline import run_check
from officebook.render.identity import IDENTITY_CSS, emblem_path, identity_css
from officebook.render.site import render_site

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def manual():
    return run_check(ROOT / "content", use_cache=False).manual


def _with(manual, **info):
    return dataclasses.replace(manual, info=dataclasses.replace(manual.info, **info))


def test_colour_and_readable_text_on_it(manual):
    dark = identity_css(_with(manual, color="#9E1F1F"))
    assert "--md-primary-fg-color: #9e1f1f;" in dark and "--md-primary-bg-color: #ffffff;" in dark
    light = identity_css(_with(manual, color="#f5d76e"))
    assert "--md-primary-bg-color: rgba(0, 0, 0, 0.87);" in light
    assert identity_css(_with(manual, color=None)) is None
    assert identity_css(_with(manual, color="#12345}")) is None


def test_the_header_carries_the_emblem_and_the_colour_unless_the_user_sets_their_own(manual, tmp_path):
    office = _with(manual, color="#9e1f1f", emblem="assets/emblem.svg")
    assert emblem_path(office) == "attachments/emblem.svg"
    content = render_site(office, "zh")

    def config(user: dict):
        return site_config(office, "zh", content, UserConfig(None, user), config_dir=tmp_path, docs_dir=tmp_path / "docs",
                           site_dir=tmp_path / "site", overrides_dir=tmp_path / "overrides", offline=False)

    ours = config({})
    assert ours["theme"]["logo"] == "attachments/emblem.svg" and IDENTITY_CSS in ours["extra_css"]
    assert ours["theme"]["palette"] == {"primary": "custom"}
    theirs = config({"theme": {"logo": "images/logo.svg", "palette": {"primary": "teal"}}})
    assert theirs["theme"]["logo"] == "images/logo.svg" and IDENTITY_CSS not in theirs["extra_css"]
    assert theirs["theme"]["palette"] == {"primary": "teal"}


@pytest.mark.parametrize("style", ["official", "modern"])
def test_the_handbook_cover_carries_the_emblem(manual, style):
    from officebook.render.print import handbook_html

    cover = handbook_html(_with(manual, emblem="assets/emblem.svg"), "zh", style=style).split('id="cover"')[1].split("</section>")[0]
    assert '<img class="cover-emblem" src="assets/emblem.svg" alt="">' in cover
    assert "<img class=\"cover-emblem\"" not in handbook_html(_with(manual, emblem=None), "zh", style=style)
