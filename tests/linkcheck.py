"""Every link of a built site resolved, offline, on the folder: each `href`/`src` of every page leads
to a file (a folder's `index.html` for a directory address) and each fragment to an element id there.

Written here rather than taken from a maintained checker: LinkChecker (the maintained Python one)
reads a folder only through a web server (on `file:` URLs a folder is a listing, not its
index.html) and checked about three addresses a second on this machine — a manual's site has
tens of thousands of links; this walks the files with lxml in a second or two.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

LINK_ATTRIBUTES = ("href", "src", "{http://www.w3.org/1999/xlink}href", "xlink:href")
LEAVES_THE_SITE = ("http:", "https:", "mailto:", "tel:", "data:", "//")


@dataclass(frozen=True)
class BrokenLink:
    page: str  # site-relative
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


class _Site:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._ids: dict[Path, frozenset[str]] = {}

    def ids(self, page: Path) -> frozenset[str]:
        if page not in self._ids:
            tree = lxml.html.parse(str(page))
            found = {element.get("id") for element in tree.iter() if isinstance(element.tag, str) and element.get("id")}
            found |= {element.get("name") for element in tree.iter("a") if element.get("name")}
            self._ids[page] = frozenset(found)
        return self._ids[page]


def _links(tree) -> list[str]:
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "link" and "preconnect" in (element.get("rel") or ""):
            continue
        for attribute in LINK_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None:
                found.append(value)
    return found


def check_site(root: Path) -> list[BrokenLink]:
    """Every broken link of the site built in `root`."""
    root = Path(root).resolve()
    site = _Site(root)
    broken: list[BrokenLink] = []
    for page in sorted(root.rglob("*.html")):
        relative = page.relative_to(root).as_posix()
        if page.name == "404.html":  # served at any address: MkDocs writes its links from the site root
            continue
        tree = lxml.html.parse(str(page))
        for url in _links(tree):
            reason = _problem(site, page, url.strip())
            if reason:
                broken.append(BrokenLink(relative, url, reason))
    return broken


def _problem(site: _Site, page: Path, url: str) -> str | None:
    if url.lower().startswith(LEAVES_THE_SITE):
        return None
    if url.lower().startswith("javascript:") or ":" in url.split("/")[0]:
        return "scheme"
    parts = urlsplit(url)
    if parts.path.startswith("/"):
        return "absolute path (breaks offline and under a mount point)"
    target = page
    if parts.path:
        joined = posixpath.normpath(posixpath.join(page.parent.as_posix(), unquote(parts.path)))
        target = Path(joined)
        if site.root not in target.parents and target != site.root:
            return "outside the site"
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return "no such file"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and fragment not in site.ids(target):
        return f"no element with id {fragment!r}"
    return None
