"""Bearer tokens for the routes that change the calendar: who calls, and may they (scopes).

Reads stay public. A write route answers ``403`` with how to enable writing while no token
exists, ``401`` (with ``WWW-Authenticate: Bearer``, RFC 6750 §3) without a valid token, and
``403`` when the token lacks the scope.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotAllowed
from calendar_service.store.tokens import Caller, Scope, find_caller, has_tokens

__all__ = ["authenticate", "current_caller", "require"]

F = TypeVar("F", bound=Callable[..., Any])

ENABLE_HINT = ("writing over HTTP is not enabled: no API token exists. Make one with "
               "`calendar-service tokens create --name NAME --scope write`")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def authenticate(scope: Scope | None) -> Caller:
    """Return the caller of this request if its token carries ``scope`` (None: any valid token).

    Raises:
        NotAllowed: no token exists at all (403), none or a wrong one was given (401), or its
            scopes do not include ``scope`` (403).
    """
    secret = _bearer()
    with transaction(get_session_factory(current_app)) as session:
        if not has_tokens(session):
            raise NotAllowed(403, ENABLE_HINT)
        caller = find_caller(session, secret) if secret else None
    if caller is None:
        raise NotAllowed(401, "a valid bearer token is required: send `Authorization: Bearer <token>`")
    if scope is not None and not caller.may(scope):
        raise NotAllowed(403, f"the token {caller.name!r} lacks the {scope.value!r} scope")
    return caller


def require(scope: Scope) -> Callable[[F], F]:
    """Let only callers whose token carries ``scope`` (or ``admin``) into the decorated view."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.caller = authenticate(scope)
            return view(*args, **kwargs)

        wrapper._required_scope = scope  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def current_caller() -> Caller:
    """Return the caller :func:`require` let in."""
    return g.caller
