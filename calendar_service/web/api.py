"""The read-only JSON API over events."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, jsonify, request

from ..db import get_session_factory, transaction
from ..errors import InvalidInput, NotFound, Problem
from ..queries import EventFilter, get_event, list_events
from ..records import Category, is_country_code
from ..render.json import event_to_dict

__all__ = ["blueprint"]

blueprint = Blueprint("api", __name__, url_prefix="/api")


def _day(name: str) -> dt.date | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput([Problem(f"{value!r} is not a date of the form YYYY-MM-DD", field=name)]) from None


def _filter() -> EventFilter:
    problems: list[Problem] = []
    categories = tuple(request.args.getlist("category"))
    valid = [c.value for c in Category]
    for category in categories:
        if category not in valid:
            problems.append(Problem(f"unknown category {category!r}; valid: {', '.join(valid)}", field="category"))
    countries = tuple(code.upper() for code in request.args.getlist("country"))
    for code in countries:
        if not is_country_code(code):
            problems.append(Problem(f"unknown ISO 3166-1 alpha-2 country code {code!r}", field="country"))
    start, end = _day("from"), _day("to")
    if start and end and end < start:
        problems.append(Problem("'to' is before 'from'", field="to"))
    if problems:
        raise InvalidInput(problems)
    return EventFilter(start=start, end=end, categories=categories, countries=countries)


@blueprint.get("/events")
def events() -> Response:
    where = _filter()
    base = current_app.config["BASE_URL"]
    with transaction(get_session_factory(current_app)) as session:
        found = [event_to_dict(event, base) for event in list_events(session, where)]
    return jsonify({"count": len(found), "events": found})


@blueprint.get("/events/<uid>")
def event(uid: str) -> Response:
    with transaction(get_session_factory(current_app)) as session:
        found = get_event(session, uid)
        if found is None:
            raise NotFound(f"no event with uid {uid!r}")
        return jsonify(event_to_dict(found, current_app.config["BASE_URL"]))
