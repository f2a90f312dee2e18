"""The web layer: thin adapters from HTTP to the store's readers and the published feed files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register every blueprint and error handler on ``app``."""
    from . import api, calendars, errors, feeds, health, pages, syndication

    errors.init_app(app)
    feeds.init_app(app)
    calendars.init_app(app)
    syndication.init_app(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(health.blueprint)
