"""Write the handbook and the post booklets as Word documents.

`write_docx_handbooks(manual, out_dir)` writes `handbook-<lang>.docx` per language and
`write_docx_booklets(manual, posts, out_dir)` writes `booklet-<post>-<lang>.docx` (the post's 岗位手册:
onboarding reference and checklists); `write_docx_descriptions` writes `description-<post>-<lang>.docx`
(its 岗位说明书, the one- or two-page form).
What the system must provide is checked first: the Cairo library (flowcharts are rasterised with
CairoSVG) and, for flowcharts with Chinese, Japanese or Korean text, a CJK font. Each file is written
to a temporary file beside its target and renamed into place. Where LibreOffice is installed, the
contents get their page numbers (officebook.build.pagination).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from officebook.build.pagination import can_paginate, paginate
from officebook.build.pdf import check_cjk_font, collected_warnings
from officebook.i18n import gettext as _
from officebook.model import Manual
from officebook.render.docx import booklet_docx, handbook_docx, load_rasteriser
from officebook.render.docx.styles import word_layout
from officebook.render.flowchart import flowchart_svg
from officebook.render.printfonts import PrintFonts, cjk_fallback_for
from officebook.tempfiles import replace_file

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DocxFile:
    path: Path
    lang: str
    size: int
    seconds: float
    post: str | None = None


@dataclass
class DocxResult:
    files: list[DocxFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # images left out (officebook.render.assetimages)


def handbook_docx_filename(lang: str) -> str:
    return f"handbook-{lang}.docx"


def booklet_docx_filename(post: str, lang: str) -> str:
    return f"booklet-{post}-{lang}.docx"


def write_docx_handbooks(manual: Manual, out_dir: Path, *, languages: Sequence[str] | None = None,
                         reference: Path | None = None, progress: Progress | None = None) -> DocxResult:
    """Write `handbook-<lang>.docx` for each language (default: every language of the manual)."""
    jobs = [(Path(out_dir) / handbook_docx_filename(lang), lang, None,
             lambda lang=lang: handbook_docx(manual, lang, reference=reference))
            for lang in (languages or manual.info.languages)]
    return _write_all(manual, jobs, progress)


def write_docx_booklets(manual: Manual, posts: Iterable[str], out_dir: Path, *,
                        languages: Sequence[str] | None = None, reference: Path | None = None,
                        progress: Progress | None = None) -> DocxResult:
    """Write `booklet-<post>-<lang>.docx` for each post and language."""
    jobs = [(Path(out_dir) / booklet_docx_filename(post, lang), lang, post,
             lambda post=post, lang=lang: booklet_docx(manual, post, lang, reference=reference))
            for post in posts for lang in (languages or manual.info.languages)]
    return _write_all(manual, jobs, progress)


def description_docx_filename(post: str, lang: str) -> str:
    return f"description-{post}-{lang}.docx"


def write_docx_descriptions(manual: Manual, posts: Iterable[str], out_dir: Path, *,
                            languages: Sequence[str] | None = None, progress: Progress | None = None) -> DocxResult:
    """Write `description-<post>-<lang>.docx`, the post's 岗位说明书, for each post and language."""
    from officebook.render.description import description_docx

    jobs = [(Path(out_dir) / description_docx_filename(post, lang), lang, post,
             lambda post=post, lang=lang: description_docx(manual, post, lang))
            for post in posts for lang in (languages or manual.info.languages)]
    return _write_all(manual, jobs, progress, needs_charts=False)


def check_system(manual: Manual, languages: Iterable[str]) -> None:
    """Cairo for the flowcharts, and a CJK font for flowcharts with CJK text (raises on what is missing)."""
    if not manual.procedures:
        return
    load_rasteriser()
    procedure = next(iter(manual.procedures.values()))
    for lang in languages:
        check_cjk_font(flowchart_svg(procedure, manual, lang), PrintFonts(lang, cjk_fallback_for(manual)))


def _write_all(manual: Manual, jobs, progress: Progress | None, *, needs_charts: bool = True) -> DocxResult:
    if needs_charts:
        check_system(manual, sorted({lang for _, lang, _, _ in jobs}))
    result = DocxResult()
    for path, lang, post, make in jobs:
        if progress:
            progress(_("Writing {file}").format(file=path.name))
        started = time.perf_counter()
        with collected_warnings("officebook.assets") as warnings:
            data = make()
        if can_paginate():
            if progress:
                progress(_("Numbering the contents of {file} (LibreOffice)").format(file=path.name))
            data = paginate(data, word_layout(lang).page_number_text)
        result.warnings.extend(f"{path.name}: {warning}" for warning in dict.fromkeys(warnings))
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data)
        result.files.append(DocxFile(path, lang, len(data), time.perf_counter() - started, post))
    return result

