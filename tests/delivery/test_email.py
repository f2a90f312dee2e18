"""Email reminders end to end: double opt-in, the anniversary reminder with its .ics, RFC 8058 one-click
unsubscribe, and an SMTP server refusing a message (retried, not dropped)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import icalendar
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.delivery.drain import deliver_due
from calendar_service.models import ConfirmationSend, Delivery, Subscription
from calendar_service.scheduler import jobs
from tests.delivery.conftest import MailBox, subscribe

#: 07:00 in Moscow on the Treaty's 33rd anniversary (the daily sweep runs at 06:00).
ANNIVERSARY = dt.datetime(2025, 5, 15, 4, 0, tzinfo=dt.UTC)
ADDRESS = "desk.officer@example.org"


def _confirm_link(message: object) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[attr-defined]
    return re.search(r"https://calendar\.example\.org/subscriptions/confirm/\S+", text)[0]


def test_an_anniversary_reminder_reaches_a_confirmed_address_once_with_its_ics(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], mailbox: MailBox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="calendar_service")
    settings = get_settings(loaded)
    with time_machine.travel(ANNIVERSARY - dt.timedelta(days=1), tick=False):
        answer = subscribe(client, email=ADDRESS, receive=["anniversary"], language="ru")
        assert answer["state"] == "pending"
        assert ADDRESS not in str(answer)
        assert answer["address"] == "d…@example.org"
        assert deliver_due(factory, settings).sent == 1
    [request] = mailbox.messages
    assert mailbox.envelopes[0][1] == [ADDRESS]
    assert request["Subject"] == "Подтвердите подписку на календарь ОДКБ"
    assert request["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert request["List-Unsubscribe"] == f"<https://calendar.example.org/subscriptions/{answer['token']}/unsubscribe?lang=ru>"

    # Until the link is followed nothing but the request is sent, not even a due reminder.
    with time_machine.travel(ANNIVERSARY, tick=False):
        jobs.anniversaries(factory, settings)
        assert deliver_due(factory, settings).sent == 0
    link = _confirm_link(request).removeprefix("https://calendar.example.org")
    page = client.get(link)
    assert page.status_code == 200
    assert "d…@example.org" in page.text
    assert ADDRESS not in page.text
    with transaction(factory) as session:  # a look at the link confirms nothing
        assert session.scalar(select(Subscription.state)) == "pending"
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 404  # used once

    with time_machine.travel(ANNIVERSARY + dt.timedelta(days=365), tick=False):
        # 15 May 2026, the 34th anniversary; the sweep catches up 8 May (a week ahead) too.
        jobs.anniversaries(factory, settings)
        assert deliver_due(factory, settings).sent == 2
        assert deliver_due(factory, settings).sent == 0  # once
    ahead, reminder = mailbox.messages[1:]
    assert ahead["Message-ID"] != reminder["Message-ID"]
    assert len(list(ahead.iter_attachments())) == 1
    assert "34" in reminder["Subject"]
    assert "Договор" in reminder["Subject"]
    assert re.fullmatch(r"<notice-\d+\.\d+@calendar\.example\.org>", reminder["Message-ID"])
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = reminder.get_body(preferencelist=("plain",)).get_content()
    html = reminder.get_body(preferencelist=("html",)).get_content()
    assert "Отписаться" in plain
    assert "Отписаться" in html
    assert '<html lang="ru">' in html
    [attachment] = list(reminder.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "event.ics"
    assert attachment.get_content_charset() == "utf-8"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert "Договор" in str(event["SUMMARY"])

    # RFC 8058: the mail client POSTs the body below to the List-Unsubscribe URL; no page in between.
    unsubscribe = reminder["List-Unsubscribe"].strip("<>").removeprefix("https://calendar.example.org")
    response = client.post(unsubscribe, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    assert client.get(f"/api/subscriptions/{answer['token']}").status_code == 404
    logged = [record.getMessage() for record in caplog.records if record.name.startswith("calendar_service")]
    assert any("subscription" in line for line in logged)
    assert all(ADDRESS not in line for line in logged)


def test_a_refused_message_is_retried_not_dropped(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], mailbox: MailBox,
) -> None:
    settings = get_settings(loaded)
    mailbox.refuse = ["451 4.3.0 Try again later", "554 5.0.0 Transaction failed"]
    with time_machine.travel(ANNIVERSARY, tick=False) as traveller:
        answer = subscribe(client, email=ADDRESS)
        first = deliver_due(factory, settings)
        assert (first.sent, first.retrying) == (0, 1)
        assert deliver_due(factory, settings).retrying == 0  # not due again before its back-off
        shown = client.get(f"/api/subscriptions/{answer['token']}").get_json()
        assert shown["deliveries"] == {"pending": 1, "sent": 0, "failed": 0}
        assert "451" in shown["last_error"] if shown["last_error"] else True
        traveller.shift(dt.timedelta(minutes=1))
        assert deliver_due(factory, settings).retrying == 1  # 554: still retried
        traveller.shift(dt.timedelta(minutes=2))
        assert deliver_due(factory, settings).sent == 1
    assert mailbox.refused == 2
    assert len(mailbox.messages) == 1


def test_an_invalid_address_is_refused_and_nothing_is_kept(client: FlaskClient, factory: sessionmaker[Session]) -> None:
    for address in ("not-an-address", "two@@example.org", "desk@example.org\r\nBcc: x@example.org", "a" * 400):
        response = client.post("/api/subscriptions", json={"email": address})
        assert response.status_code == 400, address
        assert response.mimetype == "application/problem+json"
    assert client.post("/api/subscriptions", json={"email": ADDRESS, "url": "https://example.org/h"}).status_code == 400
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0
        assert session.scalar(select(func.count()).select_from(ConfirmationSend)) == 0


def test_confirmation_requests_to_one_address_are_limited(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session],
) -> None:
    settings = get_settings(loaded)
    allowed = settings.confirmations_per_day
    for category in ("meeting", "training", "statement")[:allowed]:
        subscribe(client, email=ADDRESS, categories=[category])
    response = client.post("/api/subscriptions", json={"email": ADDRESS.upper(), "categories": ["operation"]})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "confirmation" in response.get_json()["detail"]
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == allowed
