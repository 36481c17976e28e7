"""Build the web manual: one MkDocs + Material site per language, replaced atomically.

The default language sits at the root of the output, every other language under `<code>/`, all
with the same page paths, and the header's language selector leads to the same page in each.
Generated Markdown, overrides and one `mkdocs.yml` per language are written to a work folder;
the user's `mkdocs.yml` (theme settings, extra CSS, plugins...) is merged in: the user's values
win, except for what the generator needs (docs and site folders, navigation, theme language).
The new site is built beside the output folder and swapped in only when every language built
without a warning, so a failed build leaves the previous site as it was.

Nothing here prints: progress goes to a callback, MkDocs' messages are collected and returned.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat as stat_module
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from officebook.build.search import SEARCH_FIELDS, SEPARATOR, improve_search_index, search_pipeline
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.editions import EditionNotes
from officebook.render.itemlinks import SITE_ASSETS, site_asset_path
from officebook.render.labels import LANGUAGE_NAMES, format_date, label
from officebook.render.site import (
    SINGULAR,
    SiteContent,
    handbook_links,
    handbook_path,
    render_site,
    term_anchors,
    theme_text,
)
from officebook.tempfiles import remove_stale, remove_stale_temp, staging_dir, temp_dir

SITE_MARKER = ".officebook-site"
ASSET_DIR = "assets/officebook"
OWN_ASSETS = ("officebook.css", "officebook.js", "officebook-search.js", "officebook-onboarding.js")
Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`, e.g. `("zh: pages", 120, 900)`."""

THEME_FEATURES = [
    "navigation.tabs",
    "navigation.indexes",
    "navigation.prune",
    "navigation.top",
    "navigation.footer",
    "search.highlight",
    "search.suggest",
    "toc.follow",
]

VALIDATION = {
    "nav": {"omitted_files": "info", "not_found": "warn", "absolute_links": "info"},
    "links": {"not_found": "warn", "anchors": "warn", "absolute_links": "info", "unrecognized_links": "warn"},
}


class SiteBuildError(Exception):
    """The site could not be built; `messages` says why (MkDocs' own messages included)."""

    def __init__(self, summary: str, messages: list[str] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.messages = messages or []


class OutputRefused(SiteBuildError):
    """The output folder is not one we may replace (it holds other things, or the content)."""


@dataclass
class SiteBuildResult:
    output: Path
    languages: tuple[str, ...]
    pages: int  # per language
    messages: list[str] = field(default_factory=list)  # MkDocs' info worth showing (none on success)
    timings: dict[str, float] = field(default_factory=dict)  # render, mkdocs, total (seconds)


@dataclass(frozen=True)
class UserConfig:
    """The user's mkdocs.yml, loaded the way MkDocs loads it (INHERIT, !ENV ...)."""

    path: Path | None
    data: dict

    @property
    def directory(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @classmethod
    def load(cls, path: Path | None) -> UserConfig:
        if path is None:
            return cls(None, {})
        from mkdocs.utils.yaml import yaml_load

        try:
            with open(path, "rb") as handle:
                data = yaml_load(handle) or {}
        except (OSError, yaml.YAMLError) as error:
            raise SiteBuildError(_("cannot read {path}: {reason}").format(path=path, reason=error)) from error
        if not isinstance(data, dict):
            raise SiteBuildError(_("{path}: the top level must be a mapping").format(path=path))
        return cls(path.resolve(), data)


# ---- configuration ------------------------------------------------------------------------------


class _PythonCall:
    """A Python call in mkdocs.yml: `!!python/object/apply:module.function {kwds: ...}`."""

    def __init__(self, name: str, **kwds: Any) -> None:
        self.name = name
        self.kwds = kwds


class _Dumper(yaml.Dumper):
    """Writes the merged configuration, including Python names from the user's mkdocs.yml."""


_Dumper.add_representer(
    _PythonCall,
    lambda dumper, data: dumper.represent_mapping(f"tag:yaml.org,2002:python/object/apply:{data.name}",
                                                  {"kwds": data.kwds}),
)


def _markdown_extensions(lang: str) -> list:
    return [
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "footnotes",
        "md_in_html",
        "tables",
        {"toc": {"permalink": True, "permalink_title": label("permalink", lang),
                 "slugify": _PythonCall("pymdownx.slugs.slugify", case="lower")}},
        "pymdownx.details",
        "pymdownx.superfences",
        {"pymdownx.tasklist": {"custom_checkbox": True, "clickable_checkbox": True}},
    ]


def material_language(lang: str) -> str:
    """The Material theme language for a manual language (its own, its base, or English)."""
    languages = resources.files("material") / "templates" / "partials" / "languages"
    for candidate in (lang, lang.split("-")[0]):
        if (languages / f"{candidate}.html").is_file():
            return candidate
    return "en"


def _entries(items: list | None) -> dict[str, dict]:
    """`plugins` / `markdown_extensions` lists (names or one-key mappings) as name → options."""
    found: dict[str, dict] = {}
    for entry in items or []:
        if isinstance(entry, str):
            found.setdefault(entry, {})
        elif isinstance(entry, dict):
            for name, options in entry.items():
                found[name] = {**found.get(name, {}), **(options or {})}
    return found


def _as_list(entries: dict[str, dict]) -> list:
    return [{name: options} if options else name for name, options in entries.items()]


def _merge(defaults: dict, user: dict) -> dict:
    """Deep merge of mappings; the user's value wins wherever both set one."""
    merged = dict(defaults)
    for key, value in user.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _unique(values: list) -> list:
    seen: list = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def alternates(languages: tuple[str, ...], lang: str) -> list[dict]:
    """Language selector entries: links from this language's site root to each site root."""
    default = languages[0]
    up = "" if lang == default else "../"
    return [
        {"name": LANGUAGE_NAMES.get(code, code), "lang": code, "link": up + ("" if code == default else f"{code}/")}
        for code in languages
    ]


def site_strings(manual: Manual, lang: str, user: UserConfig) -> dict:
    """What our theme overrides show, in the site's language: the 404 page and the kinds of entry
    named in the search results."""
    default = manual.info.default_language
    home = "" if lang == default or user.data.get("site_url") else f"{lang}/"
    kinds = {kind: label(SINGULAR[kind], lang) for kind in SINGULAR}
    kinds.update(glossary=label("glossary", lang), raci=label("raci", lang), onboarding=label("onboarding", lang))
    return {"not_found": label("not-found", lang), "not_found_hint": label("not-found-hint", lang),
            "back_home": label("back-home", lang), "home_path": home, "kinds": kinds}


def _relative_to(path: Path, folder: Path) -> str:
    """`path` as the generated mkdocs.yml in `folder` names it: relative (POSIX), so the work folder
    can be moved and built by any engine that reads mkdocs.yml."""
    return Path(os.path.relpath(Path(path).resolve(), Path(folder).resolve())).as_posix()


def site_config(manual: Manual, lang: str, content: SiteContent, user: UserConfig, *, config_dir: Path,
                docs_dir: Path, site_dir: Path, overrides_dir: Path, offline: bool,
                handbooks: Sequence[str] = ()) -> dict:
    """The MkDocs configuration of one language's site, to be written into `config_dir`: our defaults,
    the user's settings on top, then what the generator needs. `handbooks`: the languages whose
    printed handbook the site carries (linked from the footer)."""
    info = manual.info
    copyright_parts = [info.organization.get(lang), f"{label('edition', lang)} {info.edition}"]
    if info.effective:
        copyright_parts.append(f"{label('effective', lang)} {format_date(info.effective, lang)}")
    defaults: dict = {
        "site_name": theme_text(info.title.get(lang)),
        "copyright": theme_text(" · ".join(copyright_parts)),
        # System fonts by default: Google Fonts is slow or blocked on many office networks, and
        # Roboto has no Chinese. A font set in mkdocs.yml is used (except in offline builds).
        "theme": {"name": "material", "font": False},
        "validation": VALIDATION,
    }
    user_data = {k: v for k, v in user.data.items() if k not in ("docs_dir", "site_dir", "nav", "INHERIT")}
    config = _merge(defaults, user_data)

    theme = dict(config.get("theme") or {})
    user_theme = user.data.get("theme") or {}
    theme["name"] = "material"
    theme["language"] = material_language(lang)
    theme["custom_dir"] = _relative_to(overrides_dir, config_dir)
    theme["features"] = _unique(THEME_FEATURES + list(user_theme.get("features") or []))
    if offline:
        theme["font"] = False
    config["theme"] = theme

    extensions = _entries(_markdown_extensions(lang))
    for name, options in _entries(user.data.get("markdown_extensions")).items():
        extensions[name] = {**extensions.get(name, {}), **options}
    config["markdown_extensions"] = _as_list(extensions)

    # Material's tags_sort_by would take a Python callable (pinyin order), which no other engine reads:
    # the generated configuration stays plain YAML so ProperDocs and Zensical build it too.
    plugins = {"search": {}, "tags": {}}
    for name, options in _entries(user.data.get("plugins")).items():
        plugins[name] = {**plugins.get(name, {}), **options}
    plugins.setdefault("search", {})
    if isinstance(plugins["search"], dict):
        # our word separators (build/search.py), and tags weighed like titles rather than a thousand
        # times more (Material's default), so a term's glossary entry and the page titled by the
        # query come first; the user's settings win
        plugins["search"] = {"separator": SEPARATOR, "fields": SEARCH_FIELDS, **search_pipeline(lang),
                             **plugins["search"]}
    if offline:
        plugins["offline"] = {**plugins.get("offline", {}), "enabled": True}
    config["plugins"] = _as_list(plugins)

    extra = dict(config.get("extra") or {})
    if len(info.languages) > 1:
        extra["alternate"] = alternates(info.languages, lang)
    else:
        extra.pop("alternate", None)
    if offline:
        extra["polyfills"] = _unique(list(extra.get("polyfills") or []) + [f"{ASSET_DIR}/iframe-worker-shim.js"])
    extra["officebook"] = site_strings(manual, lang, user)
    extra.pop("officebook_handbooks", None)
    if handbooks:
        links = handbook_links(lang, handbooks)
        own = [{"name": LANGUAGE_NAMES.get(lang, lang), "lang": lang, "path": links["own"]}] if links["own"] else []
        extra["officebook_handbooks"] = {"label": label("printed-handbook", lang) + label("colon", lang),
                                         "files": own + links["others"]}
    config["extra"] = extra
    config["extra_css"] = _unique([f"{ASSET_DIR}/officebook.css"] + list(user.data.get("extra_css") or []))
    config["extra_javascript"] = _unique([f"{ASSET_DIR}/{name}" for name in OWN_ASSETS if name.endswith(".js")]
                                         + list(user.data.get("extra_javascript") or []))

    if user.data.get("hooks"):
        config["hooks"] = [str((user.directory / hook).resolve()) for hook in user.data["hooks"]]
    if user.data.get("watch"):
        config["watch"] = [str((user.directory / path).resolve()) for path in user.data["watch"]]
    if user.data.get("site_url") and lang != info.default_language:
        config["site_url"] = user.data["site_url"].rstrip("/") + f"/{lang}/"
    config["edit_uri"] = ""  # pages are generated: there is no source file to edit
    if offline:
        config["use_directory_urls"] = False
    # Relative to the generated mkdocs.yml and inside its folder, as Zensical requires; officebook's
    # own build writes elsewhere (run_mkdocs overrides site_dir).
    config["docs_dir"] = _relative_to(docs_dir, config_dir)
    config["site_dir"] = _relative_to(site_dir, config_dir)
    config["nav"] = content.nav
    config["strict"] = True
    return config


# ---- preparing the work folder --------------------------------------------------------------------


def _copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def write_if_changed(path: Path, text: str, *, folder_exists: bool = False) -> bool:
    """Write `text` unless the file already holds it (keeps mtimes, so watchers only see real edits)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    if not folder_exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return True


def write_docs(content: SiteContent, docs_dir: Path, user: UserConfig, *, offline: bool,
               handbooks: Mapping[str, Path] | None = None, attachments: Mapping[str, Path] | None = None) -> list[str]:
    """Lay out one language's docs folder: the user's docs files, our assets, the pages, the
    printed `handbooks` (language → PDF file) and the content's `attachments` (docs-relative path →
    file under content/assets/). Returns the pages whose Markdown changed; pages, handbooks and
    attachments no longer generated are removed."""
    user_docs = user.directory / str(user.data.get("docs_dir", "docs"))
    user_files: set[str] = set()
    if user.path and user_docs.is_dir() and user_docs.resolve() != docs_dir.resolve():
        _copy_tree(user_docs, docs_dir)
        user_files = {p.relative_to(user_docs).as_posix() for p in user_docs.rglob("*") if p.is_file()}
    assets = resources.files("officebook.render") / "assets"
    for name in OWN_ASSETS:
        write_if_changed(docs_dir / ASSET_DIR / name, (assets / "officebook" / name).read_text(encoding="utf-8"))
    if offline:
        shim = (assets / "vendor" / "iframe-worker" / "shim.js").read_text(encoding="utf-8")
        write_if_changed(docs_dir / ASSET_DIR / "iframe-worker-shim.js", shim)
    folders = {Path(path).parent.as_posix() for path in content.pages}
    for folder in sorted(folders):
        (docs_dir / folder).mkdir(parents=True, exist_ok=True)
    changed = [path for path, markdown in content.pages.items()
               if write_if_changed(docs_dir / path, markdown, folder_exists=True)]
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
    _copy_attachments(attachments or {}, docs_dir, user_files)
    return changed


def _copy_attachments(attachments: Mapping[str, Path], docs_dir: Path, user_files: set[str]) -> None:
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
        _copy_tree(Path(path), overrides_dir)
    patch_search_worker(overrides_dir)
    custom_dir = (user.data.get("theme") or {}).get("custom_dir")
    if custom_dir:
        _copy_tree(user.directory / custom_dir, overrides_dir)


# Material's search worker segments a Chinese query greedily by the words of the index, but its loop
# never tries the whole query (`j < length`), so 公文 is searched as 公* and 督查 as 督*. The last two
# fixes below make it try every end position, the first normalises the query; the patched worker is served from the overrides
# folder under the same name. If a Material release changes the code, nothing is patched.
_SEGMENT_FIXES = (
    # the query in its NFKC form, as the index has it (build/search.py): Ⅲ级 → III级, ＡＢＣ → ABC
    (re.compile(r"search\((\w+)\)\{if\(\1=\1\.replace\("), r"search(\1){\1=\1.normalize('NFKC');if(\1=\1.replace("),
    (re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in (\w+)"),
     r"for(let \1=\2+1;\1<=\3.length;\1++)\3.slice(\2,\1)in \4"),
    (re.compile(r"(\w+)\[(\w+)\]&&\2<(\w+)\.length-1&&"), r"\1[\2]&&\2<\3.length&&"),
)


def patch_search_worker(overrides_dir: Path) -> bool:
    """Write Material's search worker with the Chinese query segmentation fixed; False if the
    installed Material's worker does not have the expected code."""
    workers = resources.files("material") / "templates" / "assets" / "javascripts" / "workers"
    candidates = [entry for entry in workers.iterdir() if entry.name.startswith("search.") and entry.name.endswith(".js")]
    if len(candidates) != 1:
        return False
    source = candidates[0].read_text(encoding="utf-8")
    for pattern, replacement in _SEGMENT_FIXES:
        source, count = pattern.subn(replacement, source)
        if count != 1:
            return False
    write_if_changed(overrides_dir / "assets" / "javascripts" / "workers" / candidates[0].name, source)
    return True


def write_config(config: dict, path: Path) -> None:
    text = yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    write_if_changed(path, "# Generated by officebook from the content and mkdocs.yml: do not edit.\n" + text)


@dataclass(frozen=True)
class PreparedLanguage:
    lang: str
    config_file: Path
    pages: int
    changed: tuple[str, ...]


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
    content = render_site(manual, lang, progress=step, notes=notes, handbooks=printed)
    config_dir = work_dir / lang
    docs_dir = config_dir / "docs"
    attachments = {site_asset_path(asset): Path(manual.content_dir) / asset for asset in manual.assets}
    changed = write_docs(content, docs_dir, user, offline=offline, handbooks=handbooks, attachments=attachments)
    config = site_config(manual, lang, content, user, config_dir=config_dir, docs_dir=docs_dir,
                         site_dir=config_dir / "site", overrides_dir=work_dir / "overrides", offline=offline,
                         handbooks=printed)
    config_file = config_dir / "mkdocs.yml"
    write_config(config, config_file)
    return PreparedLanguage(lang, config_file, len(content.pages), tuple(changed))


# ---- running MkDocs -----------------------------------------------------------------------------


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int) -> list[str]:
        return [f"{r.levelname}: {r.getMessage()}" for r in self.records if r.levelno >= level]


def _quiet_jieba() -> None:
    """jieba logs at DEBUG to its own stderr handler, from import on; keep it to warnings."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


@contextmanager
def collect_mkdocs_messages() -> Iterator[_Collector]:
    """Route MkDocs' (and jieba's) log messages to a collector instead of the terminal."""
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    jieba_logger = logging.getLogger("jieba")
    saved = (logger.level, logger.propagate, jieba_logger.level)
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    _quiet_jieba()
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        jieba_logger.setLevel(saved[2])


def _progress_plugin(lang: str, progress: Progress):
    from mkdocs.plugins import BasePlugin

    class ProgressPlugin(BasePlugin):
        """Counts pages as MkDocs writes them."""

        total = 0
        done = 0

        def on_files(self, files, config):
            self.total = len(files.documentation_pages())
            self.done = 0
            return files

        def on_post_page(self, output, page, config):
            self.done += 1
            if self.done % 50 == 0 or self.done == self.total:
                progress(_("{lang}: site").format(lang=lang), self.done, self.total)
            return output

    return ProgressPlugin()


def run_mkdocs(config_file: Path, *, site_dir: Path | None = None, lang: str = "",
               progress: Progress | None = None) -> None:
    """Build one MkDocs site from a generated config, strictly (any warning fails the build), into
    `site_dir` (default: the config's own)."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # The model and the rendered pages stay alive during the build; keep the garbage collector
    # from walking them again and again while MkDocs allocates.
    gc.collect()
    gc.freeze()
    with collect_mkdocs_messages() as collector:
        try:
            overrides = {"site_dir": str(Path(site_dir).resolve())} if site_dir else {}
            config = load_config(str(config_file), **overrides)
            if progress:
                config.plugins["officebook-progress"] = _progress_plugin(lang, progress)
            build(config)
        except OSError as error:
            reason = error.strerror or str(error)
            raise SiteBuildError(_("{what}: cannot write the site: {reason}").format(what=lang or config_file, reason=reason),
                                 collector.messages(logging.WARNING)) from error
        except (MkDocsException, yaml.YAMLError) as error:
            messages = collector.messages(logging.WARNING)
            raise SiteBuildError(_("{what}: MkDocs build failed: {reason}").format(what=lang or config_file, reason=error),
                                 messages) from error
        finally:
            gc.unfreeze()


# ---- the whole build -----------------------------------------------------------------------------


def check_output(output: Path, protected: list[Path]) -> None:
    """Refuse to replace a folder that holds the content, the config, or anything not built by us."""
    target = output.resolve()
    for path in protected:
        path = path.resolve()
        if target == path or target in path.parents:
            raise OutputRefused(_("refusing to replace {output}: it contains {path}").format(output=output, path=path))
    if target == Path.home().resolve() or target == Path(target.anchor):
        raise OutputRefused(_("refusing to replace {output}").format(output=output))
    if target.exists():
        if not target.is_dir():
            raise OutputRefused(_("refusing to replace {output}: it is not a folder").format(output=output))
        if any(target.iterdir()) and not (target / SITE_MARKER).exists():
            raise OutputRefused(
                _("refusing to replace {output}: it is not empty and was not built by officebook "
                  "(no {marker} file); remove it or choose another output folder").format(output=output, marker=SITE_MARKER)
            )


def replace_folder(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target`: two renames on one file system, the old site removed
    after; if the second rename fails the old site is put back."""
    backup: Path | None = None
    if target.exists():
        backup = staging_dir(target, "old")
        os.rmdir(backup)
        os.rename(target, backup)
    try:
        os.rename(staging, target)
    except OSError:
        if backup is not None:
            os.rename(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def _umask_permissions(path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o777 & ~umask)


def build_site(manual: Manual, output: Path, *, config_file: Path | None = None, offline: bool = False,
               work_dir: Path | None = None, protected: list[Path] | None = None,
               progress: Progress | None = None, notes: EditionNotes | None = None,
               handbooks: Mapping[str, Path] | None = None) -> SiteBuildResult:
    """Build the site of every language of `manual` into `output`, replacing it atomically.

    `config_file` is the user's mkdocs.yml (or None). Generated files go to `work_dir` (a temporary
    folder, removed afterwards, when None). `protected` paths may never be inside `output`.
    `notes` (officebook.render.editions) add the "what changed" and "due for review" pages and notices.
    `handbooks` (language → printed PDF, `officebook build --pdf`) go into every language's site at
    `handbook_path(lang)`, linked from the home page and the footer.
    Raises `SiteBuildError` (the previous site untouched) when any language fails.
    """
    started = time.perf_counter()
    output = Path(output)
    check_output(output, list(protected or []) + ([config_file] if config_file else []))
    user = UserConfig.load(config_file)
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(output.parent, output.name)  # what killed runs left: staging and backup folders
    remove_stale_temp()
    # Absolute: MkDocs reads a relative site_dir relative to the generated mkdocs.yml, not to here.
    staging = staging_dir(output, "new").resolve()
    own_work_dir = work_dir is None
    work = temp_dir("site") if own_work_dir else Path(work_dir).resolve()
    timings = {"render": 0.0, "mkdocs": 0.0}
    languages = manual.info.languages
    pages = 0
    try:
        write_overrides(work / "overrides", user)
        for lang in languages:
            site_dir = staging if lang == manual.info.default_language else staging / lang
            t0 = time.perf_counter()
            prepared = prepare_language(manual, lang, work, user, offline=offline, progress=progress,
                                        notes=notes, handbooks=handbooks)
            t1 = time.perf_counter()
            run_mkdocs(prepared.config_file, site_dir=site_dir, lang=lang, progress=progress)
            t2 = time.perf_counter()
            improve_search_index(site_dir, manual, lang, term_anchors(manual))
            timings["render"] += t1 - t0
            timings["mkdocs"] += t2 - t1
            timings["search"] = timings.get("search", 0.0) + time.perf_counter() - t2
            pages = prepared.pages
        (staging / SITE_MARKER).write_text(
            "Built by officebook. This folder is replaced as a whole on every build.\n", encoding="utf-8")
        _umask_permissions(staging)
        replace_folder(staging, output)
    except OSError as error:  # a full disk, a folder we may not write: one clear error
        shutil.rmtree(staging, ignore_errors=True)
        # a file of the staging folder is named as the site it was to become: no temporary path
        inside = bool(error.filename) and str(error.filename).startswith(str(staging))
        where = f" {output}" if inside else f" {error.filename}" if error.filename else ""
        raise SiteBuildError(_("cannot write the site{where}: {reason}").format(
            where=where, reason=error.strerror or error)) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if own_work_dir:
            shutil.rmtree(work, ignore_errors=True)
    timings["total"] = time.perf_counter() - started
    return SiteBuildResult(output, languages, pages, [], timings)


# ---- live preview ---------------------------------------------------------------------------------


def _snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every content file and asset under `paths` (and of files named
    in `paths`), found the way `check` finds them: a FIFO, a link loop or a path too long never
    blocks or stops the watcher."""
    from officebook.pipeline import discover, discover_assets

    found: dict[str, tuple[int, int]] = {}
    for root in paths:
        if root.is_dir():
            candidates = [root / rel for rel in (*discover(root).files, *sorted(discover_assets(root)))]
        else:
            candidates = [root]
        for path in candidates:
            try:
                stat = path.stat()
            except OSError:
                continue
            if stat_module.S_ISREG(stat.st_mode):
                found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


class LivePreview:
    """`officebook serve`: MkDocs' live-reloading server over a generated docs folder that is kept
    in step with the content. When a content file (or mkdocs.yml) changes, the content is checked
    again and only the pages whose Markdown changed are rewritten; MkDocs sees them and rebuilds.

    `check()` returns (manual or None, anything) and is the caller's: findings are the caller's to
    show through `on_check`; `on_pages(changed)` hears which pages were rewritten.
    """

    def __init__(self, content_dir: Path, lang: str | None, config_file: Path | None, *,
                 check: Callable[[], Manual | None], on_pages: Callable[[list[str]], None],
                 work_dir: Path | None = None) -> None:
        self.content_dir = Path(content_dir)
        self.lang = lang
        self.config_file = config_file
        self.check = check
        self.on_pages = on_pages
        self.work_dir = Path(work_dir).resolve() if work_dir else temp_dir("serve")
        self.own_work_dir = work_dir is None
        self.prepared: PreparedLanguage | None = None

    def render(self) -> bool:
        """Check and render; False (the previous pages kept) when the content has errors."""
        manual = self.check()
        if manual is None:
            return False
        lang = self.lang or manual.info.default_language
        if lang not in manual.info.languages:
            raise SiteBuildError(_("the manual has no language {lang!r} (it has {languages})").format(
                lang=lang, languages=", ".join(manual.info.languages)))
        user = UserConfig.load(self.config_file)
        write_overrides(self.work_dir / "overrides", user)
        # One language is served: no language selector leading to sites that are not there.
        single = replace(manual, info=replace(manual.info, languages=(lang,)))
        self.prepared = prepare_language(single, lang, self.work_dir, user, offline=False)
        self.on_pages(list(self.prepared.changed))
        return True

    def watch(self, stop: Any, interval: float = 0.5) -> None:
        """Poll the content folder and mkdocs.yml until `stop` (a threading.Event) is set."""
        watched = [self.content_dir] + ([self.config_file] if self.config_file else [])
        before = _snapshot(watched)
        while not stop.wait(interval):
            now = _snapshot(watched)
            if now != before:
                before = now
                try:
                    self.render()
                except SiteBuildError as error:
                    self.on_pages([])
                    logging.getLogger("mkdocs").error(error.summary)

    def serve(self, *, host: str, port: int, open_browser: bool = False, dirty: bool = False,
              on_ready: Callable[[str], None] | None = None,
              wrap_app: Callable[[Any, str], Any] | None = None) -> None:
        """Run MkDocs' live-reload server on host:port until interrupted (blocks), with the content
        watcher beside it; the work folder (when temporary) is removed however it ends.

        MkDocs' `serve` command is not used: its server is built here so that requests the file system
        cannot answer are refused before they reach it, and the folders it watches (the generated
        docs) stay ours to name. A port that is taken raises OSError; `on_ready(url)` hears when the
        first build is served. `wrap_app(app, mount_path)` puts a WSGI application in front of the
        server's own (`officebook edit` adds its forms and API)."""
        import threading
        from urllib.parse import urlsplit

        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
        from mkdocs.livereload import LiveReloadServer

        if self.prepared is None:
            raise SiteBuildError(_("the content has errors: nothing to serve yet"))
        _quiet_jieba()
        site_dir = self.work_dir / "served"
        config_file = self.prepared.config_file
        stop = threading.Event()
        watcher = threading.Thread(target=self.watch, args=(stop,), daemon=True, name="officebook-watch")
        config = None
        try:
            config = load_config(str(config_file), site_dir=str(site_dir))
            config.plugins.on_startup(command="serve", dirty=dirty)
            mount_path = urlsplit(config.site_url or "/").path
            serve_url = _serve_url(host, port, mount_path)

            def builder(current=None) -> None:
                try:
                    current = current or load_config(str(config_file), site_dir=str(site_dir))
                    current.site_url = serve_url
                    build(current, serve_url=serve_url, dirty=dirty)
                except (MkDocsException, OSError, yaml.YAMLError) as error:
                    if current is config:  # the first build
                        raise SiteBuildError(_("MkDocs build failed: {reason}").format(reason=error)) from error
                    logging.getLogger("mkdocs").error(_("the preview could not be rebuilt: {reason}").format(reason=error))

            server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                                      mount_path=mount_path)
            # Daemon threads: once stopped (Ctrl-C, SIGTERM) and cleaned up, the process must not wait for
            # a request or watcher thread of the server at exit.
            server.serve_thread.daemon = True
            server.observer.daemon = True
            app = _refuse_unservable_paths(server.serve_request)
            server.set_app(wrap_app(app, mount_path) if wrap_app else app)
            server.error_handler = lambda code: _error_page(site_dir, code)
            config.site_url = serve_url
            server.server_bind()  # fails at once on a taken or impossible address, before building
            server.server_activate()
            server.server_bind = server.server_activate = lambda: None  # done: serve() must not repeat it
            builder(config)
            server.watch(str(self.prepared.config_file.parent / "docs"))
            server.watch(str(config_file))
            watcher.start()
            if on_ready:
                on_ready(serve_url)
            try:
                server.serve(open_in_browser=open_browser)
            finally:
                server.shutdown()
                server.server_close()
        finally:
            stop.set()
            if watcher.is_alive():
                watcher.join(timeout=5)
            if config is not None:
                config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)
            self.close()

    def close(self) -> None:
        """Remove the work folder, when it is a temporary one."""
        if self.own_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def _serve_url(host: str, port: int, path: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path.rstrip('/')}/"


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


_UNSERVABLE = re.compile(r"[\x00-\x1f\x7f]")


def _refuse_unservable_paths(app):
    """A WSGI wrapper answering 400 for a path with control characters (`/%00`), which no file can
    have and which the file system rejects with an exception (a 500 and a traceback otherwise)."""

    def guarded(environ, start_response):
        if _UNSERVABLE.search(environ.get("PATH_INFO", "")):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: the path has control characters\n"]
        return app(environ, start_response)

    return guarded
