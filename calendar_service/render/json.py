"""Events as plain JSON-ready mappings, the shape the API answers with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from calendar_service.dates import format_at_precision
from calendar_service.models import Event
from calendar_service.render import country_name, event_ics_url, event_url
from calendar_service.render.occurrences import Occurrence

__all__ = ["event_to_dict", "provenance", "recurrence_to_dict"]


def event_to_dict(event: Event, base_url: str) -> dict[str, Any]:
    """Return an event as the API and the JSON outputs present it: dates at their precision."""
    return {
        "uid": event.uid,
        "title": event.title,
        "title_ru": event.title_ru,
        "summary": event.summary,
        "summary_ru": event.summary_ru,
        "start": format_at_precision(event.start_date, event.precision),
        "end": format_at_precision(event.end_date, event.precision),
        "precision": event.precision,
        "start_time": event.start_time.isoformat(timespec="minutes") if event.start_time else None,
        "end_time": event.end_time.isoformat(timespec="minutes") if event.end_time else None,
        "timezone": event.timezone,
        "category": event.category,
        "status": event.status,
        "location": {
            "city": event.city,
            "country": event.country,
            "country_name": country_name(event.country) if event.country else None,
        },
        "countries": list(event.countries),
        "bodies": list(event.bodies),
        "anniversary": event.is_anniversary,
        "year_inferred": event.is_year_inferred,
        "evidence": event.evidence,
        "source": {
            "url": event.source_url,
            "published": event.published_date.isoformat() if event.published_date else None,
        },
        "sequence": event.sequence,
        "version": event.version,
        "created": event.created_dt.isoformat(),
        "updated": event.updated_dt.isoformat(),
        "links": {"self": event_url(base_url, event.uid), "ics": event_ics_url(base_url, event.uid)},
        "recurrence": None,
        "provenance": provenance(event),
    }


#: Event column -> the field name the API and the dataset use, where they differ.
_FIELD_NAMES = {"start_date": "start", "end_date": "end", "is_anniversary": "anniversary",
                "is_year_inferred": "year_inferred", "published_date": "published", "series_end_date": "series_end"}


def provenance(event: Event) -> dict[str, dict[str, str | None]]:
    """Return where each field's value came from: ``{"start": {"origin": "editor", "editor": "alice"}}``.

    Fields stored before origins were kept are left out (their origin is unknown).
    """
    found: dict[str, dict[str, str | None]] = {}
    for column, tag in sorted((event.field_origins or {}).items()):
        origin, _, editor = tag.partition(":")
        found[_FIELD_NAMES.get(column, column)] = {"origin": origin, "editor": editor or None}
    return found


def _when(value: dt.date | dt.datetime) -> str:
    return value.isoformat(timespec="minutes") if isinstance(value, dt.datetime) else value.isoformat()


def recurrence_to_dict(event: Event, occurrences: list[Occurrence] | None = None, *, more: bool = False,
                       window: tuple[dt.date, dt.date] | None = None) -> dict[str, Any] | None:
    """Return how ``event`` recurs: a series' rule and its occurrences in ``window``, or the
    series an override belongs to; None for a single event.

    ``more`` says that the window holds more occurrences than the ones listed.
    """
    if event.series_uid:
        return {"series": event.series_uid, "recurrence_id": event.recurrence_id}
    if not (event.rrule or event.rdates):
        return None
    return {
        "rrule": event.rrule,
        "rdates": list(event.rdates),
        "exdates": list(event.exdates),
        "until": event.series_end_date.isoformat() if event.series_end_date else None,
        "window": {"from": window[0].isoformat(), "to": window[1].isoformat()} if window else None,
        "occurrences": [{"start": _when(item.start), "end": _when(item.end), "uid": item.uid,
                         "status": item.status} for item in occurrences or ()],
        "more": more,
    }
