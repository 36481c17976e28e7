"""The editor's guards: a random token, the Host of the address it serves, the Origin of every write.

A local web page that writes files is reachable from any page the user opens in the same browser:
a foreign site can send requests to 127.0.0.1 (CSRF) or make its own name resolve to it (DNS
rebinding). So every editor request needs the token (cookie or `X-Officebook-Token` header), every
request must name this server in `Host`, and a write whose `Origin` is another site is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from officebook.build.hosts import allowed_hosts, host_allowed

TOKEN_HEADER = "HTTP_X_OFFICEBOOK_TOKEN"
WRITE_METHODS = frozenset({"PUT", "POST", "DELETE", "PATCH"})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Guard:
    """The checks for one editor listening on host:port."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def cookie_name(self) -> str:
        return f"officebook_edit_{self.port}"  # cookies ignore ports: one name per editor

    @property
    def hosts(self) -> frozenset[str]:
        """`Host` values naming this server: the preview's own rule (a loopback server answers to its
        loopback names). The preview checks them first; the editor checks again, on its own."""
        return allowed_hosts(self.host, self.port)

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.hosts)

    def host_ok(self, environ: Mapping) -> bool:
        return host_allowed(environ.get("HTTP_HOST"), self.hosts)

    def origin_ok(self, environ: Mapping) -> bool:
        """A write from another site is refused: by `Origin` when the browser sends it, else by
        `Sec-Fetch-Site`; a script without either (curl) is judged by its token alone."""
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin.lower() not in self.origins:
            return False
        return environ.get("HTTP_SEC_FETCH_SITE", "same-origin") in ("same-origin", "none")

    def presented(self, environ: Mapping) -> str | None:
        """The token a request carries (header first, then cookie), or None."""
        header = environ.get(TOKEN_HEADER)
        if header:
            return header
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE", ""))
        except Exception:  # a malformed Cookie header is no token
            return None
        morsel = cookie.get(self.cookie_name)
        return morsel.value if morsel else None

    def token_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def set_cookie(self) -> tuple[str, str]:
        return ("Set-Cookie", f"{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict")
