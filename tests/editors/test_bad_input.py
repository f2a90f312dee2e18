"""Every refused write answers a problem (RFC 9457) naming the field, and leaves the store byte-identical."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from calendar_service import get_settings
from tests.editors.test_write_api import NEW
from tests.storedump import digest


def _dump(app: Flask) -> str:
    """Return a hash of every row of the store (independent of pages, the WAL and the database)."""
    return digest(get_settings(app).database_url)


BAD_BODIES: list[tuple[str, Any, str]] = [
    ("wrong type", {**NEW, "title": 42}, "title"),
    ("list for a string", {**NEW, "city": ["Minsk"]}, "city"),
    ("string for a boolean", {**NEW, "anniversary": "yes"}, "anniversary"),
    ("impossible date", {**NEW, "start": "2024-02-30", "end": None}, "start"),
    ("not a date", {**NEW, "start": "next week"}, "start"),
    ("impossible published", {**NEW, "published": "2024-02-30"}, "published"),
    ("end before start", {**NEW, "start": "2025-03-12", "end": "2025-03-10"}, "end"),
    ("precision not fitting", {**NEW, "start": "2025-03", "end": None, "precision": "day"}, "precision"),
    ("end in another form", {**NEW, "start": "2025-03-12", "end": "2025-04"}, "end"),
    ("unknown category", {**NEW, "category": "party"}, "category"),
    ("unknown status", {**NEW, "status": "rumoured"}, "status"),
    ("unknown country", {**NEW, "country": "XX"}, "country"),
    ("unknown country in a list", {**NEW, "countries": ["RU", "QQ"]}, "countries"),
    ("control character", {**NEW, "title": "Meeting\x07 of ministers"}, "title"),
    ("C1 control character", {**NEW, "summary": "text\x85more"}, "summary"),
    ("markup", {**NEW, "title": "<b>Meeting</b>"}, "title"),
    ("title over its limit", {**NEW, "title": "x" * 501}, "title"),
    ("summary over its limit", {**NEW, "summary": "x" * 20_001}, "summary"),
    ("too many countries", {**NEW, "countries": ["RU"] * 101}, "countries"),
    ("unknown field", {**NEW, "colour": "red"}, "colour"),
    ("missing title", {key: value for key, value in NEW.items() if key != "title"}, "title"),
    ("time without a day", {**NEW, "start": "2025-03", "end": None, "start_time": "10:00"}, "start_time"),
    ("unknown time zone", {**NEW, "timezone": "Mars/Olympus"}, "timezone"),
    ("impossible time", {**NEW, "start_time": "25:00"}, "start_time"),
    ("not an object", ["a", "list"], "body"),
]


@pytest.mark.parametrize(("body", "field"), [(body, field) for _, body, field in BAD_BODIES],
                         ids=[name for name, _, _ in BAD_BODIES])
def test_a_bad_body_is_400_naming_the_field_and_changes_nothing(
        loaded: Flask, editor: dict[str, str], body: Any, field: str) -> None:
    client = loaded.test_client()
    before = _dump(loaded)
    response = client.post("/api/events", json=body, headers=editor)
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400
    assert field in {p.get("field") for p in problem["problems"]}, problem
    assert _dump(loaded) == before


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b'{"title": "x",', "application/json", 400),
    (b"\xff\xfe not utf-8", "application/json", 400),
    (b"title=x", "application/x-www-form-urlencoded", 415),
    (b'{"title": "' + b"x" * (1024 * 1024) + b'"}', "application/json", 413),
], ids=["malformed JSON", "not UTF-8", "a form", "over 1 MB"])
def test_a_body_that_is_not_json_or_too_large_is_refused(
        loaded: Flask, editor: dict[str, str], data: bytes, content_type: str, status: int) -> None:
    before = _dump(loaded)
    response = loaded.test_client().post("/api/events", data=data, content_type=content_type, headers=editor)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert _dump(loaded) == before


def test_refused_changes_leave_the_store_byte_identical(
        loaded: Flask, editor: dict[str, str], make_token: Callable[..., dict[str, str]]) -> None:
    client = loaded.test_client()
    created = client.post("/api/events", json=NEW, headers=editor)
    uid, etag = created.get_json()["uid"], created.headers["ETag"]
    reviewer = make_token("rev", "review")
    before = _dump(loaded)
    attempts = [
        (client.patch, {"json": {"status": "held"}, "headers": {**editor, "If-Match": '"v999"'}}, 412),
        (client.patch, {"json": {"status": "held"}, "headers": {**editor, "If-Match": "garbage"}}, 412),
        (client.patch, {"json": {"status": "held"}, "headers": editor}, 428),
        (client.patch, {"json": {"status": "held"}, "headers": {"If-Match": etag}}, 401),
        (client.patch, {"json": {"status": "held"}, "headers": {**reviewer, "If-Match": etag}}, 403),
        (client.patch, {"json": {"start": "2025-03-20"}, "headers": {**editor, "If-Match": etag}}, 400),  # after end
        (client.patch, {"json": {"title": None}, "headers": {**editor, "If-Match": etag}}, 400),
        (client.patch, {"json": {"nope": 1}, "headers": {**editor, "If-Match": etag}}, 400),
        (client.delete, {"headers": {**editor, "If-Match": '"v999"'}}, 412),
        (client.delete, {"headers": editor}, 428),
        (client.delete, {"headers": {"If-Match": etag}}, 401),
        (client.delete, {"query_string": {"purge": "1"}, "headers": {**editor, "If-Match": etag}}, 403),
        (client.delete, {"query_string": {"purge": "yes"}, "headers": {**editor, "If-Match": etag}}, 400),
    ]
    for method, kwargs, status in attempts:
        response = method(f"/api/events/{uid}", **kwargs)
        assert response.status_code == status, (kwargs, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert _dump(loaded) == before, kwargs
    assert client.patch("/api/events/unknown-uid", json={"status": "held"},
                        headers={**editor, "If-Match": etag}).status_code == 404
    assert _dump(loaded) == before
