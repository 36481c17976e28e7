"""The errors of the site build and preview (below every build module, so each can raise them)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`, e.g. `("zh: pages", 120, 900)`."""


class SiteBuildError(Exception):
    """The site could not be built; `messages` says why (MkDocs' own messages included)."""

    def __init__(self, summary: str, messages: list[str] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.messages = messages or []


class OutputRefused(SiteBuildError):
    """The output folder is not one we may replace (it holds other things, or the content)."""


