"""The read-only JSON API over events."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from ..db import get_session_factory, transaction
from ..errors import NotFound
from ..queries import get_event, list_bodies, list_events
from ..render.json import event_to_dict
from .filters import parse_filter

__all__ = ["blueprint"]

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/events")
def events() -> Response:
    base = current_app.config["BASE_URL"]
    with transaction(get_session_factory(current_app)) as session:
        where = parse_filter(request.args, known_bodies=list_bodies(session))
        found = [event_to_dict(event, base) for event in list_events(session, where)]
    return jsonify({"count": len(found), "events": found})


@blueprint.get("/events/<uid>")
def event(uid: str) -> Response:
    with transaction(get_session_factory(current_app)) as session:
        found = get_event(session, uid)
        if found is None:
            raise NotFound(f"no event with uid {uid!r}")
        return jsonify(event_to_dict(found, current_app.config["BASE_URL"]))
