"""The editor as a WSGI application, served by the preview under `/_edit/`: `/_edit/api/...` (the
HTTP API), the forms, and their files. The preview's pages get the editor's links (编辑, 新建) from
`links_tag()`, a script file put on every page.

    GET    /_edit/api/{kind}/{id}      → 200 {"item", "revision", ...}
    PUT    /_edit/api/{kind}/{id}      {"item", "revision"[, "id"]} → 200 {"revision", ...} | 409 | 422
    POST   /_edit/api/{kind}           {"id", "item"} → 201 {"id", "revision", ...} | 409 | 422
    DELETE /_edit/api/{kind}/{id}      → 200 | 409 {"referrers": [...]}
    GET    /_edit/api/manual, /_edit/api/glossary (PUT likewise)
    GET    /_edit/api/{kind}           → the items of a kind with their titles (pickers)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from officebook.edit.forms import form_schema, interface_strings
from officebook.edit.ids import propose_id
from officebook.edit.security import WRITE_METHODS, Guard
from officebook.edit.service import Editor, EditRefused
from officebook.edit.store import EDITABLE_KINDS, SINGLE_FILES
from officebook.i18n import current_language
from officebook.i18n import gettext as _
from officebook.vocabulary.kinds import ITEM_KINDS
from officebook.vocabulary.markdown import render_markdown

PREFIX = "/_edit/"
MAX_BODY = 4 * 1024 * 1024
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".txt": "text/plain; charset=utf-8"}
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*\.(js|css|txt)$")
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
]
# The forms load only the package's own files; inline styles are the schema-form library's.
FORM_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class Respond(Exception):
    def __init__(self, status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(status)
        self.status, self.payload, self.headers = status, payload, headers or []


_REASONS = {200: "OK", 201: "Created", 303: "See Other", 400: "Bad Request", 401: "Unauthorized",
            403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
            413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
            500: "Internal Server Error"}


def _status(code: int) -> str:
    return f"{code} {_REASONS.get(code, 'Error')}"


class EditorApp:
    """The editor's WSGI application around `site_app` (the preview)."""

    def __init__(self, editor: Editor, guard: Guard, *, languages: tuple[str, ...], mount_path: str = "/") -> None:
        self.editor = editor
        self.guard = guard
        self.languages = languages
        self.mount = mount_path.rstrip("/") + "/"

    # ---- dispatch --------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        try:
            if not self.guard.host_ok(environ):
                raise Respond(403, {"message": _("this server answers only to its own address")})
            query = parse_qs(environ.get("QUERY_STRING", ""))
            if path == PREFIX and "token" in query and environ.get("REQUEST_METHOD") == "GET":
                return self._accept_token(start_response, query, self.mount)
            if not path.startswith(PREFIX):
                raise Respond(404, {"message": _("no such file")})
            if path.startswith(PREFIX + "static/"):
                return self._static(start_response, path[len(PREFIX + "static/"):])
            self._authorise(environ)
            if path.startswith(PREFIX + "api/"):
                return self._api(environ, start_response, path[len(PREFIX + "api/"):])
            return self._form(start_response, path[len(PREFIX):])
        except Respond as answer:
            return self._json(start_response, answer.status, answer.payload, answer.headers)
        except EditRefused as refused:
            return self._json(start_response, refused.status, refused.payload)

    def _authorise(self, environ: dict) -> None:
        token = self.guard.presented(environ)
        if token is None:
            raise Respond(401, {"message": _("the editor needs its token: open the address officebook edit printed")})
        if not self.guard.token_ok(token):
            raise Respond(403, {"message": _("the token is not this editor's: open the address officebook edit printed")})
        if environ.get("REQUEST_METHOD") in WRITE_METHODS and not self.guard.origin_ok(environ):
            raise Respond(403, {"message": _("a change from another site is refused")})

    def entrance(self, site: Callable) -> Callable:
        """The site's pages (`site`, a WSGI app) with the printed address's door: a GET of a page with
        `?token=…` (`http://127.0.0.1:8000/?token=…`) keeps the token in a cookie and redirects to the
        same page without it, so the token leaves the address bar and the history. Everything else
        goes to the site as it is."""

        def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "") or "/"
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if "token" not in query or environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or path.startswith(PREFIX):
                return site(environ, start_response)
            if not self.guard.host_ok(environ):
                return _text(start_response, 403, _("this server answers only to its own address"))
            if not self.guard.token_ok(query["token"][0]):
                return _text(start_response, 403, _("the token is not this editor's: open the address officebook edit "
                                                     "printed"))
            rest = urlencode([(k, v) for k, values in query.items() if k != "token" for v in values])
            # one leading slash: `//host/` would send the browser to another site
            target = "/" + quote(path.encode("latin-1", "replace"), safe="/").lstrip("/") + (f"?{rest}" if rest else "")
            start_response(_status(303), [("Location", target), self.guard.set_cookie(), *SECURITY_HEADERS])
            return [b""]

        return app

    def _accept_token(self, start_response, query, target: str):
        """`/_edit/?token=…` (the address earlier versions printed): keep the token in a cookie, then go
        to the manual's home page."""
        if not self.guard.token_ok(query["token"][0]):
            raise Respond(403, {"message": _("the token is not this editor's: open the address officebook edit printed")})
        start_response(_status(303), [("Location", target), self.guard.set_cookie(), *SECURITY_HEADERS])
        return [b""]

    # ---- the API ---------------------------------------------------------------------------------

    def _api(self, environ: dict, start_response: Callable, rest: str) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        parts = rest.strip("/").split("/") if rest.strip("/") else []
        if parts == ["_preview"] and method == "POST":
            body = self._body(environ)
            text = body.get("markdown") if isinstance(body, dict) else None
            if not isinstance(text, str):
                raise Respond(400, {"message": _("the request needs markdown (a string)")})
            return self._json(start_response, 200, {"html": render_markdown(text, self._allow_html())})
        if parts == ["_propose-id"] and method == "POST":
            body = self._body(environ)
            body = body if isinstance(body, dict) else {}
            titles = [t for t in (body.get("titles") or []) if isinstance(t, str)]
            if body.get("kind") == "steps":  # a step's id: unique within its procedure
                taken = [t for t in (body.get("taken") or []) if isinstance(t, str)]
                return self._json(start_response, 200, {"id": propose_id(titles, taken)})
            return self._json(start_response, 200, {"id": self.editor.proposed_id(str(body.get("kind")), titles)})
        if len(parts) == 2 and parts[0] == "_schema" and parts[1] in EDITABLE_KINDS:
            return self._json(start_response, 200, form_schema(parts[1], self.languages))
        if not parts or parts[0] not in EDITABLE_KINDS or len(parts) > 2:
            raise Respond(404, {"message": _("no such item")})
        kind = parts[0]
        ident = parts[1] if len(parts) == 2 else None
        if kind in SINGLE_FILES:
            if ident is not None:
                raise Respond(404, {"message": _("no such item")})
            if method == "GET":
                return self._json(start_response, 200, self.editor.get(kind))
            if method == "PUT":
                return self._json(start_response, 200, self.editor.put(kind, None, self._body(environ)))
            raise Respond(405, {"message": _("method not allowed")}, [("Allow", "GET, PUT")])
        if ident is None:
            if method == "GET":
                return self._json(start_response, 200, {"items": self.editor.listing(kind)})
            if method == "POST":
                return self._json(start_response, 201, self.editor.create(kind, self._body(environ)))
            raise Respond(405, {"message": _("method not allowed")}, [("Allow", "GET, POST")])
        if method == "GET":
            return self._json(start_response, 200, self.editor.get(kind, ident))
        if method == "PUT":
            return self._json(start_response, 200, self.editor.put(kind, ident, self._body(environ)))
        if method == "DELETE":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            revision = query.get("revision", [None])[0]
            return self._json(start_response, 200, self.editor.delete(kind, ident, revision))
        raise Respond(405, {"message": _("method not allowed")}, [("Allow", "GET, PUT, DELETE")])

    def _allow_html(self) -> bool:
        try:
            return self.editor.get("manual")["item"].get("allow_html") is True
        except EditRefused:
            return False

    @staticmethod
    def _body(environ: dict) -> Any:
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/json":  # a cross-site form cannot send JSON without asking first
            raise Respond(415, {"message": _("send the request as application/json")})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise Respond(413, {"message": _("the request is too large")})
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise Respond(400, {"message": _("the request is not JSON")}) from error

    @staticmethod
    def _json(start_response: Callable, status: int, payload: Any,
              headers: list[tuple[str, str]] | None = None) -> list[bytes]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        start_response(_status(status), [("Content-Type", "application/json; charset=utf-8"),
                                         ("Content-Length", str(len(body))), *SECURITY_HEADERS, *(headers or [])])
        return [body]

    # ---- the forms and their files ----------------------------------------------------------------

    def _form(self, start_response: Callable, rest: str) -> list[bytes]:
        parts = rest.strip("/").split("/")
        kind = parts[0] if parts else ""
        ident = parts[1] if len(parts) == 2 else ""
        if kind not in EDITABLE_KINDS or len(parts) > 2 or (kind in SINGLE_FILES and ident):
            raise Respond(404, {"message": _("no such item")})
        if kind in ITEM_KINDS and not ident:
            raise Respond(404, {"message": _("no such item")})
        config = {"kind": kind, "id": "" if ident == "_new" else ident, "new": ident == "_new",
                  "languages": list(self.languages), "site": self.mount, "api": PREFIX + "api/",
                  "strings": interface_strings(self.languages), "lang": current_language()}
        page = _FORM_PAGE.format(
            lang=html.escape(current_language().replace("_", "-")),
            title=html.escape(config["strings"]["page_title"]),
            config=_script_json(config),
            static=PREFIX + "static/")
        body = page.encode("utf-8")
        start_response(_status(200), [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
                                      ("Content-Security-Policy", FORM_POLICY), *SECURITY_HEADERS])
        return [body]

    @staticmethod
    def _static(start_response: Callable, name: str) -> list[bytes]:
        if not _STATIC_NAME.match(name) or ".." in name:
            raise Respond(404, {"message": _("no such file")})
        entry = resources.files("officebook.edit") / "static"
        for part in name.split("/"):
            entry = entry / part
        if not entry.is_file():
            raise Respond(404, {"message": _("no such file")})
        body = entry.read_bytes()
        suffix = "." + name.rsplit(".", 1)[-1]
        start_response(_status(200), [("Content-Type", STATIC_TYPES[suffix]), ("Content-Length", str(len(body))),
                                      ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-cache")])
        return [body]

    # ---- the preview's pages ------------------------------------------------------------------------------

    def links_tag(self) -> str:
        """The tags that put the editor's links on the preview's pages (a script file: no inline script)."""
        strings = interface_strings()
        attributes = {"data-edit": strings["edit"], "data-new": strings["new"], "data-site": self.mount,
                      "data-edit-manual": strings["edit_manual"], "data-edit-glossary": strings["edit_glossary"]}
        shown = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
        return (f'<link rel="stylesheet" href="{PREFIX}static/links.css">'
                f'<script src="{PREFIX}static/links.js" {shown} defer></script>')


def _text(start_response: Callable, status: int, message: str) -> list[bytes]:
    """A refusal a person reads in the browser (the printed address opened with a wrong token)."""
    body = (message + "\n").encode("utf-8")
    start_response(_status(status), [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                                     *SECURITY_HEADERS])
    return [body]


def _script_json(value: Any) -> str:
    """JSON to sit inside a <script> element: no `<`, `>` or `&` that could end it early."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_FORM_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{static}editor.css">
<script type="application/json" id="officebook-edit-config">{config}</script>
<script src="{static}vendor/json-editor/jsoneditor.js" defer></script>
<script src="{static}form-kit.js" defer></script>
<script src="{static}form-widgets.js" defer></script>
<script src="{static}editor.js" defer></script>
</head>
<body>
<header class="ob-bar">
  <a class="ob-back" id="ob-back" href="/">←</a>
  <h1 id="ob-heading"></h1>
  <span class="ob-status" id="ob-status" role="status" aria-live="polite"></span>
  <button type="button" id="ob-delete" class="ob-danger" hidden></button>
  <button type="button" id="ob-save" class="ob-primary"></button>
</header>
<main>
  <div id="ob-summary" class="ob-summary" hidden></div>
  <div id="ob-form"></div>
  <details id="ob-id-fold" class="ob-id-fold" hidden>
    <summary id="ob-id-summary"></summary>
    <div id="ob-id-row" class="ob-id-row"></div>
  </details>
</main>
</body>
</html>
"""
