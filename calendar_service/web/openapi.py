"""The OpenAPI 3.1 document of the API (``/api/openapi.json``) and its docs page (``/api/docs``).

APIFlask builds the document from the route decorators and the schemas of
:mod:`calendar_service.web.schemas`, the same that check requests; the settings here only say how:
errors as ``application/problem+json`` (RFC 9457), 400 for invalid input, bearer tokens, and only
the ``/api`` routes (the feeds and pages are documented in docs/).
"""

from __future__ import annotations

from typing import Any

from calendar_service.web.schemas import ProblemOut

__all__ = ["MAX_BODY_BYTES", "OPENAPI_SETTINGS", "RAW_BODIES", "finish_document"]

#: The largest request body accepted (413 past it).
MAX_BODY_BYTES = 1024 * 1024

OPENAPI_SETTINGS: dict[str, Any] = {
    "OPENAPI_VERSION": "3.1.0",
    "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    # Views without a documented response (the feeds, the pages) are left out of the document.
    "AUTO_200_RESPONSE": False,
    "AUTO_OPERATION_ID": True,
    "VALIDATION_ERROR_STATUS_CODE": 400,
    "VALIDATION_ERROR_DESCRIPTION": "invalid input, each problem naming its field",
    "VALIDATION_ERROR_SCHEMA": ProblemOut,
    "HTTP_ERROR_SCHEMA": ProblemOut,
    "SECURITY_SCHEMES": {"bearer": {"type": "http", "scheme": "bearer",
                                    "description": "a token made with `calendar-service tokens create`"}},
    "DESCRIPTION": "The calendar of the Collective Security Treaty Organization. Reads are public; "
                   "writes want a bearer token with the `write`, `review` or `admin` scope. Errors are "
                   "`application/problem+json` (RFC 9457).",
    "SPEC_PROCESSOR_PASS_OBJECT": False,
    "REDOC_USE_GOOGLE_FONT": False,
}


#: Operations whose body is a document rather than JSON, by (path, method): the media types they
#: read. Such bodies have no schema to generate them from, so they are declared here.
RAW_BODIES: dict[tuple[str, str], dict[str, str]] = {
    ("/api/import", "post"): {
        "text/plain": "news text in English or Russian, one or more items (UTF-8)",
        "text/calendar": "an iCalendar (.ics) file",
    },
}


def finish_document(spec: dict[str, Any]) -> dict[str, Any]:
    """Declare the document bodies of :data:`RAW_BODIES` and say ``application/problem+json`` for
    every error response, as the service answers them."""
    for (path, method), media_types in RAW_BODIES.items():
        operation = spec.get("paths", {}).get(path, {}).get(method)
        if operation is not None:
            operation["requestBody"] = {"required": True, "content": {
                media_type: {"schema": {"type": "string", "maxLength": MAX_BODY_BYTES, "description": description}}
                for media_type, description in media_types.items()}}
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return spec
