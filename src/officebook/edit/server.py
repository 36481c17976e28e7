"""`officebook edit`: the live preview of `serve` (`officebook.build.preview`), with the editor's
forms and API under `/_edit/` and its links on every page.

After a save, `rebuild_after_save` has the preview rebuild the pages the change touches (the item's
own page, back-references, checklists, indexes) before the API answers; open pages reload themselves.
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


def editor_url(host: str, port: int, token: str, mount_path: str = "/") -> str:
    """The printed address: the manual's home page with the token (the first visit keeps it in a cookie)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{mount_path.rstrip('/')}/?token={token}"


@dataclass
class EditSession:
    """Everything one `officebook edit` run needs, built before the server starts (tests drive it too)."""

    content_dir: Path
    host: str
    port: int
    languages: tuple[str, ...]
    limits: LoadLimits
    on_saved: Callable[[list[str]], None]
    rebuild: Callable[[list[Path]], list[str]] = lambda paths: []  # the preview's: URLs rebuilt
    mount_path: str = "/"

    def __post_init__(self) -> None:
        if not is_loopback(self.host):
            raise RemoteAddress(self.host)
        self.guard = Guard(self.host, self.port)
        self.editor = Editor(Path(self.content_dir), self.limits, on_saved=self.rebuild_after_save)
        self.app = EditorApp(self.editor, self.guard, languages=self.languages, mount_path=self.mount_path)

    @property
    def url(self) -> str:
        return editor_url(self.host, self.port, self.guard.token, self.mount_path)

    def rebuild_after_save(self, paths: list[str]) -> None:
        """The preview brought up to date with the files a save wrote or removed (synchronous: when the
        API answers, the pages that show the entry are served new)."""
        self.on_saved(paths)
        self.rebuild([Path(self.content_dir) / path for path in paths])
