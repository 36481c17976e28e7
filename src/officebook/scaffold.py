"""`officebook init` and `officebook new`: the files to write, worked out without writing anything.

`init_project` lays out a new manual project: the example content (one item of every kind, taken
from the schemas' examples and put into the chosen languages), mkdocs.yml, a README for the office,
a CI workflow, the schemas and an editor mapping for the YAML language server, and the authors'
guide. `new_item` writes one item with every required field of its schema, placeholders marked TODO.
Both return a `Plan`; the command line (officebook.cli) writes it. Usage problems raise `ScaffoldError`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from officebook import __version__, i18n, yaml_emit
from officebook.diagnostics import did_you_mean, listed
from officebook.guide import SchemaSet, documents
from officebook.i18n import gettext as _
from officebook.load import LoadLimits, load_file
from officebook.validate import ID_PATTERN
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN, KIND_SCHEMA

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
PLACEHOLDER = "TODO"
SCHEMA_FOLDER = ".officebook/schemas"
GUIDE_FOLDER = "guide"
YAML_SUFFIXES = (".yaml", ".yml")

# The ids of the schemas' example items, in the order of each schema's `examples`; together they
# form a small manual that passes `officebook check --strict`.
EXAMPLE_IDS: dict[str, tuple[str, ...]] = {
    "functions": ("coordination",),
    "duties": ("document-handling",),
    "procedures": ("document-review",),
    "standards": ("document-accuracy",),
    "posts": ("director", "secretary"),
}
# Optional fields `new` writes all the same, because a new item nearly always needs them.
EXPECTED_FIELDS: dict[str, tuple[str, ...]] = {"posts": ("reports_to",), "duties": ("tasks",)}
NOUN_KIND = {noun: kind for kind, noun in KIND_NOUN.items()}


# Written where officebook cannot tell how it was installed; the project's README says what to put.
INSTALL_PLACEHOLDER = "REPLACE-WITH-WHERE-YOUR-OFFICE-GETS-OFFICEBOOK"


@dataclass(frozen=True)
class InstallSource:
    """How a new project installs officebook: `requirement` is the line of its requirements.txt (read
    by its CI workflow and its README); `hook_repo` and `hook_rev` the git repository and a revision
    it has, for the pre-commit example (None when unknown). `local` names what officebook was installed
    from when that exists only on this machine (a folder, a file): the project then gets the placeholder."""

    requirement: str
    hook_repo: str | None = None
    hook_rev: str | None = None
    local: str | None = None
    unpublished: bool = False  # the revision is not on the remote yet (a local commit): push it first

    @property
    def known(self) -> bool:
        return self.requirement != INSTALL_PLACEHOLDER


def install_source(spec: str | None = None) -> InstallSource:
    """`spec` as given to `init --install` (a pip requirement: `officebook==1.2`, a path,
    `git+URL@REV`), else how the running officebook was installed, as far as can be told: its
    PEP 610 `direct_url.json` names a git repository and commit, a local folder or an archive; none
    means a package index. A local folder that is a git clone with a remote `origin` installs from that
    remote at the checked-out commit; any other folder or file of this machine, or no installation at
    all, gives the placeholder (other machines and CI could not install from it)."""
    if spec is not None:
        return _source_of_spec(spec.strip())
    from importlib import metadata

    try:
        distribution = metadata.distribution("officebook")
    except metadata.PackageNotFoundError:
        return InstallSource(INSTALL_PLACEHOLDER)
    if distribution.version != __version__:  # another copy than the one running (a source checkout)
        return InstallSource(INSTALL_PLACEHOLDER)
    try:
        direct = json.loads(distribution.read_text("direct_url.json") or "null")
    except ValueError:
        direct = None
    if not isinstance(direct, dict) or not isinstance(direct.get("url"), str):
        return InstallSource(f"officebook=={distribution.version}")
    url = direct["url"]
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id") and not _is_local(url):
        return InstallSource(f"officebook @ git+{url}@{vcs['commit_id']}", url, vcs["commit_id"])
    if url.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        local = unquote(urlsplit(url).path)
        if isinstance(direct.get("dir_info"), dict):
            if not Path(__file__).resolve().is_relative_to(Path(local).resolve()):
                return InstallSource(INSTALL_PLACEHOLDER)  # the running code is another copy than the one installed
            return _source_of_checkout(Path(local))
        return InstallSource(INSTALL_PLACEHOLDER, local=local)
    return InstallSource(f"officebook @ {url}")


def _source_of_checkout(folder: Path) -> InstallSource:
    """A local folder officebook was installed from (`pip install -e .` in a clone): its `origin`
    remote at the checked-out commit, which every machine can install; else the placeholder."""
    commit = _git(folder, "rev-parse", "--verify", "HEAD")
    remote = _pip_git_url(_git(folder, "remote", "get-url", "origin") or "")
    if not (commit and re.fullmatch(r"[0-9a-f]{40}", commit) and remote):
        return InstallSource(INSTALL_PLACEHOLDER, local=str(folder))
    published = bool(_git(folder, "branch", "--remotes", "--contains", commit))
    return InstallSource(f"officebook @ git+{remote}@{commit}", remote, commit, unpublished=not published)


def _pip_git_url(remote: str) -> str:
    """A git remote as pip reads it after `git+` (scp-like `git@host:path` becomes ssh://); '' for
    a remote on this machine (a path or file://), which other machines cannot reach."""
    remote = remote.strip()
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", remote):
        return "" if _is_local(remote) else remote
    scp = re.match(r"^([^@/:]+@)?([^/:]+):(.+)$", remote)
    if scp and len(scp.group(2)) > 1:  # not a Windows drive letter
        return f"ssh://{scp.group(1) or ''}{scp.group(2)}/{scp.group(3).lstrip('/')}"
    return ""


def _is_local(url: str) -> bool:
    return url.startswith("file:") or "://" not in url


def _source_of_spec(spec: str) -> InstallSource:
    if not spec:
        raise ScaffoldError(_("--install needs a pip requirement, e.g. officebook==0.1.0, a folder, or git+URL@REV"))
    url = spec.split("@", 1)[1].strip() if spec.startswith("officebook") and " @ " in spec else spec
    if url.startswith("git+"):
        location = url[len("git+"):].split("#", 1)[0]
        repo, at, rev = location.rpartition("@")
        if at and rev and "/" not in rev and "://" in repo:  # git+https://host/officebook.git@REV
            return InstallSource(spec, repo, rev)
        return InstallSource(spec, location, None)
    if Path(spec).is_dir():
        commit = _git(Path(spec), "rev-parse", "--verify", "HEAD")
        return InstallSource(spec, spec if commit else None, commit, local=spec)
    return InstallSource(spec)


def _git(folder: Path, *args: str) -> str | None:
    """What `git -C folder ARGS` prints (stripped), or None when it fails or git is missing."""
    import subprocess

    try:
        run = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30,
                             check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout.strip() if run.returncode == 0 else None


class ScaffoldError(Exception):
    """A usage problem: the command cannot do what was asked (the command line exits 2)."""


@dataclass
class Plan:
    """Files to write (relative POSIX path → text) and notes for the user."""

    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ---- languages and ids -----------------------------------------------------------------------------


def parse_languages(spec: str) -> tuple[str, ...]:
    """`"zh,en"` → `("zh", "en")`; the first is the default language."""
    languages = tuple(part.strip() for part in spec.split(","))
    if not spec.strip() or any(not lang for lang in languages):
        raise ScaffoldError(_("'{spec}' is not a list of language codes: write them comma-separated, e.g. zh,en").format(
            spec=spec))
    for lang in languages:
        if not LANGUAGE_PATTERN.match(lang):
            raise ScaffoldError(_("'{lang}' is not a language code: use codes such as zh, en or zh-Hant").format(lang=lang))
    repeated = sorted({lang for lang in languages if languages.count(lang) > 1})
    if repeated:
        raise ScaffoldError(_("the language '{lang}' is given twice").format(lang=repeated[0]))
    return languages


def id_problem(item_id: str) -> str:
    """Why `item_id` is not a valid id ('' when it is)."""
    if ID_PATTERN.match(item_id):
        return ""
    if not item_id:
        return _("an id cannot be empty")
    if item_id.endswith(YAML_SUFFIXES):
        return _("give the id without the file suffix: '{id}'").format(id=item_id.rsplit(".", 1)[0])
    if len(item_id) > 64:
        return _("an id has at most 64 characters; '{start}…' has {count}").format(start=item_id[:20], count=len(item_id))
    suggestion = suggest_id(item_id)
    better = _(": try '{id}'").format(id=suggestion) if suggestion and ID_PATTERN.match(suggestion) else ""
    if item_id != item_id.lower() and ID_PATTERN.match(item_id.lower()):
        return _("ids are lower-case{try_this}").format(try_this=better)
    if item_id[0] == "-":
        return _("an id starts with a letter or a digit{try_this}").format(try_this=better)
    odd = sorted({c for c in item_id if not re.match(r"[a-z0-9-]", c)})
    shown = ", ".join(repr(c) for c in odd)
    return _("ids use only lower-case ASCII letters, digits and '-', not {characters}{try_this}").format(
        characters=shown, try_this=better)


def suggest_id(text: str) -> str:
    """A valid id close to `text`: lower-case, other characters turned into hyphens."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:64].rstrip("-")


def kind_from_name(name: str) -> str:
    """`duty` or `duties` → `duties`."""
    lowered = name.lower()
    if lowered in ITEM_KINDS:
        return lowered
    if lowered in NOUN_KIND:
        return NOUN_KIND[lowered]
    nouns = [KIND_NOUN[kind] for kind in ITEM_KINDS]
    hint = did_you_mean(lowered, [*nouns, *ITEM_KINDS])
    message = _("'{name}' is not a kind of item ({kinds})").format(name=name, kinds=listed(nouns))
    raise ScaffoldError(_("{message} — {hint}").format(message=message, hint=hint) if hint else message)


# ---- texts in the manual's languages ----------------------------------------------------------------


def localize(value: Any, source: Sequence[str], languages: Sequence[str]) -> Any:
    """Put the texts of an example written in `source` languages into `languages`.

    A language the example lacks gets the text of its base language (zh for zh-Hant), else the
    English, else the first text, marked for translation; with one language a text becomes a plain
    string."""
    if isinstance(value, dict) and value and set(value) <= set(source) and \
            all(isinstance(v, str) for v in value.values()):
        def fallback(lang: str) -> str:
            base = lang.split("-")[0]
            text = value.get(base, value.get("en", next(iter(value.values()))))
            return f"{PLACEHOLDER} translate: {text}"

        texts = {lang: value[lang] if lang in value else fallback(lang) for lang in languages}
        return texts[languages[0]] if len(languages) == 1 else texts
    if isinstance(value, dict):
        return {key: localize(v, source, languages) for key, v in value.items()}
    if isinstance(value, list):
        return [localize(v, source, languages) for v in value]
    return value


def _text(languages: Sequence[str], given: dict[str, str] | None = None) -> Any:
    given = given or {}
    texts = {lang: given.get(lang, PLACEHOLDER) for lang in languages}
    return texts[languages[0]] if len(languages) == 1 else texts


# ---- init --------------------------------------------------------------------------------------------


def directory_problem(directory: Path) -> str:
    """Why `init` may not write into `directory` ('' when it may: missing or empty)."""
    if not directory.exists():
        return ""
    if not directory.is_dir():
        return _("{path} is a file, not a folder").format(path=directory)
    if any(directory.iterdir()):
        return _("{path} is not empty: officebook init only writes into a new or empty folder").format(path=directory)
    return ""


def _templates() -> jinja2.Environment:
    folder = resources.files("officebook") / "project_template"
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (folder / name).read_text(encoding="utf-8")),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
    )


def example_content(languages: Sequence[str], schemas: SchemaSet | None = None) -> dict[str, str]:
    """content/… files: the schemas' example items, in `languages`."""
    schemas = schemas or SchemaSet()
    source = schemas.example_languages
    files: dict[str, str] = {}
    manual = dict(schemas.examples("manual")[0], languages=list(languages))
    files["content/manual.yaml"] = yaml_emit.dump(localize(manual, source, languages))
    for kind in ITEM_KINDS:
        examples = schemas.examples(kind)
        if len(examples) != len(EXAMPLE_IDS[kind]):
            raise RuntimeError(f"{KIND_SCHEMA[kind]}.schema.json has {len(examples)} examples; "
                               f"EXAMPLE_IDS names {len(EXAMPLE_IDS[kind])}")
        for item_id, example in zip(EXAMPLE_IDS[kind], examples, strict=True):
            files[f"content/{kind}/{item_id}.yaml"] = yaml_emit.dump(localize(example, source, languages))
    glossary = schemas.examples("glossary")[0]
    files["content/glossary.yaml"] = yaml_emit.dump(localize(glossary, source, languages))
    return files


def editor_settings() -> dict:
    """`.vscode/settings.json`: each schema mapped to its files for the YAML language server."""
    globs: dict[str, list[str]] = {}
    for kind, name in KIND_SCHEMA.items():
        if kind in ITEM_KINDS:
            patterns = [f"content/{kind}/**/*{suffix}" for suffix in YAML_SUFFIXES]
        else:
            patterns = [f"content/{kind}{suffix}" for suffix in YAML_SUFFIXES]
        globs[f"./{SCHEMA_FOLDER}/{name}.schema.json"] = patterns
    return {
        "yaml.schemas": globs,
        "yaml.validate": True,
        "yaml.completion": True,
        "yaml.hover": True,
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2, "files.encoding": "utf8"},
    }


def init_project(languages: Sequence[str], schemas: SchemaSet | None = None,
                 install: InstallSource | None = None) -> Plan:
    """Every file of a new manual project, in `languages` (the first is the default), installing
    officebook as `install` says (default: the placeholder). The editor schemas and the authors'
    guide are in the interface language nearest the default language."""
    schemas = schemas or SchemaSet(language=languages[0])
    install = install or InstallSource(INSTALL_PLACEHOLDER)
    source = schemas.example_languages
    plan = Plan()
    plan.files.update(example_content(languages, schemas))
    manual = localize(schemas.examples("manual")[0], source, [languages[0]])
    readme_language = "zh" if languages[0].split("-")[0] == "zh" else "en"
    templates = _templates()
    values = {
        "version": __version__,
        "title": manual["title"],
        "organization": manual["organization"],
        "languages_text": ", ".join(languages),
        "install": install,
        "placeholder": INSTALL_PLACEHOLDER,
    }
    plan.files["requirements.txt"] = templates.get_template("requirements.txt").render(values)
    plan.files["README.md"] = templates.get_template(f"README.{readme_language}.md").render(values)
    plan.files["mkdocs.yml"] = templates.get_template("mkdocs.yml").render(values)
    plan.files[".gitignore"] = templates.get_template("gitignore").render(values)
    plan.files[".github/workflows/manual.yml"] = templates.get_template("manual.yml").render(values)
    plan.files[".vscode/settings.json"] = json.dumps(editor_settings(), indent=2) + "\n"
    plan.files[".vscode/extensions.json"] = json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n"
    for name in sorted(f"{n}.schema.json" for n in ["common", *KIND_SCHEMA.values()]):
        plan.files[f"{SCHEMA_FOLDER}/{name}"] = json.dumps(schemas.documents[name], ensure_ascii=False, indent=2) + "\n"
    for name, text in documents(schemas, schemas.language).items():
        plan.files[f"{GUIDE_FOLDER}/{name}"] = text
    missing = [lang for lang in languages if lang not in source]
    if not install.known and install.local:
        plan.notes.append(_("officebook was installed from {path}, which only this machine has: replace {placeholder} "
                            "in requirements.txt with where your office gets officebook (or run init with --install "
                            "SPEC)").format(path=install.local, placeholder=INSTALL_PLACEHOLDER))
    elif not install.known:
        plan.notes.append(_("officebook cannot tell where it was installed from: replace {placeholder} "
                            "in requirements.txt (or run init with --install SPEC)").format(placeholder=INSTALL_PLACEHOLDER))
    elif install.local:
        plan.notes.append(_("requirements.txt installs officebook from {path}, which only this machine has: "
                            "CI and colleagues need a git URL or a package index there").format(path=install.local))
    elif install.unpublished:
        plan.notes.append(_("requirements.txt installs officebook at commit {commit} of {remote}, which is not "
                            "pushed there yet: push it, or put a published tag or commit there").format(
            commit=install.hook_rev[:12], remote=install.hook_repo))
    elif not install.hook_rev:
        plan.notes.append(_("the pre-commit example in README.md needs the officebook repository and a revision of it"))
    if missing:
        plan.notes.append(_("the examples have no text in {languages}: texts in another language stand in, "
                            "marked '{placeholder} translate'").format(languages=", ".join(missing), placeholder=PLACEHOLDER))
    plan.files = dict(sorted(plan.files.items()))
    return plan


def refresh_plan(directory: Path, schemas: SchemaSet | None = None) -> Plan:
    """For an existing project: the files officebook owns there (the schemas the editor reads, the
    authors' guide) whose text differs from this version's. Content and settings are left alone."""
    if not (directory / "content").is_dir():
        raise ScaffoldError(_("{path} has no content folder: is it a project made by officebook init?").format(
            path=directory))
    try:
        languages = manual_languages(directory / "content")
    except ScaffoldError:
        languages = ("en",)
    owned = {path: text for path, text in init_project(languages[:1], schemas).files.items()
             if path.startswith((f"{SCHEMA_FOLDER}/", f"{GUIDE_FOLDER}/"))}
    plan = Plan()
    for relative, text in owned.items():
        target = directory / relative
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            plan.files[relative] = text
    return plan


# ---- new ---------------------------------------------------------------------------------------------


def manual_languages(content_dir: Path) -> tuple[str, ...]:
    """The languages of the manual in `content_dir` (its manual.yaml), or a ScaffoldError."""
    path = next((content_dir / f"manual{suffix}" for suffix in YAML_SUFFIXES
                 if (content_dir / f"manual{suffix}").is_file()), None)
    if not content_dir.is_dir():
        raise ScaffoldError(_("no content folder {path}: run officebook new in the project folder, "
                              "or name the folder with --content").format(path=content_dir))
    if path is None:
        raise ScaffoldError(_("{path} has no manual.yaml: create one (officebook init writes a project) "
                              "or name the content folder with --content").format(path=content_dir))
    loaded = load_file(path, path.name, LoadLimits())
    languages = loaded.data.get("languages") if loaded.ok and isinstance(loaded.data, dict) else None
    if not (isinstance(languages, list) and languages
            and all(isinstance(lang, str) and LANGUAGE_PATTERN.match(lang) for lang in languages)):
        raise ScaffoldError(_("{path} has no valid list of languages: run officebook check and fix it first").format(
            path=path))
    return tuple(dict.fromkeys(languages))


def _existing(content_dir: Path, kind: str, item_id: str) -> Path | None:
    """The file that already holds `item_id` in `kind` (sub-folders included), as check finds it."""
    root = content_dir / kind
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            stem, dot, suffix = name.rpartition(".")
            if dot and f".{suffix}" in YAML_SUFFIXES and stem == item_id and not name.startswith("."):
                return Path(folder, name)
    return None


def parse_titles(values: Iterable[str], languages: Sequence[str]) -> dict[str, str]:
    """`--title` values: `LANG=TEXT` for one language, or TEXT for the default language."""
    titles: dict[str, str] = {}
    for value in values:
        lang, sep, text = value.partition("=")
        if not (sep and lang in languages):
            lang, text = languages[0], value
        if not text.strip():
            raise ScaffoldError(_("--title '{value}' has no text").format(value=value))
        if lang in titles:
            raise ScaffoldError(_("--title is given twice for '{lang}'").format(lang=lang))
        titles[lang] = text
    return titles


def new_item(content_dir: Path, kind_name: str, item_path: str, titles: Iterable[str] = (),
             schemas: SchemaSet | None = None) -> Plan:
    """`kind/<item_path>.yaml` with every required field; `item_path` may name sub-folders
    (`service/meals`). Placeholders are TODO."""
    kind = kind_from_name(kind_name)
    parts = item_path.strip("/").split("/")
    item_id = parts[-1]
    for part in parts:
        problem = id_problem(part)
        if problem:
            message = _("'{part}' is not a valid id: {problem}") if part == item_id else \
                _("'{part}' is not a valid folder name: {problem}")
            raise ScaffoldError(message.format(part=part, problem=problem))
    languages = manual_languages(content_dir)
    schemas = schemas or SchemaSet(language=languages[0])
    existing = _existing(content_dir, kind, item_id)
    if existing is not None:
        raise ScaffoldError(_("a {kind} with the id '{id}' already exists: {path} (ids are unique within a kind, "
                              "sub-folders included)").format(kind=_(KIND_NOUN[kind]), id=item_id,
                                                              path=existing.as_posix()))
    given_titles = parse_titles(titles, languages)
    relative = f"{kind}/{'/'.join(parts)}.yaml"
    with i18n.using(schemas.language):
        text = item_yaml(kind, languages, given_titles, schemas)
    plan = Plan({relative: text})
    todo = text.count(PLACEHOLDER) - _comment_todos(text)
    plan.notes.append(i18n.ngettext("replace the {placeholder}, then run officebook check",
                                    "replace the {count} {placeholder}s, then run officebook check", todo).format(
        placeholder=PLACEHOLDER, count=todo))
    return plan


def _comment_todos(text: str) -> int:
    return sum(line.count(PLACEHOLDER) for line in text.splitlines() if line.lstrip().startswith("#"))


def placeholder(schemas: SchemaSet, schema: dict, document: str, languages: Sequence[str]) -> Any:
    """A value of the schema's shape with every required part present and marked TODO."""
    merged, chain, origin = schemas.resolve(schema, document)
    if "text" in chain:
        return _text(languages)
    if "anyOf" in merged:  # a task: its first form, a text
        return placeholder(schemas, merged["anyOf"][0], origin["anyOf"], languages)
    if "properties" in merged:
        required = merged.get("required", [])
        return {name: placeholder(schemas, merged["properties"][name], origin["properties"], languages)
                for name in required}
    if merged.get("type") == "array":
        if merged.get("minItems", 0) >= 1 and isinstance(merged.get("items"), dict):
            return [placeholder(schemas, merged["items"], origin["items"], languages)]
        return []
    return PLACEHOLDER


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def _field_help(schemas: SchemaSet, schema: dict, document: str) -> str:
    merged, origin = schemas.resolve(schema, document)[::2]
    lines = [merged.get("description", "")]
    if "enum" in merged:
        lines.append(_("One of: {values}.").format(values=listed(str(v) for v in merged["enum"])))
    for name, sub in merged.get("properties", {}).items():
        if name in merged.get("required", []):
            sub_merged = schemas.resolve(sub, origin["properties"])[0]
            lines.append(f"  {name}: {sub_merged.get('description', '')}")
    if merged.get("type") == "array" and isinstance(merged.get("items"), dict):
        items, items_origin = schemas.resolve(merged["items"], origin["items"])[::2]
        for name in items.get("required", []):
            sub_merged = schemas.resolve(items["properties"][name], items_origin["properties"])[0]
            lines.append(f"  {name}: {sub_merged.get('description', '')}")
    return "\n".join(line for line in lines if line.strip())


def item_yaml(kind: str, languages: Sequence[str], titles: dict[str, str], schemas: SchemaSet) -> str:
    """The new item's YAML: a header comment, then each required field with its description (in the
    interface's language, and the schemas' given to it)."""
    document, schema = schemas.kind_document(kind)
    merged, origin = schemas.resolve(schema, document)[::2]
    properties = merged["properties"]
    written = [*merged.get("required", []), *EXPECTED_FIELDS.get(kind, ())]
    optional = [name for name in properties if name not in written]
    lines = _comment("\n".join([
        schema.get("description", ""),
        _("Replace every {placeholder}, then run: officebook check").format(placeholder=PLACEHOLDER),
        _("Optional fields: {fields}.").format(fields=listed(optional)),
        _("Every field is described in the authors' guide (guide/authors-guide.md)."),
    ]))
    for name in written:
        value = placeholder(schemas, properties[name], origin["properties"], languages)
        if name == "title":
            value = _text(languages, titles)
        note = _field_help(schemas, properties[name], origin["properties"])
        lines += [""] + _comment(note) + yaml_emit.dump({name: value}).rstrip("\n").splitlines()
    return "\n".join(lines) + "\n"
