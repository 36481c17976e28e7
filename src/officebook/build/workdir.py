"""The work folder of a site build: one docs folder and mkdocs.yml per language, and the theme overrides.

Files are written only when their text changes (so a watcher sees real edits only); pages, printed
handbooks and attachments that are no longer generated are removed. The content's assets are copied
under `attachments/`; the build marks them static files (`build/mkdocs_run.py`), never pages.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from officebook.build.csp import IFRAME_WORKER_BOOT, iframe_worker_without_inline_script, write_theme_scripts
from officebook.build.errors import Progress, SiteBuildError
from officebook.build.files import copy_tree, remove_unused_blocks, write_if_changed, write_page
from officebook.build.material_search import patch_search_worker
from officebook.build.mkdocs_config import ASSET_DIR, OWN_ASSETS, UserConfig, site_config, write_config
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.editions import EditionNotes
from officebook.render.identity import IDENTITY_CSS, identity_css
from officebook.render.itemlinks import SITE_ASSETS, site_asset_path
from officebook.render.site import SiteContent, handbook_path, render_site


def write_docs(content: SiteContent, docs_dir: Path, user: UserConfig, *, offline: bool,
               handbooks: Mapping[str, Path] | None = None, attachments: Mapping[str, Path] | None = None) -> list[str]:
    """Lay out one language's docs folder: the user's docs files, our assets, the pages, the
    printed `handbooks` (language → PDF file) and the content's `attachments` (docs-relative path →
    file under content/assets/). Returns the pages whose Markdown changed; pages, handbooks and
    attachments no longer generated are removed."""
    user_docs = user.directory / str(user.data.get("docs_dir", "docs"))
    user_files: set[str] = set()
    if user.path and user_docs.is_dir() and user_docs.resolve() != docs_dir.resolve():
        copy_tree(user_docs, docs_dir)
        user_files = {p.relative_to(user_docs).as_posix() for p in user_docs.rglob("*") if p.is_file()}
    assets = resources.files("officebook.render") / "assets"
    for name in OWN_ASSETS:
        write_if_changed(docs_dir / ASSET_DIR / name, (assets / "officebook" / name).read_text(encoding="utf-8"))
    if offline:
        shim = (assets / "vendor" / "iframe-worker" / "shim.js").read_text(encoding="utf-8")
        patched = iframe_worker_without_inline_script(shim)
        if patched is None:
            raise SiteBuildError(_("the offline search shim is not the expected version; reinstall officebook"))
        write_if_changed(docs_dir / ASSET_DIR / "iframe-worker-shim.js", patched[0])
        write_if_changed(docs_dir / ASSET_DIR / IFRAME_WORKER_BOOT, patched[1])
    folders = {Path(path).parent.as_posix() for path in content.pages}
    for folder in sorted(folders):
        (docs_dir / folder).mkdir(parents=True, exist_ok=True)
    changed, used = [], set()
    for path, markdown in content.pages.items():
        written, blocks = write_page(docs_dir, path, markdown, folder_exists=True)
        used |= blocks
        if written:
            changed.append(path)
    remove_unused_blocks(docs_dir, used)
    for stale in sorted(docs_dir.rglob("*.md")):
        relative = stale.relative_to(docs_dir).as_posix()
        if relative not in content.pages and relative not in user_files:
            stale.unlink()
    printed = {handbook_path(lang): source for lang, source in (handbooks or {}).items()}
    for stale in sorted(docs_dir.glob(handbook_path("*"))):
        relative = stale.relative_to(docs_dir).as_posix()
        if relative not in printed and relative not in user_files:
            stale.unlink()
    for relative, source in printed.items():
        (docs_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, docs_dir / relative)
    copy_attachments(attachments or {}, docs_dir, user_files)
    return changed


def copy_attachments(attachments: Mapping[str, Path], docs_dir: Path, user_files: set[str]) -> None:
    """Copy the content's assets into the docs folder (only those that changed); remove stale copies."""
    folder = docs_dir / SITE_ASSETS
    if folder.is_dir():
        for stale in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
            relative = stale.relative_to(docs_dir).as_posix()
            if relative not in attachments and relative not in user_files:
                stale.unlink()
    for relative, source in attachments.items():
        target = docs_dir / relative
        try:
            same = target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes()
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target, follow_symlinks=False)


def write_overrides(overrides_dir: Path, user: UserConfig) -> None:
    """Our template overrides, then the user's `theme.custom_dir` on top (the user's files win)."""
    source = resources.files("officebook.render") / "templates" / "site" / "overrides"
    with resources.as_file(source) as path:
        copy_tree(Path(path), overrides_dir)
    patch_search_worker(overrides_dir)
    write_theme_scripts(overrides_dir)
    custom_dir = (user.data.get("theme") or {}).get("custom_dir")
    if custom_dir:
        copy_tree(user.directory / custom_dir, overrides_dir)


@dataclass(frozen=True)
class PreparedLanguage:
    lang: str
    config_file: Path
    pages: int
    changed: tuple[str, ...]
    content: SiteContent | None = None  # the pages and navigation written


def prepare_language(manual: Manual, lang: str, work_dir: Path, user: UserConfig, *,
                     offline: bool, progress: Progress | None = None,
                     notes: EditionNotes | None = None, handbooks: Mapping[str, Path] | None = None) -> PreparedLanguage:
    """Render one language's pages and write its docs folder and mkdocs.yml under `work_dir`;
    `handbooks` (language → printed PDF) are put in the docs folder and linked. The mkdocs.yml names
    `<work_dir>/<lang>/site` as its site folder (where `mkdocs build -f` on it writes); officebook's
    own build writes elsewhere (`run_mkdocs(site_dir=…)`)."""
    pages_stage = _("{lang}: pages").format(lang=lang)
    step = (lambda done, total: progress(pages_stage, done, total)) if progress else None
    printed = [code for code in manual.info.languages if code in (handbooks or {})]
    # links written as HTML must be final addresses: MkDocs converts only those it parses as Markdown
    directory_urls = not offline and user.data.get("use_directory_urls", True) is not False
    content = render_site(manual, lang, progress=step, notes=notes, handbooks=printed, directory_urls=directory_urls)
    config_dir = work_dir / lang
    docs_dir = config_dir / "docs"
    attachments = {site_asset_path(asset): Path(manual.content_dir) / asset for asset in manual.assets}
    changed = write_docs(content, docs_dir, user, offline=offline, handbooks=handbooks, attachments=attachments)
    identity = identity_css(manual)  # the office's colour (render/identity.py); mkdocs_config names it
    if identity:
        write_if_changed(docs_dir / IDENTITY_CSS, identity)
    config = site_config(manual, lang, content, user, config_dir=config_dir, docs_dir=docs_dir,
                         site_dir=config_dir / "site", overrides_dir=work_dir / "overrides", offline=offline,
                         handbooks=printed)
    config_file = config_dir / "mkdocs.yml"
    write_config(config, config_file)
    return PreparedLanguage(lang, config_file, len(content.pages), tuple(changed), content)
