"""The language of the pages: English or Russian, chosen by a link and remembered in a cookie.

The interface's words come from the message catalogues in ``calendar_service/translations``
(Flask-Babel, gettext); the words about events (dates at their precision, places, bodies,
statuses) come from :mod:`calendar_service.wording`, in the same language. A page's language is,
in this order: ``?lang=`` in its address (the feeds and Russian calendars link to ``?lang=ru``),
the cookie the language switch set, the browser's ``Accept-Language``, English.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import redirect, request
from flask_babel import Babel

from calendar_service.errors import NotFound

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.wrappers import Response

__all__ = ["COOKIE", "LANGUAGES", "SWITCH_NAMES", "init_app", "page_language"]

LANGUAGES = ("en", "ru")
#: Each language named in itself, as the switch shows it.
SWITCH_NAMES = {"en": "English", "ru": "Русский"}
COOKIE = "lang"
_YEAR = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def page_language() -> str:
    """Return the language of the page being answered: ``en`` or ``ru``."""
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def _local_path(target: str) -> str:
    """Return ``target`` if it is a path on this site, else ``/`` (no open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def switch_language(lang: str) -> Response:
    """Remember ``lang`` and go back to the page the switch was followed from (``?next=``)."""
    if lang not in LANGUAGES:
        raise NotFound(f"no language {lang!r}; the languages are: {', '.join(LANGUAGES)}")
    response = redirect(_local_path(request.args.get("next", "/")), code=303)
    response.set_cookie(COOKIE, lang, max_age=_YEAR, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the shipped catalogues and the language switch ``/language/<lang>``."""
    Babel(app, locale_selector=page_language, default_translation_directories=str(TRANSLATIONS))
    app.add_url_rule("/language/<lang>", endpoint="switch_language", view_func=switch_language, methods=["GET"])
