"""The one writer of subscriptions: create (checked and capped), confirm, mark failing, delete.

An email address gets a confirmation request and receives nothing else until its link is
followed (double opt-in); a webhook URL is checked by the outbound gate
(:mod:`calendar_service.outbound`) and gets its signing secret, shown once. Addresses are personal
data: they are kept only in the ``subscriptions`` row, shown masked (:func:`mask_address`) and
never logged; :func:`delete_subscription` removes the row and its deliveries.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from calendar_service.config import Settings
from calendar_service.errors import InvalidInput, LimitReached, NotFound, Problem
from calendar_service.models import ConfirmationSend, Delivery, Subscription, SubscriptionState
from calendar_service.store.records import LIMITS, MAX_ITEMS, Category, is_country_code
from calendar_service.wording.subscriptions import LANGUAGES, RECEIVE

__all__ = [
    "Created",
    "SubscriptionRequest",
    "check_email",
    "check_webhook_url",
    "confirm_link",
    "confirm_subscription",
    "create_subscription",
    "delete_subscription",
    "get_pending",
    "get_subscription",
    "mask_address",
    "prune_subscriptions",
    "unsubscribe_link",
]

log = logging.getLogger(__name__)

#: An unconfirmed email subscription is deleted after this long.
CONFIRM_WITHIN = dt.timedelta(days=7)
#: Confirmation requests are counted over this window (CONFIRMATIONS_PER_DAY).
CONFIRMATION_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class SubscriptionRequest:
    """What a subscriber asks for: one channel's address, what to receive, filters, language."""

    channel: str  #: ``email`` or ``webhook``
    address: str
    language: str = "en"
    kinds: tuple[str, ...] = RECEIVE
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Created:
    """A new subscription, with what its owner is shown once: its key and a webhook's secret."""

    subscription: Subscription
    token: str
    secret: str | None = field(default=None, repr=False)


def check_email(address: str) -> str:
    """Return ``address`` normalized (RFC 5321/5322 syntax; no DNS look-up).

    Raises:
        InvalidInput: not a deliverable form of address.
    """
    from email_validator import EmailNotValidError, validate_email  # for a subscription only, not in every web worker

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidInput([Problem(f"not an email address: {error}", field="email")]) from None


def check_webhook_url(url: str, *, allow_private: bool) -> str:
    """Return ``url`` if the outbound gate lets requests go to it (http(s), no credentials, public).

    Raises:
        InvalidInput: the gate refuses it; the problem says why.
    """
    from calendar_service.errors import FetchError
    from calendar_service.outbound import check_url

    if len(url) > 2000:
        raise InvalidInput([Problem("the webhook URL is longer than 2000 characters", field="url")])
    try:
        return check_url(url, allow_private=allow_private)
    except FetchError as error:  # UnsafeURL, or a host that does not resolve
        raise InvalidInput([Problem(f"the webhook URL cannot be used: {error}", field="url")]) from None


def _check_filters(request: SubscriptionRequest) -> None:
    problems: list[Problem] = []
    if request.language not in LANGUAGES:
        problems.append(Problem(f"language must be one of {', '.join(LANGUAGES)}", field="language"))
    if not request.kinds or set(request.kinds) - set(RECEIVE):
        problems.append(Problem(f"receive must name some of {', '.join(RECEIVE)}", field="receive"))
    if set(request.categories) - {category.value for category in Category}:
        problems.append(Problem("unknown category", field="categories"))
    if not all(is_country_code(code) for code in request.countries):
        problems.append(Problem("countries must be ISO 3166-1 alpha-2 codes", field="countries"))
    if any(not body.strip() or len(body) > LIMITS["bodies"] for body in request.bodies):
        problems.append(Problem(f"a body is a name of 1 to {LIMITS['bodies']} characters", field="bodies"))
    for name in ("categories", "countries", "bodies"):
        if len(getattr(request, name)) > MAX_ITEMS:
            problems.append(Problem(f"at most {MAX_ITEMS} items", field=name))
    if problems:
        raise InvalidInput(problems)


def _digest(address_key: str) -> str:
    return hashlib.sha256(address_key.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """Return a webhook signing secret: ``whsec_`` and 32 random bytes in base64 (Standard Webhooks)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def create_subscription(session: Session, request: SubscriptionRequest, settings: Settings, *,
                        now: dt.datetime) -> Created:
    """Check ``request`` and store the subscription, inside the caller's transaction.

    An email subscription starts ``pending`` with its confirmation request in the outbox; a
    webhook subscription starts ``active`` with a new secret.

    Raises:
        InvalidInput: an invalid address, URL, language or filter; nothing stored.
        LimitReached: the address has SUBSCRIPTIONS_PER_ADDRESS subscriptions already, or was sent
            CONFIRMATIONS_PER_DAY confirmation requests in the last day; nothing stored.
    """
    from calendar_service.delivery.outbox import queue_confirmation

    _check_filters(request)
    if request.channel == "email":
        if settings.smtp_url is None:
            raise InvalidInput([Problem("this service sends no email (CALENDAR_SMTP_URL is not set): "
                                        "subscribe with a webhook URL", field="email")])
        address = check_email(request.address)
    elif request.channel == "webhook":
        address = check_webhook_url(request.address, allow_private=settings.webhook_allow_private)
    else:
        raise InvalidInput([Problem("send either email or url", field="body")])
    key = address.casefold()
    held = session.scalar(select(func.count()).select_from(Subscription).where(Subscription.address_key == key))
    if held and held >= settings.subscriptions_per_address:
        raise LimitReached(f"this address has {held} subscriptions, the most one address may have; "
                           "delete one first")
    token = secrets.token_urlsafe(24)
    subscription = Subscription(
        token=token, channel=request.channel, address=address, address_key=key, language=request.language,
        kinds=tuple(kind for kind in RECEIVE if kind in request.kinds), categories=tuple(sorted(request.categories)),
        countries=tuple(sorted(request.countries)), bodies=tuple(request.bodies), created_dt=now,
    )
    secret = None
    if request.channel == "email":
        digest = _digest(key)
        since = now - CONFIRMATION_WINDOW
        sent = session.scalar(select(func.count()).select_from(ConfirmationSend)
                              .where(ConfirmationSend.address_digest == digest, ConfirmationSend.sent_dt > since))
        if sent and sent >= settings.confirmations_per_day:
            raise LimitReached("this address was sent as many confirmation requests as it may be sent in a day; "
                               "try again tomorrow", retry_after=int(CONFIRMATION_WINDOW.total_seconds()))
        subscription.state = SubscriptionState.PENDING.value
        subscription.confirm_code = secrets.token_urlsafe(24)
        session.add(subscription)
        session.add(ConfirmationSend(address_digest=digest, sent_dt=now))
        session.flush()
        queue_confirmation(session, subscription, now=now)
    else:
        secret = new_secret()
        subscription.state = SubscriptionState.ACTIVE.value
        subscription.secret = secret
        subscription.confirmed_dt = now
        session.add(subscription)
        session.flush()
    log.info("subscription %d created (%s, %s)", subscription.id, subscription.channel, subscription.state)
    return Created(subscription, token, secret)


def get_subscription(session: Session, token: str) -> Subscription:
    """Return the subscription whose key is ``token``.

    Raises:
        NotFound: no subscription has that key (deleted, or never made).
    """
    found = session.scalar(select(Subscription).where(Subscription.token == token)) if token else None
    if found is None:
        raise NotFound("no such subscription: it was deleted, or the key is wrong")
    return found


def get_pending(session: Session, code: str) -> Subscription:
    """Return the email subscription waiting for the confirmation code ``code``.

    Raises:
        NotFound: none waits for it (confirmed already, expired or deleted).
    """
    found = session.scalar(select(Subscription).where(Subscription.confirm_code == code)) if code else None
    if found is None:
        raise NotFound("no subscription waits for this confirmation: it was confirmed already, expired or deleted")
    return found


def confirm_subscription(session: Session, code: str, *, now: dt.datetime) -> Subscription:
    """Confirm the email subscription whose confirmation code is ``code``: it starts receiving.

    Raises:
        NotFound: no pending subscription has that code (confirmed already, expired or deleted).
    """
    found = get_pending(session, code)
    found.state = SubscriptionState.ACTIVE.value
    found.confirm_code = None
    found.confirmed_dt = now
    log.info("subscription %d confirmed", found.id)
    return found


def delete_subscription(session: Session, token: str) -> None:
    """Delete the subscription whose key is ``token``, with its deliveries: nothing about it is kept.

    Raises:
        NotFound: no subscription has that key.
    """
    found = get_subscription(session, token)
    session.execute(delete(Delivery).where(Delivery.subscription_id == found.id))
    session.delete(found)
    session.flush()
    log.info("subscription %d deleted", found.id)


def mark_failing(subscription: Subscription, error: str, *, now: dt.datetime) -> None:
    """Mark ``subscription`` failing: a delivery failed after every retry."""
    if subscription.state != SubscriptionState.FAILING.value:
        log.warning("subscription %d is failing: %s", subscription.id, error)
        subscription.state = SubscriptionState.FAILING.value
        subscription.failing_dt = now
    subscription.last_error = error


def mark_working(subscription: Subscription) -> None:
    """Mark a failing ``subscription`` active again: a delivery to it succeeded."""
    if subscription.state == SubscriptionState.FAILING.value:
        log.info("subscription %d works again", subscription.id)
        subscription.state = SubscriptionState.ACTIVE.value
        subscription.failing_dt = None
        subscription.last_error = None


def prune_subscriptions(session: Session, *, now: dt.datetime) -> int:
    """Delete what is no longer needed: unconfirmed subscriptions past CONFIRM_WITHIN, old confirmation sends.

    Returns:
        How many unconfirmed subscriptions were deleted.
    """
    session.execute(delete(ConfirmationSend).where(ConfirmationSend.sent_dt <= now - CONFIRMATION_WINDOW))
    expired = list(session.scalars(select(Subscription.id).where(
        Subscription.state == SubscriptionState.PENDING.value, Subscription.created_dt <= now - CONFIRM_WITHIN)))
    if expired:
        session.execute(delete(Delivery).where(Delivery.subscription_id.in_(expired)))
        session.execute(delete(Subscription).where(Subscription.id.in_(expired)))
    return len(expired)


def mask_address(channel: str, address: str) -> str:
    """Return ``address`` as it may be shown: ``a…@example.org``, ``https://hooks.example.org/…``."""
    if channel == "email":
        local, _, domain = address.rpartition("@")
        return f"{local[:1]}…@{domain}"
    scheme, _, rest = address.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/…"


def _in(language: str) -> str:
    return "?lang=ru" if language == "ru" else ""


def unsubscribe_link(base_url: str, token: str, language: str) -> str:
    """Return the unsubscribe URL of a subscription (a page with one button; RFC 8058's one-click POST)."""
    return f"{base_url}/subscriptions/{token}/unsubscribe{_in(language)}"


def confirm_link(base_url: str, code: str, language: str) -> str:
    """Return the URL of an email subscription's confirmation page."""
    return f"{base_url}/subscriptions/confirm/{code}{_in(language)}"
