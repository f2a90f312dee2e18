"""Error answers: a JSON problem body (RFC 9457) for every failure, never a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from calendar_service.errors import (
    CalendarServiceError,
    ConfigurationError,
    EditConflict,
    InvalidInput,
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


def _service_error(error: CalendarServiceError) -> Response:
    if isinstance(error, NotFound):
        return problem(404, "Not Found", str(error))
    if isinstance(error, NotAllowed):
        response = problem(error.status, "Unauthorized" if error.status == 401 else "Forbidden", str(error))
        if error.status == 401:  # RFC 6750 §3
            response.headers["WWW-Authenticate"] = 'Bearer realm="calendar-service"'
        return response
    if isinstance(error, EditConflict):
        return problem(error.status, "Precondition Failed" if error.status == 412 else "Precondition Required",
                       str(error))
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
    app.register_error_handler(Exception, _unexpected)
