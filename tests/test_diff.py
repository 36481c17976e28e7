"""`officebook diff`: two crafted editions, folders vs JSON exports vs git revisions, and properties."""

import json
import os
import shutil
import subprocess
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CASES, ROOT, officebook
from officebook.diff import (
    EditionError,
    FieldChange,
    diff_editions,
    format_markdown,
    format_text,
    read_edition,
    read_git_edition,
)
from officebook.pipeline import edition_of

EDITIONS = CASES / "editions"

FRESH = partial(edition_of, use_cache=False)  # a folder is checked afresh, then exported


def _officebook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return officebook(*args, cwd=cwd or ROOT)


@pytest.fixture(scope="module")
def crafted():
    return diff_editions(read_edition(EDITIONS / "old", FRESH),
                         read_edition(EDITIONS / "new", FRESH))


def test_crafted_editions_report_exactly_the_changes_made(crafted):
    assert (crafted.old_edition, crafted.new_edition) == ("2026.1", "2026.2")
    assert crafted.manual == (FieldChange("edition", "2026.1", "2026.2"),)
    assert [c.key for c in crafted.added] == [("standards", "punctuality")]
    assert [c.key for c in crafted.removed] == [("duties", "annual-review")]
    assert {c.key: c.changes for c in crafted.changed} == {
        ("duties", "vehicles"): (FieldChange("raci.accountable", "secretary", "driver"),),
        ("procedures", "document-review"): (FieldChange("steps[check].actor", "director", "secretary"),),
        ("posts", "driver"): (FieldChange("title[en]", "Driver", "Chauffeur"),),
    }


def test_text_and_markdown_name_every_change(crafted):
    text = format_text(crafted, "en")
    for line in ("+ standards/punctuality  Punctuality", "- duties/annual-review  Annual review",
                 'raci.accountable: "secretary" → "driver"', 'steps[check].actor: "director" → "secretary"',
                 'title[en]: "Driver" → "Chauffeur"', "1 added, 1 removed, 3 changed"):
        assert line in text
    markdown = format_markdown(crafted)
    assert markdown.startswith("# Changes from edition 2026.1 to 2026.2\n")
    assert '| `title[en]` | "Driver" | "Chauffeur" |' in markdown
    assert "### `posts/driver` 驾驶员" in markdown


def test_json_exports_diff_like_their_folders(tmp_path, crafted):
    for name in ("old", "new"):
        run = _officebook("export", "--no-cache", str(EDITIONS / name), "-o", str(tmp_path / name))
        assert run.returncode == 0, run.stderr
    exports = [str(tmp_path / name / "officebook.json") for name in ("old", "new")]
    run = _officebook("diff", *exports, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == crafted.as_dict()
    mixed = diff_editions(read_edition(tmp_path / "old" / "officebook.json", FRESH), read_edition(EDITIONS / "new", FRESH))
    assert mixed == crafted


def test_a_json_export_of_the_default_manual_diffs_empty_against_its_folder(tmp_path):
    run = _officebook("export", "content", "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert diff_editions(read_edition(tmp_path / "officebook.json", FRESH), read_edition(ROOT / "content", FRESH)).is_empty


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A git repository whose first commit holds the old edition and whose second holds the new."""
    repo = tmp_path_factory.mktemp("repo")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    for name in ("old", "new"):
        shutil.rmtree(repo / "manual", ignore_errors=True)
        shutil.copytree(EDITIONS / name, repo / "manual")
        # copytree keeps the files' times, and a new copy may get the old one's inode: git's index would
        # take the new manual.yaml (2026.2, as long as 2026.1) for unchanged and commit the old one again.
        # Out of the index first, every file is read afresh.
        git("rm", "-r", "-q", "--cached", "--ignore-unmatch", "manual")
        git("add", "-A", "manual")
        git("commit", "-q", "-m", name)
    return repo


@pytest.mark.slow
def test_git_revisions_diff_like_their_folders(repository, crafted):
    status = ["git", "status", "--porcelain", "--ignored"]
    before = subprocess.run(status, cwd=repository, capture_output=True, text=True).stdout
    assert diff_editions(read_git_edition(repository, "HEAD~1", "manual", FRESH),
                         read_git_edition(repository, "HEAD", "manual", FRESH)) == crafted
    run = _officebook("diff", "--git", "HEAD~1", "HEAD", "--content", "manual",
                      "--repo", str(repository / "manual"))
    assert run.returncode == 0, run.stderr
    assert run.stdout == format_text(crafted)
    after = subprocess.run(status, cwd=repository, capture_output=True, text=True).stdout
    assert after == before  # read-only


@pytest.mark.slow
@pytest.mark.parametrize("revision, message", [("no-such-rev", "no such git revision"),
                                               ("--output=x", "not a git revision")])
def test_bad_git_revisions_are_usage_errors(repository, revision, message):
    with pytest.raises(EditionError, match=message):
        read_git_edition(repository, revision, "manual", FRESH)
    run = _officebook("diff", "--git", "--content", "manual", "--repo", str(repository),
                      "--", "HEAD", revision)
    assert run.returncode == 2 and message in run.stderr


def test_unreadable_editions(tmp_path):
    assert _officebook("diff", str(EDITIONS / "old"), str(tmp_path / "missing")).returncode == 2
    (tmp_path / "other.json").write_text('{"format": "something-else"}', encoding="utf-8")
    run = _officebook("diff", str(EDITIONS / "old"), str(tmp_path / "other.json"))
    assert run.returncode == 2 and "not an officebook export" in run.stderr
    (tmp_path / "future.json").write_text('{"format": "officebook-export", "version": 99}', encoding="utf-8")
    run = _officebook("diff", str(tmp_path / "future.json"), str(EDITIONS / "old"))
    assert run.returncode == 2 and "export version 99" in run.stderr
    broken = tmp_path / "broken"
    shutil.copytree(EDITIONS / "old", broken)
    (broken / "posts" / "driver.yaml").write_text("title: x\nreports_to: nobody\n", encoding="utf-8")
    run = _officebook("diff", str(EDITIONS / "old"), str(broken))
    assert run.returncode == 1 and "[ref.unknown]" in run.stderr


# ---- properties ----------------------------------------------------------------------------------

_IDS = st.sampled_from(["a", "b", "c", "d"])
_TEXTS = st.dictionaries(st.sampled_from(["zh", "en"]), st.text(max_size=3), min_size=1)
_REFS = _IDS.map(lambda i: {"kind": "posts", "id": i, "title": {"zh": i}})


def _keyed(strategy, ids=_IDS):
    """Lists of dicts with unique ids."""
    return st.lists(st.tuples(ids, strategy), unique_by=lambda pair: pair[0], max_size=4).map(
        lambda pairs: [{"id": i, **fields} for i, fields in pairs])


_STEPS = _keyed(st.fixed_dictionaries({
    "number": st.integers(1, 4), "actor": _REFS, "action": _TEXTS, "output": st.none() | _TEXTS,
    "standards": st.lists(_REFS, max_size=2), "next": st.lists(_IDS, max_size=2),
    "when": st.none() | _TEXTS,
}))
_COMMON = {
    "kind": st.just("x"), "file": st.text(max_size=3), "title": _TEXTS, "summary": st.none() | _TEXTS,
    "tags": st.lists(st.text(max_size=2), max_size=2), "maintainer": st.none() | _REFS,
    "review_by": st.none() | st.sampled_from(["2026-01-01", "2027-01-01"]),
    "order": st.none() | st.integers(0, 2), "referenced_by": st.just([]),
}
_RACI = st.fixed_dictionaries({
    "responsible": st.lists(_REFS, min_size=1, max_size=2), "accountable": _REFS,
    "consulted": st.lists(_REFS, max_size=2), "informed": st.lists(_REFS, max_size=2),
})
_DUTIES = _keyed(st.fixed_dictionaries({**_COMMON, "frequency": st.sampled_from(["daily", "weekly"]),
                                        "raci": _RACI}))
_PROCEDURES = _keyed(st.fixed_dictionaries({**_COMMON, "owner": _REFS, "steps": _STEPS,
                                            "records": st.lists(_TEXTS, max_size=2)}))
_ONBOARDING = st.fixed_dictionaries({"first_day": st.lists(_TEXTS, max_size=2),
                                     "first_week": st.lists(_TEXTS, max_size=1)})
_POSTS = _keyed(st.fixed_dictionaries({**_COMMON, "reports_to": st.none() | _REFS,
                                       "onboarding": _ONBOARDING}))
_GLOSSARY = st.lists(st.fixed_dictionaries({"term": _TEXTS, "definition": _TEXTS,
                                            "see": st.lists(_REFS, max_size=1)}), max_size=3)
EDITION = st.fixed_dictionaries({
    "manual": st.fixed_dictionaries({"title": _TEXTS, "edition": st.sampled_from(["1", "2"]),
                                     "default_language": st.just("zh"), "languages": st.just(["zh", "en"])}),
    "items": st.fixed_dictionaries({"duties": _DUTIES, "procedures": _PROCEDURES, "posts": _POSTS}),
    "glossary": _GLOSSARY,
})


@settings(max_examples=60, deadline=None)
@given(EDITION)
def test_an_edition_does_not_differ_from_itself(edition):
    assert diff_editions(edition, edition).is_empty


def _as_set(changes, *, mirrored: bool = False):
    return sorted((repr(c.field), repr(c.new if mirrored else c.old), repr(c.old if mirrored else c.new))
                  for c in changes)


@settings(max_examples=60, deadline=None)
@given(EDITION, EDITION)
def test_diff_is_antisymmetric(old, new):
    forward, backward = diff_editions(old, new), diff_editions(new, old)
    assert forward.added == backward.removed
    assert forward.removed == backward.added
    assert sorted(c.key for c in forward.changed) == sorted(c.key for c in backward.changed)
    back = {c.key: c.changes for c in backward.changed}
    for change in forward.changed:
        assert change.changes
        assert _as_set(change.changes, mirrored=True) == _as_set(back[change.key])
    assert _as_set(forward.manual, mirrored=True) == _as_set(backward.manual)


# ---- glossary references keep their kind -----------------------------------------------------------------


def _with_glossary(tmp_path, name: str, see: str) -> Path:
    """The new edition with a duty that shares its id with a procedure, and one term seeing `see`."""
    folder = tmp_path / name
    shutil.copytree(EDITIONS / "new", folder)
    shutil.copy(folder / "duties" / "document-handling.yaml", folder / "duties" / "document-review.yaml")
    (folder / "glossary.yaml").write_text(
        "terms:\n  - term: {zh: 审核, en: Review}\n    definition: {zh: 发文前的核对。, en: Checking before issue.}\n"
        f"    see: [{see}]\n", encoding="utf-8")
    return folder


def test_a_glossary_see_reference_that_changes_kind_is_a_change(tmp_path):
    """`procedures/x` → `duties/x` with the same id: the kind is part of the reference."""
    old = _with_glossary(tmp_path, "old", "procedures/document-review")
    new = _with_glossary(tmp_path, "new", "duties/document-review")
    changes = diff_editions(read_edition(old, FRESH), read_edition(new, FRESH))
    assert [(c.kind, c.id, c.changes) for c in changes.changed] == [
        ("glossary", "审核", (FieldChange("see", ("procedures/document-review",), ("duties/document-review",)),))]
    assert "see: +duties/document-review −procedures/document-review" in format_text(changes)


def test_references_of_one_kind_still_compare_by_id(crafted):
    from officebook.diff import kind_ref_fields

    assert kind_ref_fields() == {"see"}
    assert FieldChange("raci.accountable", "secretary", "driver") in crafted.changed[0].changes


# ---- the content folder of --git -------------------------------------------------------------------------


@pytest.mark.slow
def test_git_content_may_be_given_as_a_path_inside_the_repository(repository, crafted):
    for content in (str(repository / "manual"), "manual/", "./manual"):
        assert diff_editions(read_git_edition(repository, "HEAD~1", content, FRESH),
                             read_git_edition(repository, "HEAD", content, FRESH)) == crafted, content
    run = _officebook("diff", "--git", "HEAD~1", "HEAD", "--content", str(repository / "manual"),
                      "--repo", str(repository))
    assert run.returncode == 0 and "1 added, 1 removed, 3 changed" in run.stdout, run.stderr


@pytest.mark.slow
def test_git_content_outside_the_repository_or_missing_is_refused(repository, tmp_path):
    with pytest.raises(EditionError, match="not inside the repository"):
        read_git_edition(repository, "HEAD", str(tmp_path), FRESH)
    with pytest.raises(EditionError, match="no folder 'nothing-here'"):
        read_git_edition(repository, "HEAD", "nothing-here", FRESH)


@pytest.mark.parametrize("has_data_filter", [True, False], ids=["tarfile-filter", "python-3.11.2"])
def test_git_archives_unpack_only_files_inside_the_folder_on_every_python(tmp_path, monkeypatch, has_data_filter):
    """`tarfile`'s filter="data" arrived in 3.11.4; Debian 12's 3.11.2 lacks it and gets the same rule."""
    import io
    import tarfile

    from officebook.diff import _extract_archive

    if not has_data_filter:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    elif not hasattr(tarfile, "data_filter"):
        pytest.skip("this Python's tarfile has no filters")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in [("content/manual.yaml", b"title: x\n"), ("content/posts/a.yaml", "岗位\n".encode())]:
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
        link = tarfile.TarInfo("content/posts/link.yaml")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        escape = tarfile.TarInfo("../outside.yaml")
        escape.size = 1
        tar.addfile(escape, io.BytesIO(b"x"))
        if not has_data_filter:  # filter="data" refuses the whole archive for such a link; git never writes one
            tar.addfile(link)
    folder = tmp_path / "unpacked"
    folder.mkdir()
    try:
        _extract_archive(buffer.getvalue(), folder)
    except tarfile.TarError:
        assert has_data_filter  # the standard filter refuses the archive outright: nothing leaves the folder
    assert not (tmp_path / "outside.yaml").exists()
    assert not (folder / "content" / "posts" / "link.yaml").exists()
    if not has_data_filter:
        assert (folder / "content" / "posts" / "a.yaml").read_text(encoding="utf-8") == "岗位\n"
