"""Subscriptions: bad input refused with nothing stored, the outbox filled in the transaction that issues a
notice (announcements and changes as the sweep), ``run-job deliver``, and the form page."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.cli import main
from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.models import Delivery, Notice, Subscription
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import edit_event, upsert_records
from tests.conftest import NOW, change_settings
from tests.delivery.conftest import MailBox, Receiver, subscribe


def _count(factory: sessionmaker[Session], model: Any = Subscription) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


#: Webhook URLs the outbound gate refuses, and what its reason says.
REFUSED = [
    ("https://user:secret@hooks.example.org/calendar", "credentials"),
    ("ftp://hooks.example.org/calendar", "http"),
    ("file:///etc/passwd", "http"),
    ("javascript:alert(1)", "http"),
    ("http://127.0.0.1:9/calendar", "not a public address"),
    ("http://localhost/calendar", "not a public address"),
    ("http://[::1]/calendar", "not a public address"),
    ("http://169.254.169.254/latest/meta-data", "not a public address"),
    ("http://10.1.2.3/calendar", "not a public address"),
]


def test_a_webhook_url_the_gate_refuses_is_refused_and_nothing_is_stored(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session],
) -> None:
    change_settings(loaded, webhook_allow_private=False)
    for url, why in REFUSED:
        response = client.post("/api/subscriptions", json={"url": url})
        assert response.status_code == 400, url
        assert response.mimetype == "application/problem+json"
        assert why in response.get_json()["detail"], url
        assert "secret" not in response.get_json()["detail"]
    assert _count(factory) == 0


def test_subscriptions_per_address_are_capped(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    change_settings(loaded, subscriptions_per_address=3)
    for country in ("AM", "BY", "KZ"):
        subscribe(client, url=receiver.url, countries=[country])
    refused = client.post("/api/subscriptions", json={"url": receiver.url, "countries": ["RU"]})
    assert refused.status_code == 429
    assert "delete one" in refused.get_json()["detail"]
    assert _count(factory) == 3
    # 10,000 at once is not a subscription at all.
    many = client.post("/api/subscriptions", json=[{"url": receiver.url}] * 10_000)
    assert many.status_code == 400
    assert _count(factory) == 3


def test_bad_fields_are_refused_each_named(client: FlaskClient, factory: sessionmaker[Session]) -> None:
    response = client.post("/api/subscriptions", json={"email": "desk@example.org", "language": "fr",
                                                       "receive": ["gossip"], "countries": ["XX"],
                                                       "categories": ["party"], "colour": "red"})
    assert response.status_code == 400
    fields = {problem["field"] for problem in response.get_json()["problems"]}
    assert {"language", "receive", "countries", "categories", "colour"} <= fields
    assert client.post("/api/subscriptions", data="email=a@b.org").status_code == 415
    assert _count(factory) == 0


def _record(key: str, **changes: Any) -> EventRecord:
    values: dict[str, Any] = {
        "key": key, "title": "Session of the Collective Security Council", "start": dt.date(2025, 11, 27),
        "end": dt.date(2025, 11, 27), "precision": Precision.DAY, "category": Category.MEETING,
        "status": Status.PLANNED, "city": "Minsk", "country": "BY", "countries": ("BY",),
    }
    values.update(changes)
    return EventRecord(**values)


def test_announcements_and_changes_fill_the_outbox_in_their_own_transaction(
    client: FlaskClient, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    subscribe(client, url=receiver.url, receive=["announced", "changed"], categories=["meeting"])
    subscribe(client, url=receiver.url + "/kz", receive=["announced"], countries=["KZ"])
    with transaction(factory) as session:
        result = upsert_records(session, [_record("council-2025")], now=NOW)
    with transaction(factory) as session:
        [delivery] = session.scalars(select(Delivery).where(Delivery.purpose == "notice")).all()
        assert delivery.notice is not None
        assert delivery.notice.kind == "announced"

    def move_then_fail() -> None:
        with transaction(factory) as session:
            edit_event(session, result.created[0], {"city": "Astana", "country": "KZ"}, now=NOW, actor="editor:test")
            raise RuntimeError("the transaction fails after the change")

    with pytest.raises(RuntimeError):  # rolled back: neither the notice nor its delivery
        move_then_fail()
    assert _count(factory, Delivery) == 1
    with transaction(factory) as session:
        edit_event(session, result.created[0], {"status": Status.CANCELLED}, now=NOW, actor="editor:test")
    with transaction(factory) as session:
        kinds = sorted(notice.kind for notice in session.scalars(
            select(Notice).join(Delivery, Delivery.notice_id == Notice.id)))
    assert kinds == ["announced", "changed"]


def test_run_job_deliver_sends_what_is_due(
    client: FlaskClient, runner: CliRunner, mailbox: MailBox, factory: sessionmaker[Session],
) -> None:
    subscribe(client, email="desk@example.org")
    result = runner.invoke(main, ["run-job", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "deliver: sent 1, 0 to retry, 0 failed for good"
    assert len(mailbox.messages) == 1
    assert "desk@example.org" not in result.output
    assert runner.invoke(main, ["run-job", "deliver"]).output.strip().startswith("deliver: sent 0")


def test_the_form_subscribes_and_shows_the_secret_once(
    client: FlaskClient, factory: sessionmaker[Session], receiver: Receiver,
) -> None:
    page = client.get("/subscriptions/new?lang=ru")
    assert page.status_code == 200
    assert 'lang="ru"' in page.text
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]
    refused = client.post("/subscriptions/new", data={"email": "nobody", "receive": "anniversary"})
    assert refused.status_code == 400
    assert "not an email address" in refused.text
    assert _count(factory) == 0
    done = client.post("/subscriptions/new", data={"url": receiver.url, "receive": ["anniversary", "changed"],
                                                    "category": "meeting", "countries": "by, kz", "language": "en"})
    assert done.status_code == 201
    assert done.headers["Cache-Control"] == "no-store"
    assert "whsec_" in done.text
    with transaction(factory) as session:
        stored = session.scalars(select(Subscription)).one()
        assert (stored.kinds, stored.categories, stored.countries) == (("anniversary", "changed"), ("meeting",),
                                                                        ("BY", "KZ"))
        assert stored.secret is not None
        assert stored.secret in done.text
        token = stored.token
    unsubscribe = client.get(f"/subscriptions/{token}/unsubscribe")
    assert unsubscribe.status_code == 200
    assert receiver.url not in unsubscribe.text
    assert _count(factory) == 1  # a look at the link deletes nothing
    assert client.post(f"/subscriptions/{token}/unsubscribe").status_code == 200
    assert _count(factory) == 0


def test_personal_data_stays_out_of_feeds_and_pages(
    client: FlaskClient, loaded: Flask, factory: sessionmaker[Session],
) -> None:
    subscribe(client, email="desk@example.org", receive=["announced"])
    with transaction(factory) as session:
        session.execute(update(Subscription).values(state="active"))
        upsert_records(session, [_record("council-2025")], now=NOW)
    for url in ("/", "/api/events", "/healthz", "/feed.atom?category=meeting", "/calendar.ics?country=BY"):
        response = client.get(url)
        assert response.status_code in {200, 503}, url  # /healthz: the copied feeds are old
        assert b"desk@example.org" not in response.data, url
        assert b"d\xe2\x80\xa6@example.org" not in response.data, url


def test_the_subscription_builder_links_the_form_with_its_choice(client: FlaskClient) -> None:
    builder = client.get("/subscribe?category=meeting&country=KZ&lang=ru")
    assert builder.status_code == 200
    link = re.search(r'id="get-reminders" href="([^"]+)"', builder.text)
    assert link is not None
    assert "Напоминания по почте или через вебхук" in builder.text
    form = client.get(html.unescape(link[1]).removeprefix("https://calendar.example.org"))
    assert form.status_code == 200
    assert 'lang="ru"' in form.text
    assert re.search(r'name="category" value="meeting" checked', form.text)
    assert not re.search(r'name="category" value="training" checked', form.text)
    assert 'name="countries" value="KZ"' in form.text
