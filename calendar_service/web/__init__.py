"""6 · The web layer: thin adapters from HTTP to the store's readers and the published feed files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register every blueprint and error handler on ``app``."""
    from calendar_service.web import api, calendar_queries, errors, feed_queries, health, pages, published
    from calendar_service.web.responses import GATE, RenderGate

    app.extensions[GATE] = RenderGate()
    errors.init_app(app)
    published.init_app(app)
    calendar_queries.init_app(app)
    feed_queries.init_app(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(health.blueprint)
