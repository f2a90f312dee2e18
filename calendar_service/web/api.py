"""The read-only JSON API over events.

A recurring series is one event; its occurrences are listed inside a window (the query's
``from``/``to``, else from today on; never past :data:`WINDOW` from today), at most
:data:`LISTED_IN_LIST` per series in a list and
:data:`~calendar_service.render.occurrences.MAX_LISTED` for one event, with ``more`` when cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app, jsonify, request
from sqlalchemy.orm import Session

from calendar_service import clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.models import Event
from calendar_service.render import event_ics_url
from calendar_service.render.json import event_to_dict, recurrence_to_dict
from calendar_service.render.occurrences import MAX_LISTED, is_series, list_occurrences
from calendar_service.store.queries import EventFilter, get_event, list_bodies, list_events, list_overrides
from calendar_service.web.auth import authenticate
from calendar_service.web.calendar_queries import subscribe_links
from calendar_service.web.filters import FILTER_KEYS, canonical_query, check_parameters, parse_filter
from calendar_service.web.schemas import EventListOut, EventOut, ProblemOut, TokenOut

__all__ = ["blueprint", "etag_of"]

blueprint = APIBlueprint("api", __name__, url_prefix="/api", tag="Events")

#: Occurrences listed per series in a list of events.
LISTED_IN_LIST = 10
#: Without ``to``, occurrences are listed up to this long after the window's first day.
WINDOW = dt.timedelta(days=3660)


def _window(where: EventFilter) -> tuple[dt.date, dt.date]:
    """Return the days whose occurrences are listed: as asked, never past ten years from today."""
    today = clock.today(get_settings(current_app).timezone)
    first = where.start or today
    return first, min(where.end or first + WINDOW, today + WINDOW)


def _dicts(session: Session, events: Sequence[Event], where: EventFilter, limit: int) -> list[dict[str, Any]]:
    base = get_settings(current_app).base_url
    window = _window(where)
    overrides = list_overrides(session, [event.uid for event in events if is_series(event)])
    found = []
    for event in events:
        body = event_to_dict(event, base)
        body["links"]["sources"] = f"{base}/api/events/{event.uid}/sources"  # the items of watched sources it came from
        if is_series(event):
            occurrences, more = list_occurrences(event, overrides[event.uid], *window, limit=limit)
            body["recurrence"] = recurrence_to_dict(event, occurrences, more=more, window=window)
        else:
            body["recurrence"] = recurrence_to_dict(event)
        found.append(body)
    return found


def etag_of(event: Event) -> str:
    """Return the strong ETag of an event's API representation: its row version."""
    return f'"v{event.version}"'


def _problems(reasons: dict[int, str]) -> dict[int, Any]:
    """Return the OpenAPI responses of errors answered as problem+json bodies, by status."""
    return {status: {"description": reason, "content": {"application/problem+json": {"schema": ProblemOut}}}
            for status, reason in reasons.items()}


@blueprint.get("/events")
@blueprint.output(EventListOut)
@blueprint.doc(responses=_problems({400: "an unknown filter or value"}))
def events() -> Response:
    """List events.

    Filters `from`, `to` (YYYY-MM-DD, overlapping), `category`, `country`, `body`, `status`, each repeatable.
    """
    base = get_settings(current_app).base_url
    check_parameters(request.args, FILTER_KEYS)
    with transaction(get_session_factory(current_app)) as session:
        where = parse_filter(request.args, known_bodies=list_bodies(session) if "body" in request.args else ())
        found = _dicts(session, list_events(session, where), where, LISTED_IN_LIST)
    query = canonical_query(where)
    calendar = subscribe_links(f"{base}/calendar.ics" + (f"?{query}" if query else ""))
    return jsonify({"count": len(found), "events": found, "calendar": calendar})


@blueprint.get("/events/<uid>")
@blueprint.output(EventOut)
def event(uid: str) -> Response:
    """Get one event, a series with its occurrences from today on."""
    with transaction(get_session_factory(current_app)) as session:
        found = get_event(session, uid)
        if found is None:
            raise NotFound(f"no event with uid {uid!r}")
        [body] = _dicts(session, [found], EventFilter(), MAX_LISTED)
    return event_response(body, found)


def event_response(body: dict[str, Any], found: Event, status: int = 200) -> Response:
    """Answer ``body`` (the event as JSON) with its ETag and links."""
    body["calendar"] = subscribe_links(event_ics_url(get_settings(current_app).base_url, found.uid))
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = etag_of(found)
    return response


def dict_of(session: Session, found: Event) -> dict[str, Any]:
    """Return ``found`` as the API answers it."""
    [body] = _dicts(session, [found], EventFilter(), MAX_LISTED)
    return body


@blueprint.get("/token")
@blueprint.output(TokenOut)
@blueprint.doc(security="bearer", responses=_problems({401: "no valid token", 403: "no token exists yet"}))
def token() -> Response:
    """Say whose token this request carries and what it allows (to check a token before using it)."""
    caller = authenticate(None)
    return jsonify({"name": caller.name, "scopes": sorted(caller.scopes)})
