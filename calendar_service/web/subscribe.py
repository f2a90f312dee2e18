"""The subscription builder, ``/subscribe``: pick what you want, get the addresses that hold exactly that.

The form (a plain GET, so it works without JavaScript) takes the calendars' own parameters:
``category``, ``country``, ``body`` (repeatable), ``alarm`` (repeatable ISO 8601 durations),
``approximate`` and ``language`` (the language of the calendar and feeds, which may differ from
the page's own ``lang``). It is checked as the calendars check it, then answered with the
calendar's ``https://`` and ``webcal://`` addresses, the Atom, RSS and JSON Feed addresses of
the same choice, one-click links for Google Calendar, Outlook.com, Microsoft 365 and Apple, a QR
code, and how many events the choice holds now. A choice that holds nothing says so instead of
offering the links. Below it, every named calendar and feed with what it holds now.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Response, current_app, request
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from calendar_service import get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.durations import parse_lead
from calendar_service.notices.selection import NoticeSelection, count_notices
from calendar_service.publish.calendars import count_selection, list_calendars
from calendar_service.store.queries import EventFilter, list_bodies, list_countries
from calendar_service.store.records import Category
from calendar_service.web.calendar_queries import calendar_counts, describe_calendar, subscribe_links
from calendar_service.web.feed_queries import stream_counts
from calendar_service.web.filters import canonical_query, check_parameters, parse_filter, parse_ics_options
from calendar_service.web.i18n import page_language
from calendar_service.web.layout import blueprint, page_today, serve_page

__all__ = ["ALARM_CHOICES", "subscription_links"]

SUBSCRIBE_KEYS = ("category", "country", "body", "alarm", "approximate", "language", "lang")
#: The reminders offered as check boxes (any ISO 8601 duration works in a URL written by hand).
ALARM_CHOICES = ("P7D", "P1D", "PT2H")
_ALARM_NAMES = {"P7D": lazy_gettext("a week before"), "P1D": lazy_gettext("a day before"),
                "PT2H": lazy_gettext("two hours before")}


@blueprint.app_template_global()
def alarm_name(lead: str) -> str:
    """Name a reminder offered on the form, in the page's language."""
    return str(_ALARM_NAMES[lead])


def subscription_links(calendar_url: str, name: str) -> dict[str, str]:
    """Return the one-click subscription links of a calendar address, for each calendar program.

    Google Calendar takes the ``webcal://`` form in ``cid``; Outlook.com and Microsoft 365 take
    the ``https://`` form in their ``addsubscription`` compose path; Apple opens ``webcal://``.
    """
    links = subscribe_links(calendar_url)
    outlook = urlencode({"path": "/calendar/action/compose", "rru": "addsubscription", "url": calendar_url,
                         "name": name}, quote_via=quote)
    return {**links, "apple": links["webcal"], "outlook": f"https://outlook.live.com/owa/?{outlook}",
            "microsoft365": f"https://outlook.office.com/owa/?{outlook}"}


def _qr_svg(url: str, title: str) -> str:
    """Return the QR code of ``url`` as inline SVG (no script, no style attribute)."""
    import segno  # the QR code's library, loaded by the first subscription page, not by every worker

    return str(segno.make(url, error="m").svg_inline(scale=4, title=title, dark="#000", light="#fff", border=2))


def _choice(session: Session) -> tuple[EventFilter, Any, str]:
    """Read the form: the filter, the calendar options and the language of the calendar and feeds."""
    check_parameters(request.args, SUBSCRIBE_KEYS)
    where = parse_filter(request.args, known_bodies=list_bodies(session) if "body" in request.args else ())
    language = request.args.get("language", "").strip().lower() or page_language()
    options_args = MultiDict([("alarm", value) for value in request.args.getlist("alarm")])
    options_args.add("lang", language)
    if "approximate" in request.args:
        options_args.add("approximate", request.args["approximate"])
    return where, parse_ics_options(options_args), language


def _named(session: Session, lang: str) -> dict[str, Any]:
    from calendar_service.publish.streams import list_streams  # the feed writers, for this page only

    base = get_settings(current_app).base_url
    counts = calendar_counts(session)
    calendars = []
    for definition in list_calendars(session):
        entry = describe_calendar(definition, counts[definition.name], base)
        entry["title"] = (definition.title_ru or definition.title) if lang == "ru" else definition.title
        calendars.append(entry)
    notices = stream_counts(session)
    streams = [(stream, stream.title_ru if lang == "ru" else stream.title, notices.get(stream.path, 0))
               for stream in list_streams(list_countries(session))]
    return {"calendars": calendars, "streams": streams}


@blueprint.get("/subscribe")
def subscribe() -> Response:
    with transaction(get_session_factory(current_app)) as session:
        where, options, language = _choice(session)
        key = (where, options, language)

        def context() -> dict[str, Any]:
            base = get_settings(current_app).base_url
            query = canonical_query(where, options)
            calendar_url = f"{base}/calendar.ics" + (f"?{query}" if query else "")
            feed_query = "&".join(part for part in (canonical_query(where), "lang=ru" if language == "ru" else "")
                                  if part)
            count = count_selection(session, get_settings(current_app), page_today(), where)
            events = count.entries + (count.approximate if options.approximate else 0)
            notices = count_notices(session, NoticeSelection(where))
            name = "CSTO calendar" if language == "en" else "Календарь ОДКБ"
            return {
                "section": "subscribe", "where": where, "options": options, "language": language,
                "categories": [c.value for c in Category], "countries": list_countries(session),
                "bodies": list_bodies(session), "alarm_choices": ALARM_CHOICES,
                "chosen_alarms": [lead for lead in ALARM_CHOICES if parse_lead(lead) in options.alarms],
                "links": subscription_links(calendar_url, name), "count": count, "events": events,
                "notices": notices, "qr": _qr_svg(subscription_links(calendar_url, name)["webcal"], name),
                "feeds": {kind: f"{base}/feed.{kind}" + (f"?{feed_query}" if feed_query else "")
                          for kind in ("atom", "rss", "json")},
                # Reminders by email or webhook for the same choice (the form of web/subscribing.py).
                "reminders": f"{base}/subscriptions/new" + (f"?{feed_query}" if feed_query else ""),
                **_named(session, page_language()),
            }

        return serve_page(session, key, "subscribe.html", context)
