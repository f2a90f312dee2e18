"""What every HTML page shares: its blueprint, the words and links of its layout, and how it is answered.

A page is rendered from a template extending ``base.html`` and answered through
:func:`~calendar_service.web.responses.send_document` (ETag, Last-Modified, gzip, 304). Rendered
pages are kept in a :class:`~calendar_service.web.responses.BoundedCache` under what they depend
on (the store's revision and notices, the day, the language, the address), so a page is rendered
once per change of the store, and equivalent addresses share one rendering. A page that cannot be
shown answers a small HTML page in the reader's language (the API answers problem+json). Templates autoescape:
stored text is shown, never run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, has_request_context, render_template, request
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendar_service import clock, get_settings
from calendar_service.errors import InvalidInput, NotFound
from calendar_service.models import Notice, StoreState
from calendar_service.web.i18n import LANGUAGES, SWITCH_NAMES, page_language
from calendar_service.web.responses import GATE, MEDIA_TYPES, BoundedCache, Document, cached_or_rendered, send_document
from calendar_service.wording.names import NO_NAMES, load_russian_names
from calendar_service.wording.voice import Voice

__all__ = ["POLICY", "blueprint", "current_voice", "page_state", "page_today", "serve_page"]

blueprint = Blueprint("pages", __name__)
_CACHE = "calendar_service.rendered_pages"
#: A page's answer varies with these request headers besides its address.
_VARY = "Accept-Encoding, Accept-Language, Cookie"


#: Scripts and styles only from the site itself (the copy buttons), so injected markup could run nothing.
POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; base-uri 'none'; "
          "form-action 'self'; frame-ancestors 'none'")


@blueprint.after_request
def _policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.record_once
def _set_up(state: Any) -> None:
    state.app.extensions[_CACHE] = BoundedCache(max_entries=512, max_bytes=32 * 1024 * 1024,
                                                size=lambda doc: doc.size)


def current_voice() -> Voice:
    """Return the words of the page's language (the gazetteer's Russian names for ``ru``)."""
    lang = page_language()
    names = load_russian_names(get_settings(current_app).data_dir) if lang == "ru" else NO_NAMES
    return Voice(lang, names)


def page_today() -> dt.date:
    return clock.today(get_settings(current_app).timezone)


def page_state(session: Session) -> tuple[Any, ...]:
    """Return what the pages depend on in the store: its revision and the notices' high-water marks."""
    store = session.execute(select(StoreState.revision, StoreState.changed_dt).where(StoreState.id == 1)).one_or_none()
    notices = session.execute(select(func.count(Notice.id), func.max(Notice.id), func.max(Notice.updated_dt))).one()
    return (*(store or (0, None)), *notices)


def _address_without_lang() -> str:
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + (f"?{urlencode(pairs)}" if pairs else "")


@blueprint.app_context_processor
def _layout_words() -> dict[str, Any]:
    if not has_request_context():
        return {}
    lang = page_language()
    base = get_settings(current_app).base_url
    here = quote(_address_without_lang(), safe="")
    languages = [(code, SWITCH_NAMES[code], f"{base}/language/{code}?next={here}", code == lang)
                 for code in LANGUAGES]
    return {"lang": lang, "languages": languages, "base": base, "lang_query": "?lang=ru" if lang == "ru" else ""}


def serve_page(session: Session, key: Hashable, template: str, context: Callable[[], dict[str, Any]],
               last_modified: dt.datetime | None = None) -> Response:
    """Answer a page: rendered from ``template`` once per ``key`` and state of the store, then cached.

    Args:
        key: what the page shows besides the store, the day and the language (its address, its
            canonical query).
        context: makes the template's variables; called only when the page is rendered.
    """
    state = page_state(session)
    lang = page_language()
    today = page_today()
    cache: BoundedCache[Document] = current_app.extensions[_CACHE]
    midnight = dt.datetime.combine(today, dt.time(), get_settings(current_app).timezone)
    stamps = [stamp for stamp in (state[1], state[4], last_modified, midnight) if stamp is not None]

    def render() -> Document:
        html = render_template(template, voice=current_voice(), today=today, **context())
        return Document(html.encode("utf-8"), MEDIA_TYPES[".html"], max(stamps))

    document = cached_or_rendered(cache, (request.endpoint, key, state, today, lang), current_app.extensions[GATE],
                                  render)
    if isinstance(document, Response):
        return document
    return send_document(document, max_age=60, headers={"Vary": _VARY, "Content-Language": lang})


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> Response:
    return _error_page(404, gettext("Not found"), gettext("There is no such page here."), [str(error)])


@blueprint.errorhandler(InvalidInput)
def _invalid(error: InvalidInput) -> Response:
    return _error_page(400, gettext("This address is not right"),
                       gettext("The page does not know some of what its address asks for:"),
                       [f"{item.field}: {item.message}" if item.field else item.message for item in error.problems])


def _error_page(status: int, heading: str, explanation: str, problems: list[str]) -> Response:
    """Answer a person's page with a small HTML page saying what went wrong (the API answers problem+json)."""
    html = render_template("error.html", heading=heading, explanation=explanation, problems=problems)
    return Response(html, status=status, content_type=MEDIA_TYPES[".html"])
