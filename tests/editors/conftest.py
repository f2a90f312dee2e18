"""Fixtures for the editors' API: tokens made through the CLI's own core, with visible defaults."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.store.tokens import create_token
from tests.conftest import NOW


@pytest.fixture
def make_token(factory: sessionmaker[Session]) -> Callable[..., dict[str, str]]:
    """Return a factory of tokens: ``make_token("alice", "write")`` → the Authorization header."""

    def make(name: str = "alice", *scopes: str) -> dict[str, str]:
        with transaction(factory) as session:
            _, secret = create_token(session, name, scopes or ("write",), now=NOW)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def editor(loaded: Flask, make_token: Callable[..., dict[str, str]]) -> dict[str, str]:
    """The Authorization header of a token with the write scope, on the loaded store."""
    return make_token("alice", "write")
