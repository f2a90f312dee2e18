"""Fixtures of the web tests: the loaded app behind a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server


@pytest.fixture
def server(loaded: Flask) -> Iterator[str]:
    """The base URL of a threaded werkzeug server on a free loopback port, serving ``loaded``."""
    httpd = make_server("127.0.0.1", 0, loaded, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()
