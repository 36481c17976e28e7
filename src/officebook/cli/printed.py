"""The printed outputs' commands: pdf and docx."""

from __future__ import annotations

from pathlib import Path

import click

from officebook.cli.app import main
from officebook.cli.errors import Refused, failing_as_one_line
from officebook.cli.options import (
    check_options,
    content_argument,
    edition_notes,
    load_manual,
    previous_option,
    write_atomically,
)
from officebook.cli.reporting import echo, report_written
from officebook.diagnostics import did_you_mean_or_list, listed
from officebook.i18n import gettext as _


def post_document_options(function):
    """--kind and --lang, the same for the printed and the Word documents."""
    function = click.option("--lang", "languages", multiple=True, metavar="CODE",
                            help="Only this language; repeatable [default: every language of the manual].")(function)
    return click.option("--kind", type=click.Choice(["booklet", "description"]), default="booklet",
                        show_default=True,
                        help="With --post or --all-posts: booklet: the post's 岗位手册 (onboarding reference and "
                             "checklists as paper forms); description: its 岗位说明书, the one- or two-page form "
                             "(description-<post>-<lang>).")(function)


@main.command()
@content_argument
@check_options
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the PDFs to.")
@click.option("--post", "posts", multiple=True, metavar="ID",
              help="Print this post's booklet (onboarding reference and checklist cards) instead of the "
                   "handbook; repeatable.")
@click.option("--all-posts", is_flag=True, help="Print a booklet for every post instead of the handbook.")
@post_document_options
@click.option("--font", default=None, metavar="FAMILY|FILE",
              help="A font to use before the built-in choice (Noto CJK): a family name as `fc-list` shows it, "
                   "or a .ttf/.otf file [default: $OFFICEBOOK_PDF_FONT].")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Print this many files at once, each in its own process and memory (some 0.2 GiB plus "
                   "2.5 MiB a page).")
@click.option("--style", type=click.Choice(["official", "modern"]), default=None,
              help="official: as a Chinese office's internal documents (white cover, 一、（一） headings, "
                   "page numbers — 3 —); modern: coloured cover, decimal numbering [default: official "
                   "for Chinese, modern for other languages].")
@previous_option


def pdf(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output: Path,
        posts: tuple[str, ...], all_posts: bool, kind: str, languages: tuple[str, ...], font: str | None,
        jobs: int, style: str | None, previous: Path | None) -> None:
    """Check CONTENT_DIR, then print the handbook: handbook-<lang>.pdf for every language.

    With --post, print that post's booklet (岗位手册) instead: booklet-<post>-<lang>.pdf; with --kind
    description its 岗位说明书: description-<post>-<lang>.pdf."""
    from officebook.build.pdf import write_booklets, write_descriptions, write_handbooks

    manual = load_manual(content_dir, strict, max_file_size, no_cache)
    for lang in languages:
        if lang not in manual.info.languages:
            raise Refused(_("--lang {lang}: the manual's languages are {languages}").format(
                lang=lang, languages=listed(manual.info.languages)))
    for post in posts:
        if post not in manual.posts:
            raise Refused(_("--post {post}: no such post — {hint}").format(
                post=post, hint=did_you_mean_or_list(post, manual.posts, _("the manual has no posts"))))
    booklets = tuple(manual.posts) if all_posts else posts
    notes = edition_notes(manual, previous, reviews=False)
    if booklets and kind == "description":
        print_pdfs(lambda progress: write_descriptions(manual, booklets, output, languages=languages, font=font,
                                                        progress=progress, jobs=jobs, style=style))
    elif booklets:
        print_pdfs(lambda progress: write_booklets(manual, booklets, output, languages=languages, font=font,
                                                    progress=progress, notes=notes, jobs=jobs, style=style))
    else:
        print_pdfs(lambda progress: write_handbooks(manual, output, languages=languages, font=font,
                                                     progress=progress, notes=notes, jobs=jobs, style=style))


@main.command()
@content_argument
@check_options
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the Word documents to.")
@click.option("--post", "posts", multiple=True, metavar="ID",
              help="Write this post's 岗位手册 (onboarding reference and checklists; with --kind description its "
                   "岗位说明书) instead of the handbook; repeatable.")
@click.option("--all-posts", is_flag=True, help="Write a booklet for every post instead of the handbook.")
@post_document_options
@click.option("--reference-doc", "reference", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="A .docx whose styles and page setup to use (the office's own template) instead "
                                 "of officebook's.")
@click.option("--write-reference", "write_reference", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write officebook's styles as an empty .docx to this file (for --lang, default: the manual's "
                   "first language), to restyle and pass back with --reference-doc; writes nothing else.")


def docx(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, output: Path,
         posts: tuple[str, ...], all_posts: bool, kind: str, languages: tuple[str, ...],
         reference: Path | None, write_reference: Path | None) -> None:
    """Check CONTENT_DIR, then write the handbook as Word documents: handbook-<lang>.docx for every language.

    With --post, write that post's booklet (岗位手册) instead: booklet-<post>-<lang>.docx; with --kind
    description its 岗位说明书: description-<post>-<lang>.docx."""
    from officebook.build.docx import write_docx_booklets, write_docx_descriptions, write_docx_handbooks
    from officebook.build.pdf import PdfSystemError
    from officebook.render.docx import DocxSystemError, ReferenceDocError, reference_docx

    manual = load_manual(content_dir, strict, max_file_size, no_cache)
    for lang in languages:
        if lang not in manual.info.languages:
            raise click.UsageError(_("--lang {lang}: the manual's languages are {languages}").format(
                lang=lang, languages=listed(manual.info.languages)))
    for post in posts:
        if post not in manual.posts:
            raise click.UsageError(_("--post {post}: no such post — {hint}").format(
                post=post, hint=did_you_mean_or_list(post, manual.posts, _("the manual has no posts"))))
    if write_reference is not None:
        write_atomically(write_reference, reference_docx((languages or manual.info.languages)[0]))
        echo(_("wrote {path}").format(path=write_reference.as_posix()), err=True)
        return
    booklets = tuple(manual.posts) if all_posts else posts

    def progress(message: str) -> None:
        echo(f"{message} …", err=True)

    try:
        with failing_as_one_line(_("error: cannot write the Word document: {reason}"),
                                 (DocxSystemError, PdfSystemError)):
            if booklets and kind == "description":
                result = write_docx_descriptions(manual, booklets, output, languages=languages, progress=progress)
            elif booklets:
                result = write_docx_booklets(manual, booklets, output, languages=languages, reference=reference,
                                             progress=progress)
            else:
                result = write_docx_handbooks(manual, output, languages=languages, reference=reference,
                                              progress=progress)
    except ReferenceDocError as error:
        raise click.UsageError(f"--reference-doc {error}") from error
    for warning in result.warnings:
        echo(_("warning: {message}").format(message=warning), err=True)
    for written in result.files:
        echo(_("wrote {path} ({size} KiB, {seconds:.1f} s)").format(
            path=written.path.as_posix(), size=written.size // 1024, seconds=written.seconds), err=True)


def print_pdfs(write, *, staged: bool = False):
    """Run a PDF writer of officebook.build.pdf with progress on stderr; a missing system piece or an
    unwritable file is one error and exit 1. Returns the PdfResult. `staged`: the files are written
    to a temporary folder first (`build --pdf`), so only their names are shown."""
    from officebook.build.pdf import PdfSystemError

    with failing_as_one_line(_("error: cannot write the PDF: {reason}"), (PdfSystemError,)):
        result = write(lambda message: echo(f"{message} …", err=True))
    report_written(result, staged=staged)
    return result

