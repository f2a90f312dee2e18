"""6 · The web layer: thin adapters from HTTP to the store's readers and the published feed files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Flask, Response

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register every blueprint and error handler on ``app``."""
    from calendar_service import get_settings
    from calendar_service.web import (
        api,
        calendar_queries,
        edits,
        errors,
        feed_queries,
        health,
        i18n,
        layout,
        month,  # noqa: F401 - declares the month page on the layout's blueprint
        pages,  # noqa: F401 - declares the pages' routes on the layout's blueprint
        published,
        review,
        sources,
        subscribe,  # noqa: F401 - declares the subscription builder on the layout's blueprint
        subscribing,
        subscriptions,
    )
    from calendar_service.web.openapi import finish_document
    from calendar_service.web.responses import GATE, RenderGate

    app.extensions[GATE] = RenderGate()
    errors.init_app(app)
    _require_current_schema(app)
    published.init_app(app, _published_headers(get_settings(app).base_url))
    calendar_queries.init_app(app)
    feed_queries.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(layout.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(edits.blueprint)
    app.register_blueprint(review.blueprint)
    app.register_blueprint(sources.blueprint)
    app.register_blueprint(subscriptions.blueprint)
    app.register_blueprint(subscribing.blueprint)
    app.spec_processor(finish_document)  # type: ignore[attr-defined]
    app.register_blueprint(health.blueprint)


def _published_headers(base_url: str) -> Callable[[str], list[tuple[str, str]]]:
    """Return what a published file carries besides its validators: a calendar its ``Link``, a feed its hardening."""
    from calendar_service.web.calendar_queries import link_header
    from calendar_service.web.feed_queries import HARDENED

    def headers(name: str) -> list[tuple[str, str]]:
        if name.endswith(".ics"):
            return list(link_header(f"{base_url}/{name}").items())
        return list(HARDENED.items())

    return headers


def _require_current_schema(app: Flask) -> None:
    """Answer 503 to every request until the database has the newest schema (checked until it has)."""
    from calendar_service import db
    from calendar_service.web.errors import problem

    current = False

    @app.before_request
    def check() -> Response | None:
        nonlocal current
        if current:
            return None
        current = db.is_schema_current(db.get_session_factory(app).kw["bind"])
        if current:
            return None
        response = problem(503, "Service Unavailable",
                           "the database schema is not current: run `calendar-service migrate`")
        response.headers["Retry-After"] = "30"
        return response
