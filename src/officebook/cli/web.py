"""The web manual's commands: build, serve and edit."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import NoReturn

import click

from officebook import i18n
from officebook.cli.app import main
from officebook.cli.errors import EXIT_CONTENT, Refused, fail, is_busy, os_reason
from officebook.cli.options import (
    check_options,
    content_argument,
    default_mkdocs_config,
    edition_notes,
    load_manual,
    mkdocs_config_option,
    previous_option,
    run_checks,
    today_option,
)
from officebook.cli.printed import print_pdfs
from officebook.cli.reporting import ProgressLine, echo, report, shown_path
from officebook.i18n import gettext as _
from officebook.link import LinkMemo


@main.command()
@content_argument
@check_options
@mkdocs_config_option
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Folder of the site; replaced as a whole when the build succeeds.")
@click.option("--offline", is_flag=True,
              help="A site that works opened from a folder (no server), search included; loads nothing from the internet.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the generated Markdown and mkdocs.yml files here [default: a temporary folder].")
@previous_option
@today_option
@click.option("--pdf", "with_pdf", is_flag=True,
              help="Also print the handbook of every language (as `officebook pdf` does) into <output>/pdf/, "
                   "linked from the home page and the footer.")


def build(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, config_file: Path | None,
          output: Path, offline: bool, work_dir: Path | None, previous: Path | None, today, with_pdf: bool) -> None:
    """Check CONTENT_DIR, then build the web manual: one site per language (the default language at
    the root of the output, the others under <code>/)."""
    import shutil

    from officebook.build.pdf import site_pdf_path, write_handbooks
    from officebook.build.site import OutputRefused, SiteBuildError, build_site
    from officebook.tempfiles import staging_dir

    manual = load_manual(content_dir, strict, max_file_size, no_cache)
    notes = edition_notes(manual, previous, today)
    printed, pdf_staging = None, None
    if with_pdf:  # printed first, beside the output: a failure leaves the previous site untouched
        output.resolve().parent.mkdir(parents=True, exist_ok=True)
        pdf_staging = staging_dir(output.resolve(), "pdf")
    try:
        if pdf_staging:
            printed = print_pdfs(lambda progress: write_handbooks(
                manual, pdf_staging, progress=progress, notes=edition_notes(manual, previous, reviews=False)),
                staged=True)
        handbooks = {written.lang: written.path for written in printed.files} if printed else None
        result = build_site(manual, output, config_file=default_mkdocs_config(content_dir, config_file),
                            offline=offline, work_dir=work_dir, protected=[content_dir], progress=ProgressLine(),
                            notes=notes, handbooks=handbooks)
    except OutputRefused as error:
        raise Refused(error.summary) from error
    except SiteBuildError as error:
        for message in error.messages:
            echo(message, err=True)
        fail(_("error: {reason}; the previous site (if any) is unchanged").format(reason=error.summary))
    except OSError as error:
        staging = str(output.resolve().parent / f".{output.name}.")  # build_site's own folders: not worth naming
        named = bool(error.filename) and not str(error.filename).startswith(staging)
        fail(_("error: cannot build the site {path}/: {reason}; the previous site (if any) is unchanged").format(
            path=output.as_posix(), reason=os_reason(error, with_file=named)))
    finally:
        if pdf_staging:
            shutil.rmtree(pdf_staging, ignore_errors=True)
    languages = ", ".join(result.languages)
    echo(_("built {path}/ ({languages}): {pages} pages per language in {seconds:.1f} s").format(
        path=output.as_posix(), languages=languages, pages=result.pages, seconds=result.timings["total"]), err=True)
    if result.in_place:
        echo(_("{path}/ cannot be swapped as a whole (a mount point, or its parent folder may not be written): "
               "its contents were replaced in place").format(path=output.as_posix()), err=True)
    if printed:
        linked = ", ".join(f"{output.as_posix()}/{site_pdf_path(written.lang)}" for written in printed.files)
        echo(_("handbooks linked from the home page: {files}").format(files=linked), err=True)


def _listen_address(ctx, param, value: str) -> tuple[str, int]:
    """`-a HOST:PORT` (`[::1]:8000` for IPv6) as (host, port)."""
    host, colon, port = value.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not colon or not host or not port.isdigit():
        raise click.BadParameter(_("'{value}' is not an address and a port: write e.g. 127.0.0.1:8000, "
                                   "localhost:8000 or 0.0.0.0:8000").format(value=value))
    if not 1 <= int(port) <= 65535:
        raise click.BadParameter(_("port {port} is outside 1–65535").format(port=port))
    return host, int(port)


class _SkipMessages(logging.Filter):
    """Leaves out MkDocs' messages that name officebook's temporary files instead of the user's."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Watching paths for changes" not in record.getMessage()


def _stop_on_sigterm() -> None:
    """SIGTERM ends `serve` as Ctrl-C does, so that its temporary folders are removed."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@main.command()
@content_argument
@check_options
@mkdocs_config_option
@click.option("--lang", default=None, help="Language to preview [default: the manual's default language].")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT",
              callback=_listen_address, help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--dirty", is_flag=True,
              help="Rebuild only the pages a change touches, nothing in the background (menus and search may lag).")
@click.option("--allowed-host", "allowed_host", multiple=True, metavar="NAME[:PORT]",
              help="Also answer requests addressed to this name (other names get 403); repeatable.")


def serve(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, config_file: Path | None,
          lang: str | None, dev_addr: tuple[str, int], open_browser: bool, dirty: bool,
          allowed_host: tuple[str, ...]) -> None:
    """Preview the web manual with live reload: editing a YAML file re-renders the pages it affects."""
    from officebook.build.preview import Preview, SiteBuildError

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_SkipMessages())
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    mkdocs_config = default_mkdocs_config(content_dir, config_file)
    state = {"errors": False, "started": False}
    link_memo = LinkMemo()  # a check after a change links again only what the change touches

    def check_content():
        result = run_checks(content_dir, strict, max_file_size, no_cache, link_memo=link_memo)
        if result.diagnostics:
            report(result, content_dir, "text")
        if result.manual is None:
            if state["started"]:
                echo(_("officebook: the content has errors; the preview keeps the last good pages"), err=True)
        elif state["errors"]:
            echo(_("officebook: the content is valid again; the preview is up to date"), err=True)
        state["errors"] = result.manual is None
        return result.manual

    def rendered(pages: list[str]) -> None:
        if pages and state["started"]:
            echo("officebook: " + i18n.ngettext("{count} page re-rendered", "{count} pages re-rendered",
                                                       len(pages)).format(count=len(pages)), err=True)

    host, port = dev_addr
    watched = [content_dir] + ([mkdocs_config] if mkdocs_config else [])
    shown_watched = _(" and ").join(shown_path(path) + ("/" if path.is_dir() else "") for path in watched)
    _stop_on_sigterm()
    preview = Preview(content_dir, lang, mkdocs_config, check=check_content, on_pages=rendered, dirty=dirty)
    try:
        if not preview.render():
            preview.close()
            sys.exit(EXIT_CONTENT)
        state["started"] = True
        preview.serve(host=host, port=port, open_browser=open_browser, allowed_hosts=allowed_host,
                      on_ready=lambda url: echo(_("officebook: serving {url}; watching {paths} for changes").format(
                          url=url, paths=shown_watched), err=True))
    except KeyboardInterrupt:
        echo(_("officebook: preview stopped"), err=True)
    except SiteBuildError as error:
        raise Refused(error.summary) from error
    except OSError as error:
        _cannot_serve(error, host, port)
    finally:
        preview.close()



@main.command()
@content_argument
@check_options
@mkdocs_config_option
@click.option("-a", "--address", "dev_addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT",
              callback=_listen_address, help="Address to serve on (this machine only: 127.0.0.1, localhost or ::1).")
@click.option("--open", "open_browser", is_flag=True, help="Open the editor in a browser.")
def edit(content_dir: Path, strict: bool, max_file_size: int, no_cache: bool, config_file: Path | None,
         dev_addr: tuple[str, int], open_browser: bool) -> None:
    """Keep the manual in the browser: the live preview of `serve`, with a form for every entry.

    Open the address it prints (it carries a random token). Every save is checked as `officebook check`
    checks; a file is written only when the entry has no errors, and keeps its comments and layout."""
    from urllib.parse import urlsplit

    from officebook.build.mkdocs_config import UserConfig
    from officebook.build.preview import Preview, SiteBuildError
    from officebook.edit.app import PREFIX
    from officebook.edit.server import EditSession, RemoteAddress
    from officebook.load import LoadLimits

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_SkipMessages())
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    mkdocs_config = default_mkdocs_config(content_dir, config_file)
    host, port = dev_addr
    state: dict = {"languages": ()}
    link_memo = LinkMemo()

    def check_content():
        result = run_checks(content_dir, strict, max_file_size, no_cache, link_memo=link_memo)
        if result.has_errors:
            report(result, content_dir, "text")
        if result.manual is not None:
            state["languages"] = result.manual.info.languages
        return result.manual

    def saved(paths: list[str]) -> None:
        echo(_("officebook: saved {files}").format(files=", ".join(paths)), err=True)

    _stop_on_sigterm()
    preview = Preview(content_dir, None, mkdocs_config, check=check_content, on_pages=lambda pages: None)
    try:
        if not preview.render():
            preview.close()
            sys.exit(EXIT_CONTENT)
        mount_path = urlsplit(UserConfig.load(mkdocs_config).data.get("site_url") or "/").path
        try:
            session = EditSession(content_dir, host, port, tuple(state["languages"]),
                                  LoadLimits(max_bytes=max_file_size), saved, rebuild=preview.rebuild,
                                  mount_path=mount_path)
        except RemoteAddress as error:
            preview.close()
            raise click.BadParameter(_("'{host}' is not this machine: the editor writes files and listens on "
                                       "127.0.0.1, localhost or ::1 only (use `officebook serve` to share a "
                                       "read-only preview)").format(host=host), param_hint="'-a'") from error
        preview.add_route(PREFIX, session.app)
        preview.add_front(session.app.entrance)
        preview.add_page_tag(session.app.links_tag())
        preview.serve(host=host, port=port, on_ready=lambda url: _editor_ready(session.url, open_browser))
    except KeyboardInterrupt:
        echo(_("officebook: editor stopped"), err=True)
    except SiteBuildError as error:
        raise Refused(error.summary) from error
    except OSError as error:
        _cannot_serve(error, host, port)
    finally:
        preview.close()


def _cannot_serve(error: OSError, host: str, port: int) -> NoReturn:
    """serve and edit: the address could not be listened on, said in one line."""
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    message = _("error: cannot serve on {address}: {reason}").format(address=shown, reason=os_reason(error))
    if is_busy(error):
        message += _(" — is another preview running? Choose another port with -a")
    fail(message)


def _editor_ready(url: str, open_browser: bool) -> None:
    echo(_("officebook: the editor is ready; open this address in your browser (it carries the editor's "
           "key, keep it to yourself):"), err=True)
    echo(url)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
