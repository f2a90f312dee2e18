"""The pages people read: what is coming (``/``), one event (``/events/<uid>``), the anniversaries.

Each view opens a session, gathers what the page shows and hands it to :func:`serve_page`, which
renders the template once per state of the store and answers with ETag and 304. The words about
events come from :mod:`calendar_service.wording` (through a :class:`~calendar_service.wording.voice.Voice`),
the interface's from the message catalogues. The month grid is in :mod:`.month`, the subscription
builder in :mod:`.subscribe`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from calendar_service import get_settings
from calendar_service.anniversaries import Anniversary, occurrences
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.models import Event
from calendar_service.notices.selection import list_event_notices, list_notices
from calendar_service.render import event_ics_url, event_page_url, event_url
from calendar_service.russian import has_cyrillic
from calendar_service.store.history import list_changes
from calendar_service.store.queries import EventFilter, get_event, list_anniversary_events, list_events
from calendar_service.store.sources import list_items_of_event
from calendar_service.web.layout import blueprint, current_voice, page_today, serve_page
from calendar_service.wording.voice import Voice

__all__ = ["Upcoming", "blueprint", "google_calendar_link", "list_next_anniversaries"]

#: How many of each kind the front page lists.
_UPCOMING, _ANNIVERSARIES, _NOTICES, _RECENT = 60, 6, 8, 5


@dataclass(frozen=True)
class Upcoming:
    """A month (or, for events known only to the year, a year) of upcoming events."""

    year: int
    month: int | None
    events: list[Event]


def group_upcoming(events: list[Event]) -> list[Upcoming]:
    """Group events by the month they start in; events known only to the year go after that year's months."""
    def key(event: Event) -> tuple[int, int]:
        return (event.start_date.year, 13 if event.precision == "year" else event.start_date.month)

    groups = []
    for (year, month), members in itertools.groupby(sorted(events, key=lambda e: (key(e), e.start_date, e.uid)),
                                                   key=key):
        groups.append(Upcoming(year, None if month == 13 else month, list(members)))
    return groups


def list_next_anniversaries(session: Session, today: dt.date) -> list[tuple[Anniversary, Event]]:
    """Return the next anniversary of every commemorated founding event, soonest first."""
    found = []
    for event in list_anniversary_events(session):
        upcoming = next(occurrences(event.start_date, today, today + dt.timedelta(days=366)), None)
        if upcoming is not None:
            found.append((upcoming, event))
    return sorted(found, key=lambda pair: (pair[0].day, pair[1].uid))


_ACTIONS = {"created": lazy_gettext("added"), "updated": lazy_gettext("changed"),
            "cancelled": lazy_gettext("cancelled"), "purged": lazy_gettext("removed")}
_FIELDS = {"title": lazy_gettext("title"), "title_ru": lazy_gettext("Russian title"),
           "summary": lazy_gettext("summary"), "summary_ru": lazy_gettext("Russian summary"),
           "start_date": lazy_gettext("start"), "end_date": lazy_gettext("end"),
           "precision": lazy_gettext("precision of the date"), "start_time": lazy_gettext("start time"),
           "end_time": lazy_gettext("end time"), "timezone": lazy_gettext("time zone"),
           "category": lazy_gettext("kind"), "status": lazy_gettext("status"), "city": lazy_gettext("city"),
           "country": lazy_gettext("country"), "countries": lazy_gettext("countries"),
           "bodies": lazy_gettext("bodies"), "is_anniversary": lazy_gettext("anniversary"),
           "is_year_inferred": lazy_gettext("inferred year"), "evidence": lazy_gettext("evidence"),
           "source_url": lazy_gettext("source"), "published_date": lazy_gettext("publication date"),
           "rrule": lazy_gettext("recurrence"), "rdates": lazy_gettext("recurrence"),
           "exdates": lazy_gettext("recurrence"), "series_end_date": lazy_gettext("recurrence")}


@blueprint.app_template_global()
def action_name(action: str) -> str:
    """Name what a change of an event did, in the page's language."""
    return str(_ACTIONS.get(action, action))


@blueprint.app_template_global()
def field_name(field: str) -> str:
    """Name a changed field of an event, in the page's language."""
    return str(_FIELDS.get(field, lazy_gettext("other details")))


@blueprint.app_template_test("cyrillic")
def is_cyrillic(text: str | None) -> bool:
    return has_cyrillic(text)


def _recent(session: Session, today: dt.date) -> list[Event]:
    """Return the last few events before ``today``, latest first (shown when nothing is coming)."""
    past = list_events(session, EventFilter(start=today - dt.timedelta(days=366), end=today))
    return sorted(past, key=lambda event: (event.end_date, event.uid), reverse=True)[:_RECENT]


@blueprint.get("/")
def index() -> Response:
    with transaction(get_session_factory(current_app)) as session:
        def context() -> dict[str, Any]:
            today = page_today()
            events = list_events(session, EventFilter(start=today), limit=_UPCOMING)
            return {"section": "upcoming", "months": group_upcoming(list(events)),
                    "anniversaries": list_next_anniversaries(session, today)[:_ANNIVERSARIES],
                    "notices": list_notices(session)[:_NOTICES], "recent": [] if events else _recent(session, today)}

        return serve_page(session, None, "index.html", context)


def google_calendar_link(event: Event, voice: Voice, page_url: str) -> str:
    """Return a Google Calendar link that adds ``event`` (an approximate one as its whole span, said so)."""
    if event.start_time is not None and event.precision == "day":
        end_time = event.end_time or event.start_time
        start = dt.datetime.combine(event.start_date, event.start_time)
        end = dt.datetime.combine(event.end_date, end_time)
        dates = f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}"
        extra = [("ctz", event.timezone)]
    else:  # all day; Google's end day is exclusive, as in iCalendar
        dates = f"{event.start_date:%Y%m%d}/{event.end_date + dt.timedelta(days=1):%Y%m%d}"
        extra = []
    title = voice.title(event)
    if voice.is_approximate(event):
        title += f" ({voice.dates_qualified(event)})"
    details = "\n\n".join(part for part in (voice.summary(event).strip(), page_url) if part)
    pairs = [("action", "TEMPLATE"), ("text", title), ("dates", dates), ("details", details), *extra]
    place = voice.place(event)
    if place:
        pairs.append(("location", place))
    return "https://calendar.google.com/calendar/render?" + urlencode(pairs)


@blueprint.get("/events/<uid>")
def event_page(uid: str) -> Response:
    base = get_settings(current_app).base_url
    with transaction(get_session_factory(current_app)) as session:
        event = get_event(session, uid)
        if event is None:
            raise NotFound(f"no event with uid {uid!r}")

        def context() -> dict[str, Any]:
            voice = current_voice()
            page_url = event_page_url(base, uid)
            ics = event_ics_url(base, uid) + ("?lang=ru" if voice.is_russian else "")
            return {"event": event, "notices": list_event_notices(session, event),
                    "changes": list_changes(session, uid), "source_items": items,
                    "page_url": page_url, "ics_url": ics, "api_url": event_url(base, uid),
                    "google_url": google_calendar_link(event, voice, page_url)}

        # Items confirm an event without changing it: their number is part of the page's cache key.
        items = list_items_of_event(session, event.key)
        return serve_page(session, (uid, len(items)), "event.html", context, event.updated_dt)


@blueprint.get("/anniversaries")
def anniversaries() -> Response:
    with transaction(get_session_factory(current_app)) as session:
        def context() -> dict[str, Any]:
            return {"section": "anniversaries", "anniversaries": list_next_anniversaries(session, page_today())}

        return serve_page(session, None, "anniversaries.html", context)
