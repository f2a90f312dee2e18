"""The editors' routes: create, change, cancel or purge an event, and read its history.

Adapters of a few lines: check the token, the body (its schema) and ``If-Match``, then call the
one writer of events (:mod:`calendar_service.store.writer`) inside one transaction. A refused
request changes nothing. Each change bumps the store's revision, so the scheduler re-renders the
feeds and issues the notices as after a dataset load.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from apiflask import APIBlueprint
from flask import Response, current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import UnsupportedMediaType

from calendar_service import clock, get_settings
from calendar_service.dates import format_at_precision, parse_at_precision
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import EditConflict, InvalidInput, NotFound, Problem
from calendar_service.models import Event
from calendar_service.store.history import list_changes
from calendar_service.store.records import EventRecord
from calendar_service.store.tokens import Scope
from calendar_service.store.writer import cancel_event, create_event, edit_event, purge_event, record_from_row
from calendar_service.web.api import dict_of, event_response
from calendar_service.web.auth import authenticate, current_caller, require
from calendar_service.web.schemas import (
    EventIn,
    EventOut,
    EventPatch,
    HistoryOut,
    ProblemOut,
    PurgeQuery,
    record_fields,
)

__all__ = ["blueprint", "errors_documented", "json_only"]

blueprint = APIBlueprint("editing", __name__, url_prefix="/api", tag="Editing")

F = TypeVar("F", bound=Callable[..., Any])
_ETAG = re.compile(r'^"v(\d{1,18})"$')


def errors_documented(*statuses: int) -> dict[int, Any]:
    """Return the OpenAPI responses of the errors a route answers, as problem+json bodies."""
    reasons = {400: "invalid input, each problem naming its field", 401: "no valid bearer token",
               403: "the token lacks the scope, or no token exists yet", 404: "no such event",
               409: "a proposal was decided already", 412: "If-Match names a version that is no longer current",
               413: "the body is over 1 MB", 415: "the body is not JSON",
               428: "If-Match is required"}
    return {status: {"description": reasons[status],
                     "content": {"application/problem+json": {"schema": ProblemOut}}} for status in statuses}


def json_only(view: F) -> F:
    """Refuse a body that is not JSON with 415, before its schema is applied."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not request.is_json:
            raise UnsupportedMediaType("send the body as application/json")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _expected_version() -> int | None:
    """Return the version ``If-Match`` names (None for ``*``).

    Raises:
        EditConflict: no ``If-Match`` (428), or one that names no version of this event (412).
    """
    header = request.headers.get("If-Match")
    if header is None:
        raise EditConflict(428, "send If-Match with the ETag of the event as you read it (GET /api/events/<uid>), "
                                "so that no one else's change is overwritten")
    if header.strip() == "*":
        return None
    match = _ETAG.match(header.strip())
    if match is None:
        raise EditConflict(412, f"If-Match {header[:80]!r} names no version of this event")
    return int(match.group(1))


def _body_error(error: ValidationError) -> InvalidInput:
    messages = error.messages if isinstance(error.messages, dict) else {error.field_name: error.messages}
    return InvalidInput([Problem("; ".join(map(str, texts if isinstance(texts, list) else [texts])), field=name)
                         for name, texts in messages.items()])


@blueprint.post("/events")
@require(Scope.WRITE)
@json_only
@blueprint.input(EventIn, arg_name="body")
@blueprint.output(EventOut, status_code=201)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403, 413, 415))
def create(body: dict[str, Any]) -> Response:
    """Create an event; its fields become the editor's."""
    try:
        values = record_fields(body)
    except ValidationError as error:
        raise _body_error(error) from None
    key = body.get("id") or f"editor:{uuid.uuid4()}"
    record = EventRecord(key=key, **values)
    with transaction(get_session_factory(current_app)) as session:
        created = create_event(session, record, now=clock.now(), actor=current_caller().actor)
        response = event_response(dict_of(session, created), created, status=201)
    response.headers["Location"] = f"{get_settings(current_app).base_url}/api/events/{created.uid}"
    return response


@blueprint.patch("/events/<uid>")
@require(Scope.WRITE)
@json_only
@blueprint.input(EventPatch, arg_name="body")
@blueprint.output(EventOut)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403, 404, 412, 413, 415, 428))
def change(uid: str, body: dict[str, Any]) -> Response:
    """Change some fields of an event (send `If-Match` with its ETag); they become the editor's."""
    expected = _expected_version()
    with transaction(get_session_factory(current_app)) as session:
        row = _get(session, uid)
        current = record_from_row(row)
        try:
            values = record_fields(body, current_start=(current.start, _last_of(current), current.precision),
                                   current_end=current.end)
        except ValidationError as error:
            raise _body_error(error) from None
        changed = edit_event(session, uid, values, now=clock.now(), actor=current_caller().actor,
                             expected_version=expected)
        return event_response(dict_of(session, changed), changed)


@blueprint.delete("/events/<uid>")
@require(Scope.WRITE)
@blueprint.input(PurgeQuery, location="query", arg_name="query")
@blueprint.output(EventOut)
@blueprint.doc(security="bearer", responses={204: {"description": "purged for good (with ?purge=1)"},
                                              **errors_documented(400, 401, 403, 404, 412, 428)})
def cancel(uid: str, query: dict[str, Any]) -> Response:
    """Cancel an event (send `If-Match`): it stays in the calendars as cancelled.

    With `?purge=1` (admin scope) it is removed for good, with its notices; its history stays.
    """
    expected = _expected_version()
    with transaction(get_session_factory(current_app)) as session:
        if query.get("purge"):
            caller = authenticate(Scope.ADMIN)
            purge_event(session, uid, now=clock.now(), actor=caller.actor, expected_version=expected)
            return Response(status=204)
        cancelled = cancel_event(session, uid, now=clock.now(), actor=current_caller().actor,
                                 expected_version=expected)
        return event_response(dict_of(session, cancelled), cancelled)


@blueprint.get("/events/<uid>/history")
@blueprint.output(HistoryOut)
@blueprint.doc(responses=errors_documented(404))
def history(uid: str) -> Response:
    """List every change of an event, oldest first: who, when, each field before and after."""
    with transaction(get_session_factory(current_app)) as session:
        changes = list_changes(session, uid)
        if not changes and _find(session, uid) is None:
            raise NotFound(f"no event with uid {uid!r}")
        body = {"uid": uid, "changes": [{"at": change.changed_dt.isoformat(), "by": change.actor,
                                         "action": change.action, "sequence": change.sequence,
                                         "changes": change.changes} for change in changes]}
    return jsonify(body)


def _find(session: Session, uid: str) -> Event | None:
    return session.scalar(select(Event).where(Event.uid == uid))


def _get(session: Session, uid: str) -> Event:
    found = _find(session, uid)
    if found is None:
        raise NotFound(f"no event with uid {uid!r}")
    return found


def _last_of(record: EventRecord) -> dt.date:
    """Return the last day of the period the record's start names (its month, for a month)."""
    return parse_at_precision(format_at_precision(record.start, record.precision))[1]
