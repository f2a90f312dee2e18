"""A real HTTP server on 127.0.0.1, in a thread, serving what a test puts on it.

``Site`` is started once per test module (a fixture calls :func:`serve`); each test sets the
routes it needs with :meth:`Site.put` and reads back the requests the server saw. A reply is a
status, headers and a body given as bytes or as an iterable of chunks (so a 50 MB page is made as
it is sent, and stops when the client hangs up). A reply with ``hold=True`` answers nothing until
the site is closed: the client's timeout is what ends it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False  #: answer nothing until the site closes


Route = Reply | Callable[[Seen], Reply]


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.closing = threading.Event()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen = Seen("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                with site._lock:
                    site.seen.append(seen)
                    route = site.routes.get(self.path)
                reply = Reply(404, b"not here") if route is None else route if isinstance(route, Reply) else route(seen)
                if reply.hold:
                    site.closing.wait(10)
                    return
                with contextlib.suppress(ConnectionError):
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if isinstance(reply.body, bytes) and "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    for chunk in [reply.body] if isinstance(reply.body, bytes) else reply.body:
                        self.wfile.write(chunk)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def put(self, path: str, route: Route) -> str:
        """Serve ``route`` at ``path`` and return its full URL."""
        with self._lock:
            self.routes[path] = route
        return self.url(path)

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path == path]

    def reset(self) -> None:
        with self._lock:
            self.routes.clear()
            self.seen.clear()


@contextlib.contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    site.thread.start()
    try:
        yield site
    finally:
        site.closing.set()
        site.server.shutdown()
        site.server.server_close()
        site.thread.join(5)
