"""Build the web manual: one MkDocs + Material site per language, replacing the output folder.

The default language sits at the root of the output, every other language under `<code>/`, all
with the same page paths, and the header's language selector leads to the same page in each.
Generated Markdown, overrides and one `mkdocs.yml` per language are written to a work folder
(`build/workdir.py`, configuration from `build/mkdocs_config.py`); the user's `mkdocs.yml` is merged
in. The new site is built beside the output folder and swapped in only when every language built
without a warning, so a failed build leaves the previous site as it was. An output folder that
cannot be swapped (a mount point) has its contents replaced in place instead.

Nothing here prints: progress goes to a callback, MkDocs' messages are collected and returned.

The modules of the build (each imports only those listed before it):
- `errors.py`      the errors and the progress callback type
- `files.py`       writes that keep modification times
- `search.py`      the search index taught Chinese words (after MkDocs)
- `material_search.py`  Material's search worker, patched for Chinese queries
- `mkdocs_config.py`    the generated MkDocs configuration (user's mkdocs.yml merged)
- `workdir.py`     the work folder: docs, overrides, mkdocs.yml per language
- `mkdocs_run.py`  running MkDocs strictly, its messages collected; run-time plugins
- `site.py`        (this module) the whole build and the swap into the output folder
- `incremental.py` an MkDocs site kept in memory, rebuilding only the pages that changed
- `hosts.py`       the Host-header check of the local servers (preview and editor)
- `preview.py`     `officebook serve`: the live preview on MkDocs' LiveReloadServer
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from officebook.build.errors import OutputRefused, Progress, SiteBuildError
from officebook.build.mkdocs_config import UserConfig
from officebook.build.mkdocs_run import run_mkdocs
from officebook.build.search import improve_search_index
from officebook.build.workdir import prepare_language, write_overrides
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.editions import EditionNotes
from officebook.render.site import term_anchors
from officebook.tempfiles import remove_stale, remove_stale_temp, staging_dir, temp_dir

__all__ = ["OutputRefused", "SiteBuildError", "SiteBuildResult", "SITE_MARKER", "build_site", "check_output",
           "replace_folder"]

SITE_MARKER = ".officebook-site"


@dataclass
class SiteBuildResult:
    output: Path
    languages: tuple[str, ...]
    pages: int  # per language
    messages: list[str] = field(default_factory=list)  # MkDocs' info worth showing (none on success)
    timings: dict[str, float] = field(default_factory=dict)  # render, mkdocs, total (seconds)
    in_place: bool = False  # the output folder could not be swapped: its contents were replaced


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


def replace_folder(staging: Path, target: Path) -> bool:
    """Put `staging` in place of `target`: two renames on one file system, the old site removed
    after; if the second rename fails the old site is put back. A folder that cannot be renamed (a
    mount point: EBUSY; a folder in a parent we may not write) has its contents replaced instead
    (`replace_contents`); returns True then."""
    backup: Path | None = None
    if target.exists():
        if os.path.ismount(target):
            replace_contents(staging, target)
            return True
        backup = staging_dir(target, "old")
        os.rmdir(backup)
        try:
            os.rename(target, backup)
        except OSError as error:
            if error.errno not in _CANNOT_RENAME:
                raise
            replace_contents(staging, target)
            return True
    try:
        os.rename(staging, target)
    except OSError:
        if backup is not None:
            os.rename(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    return False


_CANNOT_RENAME = {errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES, errno.EINVAL}


def must_build_in_place(output: Path) -> bool:
    """True when `output` exists but cannot be swapped as a whole: a mount point, or a folder whose
    parent we may not write (no staging folder beside it). The site is then staged inside it."""
    return output.is_dir() and (os.path.ismount(output) or not os.access(output.parent, os.W_OK | os.X_OK))


def inner_staging_dir(target: Path, role: str) -> Path:
    """A staging folder inside `target` (same file system as its contents), named as `staging_dir`
    names them, so `remove_stale(target, target.name)` clears what a killed run left."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{role}-{os.getpid()}-", dir=target))


def replace_contents(staging: Path, target: Path) -> None:
    """Replace what `target` holds by what `staging` holds, entry by entry: the old entries are moved
    aside (into a folder inside `target`) and the new ones moved in; on failure the old ones are put
    back. Not atomic like the swap, but a reader never sees a mixture for longer than the moves."""
    aside = inner_staging_dir(target, "old")
    ours = {aside.name, staging.name}
    prefix = f".{target.name}."
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for entry in sorted(os.listdir(target)):
            if entry in ours or entry.startswith(prefix):  # staging folders (ours or another run's)
                continue
            os.rename(target / entry, aside / entry)
            moved_aside.append(entry)
        for entry in sorted(os.listdir(staging)):
            shutil.move(staging / entry, target / entry)
            moved_in.append(entry)
    except OSError:
        for entry in moved_in:
            path = target / entry
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)
        for entry in moved_aside:
            os.rename(aside / entry, target / entry)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


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
    in_place = must_build_in_place(output)
    remove_stale(output if in_place else output.parent, output.name)  # what killed runs left
    remove_stale_temp()
    # Absolute: MkDocs reads a relative site_dir relative to the generated mkdocs.yml, not to here.
    try:
        staging = (inner_staging_dir(output, "new") if in_place else staging_dir(output, "new")).resolve()
    except OSError as error:
        raise SiteBuildError(_cannot_stage(output, error)) from error
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
        if not in_place:
            _umask_permissions(staging)
        in_place = replace_folder(staging, output) or in_place
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
    return SiteBuildResult(output, languages, pages, [], timings, in_place)


def _cannot_stage(output: Path, error: OSError) -> str:
    """Why no new site can be prepared for `output`, and what to do (one line)."""
    reason = error.strerror or str(error)
    if output.is_dir():
        return _("cannot build into {output}: {reason} (officebook builds the new site beside or inside the "
                 "output folder and then swaps it in); make {output} writable, or choose an output folder "
                 "you may write, e.g. -o {example}").format(output=output, reason=reason, example=output / "site")
    return _("cannot build into {output}: {reason} (officebook builds the new site beside the output folder); "
             "make {parent} writable or choose another output folder with -o").format(
                 output=output, reason=reason, parent=output.parent)
