"""Serve the iCalendar feeds: published files as they are, queries rendered once per store revision.

``/calendar.ics`` and ``/calendars/<name>.ics`` without a query string are the files the last
build published (no rendering, no hashing per request). With a query string (filters, ``alarm``,
``lang``, ``approximate``) the calendar is rendered from the store on the first request and kept,
with its strong ETag and gzip twin, until the store's revision or the day changes.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
import zoneinfo
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from flask import Response, current_app, jsonify, request

from calendar_service import clock
from calendar_service.db import get_session_factory, transaction
from calendar_service.durations import parse_lead
from calendar_service.errors import InvalidInput, NotFound, Problem
from calendar_service.publish.blockstore import load_blocks
from calendar_service.publish.calendars import CalendarDefinition, find_calendar, list_calendars, render_definition
from calendar_service.publish.files import read_manifest
from calendar_service.render.ical import BlockCache, IcsOptions
from calendar_service.store.queries import get_store_revision, list_bodies
from calendar_service.web.filters import FILTER_KEYS, parse_filter
from calendar_service.web.published import MEDIA_TYPES, serve_published

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["ICS_KEYS", "init_app", "parse_ics_options", "subscribe_links"]

ICS_KEYS = ("alarm", "lang", "approximate")
LANGUAGES = ("en", "ru")
MAX_ALARMS = 5
_EXTENSION = "calendar_service.rendered_calendars"
_BLOCKS = "calendar_service.calendar_blocks"


def parse_ics_options(args: Any) -> IcsOptions:
    """Read ``alarm`` (repeatable ISO 8601 durations), ``lang`` and ``approximate``.

    Raises:
        InvalidInput: every problem, each naming its parameter.
    """
    problems: list[Problem] = []
    leads = []
    for value in args.getlist("alarm"):
        try:
            leads.append(parse_lead(value))
        except ValueError as error:
            problems.append(Problem(str(error), field="alarm"))
    if len(set(leads)) > MAX_ALARMS:
        problems.append(Problem(f"at most {MAX_ALARMS} alarms per event", field="alarm"))
    lang = args.get("lang", "en").strip().lower() or "en"
    if lang not in LANGUAGES:
        problems.append(Problem(f"unknown lang {lang!r}; valid: {', '.join(LANGUAGES)}", field="lang"))
    flag = args.get("approximate", "0").strip().lower()
    if flag not in {"0", "1", "true", "false", "yes", "no", ""}:
        problems.append(Problem(f"approximate must be 1 or 0, not {flag!r}", field="approximate"))
    unknown = sorted(set(args) - set(FILTER_KEYS) - set(ICS_KEYS))
    for key in unknown:
        problems.append(Problem(f"unknown parameter {key!r}; valid: {', '.join(FILTER_KEYS + ICS_KEYS)}", field=key))
    if problems:
        raise InvalidInput(problems)
    return IcsOptions(alarms=tuple(sorted(set(leads), reverse=True)), lang=lang,
                      approximate=flag in {"1", "true", "yes"})


def subscribe_links(url: str) -> dict[str, str]:
    """Return the ``https``, ``webcal`` and Google Calendar subscription forms of a calendar URL.

    Google Calendar's ``cid`` accepts only the ``webcal://`` form (it rejects ``https://``).
    """
    parts = urlsplit(url)
    webcal = urlunsplit(("webcal", *parts[1:]))
    return {"url": url, "webcal": webcal,
            "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")}


def _link_header(response: Response, url: str) -> Response:
    links = subscribe_links(url)
    response.headers["Link"] = f'<{links["webcal"]}>; rel="alternate"; type="text/calendar"'
    return response


@dataclass(frozen=True)
class _Rendered:
    data: bytes
    gzipped: bytes
    etag: str


class RenderedCalendars:
    """Calendars rendered for query strings, by (store revision, day, name, normalised query).

    Bounded in entries and in bytes, least recently used first out.
    """

    def __init__(self, max_entries: int = 64, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], _Rendered] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> _Rendered | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], data: bytes) -> _Rendered:
        rendered = _Rendered(data, gzip.compress(data, compresslevel=6, mtime=0),
                             hashlib.sha256(data).hexdigest()[:32])
        size = len(rendered.data) + len(rendered.gzipped)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.data) + len(old.gzipped)
            while self._items and (len(self._items) >= self.max_entries or self._bytes + size > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.data) + len(dropped.gzipped)
            if size <= self.max_bytes:
                self._items[key] = rendered
                self._bytes += size
        return rendered


def _normalised_query() -> str:
    return urlencode(sorted((key, value) for key, values in request.args.lists() for value in values))


def _render_on_request(name: str) -> Response:
    settings = current_app.config
    today = clock.now().astimezone(zoneinfo.ZoneInfo(settings["TIMEZONE"])).date()
    query = _normalised_query()
    cache: RenderedCalendars = current_app.extensions[_EXTENSION]
    with transaction(get_session_factory(current_app)) as session:
        definition = _definition_or_404(session, name)
        options = parse_ics_options(request.args)
        where = parse_filter(request.args, known_bodies=list_bodies(session))
        key = (get_store_revision(session), today, name, query)
        rendered = cache.get(key)
        if rendered is None:
            blocks: BlockCache = current_app.extensions[_BLOCKS]
            blocks.source = functools.partial(load_blocks, session)  # read what the build stored
            try:
                data = render_definition(session, definition, settings, today=today, options=options, where=where,
                                         query=query, cache=blocks)
            finally:
                blocks.source = None
                blocks.take_fresh()  # the web never writes to the store
            rendered = cache.put(key, data)
    wants_gzip = request.accept_encodings["gzip"] > 0
    response = Response(rendered.gzipped if wants_gzip else rendered.data, content_type=MEDIA_TYPES[".ics"])
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(rendered.etag + ("-gz" if wants_gzip else ""))
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=300"
    return _link_header(response.make_conditional(request), f"{settings['BASE_URL']}/{name}?{query}")


def _definition_or_404(session: Any, name: str) -> CalendarDefinition:
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
    return _link_header(response, f"{current_app.config['BASE_URL']}/{name}")


def main_calendar() -> Response:
    """Answer ``/calendar.ics``."""
    return _serve("calendar.ics")


def named_calendar(name: str) -> Response:
    """Answer ``/calendars/<name>.ics``: meetings, trainings, anniversaries or a country code."""
    return _serve(f"calendars/{name.lower()}.ics")


def calendar_index() -> Response:
    """Answer ``/calendars``: every published calendar with its subscription links."""
    base = current_app.config["BASE_URL"]
    files = read_manifest(Path(current_app.config["FEEDS_DIR"]))["files"]
    with transaction(get_session_factory(current_app)) as session:
        definitions = list_calendars(session)
    calendars = []
    for definition in definitions:
        entry: dict[str, Any] = {"name": definition.name, "title": definition.title,
                                 "description": definition.description,
                                 **subscribe_links(f"{base}/{definition.name}")}
        published = files.get(definition.name)
        if published:
            entry["size"] = published["size"]
            entry["last_modified"] = published["last_modified"]
        calendars.append(entry)
    response = jsonify({"calendars": calendars,
                        "parameters": {"filters": list(FILTER_KEYS), "calendar": list(ICS_KEYS)}})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = RenderedCalendars()
    app.extensions[_BLOCKS] = BlockCache(max_variants=8, max_blocks=150_000)
    app.add_url_rule("/calendar.ics", endpoint="calendar_ics", view_func=main_calendar, methods=["GET"])
    app.add_url_rule("/calendars/<name>.ics", endpoint="named_calendar_ics", view_func=named_calendar,
                     methods=["GET"])
    app.add_url_rule("/calendars", endpoint="calendar_index", view_func=calendar_index, methods=["GET"])
