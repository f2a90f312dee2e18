"""calendar-service: the calendar of the Collective Security Treaty Organization, as feeds.

The flow, one way: ``ingest`` (dataset, news text, .ics files) → ``store`` (the only writer of
events) → ``build`` (``render`` pure renderers → ``publish`` atomic files in the feeds folder) →
``web`` (serves what was published, with ETag/304). The ``scheduler`` and the ``cli`` drive it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"
__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the web application: settings, database, blueprints. Starts nothing.

    Settings come from :data:`calendar_service.config.DEFAULTS`, then ``CALENDAR_*`` environment
    variables, then ``config``. No scheduler is ever started here: web workers only serve.
    """
    from flask import Flask

    from calendar_service import db
    from calendar_service.config import load_settings
    from calendar_service.web import init_app as init_web

    settings = load_settings(config)
    app = Flask(__name__)
    app.config.update(settings)
    configure_logging(settings["LOG_LEVEL"])
    db.init_app(app)
    init_web(app)
    return app


def configure_logging(level: str) -> None:
    """Send the service's log lines to standard error at ``level`` (once per process)."""
    logger = logging.getLogger("calendar_service")
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
