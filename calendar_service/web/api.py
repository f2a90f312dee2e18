"""The read-only JSON API over events."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.render import event_ics_url
from calendar_service.render.json import event_to_dict
from calendar_service.store.queries import get_event, list_bodies, list_events
from calendar_service.web.calendar_queries import subscribe_links
from calendar_service.web.filters import FILTER_KEYS, canonical_query, check_parameters, parse_filter

__all__ = ["blueprint"]

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/events")
def events() -> Response:
    base = current_app.config["BASE_URL"]
    check_parameters(request.args, FILTER_KEYS)
    with transaction(get_session_factory(current_app)) as session:
        where = parse_filter(request.args, known_bodies=list_bodies(session) if "body" in request.args else ())
        found = [event_to_dict(event, base) for event in list_events(session, where)]
    query = canonical_query(where)
    calendar = subscribe_links(f"{base}/calendar.ics" + (f"?{query}" if query else ""))
    return jsonify({"count": len(found), "events": found, "calendar": calendar})


@blueprint.get("/events/<uid>")
def event(uid: str) -> Response:
    with transaction(get_session_factory(current_app)) as session:
        found = get_event(session, uid)
        if found is None:
            raise NotFound(f"no event with uid {uid!r}")
        body = event_to_dict(found, current_app.config["BASE_URL"])
    body["calendar"] = subscribe_links(event_ics_url(current_app.config["BASE_URL"], uid))
    return jsonify(body)
