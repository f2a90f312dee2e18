"""The one writer of API tokens: made, listed, revoked, and checked against a presented secret.

A token is 32 random bytes (``secrets``), shown once when it is made; only its SHA-256 is kept.
SHA-256 rather than a slow password hash: a token has 256 bits of entropy, so nothing is gained by
slowing a guess down, and every request can be checked in microseconds. The stored digest is
looked up by its unique index, then compared with :func:`hmac.compare_digest`, so the answer takes
the same time however much of a guess is right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from calendar_service.errors import InvalidInput, NotFound, Problem
from calendar_service.models import ApiToken

__all__ = ["PREFIX", "Caller", "Scope", "create_token", "find_caller", "has_tokens", "list_tokens", "revoke_token"]

#: Every token starts so; it lets secret scanners and people recognise one.
PREFIX = "cst_"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class Scope(StrEnum):
    WRITE = "write"  #: create, change, cancel events; import
    REVIEW = "review"  #: list, accept and reject proposals
    ADMIN = "admin"  #: everything, and purge events for good


@dataclass(frozen=True)
class Caller:
    """Who presented a valid token, and what it allows."""

    name: str
    scopes: frozenset[str]

    def may(self, scope: Scope) -> bool:
        return scope.value in self.scopes or Scope.ADMIN.value in self.scopes

    @property
    def actor(self) -> str:
        """The origin recorded for what this caller changes: ``editor:<name>``."""
        return f"editor:{self.name}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    chosen = sorted({str(scope).strip().lower() for scope in scopes})
    valid = {scope.value for scope in Scope}
    unknown = [scope for scope in chosen if scope not in valid]
    if unknown or not chosen:
        raise InvalidInput([Problem(f"unknown scope {unknown[0]!r}; valid: write, review, admin" if unknown
                                    else "name at least one scope: write, review, admin", field="scope")])
    return tuple(chosen)


def create_token(session: Session, name: str, scopes: Iterable[str], *, now: dt.datetime) -> tuple[ApiToken, str]:
    """Make a token for ``name`` and return its row and the secret, which is never shown again.

    Raises:
        InvalidInput: the name is malformed or taken (revoked names stay taken), or a scope is unknown.
    """
    if not _NAME_RE.match(name):
        raise InvalidInput([Problem("a token name is 1 to 64 letters, digits, '.', '_', '@' or '-', "
                                    "starting with a letter or digit", field="name")])
    chosen = _scopes(scopes)
    if session.scalar(select(exists().where(ApiToken.name == name))):
        raise InvalidInput([Problem(f"a token named {name!r} exists already (names stay taken once revoked, "
                                    "so the history stays unambiguous)", field="name")])
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_digest(secret), scopes=chosen, created_dt=now.replace(microsecond=0))
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    """Return every token, revoked ones too, by name."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.name)))


def revoke_token(session: Session, name: str, *, now: dt.datetime) -> bool:
    """Revoke the token named ``name``; return False if it was revoked already.

    Raises:
        NotFound: no token has that name.
    """
    token = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise NotFound(f"no token named {name!r}")
    if token.revoked_dt is not None:
        return False
    token.revoked_dt = now.replace(microsecond=0)
    return True


def has_tokens(session: Session) -> bool:
    """Tell whether any token that has not been revoked exists (else writing over HTTP is off)."""
    return bool(session.scalar(select(exists().where(ApiToken.revoked_dt.is_(None)))))


def find_caller(session: Session, secret: str) -> Caller | None:
    """Return who holds ``secret``, or None if it is no active token."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    digest = _digest(secret)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_dt is not None:
        return None
    return Caller(name=token.name, scopes=frozenset(token.scopes))
