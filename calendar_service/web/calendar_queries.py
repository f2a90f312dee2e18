"""Serve the iCalendar feeds: published files as they are, queries rendered once per store revision.

``/calendar.ics`` and ``/calendars/<name>.ics`` without a query string are the files the last
build published (no rendering, no hashing per request). With a query string (filters, ``alarm``,
``lang``, ``approximate``) the query is checked and put in canonical form before any work, then
the calendar is streamed from the store into a file of the bounded folder of renderings
(:mod:`calendar_service.web.rendered`) under (store revision, day, settings, calendar, canonical
query), so equivalent spellings share one file, no request costs more than one render of its
output, and no worker holds a whole calendar. With a store of up to :data:`BLOCKS_HELD` events
the rendered event blocks are kept too (alarms are spliced in, so a new ``alarm`` value renders
no event again); a larger store's are not, so a worker does not grow with the store.
``/events/<uid>.ics`` is one event, whatever the precision of its date.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Response, current_app, request
from sqlalchemy import func, select

from calendar_service import __version__, clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.models import Event, StoreState
from calendar_service.publish.blockstore import load_blocks
from calendar_service.publish.calendars import (
    CalendarDefinition,
    count_calendars,
    find_calendar,
    iter_definition,
    list_calendars,
    render_event_file,
)
from calendar_service.render.ical import BlockCache
from calendar_service.store.queries import get_event, list_bodies
from calendar_service.web.filters import (
    FILTER_KEYS,
    ICS_KEYS,
    canonical_query,
    check_parameters,
    parse_filter,
    parse_ics_options,
)
from calendar_service.web.published import published_entries, serve_published
from calendar_service.web.rendered import Rendered, RenderedFiles, rendered_key
from calendar_service.web.responses import GATE, MEDIA_TYPES, BoundedCache, Document, busy, send_document
from calendar_service.wording.common import WORDING_REVISION

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

__all__ = ["calendar_counts", "init_app", "link_header", "subscribe_links"]

#: The app's :class:`RenderedFiles`, in ``app.extensions``.
RENDERED = "calendar_service.rendered_calendars"
_BLOCKS = "calendar_service.calendar_blocks"
#: Rendered blocks are kept in a worker for stores of at most this many events ...
BLOCKS_HELD = 10_000
#: ... in at most this many bytes (two variants of 10,000 blocks of about 1.3 KB).
BLOCKS_BYTES = 32 * 1024 * 1024
_FACTS = "calendar_service.store_facts"


def subscribe_links(url: str) -> dict[str, str]:
    """Return the ``https``, ``webcal`` and Google Calendar subscription forms of a calendar URL.

    Google Calendar's ``cid`` accepts only the ``webcal://`` form (it rejects ``https://``).
    """
    parts = urlsplit(url)
    webcal = urlunsplit(("webcal", *parts[1:]))
    return {"url": url, "webcal": webcal,
            "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")}


def link_header(url: str) -> dict[str, str]:
    """Return the ``Link`` header naming the ``webcal://`` form of a calendar URL."""
    return {"Link": f'<{subscribe_links(url)["webcal"]}>; rel="alternate"; type="text/calendar"'}


def _today() -> dt.date:
    return clock.today(get_settings(current_app).timezone)


def _store_facts(session: Session) -> tuple[int, dt.datetime | None]:
    """Return the store's revision and the time of its last change."""
    state = session.get(StoreState, 1)
    return (state.revision, state.changed_dt) if state is not None else (0, None)


def _last_modified(changed: dt.datetime | None, today: dt.date) -> dt.datetime:
    # A calendar's window moves with the day, so its bytes may change at midnight without a write.
    midnight = dt.datetime.combine(today, dt.time(), get_settings(current_app).timezone)
    return max(changed, midnight) if changed is not None else midnight


def _known_bodies(session: Session, revision: int) -> list[str]:
    facts: BoundedCache[Any] = current_app.extensions[_FACTS]
    return facts.get_or_make(("bodies", revision), lambda: list_bodies(session))


def _render_on_request(name: str) -> Response:
    check_parameters(request.args, FILTER_KEYS + ICS_KEYS)
    options = parse_ics_options(request.args)
    today = _today()
    settings = get_settings(current_app)
    files: RenderedFiles = current_app.extensions[RENDERED]
    for _attempt in range(2):
        with transaction(get_session_factory(current_app)) as session:
            revision, changed = _store_facts(session)
            bodies = _known_bodies(session, revision) if "body" in request.args else ()
            where = parse_filter(request.args, known_bodies=bodies)
            definition = _definition_or_404(session, name)
            query = canonical_query(where, options)
            key = rendered_key(__version__, WORDING_REVISION, settings, revision, today, name, query)
            found = files.find(key)
            rendered = found or _render(session, files, key, definition, today, options, where, query, changed)
        if isinstance(rendered, Response):
            return rendered
        answer = files.answer(request.environ, rendered, link_header(f"{settings.base_url}/{name}?{query}").items())
        if answer is not None:
            status, headers, body = answer
            return Response(body, status=status, headers=headers, direct_passthrough=True)
        # Deleted by another worker between finding and opening it: render it again.
    return busy()


def _render(session: Session, files: RenderedFiles, key: str, definition: CalendarDefinition, today: dt.date,
            options: Any, where: Any, query: str, changed: dt.datetime | None) -> Rendered | Response:
    """Render the calendar into the folder of renderings, one render at a time per worker."""
    with current_app.extensions[GATE].held() as open_:
        if not open_:
            return busy()
        found = files.find(key)  # the render this request waited for is usually this one
        if found is not None:
            return found
        blocks: BlockCache = current_app.extensions[_BLOCKS]
        # A small store's blocks are kept (a new alarm value then renders no event again); a large
        # one's are not: holding them would grow a worker with the store.
        small = (session.scalar(select(func.count()).select_from(Event)) or 0) <= BLOCKS_HELD
        blocks.source = functools.partial(load_blocks, session) if small else None  # what the build stored
        try:
            pieces = iter_definition(session, definition, get_settings(current_app), today=today, options=options,
                                     where=where, query=query, cache=blocks if small else None)
            return files.keep(key, pieces, MEDIA_TYPES[".ics"], _last_modified(changed, today), ".ics")
        finally:
            blocks.source = None
            blocks.take_fresh()  # the web never writes to the store


def _definition_or_404(session: Session, name: str) -> CalendarDefinition:
    definition = find_calendar(session, name)
    if definition is None:
        valid = ", ".join("/" + item.name for item in list_calendars(session))
        raise NotFound(f"no calendar /{name}; the calendars are: {valid}")
    return definition


def _serve(name: str) -> Response:
    if request.args:
        return _render_on_request(name)
    response = serve_published(name)
    if response.status_code == 503:
        with transaction(get_session_factory(current_app)) as session:
            _definition_or_404(session, name)
    response.headers.update(link_header(f"{get_settings(current_app).base_url}/{name}"))
    return response


def main_calendar() -> Response:
    """Answer ``/calendar.ics``."""
    return _serve("calendar.ics")


def named_calendar(name: str) -> Response:
    """Answer ``/calendars/<name>.ics``: meetings, trainings, anniversaries or a country code."""
    return _serve(f"calendars/{name.lower()}.ics")


def single_event_calendar(uid: str) -> Response:
    """Answer ``/events/<uid>.ics``: one event, no calendar name (an "Add to calendar" file).

    ``alarm`` and ``lang`` work as on the calendars. An event known only to the month or year
    comes as a tentative all-day span that says its date is approximate, as ``approximate=1`` does.
    """
    check_parameters(request.args, ICS_KEYS)
    options = parse_ics_options(request.args)
    with transaction(get_session_factory(current_app)) as session:
        event = get_event(session, uid)
        if event is None:
            raise NotFound(f"no event with uid {uid!r}")
        data, changed = render_event_file(session, event, get_settings(current_app), options)
        document = Document(data, MEDIA_TYPES[".ics"], changed)
    return send_document(document, headers={"Content-Disposition": 'attachment; filename="event.ics"'})


def calendar_counts(session: Session) -> dict[str, Any]:
    """Return what each published calendar holds now, counted once per store revision and day."""
    revision, _ = _store_facts(session)
    today = _today()
    facts: BoundedCache[Any] = current_app.extensions[_FACTS]
    settings = get_settings(current_app)
    return facts.get_or_make(("counts", revision, today), lambda: count_calendars(session, settings, today))


def describe_calendar(definition: CalendarDefinition, count: Any, base: str) -> dict[str, Any]:
    """Return a calendar's entry in ``/calendars`` and on the index: links, size and what it holds now."""
    entry: dict[str, Any] = {"name": definition.name, "title": definition.title,
                             "description": definition.description, "events": count.entries,
                             "approximate_events": count.approximate, **subscribe_links(f"{base}/{definition.name}")}
    if count.entries == 0:
        entry["empty"] = True
        entry["note"] = "holds no events now"
        if count.approximate:
            entry["note"] += (f"; {count.approximate} event(s) known only to the month or year are shown with "
                              f"?approximate=1")
            entry["approximate_url"] = f"{base}/{definition.name}?approximate=1"
            entry["approximate_webcal"] = subscribe_links(entry["approximate_url"])["webcal"]
        del entry["google"]  # never offer a one-click subscription to an empty calendar
    return entry


def list_calendar_entries(session: Session) -> list[dict[str, Any]]:
    """Return every published calendar as :func:`describe_calendar` describes it."""
    base = get_settings(current_app).base_url
    files = published_entries()
    counts = calendar_counts(session)
    calendars = []
    for definition in list_calendars(session):
        entry = describe_calendar(definition, counts[definition.name], base)
        published = files.get(definition.name)
        if published:
            entry["size"] = published.size
            entry["last_modified"] = published.last_modified.isoformat()
        calendars.append(entry)
    return calendars


def calendar_index() -> Response:
    """Answer ``/calendars``: every published calendar, what it holds now and its subscription links."""
    with transaction(get_session_factory(current_app)) as session:
        calendars = list_calendar_entries(session)
        _, changed = _store_facts(session)
    body = {"calendars": calendars, "parameters": {"filters": list(FILTER_KEYS), "calendar": list(ICS_KEYS)}}
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return send_document(Document(data, "application/json", _last_modified(changed, _today())), max_age=60)


def init_app(app: Flask) -> None:
    app.extensions[RENDERED] = RenderedFiles(get_settings(app).data_dir / "cache" / "queries")
    # Blocks vary only by base URL, language and approximate dates (alarms are spliced in); kept
    # for stores of up to BLOCKS_HELD events, in at most BLOCKS_BYTES.
    app.extensions[_BLOCKS] = BlockCache(max_bytes=BLOCKS_BYTES, max_variants=4)
    app.extensions[_FACTS] = BoundedCache(max_entries=8, max_bytes=8)
    app.add_url_rule("/calendar.ics", endpoint="calendar_ics", view_func=main_calendar, methods=["GET"])
    app.add_url_rule("/calendars/<name>.ics", endpoint="named_calendar_ics", view_func=named_calendar,
                     methods=["GET"])
    app.add_url_rule("/calendars", endpoint="calendar_index", view_func=calendar_index, methods=["GET"])
    app.add_url_rule("/events/<uid>.ics", endpoint="event_ics", view_func=single_event_calendar, methods=["GET"])
