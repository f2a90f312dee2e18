"""Minimal HTML pages: the index (what the service is, every feed, autodiscovery) and one per event.

Feed readers and browsers find the feeds through the ``<link rel="alternate">`` elements of these
pages; the full web pages come later. Templates autoescape, so stored text is shown, never run.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.notices.selection import list_countries, list_event_notices
from calendar_service.publish.streams import list_streams
from calendar_service.render import country_name, event_ics_url, event_url
from calendar_service.store.queries import get_event
from calendar_service.wording.en import describe_dates, describe_location

__all__ = ["blueprint"]

blueprint = Blueprint("pages", __name__)


@blueprint.after_request
def _policy(response: Response) -> Response:
    # The pages run no script at all: say so, so injected markup could not run either.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/")
def index() -> str:
    with transaction(get_session_factory(current_app)) as session:
        streams = list_streams(list_countries(session))
    return render_template("index.html", streams=streams, base=current_app.config["BASE_URL"])


@blueprint.get("/events/<uid>")
def event_page(uid: str) -> str:
    base = current_app.config["BASE_URL"]
    with transaction(get_session_factory(current_app)) as session:
        event = get_event(session, uid)
        if event is None:
            raise NotFound(f"no event with uid {uid!r}")
        notices = list_event_notices(session, event)
        return render_template(
            "event.html", event=event, notices=notices, base=base, dates=describe_dates(event),
            place=describe_location(event), countries=[country_name(code) for code in event.countries],
            ics_url=event_ics_url(base, uid), api_url=event_url(base, uid),
        )
