"""`officebook edit`: the live preview of `serve`, with the editor's forms and API in front of it.

The preview comes from `officebook.build` (MkDocs' live-reloading server over the generated pages);
the editor only adds a WSGI layer. After a save, `rebuild_after_save` brings the preview up to date;
the open page reloads itself when the rebuilt site is served (MkDocs' live reload).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from officebook.edit.app import EditorApp
from officebook.edit.security import Guard, is_loopback
from officebook.edit.service import Editor
from officebook.load import LoadLimits


class RemoteAddress(ValueError):
    """The editor writes files: it listens on this machine only."""


def editor_url(host: str, port: int, token: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


@dataclass
class EditSession:
    """Everything one `officebook edit` run needs, built before the server starts (tests drive it too)."""

    content_dir: Path
    host: str
    port: int
    languages: tuple[str, ...]
    limits: LoadLimits
    on_saved: Callable[[list[str]], None]

    def __post_init__(self) -> None:
        if not is_loopback(self.host):
            raise RemoteAddress(self.host)
        self.guard = Guard(self.host, self.port)
        self.editor = Editor(Path(self.content_dir), self.limits, on_saved=self.rebuild_after_save)

    @property
    def url(self) -> str:
        return editor_url(self.host, self.port, self.guard.token)

    def rebuild_after_save(self, paths: list[str]) -> None:
        """The preview after a save: the preview's own watcher sees the written files (it polls the content
        folder) and re-renders the pages whose Markdown changed; MkDocs rebuilds and the browser reloads.
        When build/ offers an incremental rebuild of given files, this is the one place to call it."""
        self.on_saved(paths)

    def wrap(self, site_app, mount_path: str) -> EditorApp:
        return EditorApp(self.editor, self.guard, site_app, languages=self.languages, mount_path=mount_path)
