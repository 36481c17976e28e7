"""The Host check of officebook's local servers (`serve`, and `edit`, which reuses it).

A page on any web site can make the browser send requests to 127.0.0.1 under its own domain name (DNS
rebinding): the browser then lets it read the answers. A server that answers only requests whose
`Host` header names the address it listens on (or a name the user allowed with `--allowed-host`)
gives such a page nothing.

    allowed = allowed_hosts("127.0.0.1", 8000, ["manual.office.lan"])
    app = guard_hosts(app, allowed)   # any other Host: 403
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterable

from officebook.i18n import gettext as _

LOOPBACK = ("localhost", "127.0.0.1", "::1")
ANY_ADDRESS = ("0.0.0.0", "::", "")


def _bracketed(name: str) -> str:
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def _machine_names() -> set[str]:
    """The names and addresses this machine answers to, for a server listening on every interface."""
    names = {socket.gethostname(), socket.getfqdn()}
    for name in list(names):
        try:
            names |= {info[4][0] for info in socket.getaddrinfo(name, None)}
        except OSError:
            continue
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:  # the address of the interface that leads out (a UDP "connection" sends nothing)
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                names.add(udp.getsockname()[0])
        except OSError:
            continue
    return {name for name in names if name}


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The `Host` header values (lower case, `name:port`; IPv6 in brackets) a server listening on
    host:port answers. A loopback address allows every loopback name; a server on every interface
    (0.0.0.0, ::) allows the machine's own names and addresses. `extra` names (`--allowed-host`) are
    allowed as given, and without a port (as a reverse proxy on port 80 sends them) unless they name one."""
    names = {host.strip("[]").lower()}
    if host in LOOPBACK or host.startswith("127."):
        names |= set(LOOPBACK)
    if host in ANY_ADDRESS:
        names = set(LOOPBACK) | {name.lower() for name in _machine_names()}
    allowed = {f"{_bracketed(name)}:{port}" for name in names}
    if port == 80:
        allowed |= {_bracketed(name) for name in names}
    for name in extra:
        name = name.strip().lower()
        if not name:
            continue
        if _WITH_PORT.match(name):
            allowed.add(name)
        else:
            allowed |= {_bracketed(name), f"{_bracketed(name)}:{port}"}
    return frozenset(allowed)


_WITH_PORT = re.compile(r"^(?:[^:\[\]]+|\[[^\]]+\]):\d+$")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    return bool(header) and header.strip().lower() in allowed


def guard_hosts(app: Callable, allowed: frozenset[str]) -> Callable:
    """A WSGI wrapper answering 403 to a request whose Host header is not in `allowed`."""

    def guarded(environ, start_response):
        if not host_allowed(environ.get("HTTP_HOST"), allowed):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            message = _("403 Forbidden: this server answers only requests addressed to {hosts}. "
                        "To open it under another name, start it with --allowed-host NAME.").format(
                            hosts=", ".join(sorted(allowed)))
            return [(message + "\n").encode("utf-8")]
        return app(environ, start_response)

    return guarded
