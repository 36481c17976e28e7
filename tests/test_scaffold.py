"""`officebook init` and `officebook new`: a project that checks and builds at once, items from the schemas."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import officebook
from officebook.cli import main
from officebook.guide import SchemaSet
from officebook.pipeline import run_check
from officebook.scaffold import (
    EXPECTED_FIELDS,
    INSTALL_PLACEHOLDER,
    PLACEHOLDER,
    InstallSource,
    ScaffoldError,
    id_problem,
    init_project,
    install_source,
    new_item,
    parse_languages,
)
from officebook.vocabulary.kinds import ITEM_KINDS, KIND_NOUN

KINDS = [KIND_NOUN[kind] for kind in ITEM_KINDS]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the command line in this process (fast), from `cwd`."""
    before = Path.cwd()
    os.chdir(cwd or before)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(before)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def _init(directory: Path, languages: str = "zh,en") -> Path:
    run = _cli("init", str(directory), "--lang", languages)
    assert run.returncode == 0, run.stderr
    return directory


def _findings(content: Path, strict: bool = True) -> list[str]:
    return [d.as_text() for d in run_check(content, strict=strict, use_cache=False).diagnostics]


# ---- init --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("languages", ["zh,en", "en", "zh", "en,zh"])
def test_init_content_passes_the_strict_check_in_any_languages(tmp_path, languages):
    project = _init(tmp_path / "manual", languages)
    assert _findings(project / "content") == []
    manual = yaml.safe_load((project / "content/manual.yaml").read_text(encoding="utf-8"))
    assert manual["languages"] == languages.split(",")
    if "," not in languages:
        assert isinstance(manual["title"], str)  # one language: plain strings, no mappings


def test_init_in_a_language_the_examples_lack_leaves_placeholders_that_strict_rejects(tmp_path):
    """`init --lang fr,en`: the French texts are `TODO translate: …` stand-ins, each a text.placeholder
    warning (so `check --strict` and the project's CI fail until they are translated), nothing else."""
    project = _init(tmp_path / "manual", "fr,en")
    result = run_check(project / "content", use_cache=False)
    assert result.diagnostics and {d.code for d in result.diagnostics} == {"text.placeholder"}
    assert all(not d.is_error and d.path[-1] == "fr" for d in result.diagnostics)
    assert not result.has_errors
    assert run_check(project / "content", strict=True, use_cache=False).has_errors


def test_init_has_one_example_of_every_kind_and_the_project_files(tmp_path):
    project = _init(tmp_path / "manual")
    for kind in ITEM_KINDS:
        assert list((project / "content" / kind).glob("*.yaml")), kind
    for name in ["mkdocs.yml", "README.md", ".gitignore", ".github/workflows/manual.yml", ".vscode/settings.json",
                 ".vscode/extensions.json", "content/manual.yaml", "content/glossary.yaml",
                 "guide/authors-guide.md", "guide/diagnostics.md", ".officebook/schemas/common.schema.json"]:
        assert (project / name).is_file(), name
    assert "/site/" in (project / ".gitignore").read_text().splitlines()
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "officebook new" in readme and "officebook check" in readme and "本仓库" in readme  # zh default
    english = _init(tmp_path / "english", "en")
    assert "How Example Unit General Office works" in (english / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_init_then_the_workflow_commands_check_and_build_without_warnings(tmp_path):
    """Run the CI workflow's own officebook steps in the new project, as GitHub would."""
    project = _init(tmp_path / "manual")
    workflow = yaml.safe_load((project / ".github/workflows/manual.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as true
    commands = [step["run"] for job in workflow["jobs"].values() for step in job["steps"]
                if step.get("run", "").startswith("officebook ")]
    assert commands == ["officebook check --strict --format github", "officebook build --strict"]
    for command in commands:
        run = subprocess.run(command.split(), check=False, cwd=project, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
        output = (run.stdout + run.stderr).lower()
        assert "warning" not in output and "error" not in output, output
    assert (project / "site/index.html").is_file()
    assert (project / "site/en/index.html").is_file()
    assert "综合协调" in (project / "site/functions/coordination/index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    run = subprocess.run([sys.executable, "-m", "officebook", "init", str(tmp_path)], check=False, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2
    assert "is not empty" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    file_target = tmp_path / "notes.txt"
    run = _cli("init", str(file_target))
    assert run.returncode == 2 and "is a file" in run.stderr


def test_init_writes_into_an_existing_empty_folder(tmp_path):
    _init(tmp_path)
    assert (tmp_path / "content/manual.yaml").is_file()


@pytest.mark.parametrize("languages, reason", [
    ("zh,,en", "not a list of language codes"),
    ("ZH", "not a language code"),
    ("zh,zh", "given twice"),
    ("", "not a list of language codes"),
])
def test_init_refuses_bad_languages(tmp_path, languages, reason):
    run = _cli("init", str(tmp_path / "manual"), "--lang", languages)
    assert run.returncode == 2 and reason in run.stderr
    assert not (tmp_path / "manual").exists()


def test_init_is_deterministic():
    assert init_project(("zh", "en")).files == init_project(("zh", "en")).files


def test_init_marks_texts_it_has_no_translation_for():
    plan = init_project(("fr", "en"))
    manual = yaml.safe_load(plan.files["content/manual.yaml"])
    assert manual["title"] == {"fr": f"{PLACEHOLDER} translate: Office Manual", "en": "Office Manual"}
    assert any("fr" in note for note in plan.notes)


def test_parse_languages():
    assert parse_languages(" zh , en ") == ("zh", "en")
    with pytest.raises(ScaffoldError):
        parse_languages("zh;en")


# ---- new ---------------------------------------------------------------------------------------------

# What an author writes over each placeholder that is not a text (found by its YAML path).
FILLS = {
    "function": "coordination",
    "frequency": "weekly",
    "raci.responsible[0]": "secretary",
    "raci.accountable": "director",
    "owner": "secretary",
    "steps[0].id": "prepare",
    "steps[0].actor": "secretary",
    "category": "conduct",
    "reports_to": "director",
}


def _fill(value, path: str = ""):
    """Every TODO replaced: texts get words, ids and choices get what FILLS says."""
    if isinstance(value, dict):
        if value and all(v == PLACEHOLDER for v in value.values()) and set(value) <= {"zh", "en"}:
            return {lang: f"Filled in ({lang})" for lang in value}
        return {k: _fill(v, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if value == PLACEHOLDER:
        return FILLS.get(path, "Filled in")
    return value


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_every_required_field_and_passes_check_once_filled(tmp_path, kind):
    project = _init(tmp_path / "manual")
    run = _cli("new", kind, f"new-{kind}", cwd=project)
    assert run.returncode == 0, run.stderr
    plural = next(k for k in ITEM_KINDS if KIND_NOUN[k] == kind)
    path = project / "content" / plural / f"new-{kind}.yaml"
    assert run.stdout.strip() == f"content/{plural}/new-{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and PLACEHOLDER in text
    data = yaml.safe_load(text)
    _, schema = SchemaSet().kind_document(plural)
    assert list(data) == [*schema["required"], *EXPECTED_FIELDS.get(plural, ())]
    assert data["title"] == {"zh": PLACEHOLDER, "en": PLACEHOLDER}

    filled = _fill(data)
    assert PLACEHOLDER not in repr(filled)
    path.write_text(yaml.safe_dump(filled, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if plural == "posts":  # a new post is on no duty yet; once a duty names it, all is well
        assert [f.split("[")[1].split("]")[0] for f in _findings(project / "content")] == ["post.no-duties"]
        duty = project / "content/duties/document-handling.yaml"
        duty.write_text(duty.read_text(encoding="utf-8").replace("responsible: [secretary]",
                                                                 f"responsible: [secretary, new-{kind}]"))
    assert _findings(project / "content") == []


def test_new_placeholders_fail_the_check_until_filled(tmp_path):
    project = _init(tmp_path / "manual")
    assert _cli("new", "duty", "meals", cwd=project).returncode == 0
    run = _cli("check", "--no-cache", cwd=project)
    assert run.returncode == 1
    assert "content/duties/meals.yaml" in run.stderr and "'TODO'" in run.stderr


def test_new_takes_titles_and_sub_folders(tmp_path):
    project = _init(tmp_path / "manual")
    run = _cli("new", "duties", "service/meals", "--title", "餐饮保障", "--title", "en=Meals", cwd=project)
    assert run.returncode == 0, run.stderr
    data = yaml.safe_load((project / "content/duties/service/meals.yaml").read_text(encoding="utf-8"))
    assert data["title"] == {"zh": "餐饮保障", "en": "Meals"}
    assert "replace the 6 TODOs" in run.stderr  # the four required fields, and a task in zh and en


def test_new_in_a_one_language_manual_writes_plain_strings(tmp_path):
    project = _init(tmp_path / "manual", "en")
    assert _cli("new", "standard", "punctuality", "--title", "Punctuality", cwd=project).returncode == 0
    data = yaml.safe_load((project / "content/standards/punctuality.yaml").read_text(encoding="utf-8"))
    assert data == {"title": "Punctuality", "category": PLACEHOLDER, "statement": PLACEHOLDER}


def test_new_refuses_duplicates_in_any_sub_folder(tmp_path):
    project = _init(tmp_path / "manual")
    assert _cli("new", "duty", "service/meals", cwd=project).returncode == 0
    before = (project / "content/duties/service/meals.yaml").read_bytes()
    for id_path in ["meals", "other/meals", "service/meals"]:
        run = _cli("new", "duty", id_path, cwd=project)
        assert run.returncode == 2, id_path
        assert "already exists: content/duties/service/meals.yaml" in run.stderr
    assert (project / "content/duties/service/meals.yaml").read_bytes() == before
    assert not (project / "content/duties/meals.yaml").exists()
    run = _cli("new", "post", "secretary", cwd=project)  # an example item
    assert run.returncode == 2 and "a post with the id 'secretary' already exists" in run.stderr
    # the same id in another kind is allowed: outputs are addressed by kind and id
    assert _cli("new", "procedure", "meals", cwd=project).returncode == 0


@pytest.mark.parametrize("item_id, reason", [
    ("Meals", "ids are lower-case: try 'meals'"),
    ("meals_plan", "not '_': try 'meals-plan'"),
    ("-meals", "starts with a letter or a digit"),
    ("meals.yaml", "without the file suffix: 'meals'"),
    ("m" * 65, "at most 64 characters"),
    ("会议", "lower-case ASCII letters"),
    ("Service/meals", "not a valid folder name"),
])
def test_new_refuses_invalid_ids_with_the_reason(tmp_path, item_id, reason):
    project = _init(tmp_path / "manual")
    run = _cli("new", "duty", "--", item_id, cwd=project)
    assert run.returncode == 2
    assert reason in run.stderr, run.stderr
    assert sorted(p.name for p in (project / "content/duties").rglob("*")) == ["document-handling.yaml"]


def test_id_problem_accepts_valid_ids():
    assert id_problem("document-review") == id_problem("a") == id_problem("2026-plan") == ""


def test_new_refuses_unknown_kinds_and_missing_manuals(tmp_path):
    project = _init(tmp_path / "manual")
    run = _cli("new", "dutie", "x", cwd=project)
    assert run.returncode == 2 and "did you mean" in run.stderr
    run = _cli("new", "duty", "x", "--content", "elsewhere", cwd=project)
    assert run.returncode == 2 and "no content folder elsewhere" in run.stderr
    (tmp_path / "bare").mkdir()
    run = _cli("new", "duty", "x", "--content", str(tmp_path / "bare"))
    assert run.returncode == 2 and "has no manual.yaml" in run.stderr


def test_new_never_replaces_a_file_written_meanwhile(tmp_path, monkeypatch):
    """`new` opens the file exclusively: a file that appears between the check and the write survives."""
    project = _init(tmp_path / "manual")
    target = project / "content/functions/late.yaml"
    from officebook import scaffold

    real = scaffold.new_item

    def racing(*args, **kwargs):
        plan = real(*args, **kwargs)
        target.write_text("title: written meanwhile\n")
        return plan

    monkeypatch.setattr(scaffold, "new_item", racing)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["new", "function", "late"])
    assert result.exit_code == 2 and "already exists" in result.output
    assert target.read_text() == "title: written meanwhile\n"


def test_new_item_is_a_plan_only(tmp_path):
    project = _init(tmp_path / "manual")
    before = sorted(os.walk(project))
    plan = new_item(project / "content", "procedure", "intake")
    assert list(plan.files) == ["procedures/intake.yaml"]
    assert sorted(os.walk(project)) == before


def test_init_refresh_brings_schemas_and_guide_up_to_date_and_leaves_the_rest(tmp_path):
    project = _init(tmp_path / "manual")
    (project / ".officebook/schemas/duty.schema.json").write_text("{}")
    (project / "guide/diagnostics.md").unlink()
    duty = project / "content/duties/document-handling.yaml"
    duty.write_text(duty.read_text(encoding="utf-8") + "order: 3\n", encoding="utf-8")
    settings = project / ".vscode/settings.json"
    settings.write_text("{}\n")
    run = _cli("init", "--refresh", str(project))
    assert run.returncode == 0, run.stderr
    assert "2 files updated" in run.stderr
    fresh = init_project(("zh", "en")).files
    for name in (".officebook/schemas/duty.schema.json", "guide/diagnostics.md"):
        assert (project / name).read_text(encoding="utf-8") == fresh[name]
    assert duty.read_text(encoding="utf-8").endswith("order: 3\n")
    assert settings.read_text() == "{}\n"  # the user's settings are theirs
    assert "up to date" in _cli("init", "--refresh", str(project)).stderr
    assert _cli("init", "--refresh", str(tmp_path / "elsewhere")).returncode == 2


# ---- how the new project installs officebook -------------------------------------------------------------


class _Distribution:
    def __init__(self, direct_url: dict | None, version: str = officebook.__version__) -> None:
        self.version = version
        self.direct_url = direct_url

    def read_text(self, name: str):
        return json.dumps(self.direct_url) if name == "direct_url.json" and self.direct_url else None


@pytest.mark.parametrize(("direct_url", "requirement", "hook"), [
    ({"url": "https://git.example.org/office/officebook.git",
      "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "main"}},
     f"officebook @ git+https://git.example.org/office/officebook.git@{'a' * 40}",
     ("https://git.example.org/office/officebook.git", "a" * 40)),
    ({"url": "https://files.example.org/officebook-0.1.0.tar.gz", "archive_info": {}},
     "officebook @ https://files.example.org/officebook-0.1.0.tar.gz", (None, None)),
    (None, f"officebook=={officebook.__version__}", (None, None)),
])
def test_install_source_is_how_officebook_was_installed(monkeypatch, direct_url, requirement, hook):
    monkeypatch.setattr("importlib.metadata.distribution", lambda name: _Distribution(direct_url))
    source = install_source()
    assert (source.requirement, source.hook_repo, source.hook_rev) == (requirement, *hook)


def _clone_with_origin(tmp_path: Path, origin: str | None) -> tuple[Path, str]:
    """A git clone of a one-commit repository whose `origin` remote is `origin` (None: no remote)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}
    checkout = tmp_path / "officebook"
    checkout.mkdir()
    for command in (["git", "init", "-q"], ["git", "commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(command, cwd=checkout, env=env, check=True, capture_output=True)
    if origin:
        subprocess.run(["git", "remote", "add", "origin", origin], cwd=checkout, check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True).stdout.strip()
    return checkout, head


@pytest.mark.parametrize(("origin", "remote"), [
    ("https://git.example.org/office/officebook.git", "https://git.example.org/office/officebook.git"),
    ("git@git.example.org:office/officebook.git", "ssh://git@git.example.org/office/officebook.git"),
])
def test_an_editable_install_from_a_clone_installs_from_its_origin(monkeypatch, tmp_path, origin, remote):
    """`pip install -e .` in a clone: the project installs from the clone's remote, never its local path."""
    from officebook import scaffold

    checkout, head = _clone_with_origin(tmp_path, origin)
    source = scaffold._source_of_checkout(checkout)
    assert (source.requirement, source.hook_repo, source.hook_rev) == (f"officebook @ git+{remote}@{head}", remote, head)
    assert str(checkout) not in source.requirement
    assert source.unpublished, "the commit is on no remote-tracking branch"
    plan = init_project(("zh",), install=source)
    assert plan.files["requirements.txt"].splitlines()[-1] == f"officebook @ git+{remote}@{head}"
    assert any("not pushed" in note and head[:12] in note for note in plan.notes)


@pytest.mark.parametrize("origin", [None, "/srv/git/officebook.git", "file:///srv/git/officebook.git"])
def test_an_install_only_this_machine_has_gives_the_placeholder_and_says_so(monkeypatch, tmp_path, origin):
    from officebook import scaffold

    checkout, _head = _clone_with_origin(tmp_path, origin)
    source = scaffold._source_of_checkout(checkout)
    assert (source.requirement, source.local) == (INSTALL_PLACEHOLDER, str(checkout))
    plan = init_project(("zh", "en"), install=source)
    assert plan.files["requirements.txt"].splitlines()[-1] == INSTALL_PLACEHOLDER
    assert str(checkout) not in plan.files["requirements.txt"]
    assert [note for note in plan.notes if str(checkout) in note and INSTALL_PLACEHOLDER in note], plan.notes


def test_install_source_of_the_running_checkout_follows_its_origin(monkeypatch):
    checkout = Path(officebook.__file__).resolve().parents[2]
    monkeypatch.setattr("importlib.metadata.distribution",
                        lambda name: _Distribution({"url": checkout.as_uri(), "dir_info": {"editable": True}}))
    source = install_source()
    assert str(checkout) not in source.requirement
    origin = subprocess.run(["git", "remote", "get-url", "origin"], cwd=checkout, capture_output=True, text=True)
    if origin.returncode != 0 or "://" not in origin.stdout and ":" not in origin.stdout:
        assert source.requirement == INSTALL_PLACEHOLDER and source.local == str(checkout)
    wheel = {"url": "file:///home/me/officebook-0.1.0-py3-none-any.whl", "archive_info": {}}
    monkeypatch.setattr("importlib.metadata.distribution", lambda name: _Distribution(wheel))
    assert (install_source().requirement, install_source().local) == (
        INSTALL_PLACEHOLDER, "/home/me/officebook-0.1.0-py3-none-any.whl")
    elsewhere = {"url": "file:///somewhere/else", "dir_info": {"editable": True}}
    monkeypatch.setattr("importlib.metadata.distribution", lambda name: _Distribution(elsewhere))
    assert install_source().requirement == INSTALL_PLACEHOLDER, "another copy than the running one"


def test_the_project_ignores_its_virtual_environment():
    ignored = init_project(("zh",)).files[".gitignore"].splitlines()
    assert ".venv/" in ignored


@pytest.mark.slow
def test_init_install_sets_the_workflow_readme_and_pre_commit_example(tmp_path):
    spec = "officebook @ git+https://git.example.org/office/officebook.git@v1.2.0"
    run = subprocess.run([sys.executable, "-m", "officebook", "init", str(tmp_path / "p"), "--lang", "en",
                          "--install", spec], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    project = tmp_path / "p"
    assert spec in (project / "requirements.txt").read_text().splitlines()
    workflow = yaml.safe_load((project / ".github/workflows/manual.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["manual"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses == ["actions/checkout@v6", "actions/setup-python@v6", "actions/upload-artifact@v7"]
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "requirements.txt"
    assert "python -m pip install -r requirements.txt" in [step.get("run") for step in steps]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install -r requirements.txt" in readme
    assert "repo: https://git.example.org/office/officebook.git\n    rev: v1.2.0" in readme
    assert INSTALL_PLACEHOLDER not in readme


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_without_a_known_source_writes_a_placeholder_the_readme_explains(lang):
    plan = init_project((lang,), install=InstallSource(INSTALL_PLACEHOLDER))
    assert plan.files["requirements.txt"].splitlines()[-1] == INSTALL_PLACEHOLDER
    assert INSTALL_PLACEHOLDER in plan.files["README.md"]
    assert any(INSTALL_PLACEHOLDER in note for note in plan.notes)
