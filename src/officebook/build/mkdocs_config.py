"""The MkDocs configuration of one language's site, generated from the manual and the user's mkdocs.yml.

Our defaults first, the user's settings on top (theme options, extra CSS, plugins...), then what the
generator needs (docs and site folders, navigation, theme language). The result is plain YAML with
paths relative to its own folder, so ProperDocs and Zensical build the same work folder.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from officebook.build.csp import policy
from officebook.build.errors import SiteBuildError
from officebook.build.files import write_if_changed
from officebook.build.search import SEARCH_FIELDS, SEPARATOR, search_pipeline
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.identity import IDENTITY_CSS, emblem_path, identity_css
from officebook.render.prebuilt import STORE_FOLDER
from officebook.render.site import SiteContent, handbook_links, theme_text
from officebook.vocabulary.kinds import SINGULAR
from officebook.vocabulary.labels import LANGUAGE_NAMES, format_date, label

ASSET_DIR = "assets/officebook"
OWN_ASSETS = ("officebook.css", "officebook.js", "officebook-search.js", "officebook-onboarding.js",
              "officebook-orgchart.js")

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
        # ready-made HTML inserted after conversion, from the store beside docs/ (render/prebuilt.py)
        {"officebook.render.prebuilt": {"store": STORE_FOLDER}},
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
    """Deep merge of mappings; the user's value wins wherever both set one. A section the user left
    empty (`theme:` with only comments under it, which YAML reads as null) sets nothing: it would
    otherwise drop the defaults under it, the system fonts among them."""
    merged = dict(defaults)
    for key, value in user.items():
        if value is None and isinstance(merged.get(key), dict):
            continue
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
    emblem = emblem_path(manual)
    if emblem and not user_theme.get("logo"):  # the office's emblem in the header (render/identity.py)
        theme["logo"] = emblem
        theme.setdefault("favicon", emblem)
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
    config["extra_javascript"] = _unique([f"{ASSET_DIR}/{name}" for name in OWN_ASSETS if name.endswith(".js")]
                                         + list(user.data.get("extra_javascript") or []))
    extra["officebook_csp"] = policy(config["extra_javascript"], offline=offline)
    identity = [IDENTITY_CSS] if identity_css(manual) and not user_theme.get("palette") else []
    if identity:  # the office's colour (render/identity.py)
        config["theme"]["palette"] = {"primary": "custom"}
    config["extra_css"] = _unique([f"{ASSET_DIR}/officebook.css", *identity] + list(user.data.get("extra_css") or []))

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


def write_config(config: dict, path: Path) -> None:
    text = yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    write_if_changed(path, "# Generated by officebook from the content and mkdocs.yml: do not edit.\n" + text)
