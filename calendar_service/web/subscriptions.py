"""The subscriptions API: subscribe an email address or a webhook URL, read, test and delete it by its key.

Adapters of a few lines over :mod:`calendar_service.delivery.subscriptions`, one transaction each.
The key (``token``) and a webhook's secret are answered once, on creation; every later answer
shows the address masked. ``DELETE`` removes the subscription and everything kept about it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app, jsonify
from sqlalchemy.orm import Session

from calendar_service import clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.delivery.drain import send_test
from calendar_service.delivery.outbox import count_deliveries
from calendar_service.delivery.subscriptions import (
    SubscriptionRequest,
    create_subscription,
    delete_subscription,
    get_subscription,
    mask_address,
    unsubscribe_link,
)
from calendar_service.errors import NotFound
from calendar_service.models import Subscription
from calendar_service.web.edits import errors_documented, json_only
from calendar_service.web.schemas import (
    ProblemOut,
    SubscriptionCreatedOut,
    SubscriptionIn,
    SubscriptionOut,
    TestDeliveryOut,
)

__all__ = ["blueprint", "describe_subscription", "request_of"]

blueprint = APIBlueprint("subscriptions", __name__, url_prefix="/api", tag="Subscriptions")

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_LIMITED = {429: {"description": "the address has as many subscriptions as it may have, or was sent as many "
                                 "confirmation requests as it may be sent in a day",
                  "content": {"application/problem+json": {"schema": ProblemOut}}}}


def request_of(body: dict[str, Any]) -> SubscriptionRequest:
    """Return the subscription a checked body (:class:`SubscriptionIn`) asks for."""
    channel, address = ("email", body["email"]) if "email" in body else ("webhook", body["url"])
    return SubscriptionRequest(channel=channel, address=address, language=body.get("language", "en"),
                               kinds=tuple(body["receive"]), categories=tuple(body["categories"]),
                               countries=tuple(body["countries"]), bodies=tuple(body["bodies"]))


def describe_subscription(session: Session, subscription: Subscription, base_url: str) -> dict[str, Any]:
    """Return a subscription as its owner is shown it: the address masked."""
    counts = count_deliveries(session, subscription.id)
    return {
        "channel": subscription.channel, "address": mask_address(subscription.channel, subscription.address),
        "state": subscription.state, "language": subscription.language, "receive": list(subscription.kinds),
        "categories": list(subscription.categories), "countries": list(subscription.countries),
        "bodies": list(subscription.bodies), "created": subscription.created_dt.isoformat(),
        "confirmed": _stamp(subscription.confirmed_dt), "failing_since": _stamp(subscription.failing_dt),
        "last_error": subscription.last_error, "deliveries": counts,
        "links": {"self": f"{base_url}/api/subscriptions/{subscription.token}",
                  "unsubscribe": unsubscribe_link(base_url, subscription.token, subscription.language)},
    }


def _stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _checked(token: str) -> str:
    if not _TOKEN.match(token):
        raise NotFound("no such subscription: it was deleted, or the key is wrong")
    return token


@blueprint.post("/subscriptions")
@json_only
@blueprint.input(SubscriptionIn, arg_name="body")
@blueprint.output(SubscriptionCreatedOut, status_code=201)
@blueprint.doc(responses={**errors_documented(400, 413, 415), **_LIMITED})
def subscribe(body: dict[str, Any]) -> Response:
    """Subscribe an email address (sent a confirmation request first) or a webhook URL.

    The answer holds the subscription's key (`token`) and a webhook's signing secret: they are shown only now.
    """
    settings = get_settings(current_app)
    with transaction(get_session_factory(current_app)) as session:
        created = create_subscription(session, request_of(body), settings, now=clock.now())
        answer = describe_subscription(session, created.subscription, settings.base_url)
    answer.update(token=created.token, secret=created.secret)
    response = jsonify(answer)
    response.status_code = 201
    response.headers["Location"] = answer["links"]["self"]
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/subscriptions/<token>")
@blueprint.output(SubscriptionOut)
@blueprint.doc(responses=errors_documented(404))
def subscription(token: str) -> Response:
    """Read a subscription by its key: its state (failing, with the last error), what it receives, its deliveries."""
    with transaction(get_session_factory(current_app)) as session:
        found = get_subscription(session, _checked(token))
        response = jsonify(describe_subscription(session, found, get_settings(current_app).base_url))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.delete("/subscriptions/<token>")
@blueprint.doc(responses={204: {"description": "deleted, with everything kept about it"}, **errors_documented(404)})
def unsubscribe(token: str) -> Response:
    """Delete a subscription and everything kept about it (its address, its deliveries)."""
    with transaction(get_session_factory(current_app)) as session:
        delete_subscription(session, _checked(token))
    return Response(status=204)


@blueprint.post("/subscriptions/<token>/test")
@blueprint.output(TestDeliveryOut)
@blueprint.doc(responses=errors_documented(400, 404))
def test_delivery(token: str) -> Response:
    """Send a test message now and say whether it arrived (a confirmed subscription only)."""
    delivered, detail = send_test(get_session_factory(current_app), get_settings(current_app), _checked(token))
    return jsonify({"delivered": delivered, "detail": detail})
