"""The edge of ``serve``: the listening socket, the address links are published under, the access log.

The socket is bound before anything else happens, so a port already in use is one clear line,
and ``--port 0`` is known before the feeds are rendered with links to it.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from calendar_service import clock
from calendar_service.errors import ConfigurationError

__all__ = ["AccessLog", "bind", "link_base_url", "listening_url"]

log = logging.getLogger(__name__)

_WILDCARDS = {"0.0.0.0", "::", ""}
_REASONS = {
    errno.EADDRINUSE: "the address is already in use (is another server running?); choose another --port",
    errno.EACCES: "permission denied (ports below 1024 need privileges); choose another --port",
    errno.EADDRNOTAVAIL: "no interface of this machine has that address; check --host",
}


def bind(host: str, port: int) -> socket.socket:
    """Return a socket bound to ``host``:``port`` (not yet listening).

    Raises:
        ConfigurationError: the address cannot be used; the message says why in one line.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as error:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener = socket.socket(family, kind, proto)
    try:
        # As waitress and gunicorn do: a restart need not wait out connections in TIME_WAIT. It does
        # not let two servers listen on one port.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as error:
        listener.close()
        reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
        raise ConfigurationError(f"cannot listen on {_authority(host, port)}: {reason}") from None
    return listener


def _authority(host: str, port: int) -> str:
    try:
        is_v6 = ipaddress.ip_address(host).version == 6
    except ValueError:
        is_v6 = False
    return f"[{host}]:{port}" if is_v6 else f"{host}:{port}"


def listening_url(host: str, port: int) -> str:
    """Return the http address a client on this machine or network reaches the server at.

    A wildcard address (0.0.0.0, ::) is no address to link to: the machine's name stands for it.
    """
    name = socket.gethostname() if host in _WILDCARDS else host
    return f"http://{_authority(name, port)}"


def _same_address(first: str, second: str) -> bool:
    one, two = urlsplit(first), urlsplit(second)
    default = {"http": 80, "https": 443}
    return ((one.scheme, (one.hostname or "").lower(), one.port or default.get(one.scheme))
            == (two.scheme, (two.hostname or "").lower(), two.port or default.get(two.scheme)))


def link_base_url(configured: str | None, host: str, port: int) -> tuple[str, str | None]:
    """Return the base URL feeds link to, and a note to log once when it is not where we listen.

    Args:
        configured: ``CALENDAR_BASE_URL`` if the operator set it, else None: the links then point
            at the address the server listens on.
    """
    listening = listening_url(host, port)
    if not configured:
        return listening, None
    base = configured.rstrip("/")
    if _same_address(base, listening):
        return base, None
    return base, (f"links in the feeds use CALENDAR_BASE_URL {base}, while this server listens on "
                  f"{listening}/ (fine behind a proxy that forwards one to the other)")


StartResponse = Callable[..., Any]


class AccessLog:
    """WSGI middleware writing one line per request in the combined log format (as gunicorn's).

    Written by hand: the one library that has it (Paste's TransLogger) brings a whole framework.
    """

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
                 logger: logging.Logger) -> None:
        self.app = app
        self.logger = logger

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status: list[str] = []

        def recording_start_response(code: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            status[:] = [code.split(" ", 1)[0]]
            return start_response(code, headers, *args)

        body = self.app(environ, recording_start_response)
        return _Counted(body, lambda sent: self.logger.info(
            "%s", format_access_line(environ, status[0] if status else "-", sent)))


class _Counted:
    """A response body that counts the bytes sent and reports once: at its end or at close()."""

    def __init__(self, body: Iterable[bytes], report: Callable[[int], None]) -> None:
        self._body = body
        self._report: Callable[[int], None] | None = report
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self.sent += len(chunk)
            yield chunk
        self._done()

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._done()

    def _done(self) -> None:
        report, self._report = self._report, None
        if report is not None:
            report(self.sent)


def format_access_line(environ: Mapping[str, Any], status: str, sent: int) -> str:
    """Return the combined-log-format line of one request."""
    path = environ.get("PATH_INFO", "") or "/"
    query = environ.get("QUERY_STRING")
    target = f"{path}?{query}" if query else path
    # WSGI hands the path decoded as latin-1; give the line its original bytes back.
    target = target.encode("latin-1", "replace").decode("utf-8", "replace")
    request_line = f"{environ.get('REQUEST_METHOD', '-')} {target} {environ.get('SERVER_PROTOCOL', '-')}"
    stamp = clock.now().strftime("%d/%b/%Y:%H:%M:%S %z")
    referer = environ.get("HTTP_REFERER") or "-"
    agent = environ.get("HTTP_USER_AGENT") or "-"
    return (f'{environ.get("REMOTE_ADDR") or "-"} - - [{stamp}] "{_quote(request_line)}" {status} '
            f'{sent or "-"} "{_quote(referer)}" "{_quote(agent)}"')


def _quote(text: str) -> str:
    # A request line or header can carry quotes or control characters meant to forge log lines.
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in text)
