"""A real SMTP server (aiosmtpd) and a real HTTP receiver on 127.0.0.1, each in a thread, and a
subscriber factory. Time is moved with time-machine; a send returns once the receiver answered,
so no test waits on a clock."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask
from flask.testing import FlaskClient

from calendar_service import get_settings
from calendar_service.config import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailBox:
    """What the SMTP server accepted; ``refuse`` answers the next messages with that reply instead."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: list[str] = []
        self.refused = 0
        self.port = _free_port()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            self.refused += 1
            return self.refuse.pop(0)
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((str(envelope.mail_from), [str(rcpt) for rcpt in envelope.rcpt_tos]))
        return "250 Message accepted"


@pytest.fixture
def mailbox() -> Iterator[MailBox]:
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


class Receiver:
    """An HTTP server that records each request and answers the statuses of ``answers`` in turn, then 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.always: int | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(({key.lower(): value for key, value in self.headers.items()}, body))
                status = receiver.always or (receiver.answers.pop(0) if receiver.answers else 200)
                self.send_response(status)
                reply = b"down for maintenance" if status >= 300 else b"ok"
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/calendar"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()
        thread.join()


@pytest.fixture
def settings(make_settings: Callable[..., dict[str, Any]], mailbox: MailBox) -> dict[str, Any]:
    """The test's settings with email through the test's SMTP server and webhooks allowed to loopback."""
    return make_settings(SMTP_URL=f"smtp://127.0.0.1:{mailbox.port}", WEBHOOK_ALLOW_PRIVATE="1",
                         MAIL_FROM="CSTO calendar <calendar@calendar.example.org>")


@pytest.fixture
def service_settings(loaded: Flask) -> Settings:
    return get_settings(loaded)


def subscribe(client: FlaskClient, **body: Any) -> dict[str, Any]:
    """Subscribe over the API and return the answer (which must be 201)."""
    response = client.post("/api/subscriptions", json=body)
    assert response.status_code == 201, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer
