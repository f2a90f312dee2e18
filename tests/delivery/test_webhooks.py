"""Webhooks end to end against a real receiver on 127.0.0.1: Standard Webhooks signatures checked by the
``standardwebhooks`` package, retries with back-off while the receiver is down, a crash between sending
and marking (the same webhook-id again), failing after a day, and a test delivery on request."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import standardwebhooks
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.delivery import drain
from calendar_service.delivery.drain import deliver_due
from calendar_service.delivery.outbox import LEASE, MAX_ATTEMPTS, RETRY_DELAYS
from calendar_service.models import Delivery, Subscription
from calendar_service.scheduler import jobs
from tests.delivery.conftest import Receiver, subscribe
from tests.delivery.test_email import ANNIVERSARY


def _verified(secret: str, headers: dict[str, str], body: bytes) -> dict[str, object]:
    """Check the signature as the ``standardwebhooks`` package signs, at the request's own timestamp."""
    sent_at = dt.datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=dt.UTC)
    expected = standardwebhooks.Webhook(secret).sign(headers["webhook-id"], sent_at, body.decode())
    assert expected in headers["webhook-signature"].split(" ")
    payload: dict[str, object] = json.loads(body)
    return payload


def test_an_anniversary_reminder_arrives_once_signed(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    with time_machine.travel(ANNIVERSARY, tick=False):
        answer = subscribe(client, url=receiver.url, receive=["anniversary"])
        assert answer["state"] == "active"
        assert answer["secret"].startswith("whsec_")
        assert answer["address"] == f"http://127.0.0.1:{receiver.server.server_address[1]}/…"
        jobs.anniversaries(factory, get_settings(loaded))
        assert deliver_due(factory, get_settings(loaded)).sent == 1
        assert deliver_due(factory, get_settings(loaded)).sent == 0
        [(headers, body)] = receiver.requests
        # the package's own check, timestamp tolerance included, at the time it arrived
        payload = standardwebhooks.Webhook(answer["secret"]).verify(body, headers)
    assert payload["type"] == "notice.anniversary_today"
    data = payload["data"]
    assert isinstance(data, dict)
    assert data["event"]["title"] == "Signing of the Collective Security Treaty"
    assert data["notice"]["occurrence_year"] == 2025
    assert int(headers["webhook-timestamp"]) == int(ANNIVERSARY.timestamp())
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(answer["secret"]).verify(body.replace(b"2025", b"2026"), headers)
    assert "secret" not in client.get(f"/api/subscriptions/{answer['token']}").get_json()


def test_a_receiver_down_for_a_while_gets_it_once_after_retries(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    settings = get_settings(loaded)
    receiver.answers = [503, 503, 502]
    with time_machine.travel(ANNIVERSARY, tick=False) as traveller:
        answer = subscribe(client, url=receiver.url)
        jobs.anniversaries(factory, settings)
        for delay in RETRY_DELAYS[:3]:
            assert deliver_due(factory, settings).retrying == 1
            assert deliver_due(factory, settings).retrying == 0  # waits out its back-off
            traveller.shift(delay)
        assert deliver_due(factory, settings).sent == 1
        assert deliver_due(factory, settings).sent == 0
    assert len(receiver.requests) == 4
    assert len({headers["webhook-id"] for headers, _ in receiver.requests}) == 1
    for headers, body in receiver.requests:
        _verified(answer["secret"], headers, body)
    assert client.get(f"/api/subscriptions/{answer['token']}").get_json()["state"] == "active"


class Crash(BaseException):
    """The process dying between a receiver's acknowledgement and the mark (no handler catches it)."""


def test_a_crash_between_sending_and_marking_resends_with_the_same_id(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings(loaded)
    with time_machine.travel(ANNIVERSARY, tick=False) as traveller:
        subscribe(client, url=receiver.url)
        jobs.anniversaries(factory, settings)
        with monkeypatch.context() as patched:
            def crash(*_args: object, **_kwargs: object) -> None:
                raise Crash

            patched.setattr(drain, "mark_sent", crash)
            with pytest.raises(Crash):
                deliver_due(factory, settings)
        assert len(receiver.requests) == 1
        assert deliver_due(factory, settings).sent == 0  # claimed: not before its lease ends
        traveller.shift(LEASE)
        assert deliver_due(factory, settings).sent == 1
        assert deliver_due(factory, settings).sent == 0
    first, again = receiver.requests
    assert first[0]["webhook-id"] == again[0]["webhook-id"]
    assert json.loads(first[1]) == json.loads(again[1])


def test_a_receiver_down_for_a_day_marks_the_subscription_failing(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    settings = get_settings(loaded)
    receiver.always = 500
    with time_machine.travel(ANNIVERSARY, tick=False) as traveller:
        answer = subscribe(client, url=receiver.url)
        jobs.anniversaries(factory, settings)
        started = traveller_time = ANNIVERSARY
        for delay in RETRY_DELAYS:
            assert deliver_due(factory, settings).retrying == 1
            traveller.shift(delay)
            traveller_time += delay
        assert deliver_due(factory, settings).failed == 1
        shown = client.get(f"/api/subscriptions/{answer['token']}").get_json()
        health = client.get("/healthz").get_json()
    assert dt.timedelta(hours=20) < traveller_time - started < dt.timedelta(hours=30)
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert shown["state"] == "failing"
    assert "500" in shown["last_error"]
    assert shown["deliveries"]["failed"] == 1
    assert health["deliveries"]["failing_subscriptions"] == 1
    assert receiver.url not in json.dumps(health)

    # A test delivery on request that arrives makes it active again.
    receiver.always = None
    with time_machine.travel(ANNIVERSARY + dt.timedelta(days=2), tick=False):
        tested = client.post(f"/api/subscriptions/{answer['token']}/test")
        headers, body = receiver.requests[-1]
        payload = _verified(answer["secret"], headers, body)
    assert tested.get_json() == {"delivered": True, "detail": "delivered"}
    assert payload["type"] == "test"
    assert client.get(f"/api/subscriptions/{answer['token']}").get_json()["state"] == "active"


def test_a_test_delivery_that_fails_says_why(client: FlaskClient, receiver: Receiver) -> None:
    receiver.always = 404
    answer = subscribe(client, url=receiver.url)
    tested = client.post(f"/api/subscriptions/{answer['token']}/test").get_json()
    assert tested["delivered"] is False
    assert "404" in tested["detail"]
    assert receiver.url not in tested["detail"]


def test_deleting_a_subscription_deletes_everything_kept_about_it(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    receiver.always = 503
    with time_machine.travel(ANNIVERSARY, tick=False):
        answer = subscribe(client, url=receiver.url)
        jobs.anniversaries(factory, get_settings(loaded))
        deliver_due(factory, get_settings(loaded))
    assert client.delete(f"/api/subscriptions/{answer['token']}").status_code == 204
    assert client.delete(f"/api/subscriptions/{answer['token']}").status_code == 404
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
