"""Webhooks: a JSON body signed as the Standard Webhooks specification says, posted through the outbound gate.

Each request carries ``webhook-id`` (the same on every attempt of one delivery, so a receiver can
deduplicate), ``webhook-timestamp`` (seconds since the epoch, at sending) and ``webhook-signature``:
``v1,`` and the base64 HMAC-SHA256, keyed by the secret's bytes (the base64 after ``whsec_``), of
``{id}.{timestamp}.{body}``. Any 2xx answer acknowledges; anything else, or no answer within
:data:`TIMEOUT_SECONDS`, is a failed attempt. Requests go only where :mod:`calendar_service.outbound`
lets them (http(s), public addresses after DNS resolution, unless WEBHOOK_ALLOW_PRIVATE).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from types import TracebackType
from typing import Any

import httpx

from calendar_service import __version__
from calendar_service.delivery.mail import DeliveryError
from calendar_service.errors import FetchError
from calendar_service.outbound import make_client

__all__ = ["TIMEOUT_SECONDS", "WebhookSender", "sign", "webhook_body"]

#: Seconds a receiver has to connect and answer.
TIMEOUT_SECONDS = 10.0
_MAX_REPLY = 300


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Return the ``webhook-signature`` header of ``body``: ``v1,`` and the base64 HMAC-SHA256."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def webhook_body(kind: str, timestamp: str, data: dict[str, Any]) -> bytes:
    """Return the JSON body: ``type``, ``timestamp`` (ISO 8601) and ``data``, as the specification shapes it."""
    return json.dumps({"type": kind, "timestamp": timestamp, "data": data}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":")).encode("utf-8")


class WebhookSender:
    """One HTTP client for many requests (use as a context)."""

    def __init__(self, *, allow_private: bool, timeout: float = TIMEOUT_SECONDS) -> None:
        # No redirect is followed: a POST redirected is a different request the receiver did not sign up for.
        self._client = make_client(allow_private=allow_private, timeout=timeout, max_redirects=0,
                                   user_agent=f"calendar-service/{__version__} (webhooks)")

    def __enter__(self) -> WebhookSender:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._client.close()

    def send(self, url: str, secret: str, message_id: str, timestamp: int, body: bytes) -> int:
        """Post ``body`` signed; return the receiver's 2xx status.

        Raises:
            DeliveryError: no answer in time, a refused address, or an answer other than 2xx.
        """
        headers = {"content-type": "application/json", "webhook-id": message_id,
                   "webhook-timestamp": str(timestamp), "webhook-signature": sign(secret, message_id, timestamp, body)}
        try:
            with self._client.stream("POST", url, content=body, headers=headers) as response:
                status = response.status_code
                # Only the start of a refusal is read (to show its owner); an acknowledgement's body is not.
                reply = b"" if 200 <= status < 300 else _start_of(response)
        except FetchError as error:  # UnsafeURL: the host resolves to an address the gate refuses
            raise DeliveryError(f"the webhook URL is refused: {error}") from None
        except httpx.HTTPError as error:
            raise DeliveryError(f"the webhook could not be reached: {type(error).__name__}") from None
        if not 200 <= status < 300:
            text = reply.decode("utf-8", "replace").strip()
            raise DeliveryError(f"the webhook answered {status}" + (f": {text}" if text else ""))
        return status


def _start_of(response: httpx.Response) -> bytes:
    read = b""
    for chunk in response.iter_bytes():
        read += chunk
        if len(read) >= _MAX_REPLY:
            break
    return read[:_MAX_REPLY]
