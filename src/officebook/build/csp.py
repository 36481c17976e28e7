"""The Content-Security-Policy of the generated pages: script only from the site's own files.

Content is sanitised before it reaches a page; the policy is the second wall, should anything slip
through: no inline script, no event-handler attribute, no script from another site runs. Every page
carries it as a `<meta http-equiv>` (the theme override `main.html`), so it holds wherever the site
is served from, a folder opened from disk included.

Material writes a few small scripts inline (`partials/javascripts/*.html`: the local-storage
helpers, the palette, tabs, announcement and consent). `write_theme_scripts` moves each into a file
served with the theme, its Jinja values passed as `data-` attributes; tests/test_csp.py fails
loudly if a Material release writes them in a way this no longer understands.

Scripts a site's own mkdocs.yml loads from elsewhere (`extra_javascript: https://…`) are allowed by
their origin: the person who configures the site is trusted, the content's authors are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from officebook.build.files import write_if_changed

THEME_SCRIPTS = "assets/officebook-theme"
"""Where Material's inline scripts are served from, as files (under the theme overrides)."""

_PARTIALS = ("base", "content", "announce", "outdated", "palette", "consent")
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_VALUE = re.compile(r'"\{\{(.*?)\}\}"')


def policy(extra_javascript: Iterable[object] = (), *, offline: bool = False) -> str:
    """The policy: script from the site itself (and the origins of external `extra_javascript`),
    no plugins, no `<base>` elsewhere, forms only to the site. A site opened from disk (`offline`)
    has no origin of its own: its scripts are files (`file:`)."""
    sources = ["'self'"] + (["file:"] if offline else [])
    for script in extra_javascript:
        path = script if isinstance(script, str) else getattr(script, "path", "") or ""
        parts = urlsplit(str(path))
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in sources:
                sources.append(origin)
    return (f"script-src {' '.join(sources)}; object-src 'none'; base-uri 'self'; "
            "form-action 'self'")


def _as_file(name: str, template: str) -> tuple[str, dict[str, str]] | None:
    """A Material partial with inline scripts → (the partial loading them from files, {file: js});
    None when a script holds Jinja this does not know how to move (anything but `"{{ value }}"`)."""
    scripts: dict[str, str] = {}

    def move(match: re.Match) -> str:
        code = match.group(1)
        values: list[str] = []

        def to_dataset(value: re.Match) -> str:
            values.append(value.group(1).strip())
            return f"document.currentScript.dataset.v{len(values) - 1}"

        code = _VALUE.sub(to_dataset, code)
        if "{{" in code or "{%" in code:
            raise ValueError(name)
        file = f"{name}-{len(scripts)}.js"
        scripts[file] = code
        attributes = "".join(f' data-v{i}="{{{{ ({value}) | e }}}}"' for i, value in enumerate(values))
        return f"<script src=\"{{{{ '{THEME_SCRIPTS}/{file}' | url }}}}\"{attributes}></script>"

    try:
        partial = _SCRIPT.sub(move, template)
    except ValueError:
        return None
    return partial, scripts


def write_theme_scripts(overrides_dir: Path) -> bool:
    """Write, into the theme overrides, Material's script partials loading their scripts from files;
    False (and nothing written) if the installed Material's partials are not as expected."""
    partials = resources.files("material") / "templates" / "partials" / "javascripts"
    moved = {}
    for name in _PARTIALS:
        entry = partials / f"{name}.html"
        if not entry.is_file():
            return False
        result = _as_file(name, entry.read_text(encoding="utf-8"))
        if result is None or not result[1]:
            return False
        moved[name] = result
    for name, (partial, scripts) in moved.items():
        write_if_changed(overrides_dir / "partials" / "javascripts" / f"{name}.html", partial)
        for file, code in scripts.items():
            write_if_changed(overrides_dir / THEME_SCRIPTS / file, code + "\n")
    return True


IFRAME_WORKER_BOOT = "iframe-worker-boot.js"
_IFRAME_INLINE = re.compile(r'<script>postMessage=\$\{\w+\};importScripts=\$\{\w+\};.*?filename:"\$\{(\w+)\}".*?<\\/script>')
_BOOT = """// officebook: what iframe-worker's shim writes inline into its frame, as a file (build/csp.py):
// the pages' Content-Security-Policy, which the frame inherits, allows no inline script.
(function (script) {
  var url = script.dataset.url;
  postMessage = function (message, origin) { parent.postMessage(message, origin || "*"); };
  importScripts = function () {
    return Array.prototype.slice.call(arguments).reduce(function (chain, source) {
      return chain.then(function () {
        return new Promise(function (resolve) {
          var tag = document.createElement("script");
          tag.src = source;
          tag.onload = resolve;
          document.body.appendChild(tag);
        });
      });
    }, Promise.resolve());
  };
  addEventListener("error", function (event) {
    parent.dispatchEvent(new ErrorEvent("error", { filename: url, error: event.error }));
  });
})(document.currentScript);
"""


def iframe_worker_without_inline_script(shim: str) -> tuple[str, str] | None:
    """The offline build's worker shim (a search worker in a hidden frame, for sites opened from
    disk) with the script it writes into the frame loaded from a file: (shim, boot file's text);
    None when the shim is not the one this understands."""
    start = '"use strict";(()=>{'
    if not shim.startswith(start):
        return None
    patched, count = _IFRAME_INLINE.subn(
        lambda m: f'<script src="${{__officebookBoot}}" data-url="${{{m.group(1)}}}"><\\/script>', shim)
    if count != 1:
        return None
    boot = f'const __officebookBoot=new URL("{IFRAME_WORKER_BOOT}",document.currentScript.src).href;'
    return start + boot + patched[len(start):], _BOOT
