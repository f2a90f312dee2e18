"""Error answers: a JSON problem body (RFC 9457) for every failure, never a traceback."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from apiflask.exceptions import HTTPError
from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from calendar_service.errors import (
    CalendarServiceError,
    ConfigurationError,
    EditConflict,
    InvalidInput,
    LimitReached,
    NotAllowed,
    NotFound,
)

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["init_app", "problem"]

log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    """Return an ``application/problem+json`` response."""
    body: dict[str, Any] = {"status": status, "title": title}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _http_error(error: HTTPException) -> Response:
    response = problem(error.code or 500, error.name, error.description)
    for name in ("Allow", "Retry-After"):
        if error.get_response().headers.get(name):
            response.headers[name] = error.get_response().headers[name]
    return response


def _request_error(error: HTTPError) -> Response:
    """Answer a request its schema refused (APIFlask, webargs) with each problem and its field."""
    problems: list[dict[str, Any]] = []
    for location, messages in (error.detail or {}).items():
        if not isinstance(messages, dict):  # the body as a whole: not JSON
            problems.append({"field": _WHOLE.get(location, location), "message": "; ".join(map(str, _flat(messages)))})
            continue
        for name, texts in messages.items():
            problems.append({"field": _WHOLE.get(str(name), str(name)), "message": "; ".join(map(str, _flat(texts)))})
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems) or error.message
    return problem(error.status_code, "Bad Request" if error.status_code == 400 else str(error.message),
                   detail, problems=problems)


#: What marshmallow and webargs call the request's body as a whole.
_WHOLE = {"json": "body", "_schema": "body"}


def _flat(messages: Any) -> list[Any]:
    if isinstance(messages, dict):
        return [f"{key}: {text}" for key, value in messages.items() for text in _flat(value)]
    if isinstance(messages, list | tuple):
        return [text for item in messages for text in _flat(item)]
    return [messages]


def _service_error(error: CalendarServiceError) -> Response:
    if isinstance(error, NotFound):
        return problem(404, "Not Found", str(error))
    if isinstance(error, NotAllowed):
        response = problem(error.status, "Unauthorized" if error.status == 401 else "Forbidden", str(error))
        if error.status == 401:  # RFC 6750 §3
            response.headers["WWW-Authenticate"] = 'Bearer realm="calendar-service"'
        return response
    if isinstance(error, EditConflict):
        return problem(error.status, HTTPStatus(error.status).phrase, str(error))
    if isinstance(error, LimitReached):
        response = problem(429, "Too Many Requests", str(error))
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    if isinstance(error, InvalidInput):
        return problem(400, "Bad Request", str(error), problems=[p.as_dict() for p in error.problems])
    if isinstance(error, ConfigurationError):
        log.error("service unavailable: %s", error)
        return problem(503, "Service Unavailable", "the service cannot reach its data right now")
    return problem(500, "Internal Server Error")


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal Server Error", "the error was logged")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CalendarServiceError, _service_error)
    app.register_error_handler(HTTPError, _request_error)
    app.register_error_handler(Exception, _unexpected)
