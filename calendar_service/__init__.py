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

    from calendar_service.config import Settings

__version__ = "0.1.0"
__all__ = ["__version__", "create_app", "get_settings"]

_EXTENSION = "calendar_service"


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Create the web application: settings, database, blueprints. Starts nothing.

    ``config`` is either ready :class:`~calendar_service.config.Settings` or a mapping of
    overrides: settings by their names in docs/settings.md (over the defaults and ``CALENDAR_*``
    environment variables) and Flask's own configuration keys such as ``TESTING``. No scheduler
    is ever started here: web workers only serve.

    Raises:
        ConfigurationError: a setting is unusable, or ``config`` names something that is neither
            a setting nor a key of Flask's configuration.
    """
    from calendar_service import db
    from calendar_service.config import Settings, load_settings
    from calendar_service.web import init_app as init_web
    from calendar_service.web.openapi import OPENAPI_SETTINGS
    from calendar_service.web.routing import ServiceFlask

    # APIFlask is Flask with an OpenAPI document made from the schemas that check the requests (and
    # ServiceFlask is APIFlask compiling each URL rule's builders once); its own JSON errors are off
    # so that every error is answered as a problem (web/errors.py).
    app = ServiceFlask(__name__, title="calendar-service API", version=__version__, spec_path="/api/openapi.json",
                       docs_path="/api/docs", docs_ui="redoc", json_errors=False)
    app.config.update(OPENAPI_SETTINGS)
    if isinstance(config, Settings):
        settings = config
    else:
        overrides = dict(config or {})
        app.config.update({key: overrides.pop(key) for key in list(overrides) if key in app.config})
        settings = load_settings(overrides)
    app.extensions[_EXTENSION] = settings
    configure_logging(settings.log_level)
    db.init_app(app)
    init_web(app)
    return app


def get_settings(app: Flask) -> Settings:
    """Return the settings of an application made by :func:`create_app`."""
    settings: Settings = app.extensions[_EXTENSION]
    return settings


def configure_logging(level: str) -> None:
    """Send the service's log lines to standard error at ``level`` (once per process)."""
    logger = logging.getLogger("calendar_service")
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
