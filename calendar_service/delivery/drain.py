"""The ``deliver`` job: send what the outbox holds due, mark each delivery, retry what failed.

An idempotent sweep: claim due deliveries (a short transaction), compose them, send them from a
few threads, and mark the acknowledged ones in small groups as soon as each group is complete, so
after a crash at most a group is sent again, and then with the same ``webhook-id`` or
``Message-ID``. Addresses never reach a log line or an error kept: errors are masked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service import clock
from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.delivery.mail import DeliveryError, MailSender, MailText, compose_mail
from calendar_service.delivery.outbox import claim_due, mark_attempt_failed, mark_sent
from calendar_service.delivery.subscriptions import (
    confirm_link,
    mark_working,
    mask_address,
    prune_subscriptions,
    unsubscribe_link,
)
from calendar_service.models import Delivery, Event, Notice, NoticeKind, Subscription
from calendar_service.publish.calendars import render_event_file
from calendar_service.render import event_ics_url, event_page_url
from calendar_service.render.ical import IcsOptions
from calendar_service.render.json import event_to_dict
from calendar_service.wording.subscriptions import describe_receive, words

__all__ = ["BATCH", "MARK_EVERY", "WORKERS", "DeliverResult", "Outgoing", "deliver_due", "send_test"]

log = logging.getLogger(__name__)

#: Deliveries claimed at a time.
BATCH = 200
#: Threads sending at once, each with its own SMTP connection and HTTP client.
WORKERS = 8
#: Acknowledged deliveries marked in one transaction (the most a crash can send twice).
MARK_EVERY = 50
#: Notices whose email carries the event's .ics: reminders of anniversaries; and of meetings, any notice.
_ATTACHED_KINDS = {NoticeKind.ANNIVERSARY_AHEAD.value, NoticeKind.ANNIVERSARY_TODAY.value}


@dataclass(frozen=True)
class Outgoing:
    """One message ready to send, detached from the session: everything its channel needs."""

    delivery_id: int | None  #: None for a test message, which the outbox does not hold
    channel: str
    address: str = field(repr=False)
    masked: str
    message_id: str  #: ``webhook-id``, or the left part of the ``Message-ID``
    language: str
    kinds: tuple[str, ...]
    token: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)
    mail: MailText | None = None
    kind: str = ""  #: a webhook body's ``type``
    timestamp: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliverResult:
    """What one run of the ``deliver`` job did."""

    sent: int = 0
    retrying: int = 0  #: failed attempts that will be retried
    failed: int = 0  #: deliveries that failed for good
    expired: int = 0  #: unconfirmed subscriptions deleted

    def summary(self) -> str:
        text = f"sent {self.sent}, {self.retrying} to retry, {self.failed} failed for good"
        return text + (f"; {self.expired} unconfirmed subscriptions deleted" if self.expired else "")


class _Attachments:
    """The .ics of each event, rendered once per run and language."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._made: dict[tuple[int, str], bytes] = {}

    def get(self, session: Session, event: Event, language: str) -> bytes:
        key = (event.id, language)
        if key not in self._made:
            self._made[key] = render_event_file(session, event, self.settings, IcsOptions(lang=language))[0]
        return self._made[key]


def _page_link(settings: Settings, event: Event, language: str) -> str:
    return event_page_url(settings.base_url, event.uid) + ("?lang=ru" if language == "ru" else "")


def _notice_texts(notice: Notice, language: str) -> tuple[str, str]:
    if language == "ru":
        return notice.title_ru or notice.title, notice.summary_ru or notice.summary
    return notice.title, notice.summary


def _base(subscription: Subscription, delivery_id: int | None, message_id: str) -> dict[str, Any]:
    return {"delivery_id": delivery_id, "channel": subscription.channel, "address": subscription.address,
            "masked": mask_address(subscription.channel, subscription.address), "message_id": message_id,
            "language": subscription.language, "kinds": tuple(subscription.kinds), "token": subscription.token,
            "secret": subscription.secret}


def prepare(session: Session, delivery: Delivery, settings: Settings, attachments: _Attachments) -> Outgoing:
    """Compose what ``delivery`` sends (inside the claim's transaction)."""
    subscription, notice = delivery.subscription, delivery.notice
    language = subscription.language
    said = words(language)
    if notice is None:  # a confirmation request
        what = describe_receive(subscription.kinds, language)
        link = (said["confirm_action"], confirm_link(settings.base_url, subscription.confirm_code or "", language))
        return Outgoing(**_base(subscription, delivery.id, f"confirm-{delivery.id}"), mail=MailText(
            said["confirm_subject"], (said["confirm_intro"].format(what=what), said["confirm_ignore"]), link))
    event = notice.event
    title, summary = _notice_texts(notice, language)
    if subscription.channel == "email":
        attached = notice.kind in _ATTACHED_KINDS or event.category == "meeting"
        mail = MailText(title, tuple(line for line in (summary,) if line),
                        (said["event"], _page_link(settings, event, language)),
                        attachments.get(session, event, language) if attached else None)
        return Outgoing(**_base(subscription, delivery.id, f"notice-{notice.id}.{subscription.id}"), mail=mail)
    data = {
        "notice": {"id": notice.id, "kind": notice.kind, "language": language, "title": title, "summary": summary,
                   "issued": notice.issued_dt.isoformat(), "occurrence_year": notice.occurrence_year or None,
                   "lead_days": notice.lead_days, "details": notice.details},
        "event": event_to_dict(event, settings.base_url),
        "links": {"page": _page_link(settings, event, language), "ics": event_ics_url(settings.base_url, event.uid)},
    }
    return Outgoing(**_base(subscription, delivery.id, f"msg_n{notice.id}s{subscription.id}"),
                    kind=f"notice.{notice.kind}", timestamp=notice.issued_dt.isoformat(), data=data)


class _Senders(contextlib.ExitStack):
    """The run's SMTP connection and HTTP client, each opened when first needed."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self._mail: MailSender | None = None
        self._hooks: Any = None

    def send(self, item: Outgoing, now: dt.datetime) -> None:
        settings = self.settings
        if item.channel == "email":
            if settings.smtp_url is None:
                raise DeliveryError("this service has no SMTP server (CALENDAR_SMTP_URL is not set)")
            if self._mail is None:
                self._mail = self.enter_context(MailSender(settings.smtp_url))
            assert item.mail is not None
            message = compose_mail(item.mail, to=item.address, language=item.language, kinds=item.kinds,
                                   unsubscribe_url=unsubscribe_link(settings.base_url, item.token, item.language),
                                   settings=settings, local_id=item.message_id, now=now)
            self._mail.send(message)
            return
        from calendar_service.delivery.webhooks import WebhookSender, webhook_body

        if self._hooks is None:
            self._hooks = self.enter_context(WebhookSender(allow_private=settings.webhook_allow_private))
        assert item.secret is not None
        self._hooks.send(item.address, item.secret, item.message_id, int(now.timestamp()),
                         webhook_body(item.kind, item.timestamp, item.data))


def _masked(error: DeliveryError, item: Outgoing) -> str:
    """Return the error's text with the address (which a server may echo) masked."""
    return str(error).replace(item.address, item.masked)


class _Pool:
    """Senders on a few threads, each with its own connection (smtplib and httpx clients are not shared)."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self._local = threading.local()
        self._made: list[_Senders] = []
        self._lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="deliver")

    def send(self, item: Outgoing) -> tuple[Outgoing, DeliveryError | None]:
        senders: _Senders | None = getattr(self._local, "senders", None)
        if senders is None:
            senders = self._local.senders = _Senders(self.settings)
            with self._lock:
                self._made.append(senders)
        try:
            senders.send(item, clock.now())
        except DeliveryError as error:
            return item, error
        return item, None

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        for senders in self._made:
            senders.close()


def deliver_due(factory: sessionmaker[Session], settings: Settings, *, batch: int = BATCH,
                workers: int = WORKERS) -> DeliverResult:
    """Send every delivery due now, oldest first, and mark them; delete unconfirmed subscriptions past their time.

    ``workers`` threads send at once. Acknowledged deliveries are marked in groups of at most
    :data:`MARK_EVERY`, each group as soon as it is complete: a crash sends at most that many again.
    """
    with transaction(factory) as session:
        expired = prune_subscriptions(session, now=clock.now())
    sent = retrying = failed = 0
    attachments = _Attachments(settings)
    pool = _Pool(settings, workers)
    try:
        while True:
            with transaction(factory) as session:
                outgoing = [prepare(session, delivery, settings, attachments)
                            for delivery in claim_due(session, now=clock.now(), limit=batch)]
            if not outgoing:
                break
            acknowledged: list[int] = []
            refused: list[tuple[int, str]] = []
            for future in as_completed([pool.executor.submit(pool.send, item) for item in outgoing]):
                item, error = future.result()
                assert item.delivery_id is not None
                if error is None:
                    acknowledged.append(item.delivery_id)
                else:
                    refused.append((item.delivery_id, _masked(error, item)))
                if len(acknowledged) >= MARK_EVERY:
                    sent += _mark(factory, acknowledged, [])[0]
                    acknowledged = []
            done, retried, gave_up = _mark(factory, acknowledged, refused)
            sent, retrying, failed = sent + done, retrying + retried, failed + gave_up
    finally:
        pool.close()
    result = DeliverResult(sent, retrying, failed, expired)
    if sent or retrying or failed:
        log.info("deliver: %s", result.summary())
    return result


def _mark(factory: sessionmaker[Session], acknowledged: list[int],
          refused: list[tuple[int, str]]) -> tuple[int, int, int]:
    """Mark deliveries sent and attempts failed, in one transaction; return (sent, retrying, failed)."""
    retrying = failed = 0
    with transaction(factory) as session:
        mark_sent(session, acknowledged, now=clock.now())
        for delivery_id, error in refused:
            if mark_attempt_failed(session, delivery_id, error, now=clock.now()):
                failed += 1
            else:
                retrying += 1
    return len(acknowledged), retrying, failed


def send_test(factory: sessionmaker[Session], settings: Settings, token: str) -> tuple[bool, str]:
    """Send a test message to the subscription whose key is ``token`` now; return (delivered, what happened).

    A confirmed subscription only: an email address receives nothing before it is confirmed.
    A success makes a failing subscription active again; a failure is shown, not retried.

    Raises:
        NotFound: no such subscription.
        InvalidInput: an email subscription not confirmed yet.
    """
    from calendar_service.delivery.subscriptions import get_subscription
    from calendar_service.errors import InvalidInput

    with transaction(factory) as session:
        subscription = get_subscription(session, token)
        if subscription.confirmed_dt is None:
            raise InvalidInput("the subscription is not confirmed yet: follow the link of the confirmation request")
        said = words(subscription.language)
        unique = secrets.token_hex(8)
        item = Outgoing(**_base(subscription, None, f"msg_test_{unique}" if subscription.channel == "webhook"
                                else f"test-{unique}"),
                        mail=MailText(said["test_subject"], (said["test_intro"],)), kind="test",
                        timestamp=clock.now().isoformat(), data={"message": said["test_intro"]})
    with _Senders(settings) as senders:
        try:
            senders.send(item, clock.now())
        except DeliveryError as error:
            return False, _masked(error, item)
    with transaction(factory) as session:
        mark_working(get_subscription(session, token))
    return True, "delivered"
