"""The subscription pages: the form, the confirmation link of an email, and the unsubscribe link.

The links in an email only show a page with one button; the change is made by its POST, so a
mail scanner that follows links neither confirms nor unsubscribes. The unsubscribe URL also takes
the RFC 8058 one-click POST (``List-Unsubscribe=One-Click``) a mail client sends without a page.
Pages that show a key or a secret are never cached and send no referrer.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from marshmallow import ValidationError

from calendar_service import clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.delivery.subscriptions import (
    confirm_subscription,
    create_subscription,
    delete_subscription,
    get_pending,
    get_subscription,
    mask_address,
)
from calendar_service.errors import InvalidInput, LimitReached
from calendar_service.store.records import Category
from calendar_service.web.i18n import page_language
from calendar_service.web.layout import POLICY
from calendar_service.web.schemas import SubscriptionIn
from calendar_service.web.subscriptions import request_of
from calendar_service.wording import en, ru
from calendar_service.wording.subscriptions import LANGUAGES, RECEIVE, describe_receive, words

__all__ = ["blueprint"]

blueprint = Blueprint("subscribing", __name__)


@blueprint.after_request
def _policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # These pages hold keys, secrets and confirmation codes: never kept, never sent on as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(template: str, status: int = 200, **values: Any) -> Response:
    """Render a page on the site's layout, in the page's language (or the subscriber's, on their links)."""
    language = values.pop("language", None) or page_language()
    wording = ru if language == "ru" else en
    html = render_template(template, lang=language, said=words(language), section="subscribe",
                           category_name=wording.category_name, **values)
    return Response(html, status=status, mimetype="text/html", headers={"Content-Language": language})


def _form(status: int = 200, problems: list[str] | None = None, values: dict[str, Any] | None = None) -> Response:
    return _page("subscribe_form.html", status, problems=problems or [], values=values or {},
                 kinds=RECEIVE, categories=[category.value for category in Category],
                 subscriber_languages=LANGUAGES)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@blueprint.get("/subscriptions/new")
def form() -> Response:
    """The form, filled in with the choice ``/subscribe`` links it with (``category``, ``country``, ``body``)."""
    args = request.args
    chosen = {"categories": args.getlist("category"), "countries": [code.upper() for code in args.getlist("country")],
              "bodies": args.getlist("body"), "receive": list(RECEIVE)}
    return _form(values=chosen if any(chosen[name] for name in ("categories", "countries", "bodies")) else None)


@blueprint.post("/subscriptions/new")
def subscribe() -> Response:
    """Subscribe from the form: the same checks as ``POST /api/subscriptions``."""
    fields = request.form
    body: dict[str, Any] = {"language": fields.get("language", page_language()), "receive": fields.getlist("receive"),
                            "categories": fields.getlist("category"),
                            "countries": [code.upper() for code in _split(fields.get("countries", ""))],
                            "bodies": _split(fields.get("bodies", ""))}
    for name in ("email", "url"):
        if fields.get(name, "").strip():
            body[name] = fields[name].strip()
    values = {**body, "email": fields.get("email", ""), "url": fields.get("url", "")}
    settings = get_settings(current_app)
    try:
        checked = SubscriptionIn().load(body)
        with transaction(get_session_factory(current_app)) as session:
            created = create_subscription(session, request_of(checked), settings, now=clock.now())
            subscription = created.subscription
            masked = mask_address(subscription.channel, subscription.address)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"body": error.messages}
        return _form(400, [f"{name}: {text}" for name, texts in messages.items() for text in _flat(texts)], values)
    except InvalidInput as error:
        return _form(400, [str(problem) for problem in error.problems], values)
    except LimitReached as error:
        return _form(429, [str(error)], values)
    return _page("subscribe_done.html", 201, language=subscription.language, channel=subscription.channel,
                 address=masked, token=created.token, secret=created.secret,
                 api_url=f"{settings.base_url}/api/subscriptions/{created.token}")


def _flat(texts: Any) -> list[str]:
    if isinstance(texts, dict):
        return [f"{key}: {text}" for key, value in texts.items() for text in _flat(value)]
    return [str(text) for text in texts] if isinstance(texts, list) else [str(texts)]


@blueprint.get("/subscriptions/confirm/<code>")
def confirm_page(code: str) -> Response:
    return _confirmation(code, done=False)


@blueprint.post("/subscriptions/confirm/<code>")
def confirm(code: str) -> Response:
    return _confirmation(code, done=True)


def _confirmation(code: str, *, done: bool) -> Response:
    """The confirmation page: its button (a link followed by a mail scanner changes nothing), or done."""
    with transaction(get_session_factory(current_app)) as session:
        found = confirm_subscription(session, code, now=clock.now()) if done else get_pending(session, code)
        language, kinds = found.language, tuple(found.kinds)
        masked = mask_address(found.channel, found.address)
    return _page("subscribe_confirm.html", language=language, address=masked,
                 what=describe_receive(kinds, language), done=done)


@blueprint.get("/subscriptions/<token>/unsubscribe")
def unsubscribe_page(token: str) -> Response:
    with transaction(get_session_factory(current_app)) as session:
        found = get_subscription(session, token)
        language, masked = found.language, mask_address(found.channel, found.address)
    return _page("unsubscribe.html", language=language, address=masked, done=False)


@blueprint.post("/subscriptions/<token>/unsubscribe")
def unsubscribe(token: str) -> Response:
    """Unsubscribe: the page's button, or a mail client's RFC 8058 one-click POST (no page in between)."""
    with transaction(get_session_factory(current_app)) as session:
        language = get_subscription(session, token).language
        delete_subscription(session, token)
    return _page("unsubscribe.html", language=language, address="", done=True)
