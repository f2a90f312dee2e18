"""Minimal HTML pages: the index (what the service is, every feed, autodiscovery) and one per event.

Feed readers and browsers find the feeds through the ``<link rel="alternate">`` elements of these
pages; the index says how many events each calendar and notices each feed holds now, and never
offers a one-click subscription to an empty calendar without saying so. Templates autoescape, so
stored text is shown, never run. Pages are served like every document (ETag, Last-Modified, gzip);
unlike calendars and feeds they take no parameters (but ``lang=ru`` on an event page, in the words of
the Russian calendars and notices) and ignore any a shared link carries (``utm_…``).
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import func, select

from calendar_service import clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.models import Event, Notice, StoreState
from calendar_service.notices.selection import list_countries, list_event_notices
from calendar_service.publish.streams import list_streams
from calendar_service.render import event_ics_url, event_url
from calendar_service.store.queries import get_event
from calendar_service.web.calendar_queries import list_calendar_entries
from calendar_service.web.feed_queries import stream_counts
from calendar_service.web.responses import MEDIA_TYPES, Document, send_document
from calendar_service.wording import en, ru
from calendar_service.wording.names import load_russian_names

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


def _page(html: str, last_modified: dt.datetime | None) -> Response:
    return send_document(Document(html.encode("utf-8"), MEDIA_TYPES[".html"], last_modified), max_age=60)


@blueprint.get("/")
def index() -> Response:
    with transaction(get_session_factory(current_app)) as session:
        countries = list_countries(session)
        streams = list_streams(countries)
        counts = stream_counts(session)
        calendars = list_calendar_entries(session)
        changed = session.scalar(select(StoreState.changed_dt).where(StoreState.id == 1))
        issued = session.scalar(select(func.max(Notice.updated_dt)))
    settings = get_settings(current_app)
    today = clock.today(settings.timezone)
    midnight = dt.datetime.combine(today, dt.time(), settings.timezone)
    html = render_template("index.html", streams=[(stream, counts.get(stream.path, 0)) for stream in streams],
                           calendars=calendars, base=settings.base_url)
    return _page(html, max(stamp for stamp in (changed, issued, midnight) if stamp is not None))


def _event_words(event: Event, notices: list[Notice], russian: bool) -> dict[str, object]:
    """Everything the event page says, in one language: the words of that language's calendars."""
    if russian:
        names = load_russian_names(get_settings(current_app).data_dir)
        return {
            "lang": ru.LANG, "labels": ru.EVENT_PAGE, "title": ru.title(event),
            "other_title": event.title if event.title_ru else None, "other_lang": en.LANG,
            "summary": ru.summary(event, names), "other_summary": None,
            "dates": ru.describe_dates(event), "place": ru.describe_location(event, names),
            "status": ru.status_name(event.status), "category": ru.category_name(event.category),
            "countries": [ru.country_name(code) for code in event.countries],
            "bodies": [names.get(body) for body in event.bodies],
            "notices": [(notice.issued_dt, notice.title_ru or notice.title) for notice in notices],
        }
    return {
        "lang": en.LANG, "labels": en.EVENT_PAGE, "title": event.title,
        "other_title": event.title_ru, "other_lang": ru.LANG,
        "summary": event.summary, "other_summary": event.summary_ru,
        "dates": en.describe_dates(event), "place": en.describe_location(event),
        "status": en.status_name(event.status), "category": en.category_name(event.category),
        "countries": [en.country_name(code) for code in event.countries], "bodies": list(event.bodies),
        "notices": [(notice.issued_dt, notice.title) for notice in notices],
    }


@blueprint.get("/events/<uid>")
def event_page(uid: str) -> Response:
    base = get_settings(current_app).base_url
    with transaction(get_session_factory(current_app)) as session:
        event = get_event(session, uid)
        if event is None:
            raise NotFound(f"no event with uid {uid!r}")
        notices = list(list_event_notices(session, event))
        # ``lang=ru``: the same words as the Russian calendars and notices.
        words = _event_words(event, notices, request.args.get("lang") == "ru")
        html = render_template("event.html", event=event, words=words, base=base,
                               ics_url=event_ics_url(base, uid), api_url=event_url(base, uid))
        stamps = [event.updated_dt, *(notice.updated_dt for notice in notices)]
    return _page(html, max(stamps))
