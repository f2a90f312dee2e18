"""The one writer of deliveries: the outbox, filled as notices are issued and drained by ``deliver``.

A delivery row is added for each subscription a notice matches, in the transaction that issues the
notice, so a notice and its deliveries are committed together or not at all. The drain claims due
rows (a claim counts an attempt and pushes the row a lease ahead), sends, then marks each one:
a crash after sending and before marking leaves the row pending, and it is sent again after the
lease with the same ids (``webhook-id``, ``Message-ID``), which receivers use to deduplicate.
A failed attempt is retried with exponential back-off (:data:`RETRY_DELAYS`, about a day in all);
after the last one the delivery fails and its subscription is marked failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from calendar_service.delivery.subscriptions import mark_failing, mark_working
from calendar_service.models import Delivery, DeliveryState, Event, Notice, NoticeKind, Subscription, SubscriptionState
from calendar_service.notices.selection import NoticeSelection, matches
from calendar_service.store.queries import EventFilter

__all__ = ["LEASE", "MAX_ATTEMPTS", "RETRY_DELAYS", "claim_due", "count_deliveries", "mark_attempt_failed",
           "mark_sent", "queue_confirmation", "queue_notice_deliveries", "retry_delay"]

#: The wait after each failed attempt: 1 minute, doubling, at most 8 hours; 24.5 hours in all.
RETRY_DELAYS: tuple[dt.timedelta, ...] = tuple(dt.timedelta(minutes=min(2 ** n, 480)) for n in range(11))
#: Attempts before a delivery fails for good: the first and one after each delay.
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: A claimed delivery is not claimed again for this long: a sender that died mid-send is retried after it.
LEASE = dt.timedelta(minutes=5)
#: Notice kinds by what a subscription asks for.
_KINDS = {
    "anniversary": (NoticeKind.ANNIVERSARY_AHEAD.value, NoticeKind.ANNIVERSARY_TODAY.value),
    "announced": (NoticeKind.ANNOUNCED.value,),
    "changed": (NoticeKind.CHANGED.value,),
}
_RECEIVING = (SubscriptionState.ACTIVE.value, SubscriptionState.FAILING.value)


def retry_delay(attempts: int) -> dt.timedelta | None:
    """Return the wait before the next attempt after ``attempts`` failed ones, or None: no more attempts."""
    return RETRY_DELAYS[attempts - 1] if 1 <= attempts < MAX_ATTEMPTS else None


def selection_of(subscription: Subscription) -> NoticeSelection:
    """Return the notices ``subscription`` receives, as a feed's selection."""
    kinds = tuple(kind for wanted in subscription.kinds for kind in _KINDS[wanted])
    return NoticeSelection(EventFilter(categories=tuple(subscription.categories),
                                       countries=tuple(subscription.countries), bodies=tuple(subscription.bodies)),
                           kinds=kinds)


def queue_notice_deliveries(session: Session, notices: Sequence[Notice], *, now: dt.datetime) -> int:
    """Add a delivery of each of ``notices`` to every receiving subscription it matches; return how many.

    Runs inside the transaction that issues the notices. Cheap when nobody subscribes: one query.
    """
    with session.no_autoflush:
        subscriptions = list(session.scalars(select(Subscription).where(Subscription.state.in_(_RECEIVING))))
    if not subscriptions or not notices:
        return 0
    session.flush()  # the notices' ids
    selections = [(subscription.id, selection_of(subscription)) for subscription in subscriptions]
    stamp = now.astimezone(dt.UTC)
    rows: list[dict[str, Any]] = [
        {"subscription_id": subscription_id, "notice_id": notice.id, "purpose": "notice",
         "state": DeliveryState.PENDING.value, "attempts": 0, "next_attempt_dt": stamp, "created_dt": stamp}
        for notice in notices for subscription_id, selection in selections if matches(notice, selection)
    ]
    if rows:
        session.execute(insert(Delivery), rows)
    return len(rows)


def queue_issued(session: Session, notice_ids: Sequence[int], *, now: dt.datetime) -> int:
    """Add the deliveries of the notices ``notice_ids`` (the anniversary sweep's callback)."""
    if not notice_ids:
        return 0
    notices = list(session.scalars(select(Notice).where(Notice.id.in_(notice_ids)).order_by(Notice.id)))
    return queue_notice_deliveries(session, notices, now=now)


def queue_confirmation(session: Session, subscription: Subscription, *, now: dt.datetime) -> Delivery:
    """Add the confirmation request of a new email subscription to the outbox."""
    delivery = Delivery(subscription_id=subscription.id, notice_id=None, purpose="confirm",
                        state=DeliveryState.PENDING.value, attempts=0, next_attempt_dt=now, created_dt=now)
    session.add(delivery)
    return delivery


def claim_due(session: Session, *, now: dt.datetime, limit: int) -> list[Delivery]:
    """Claim up to ``limit`` deliveries due at ``now``, oldest first, and return them loaded.

    A claim counts an attempt and moves the row :data:`LEASE` ahead, so no other drain takes it
    meanwhile and a drain that dies mid-send leaves it to be sent again later. Commit at once.
    """
    due = (select(Delivery.id).join(Delivery.subscription)
           .where(Delivery.state == DeliveryState.PENDING.value, Delivery.next_attempt_dt <= now,
                  (Delivery.purpose == "confirm") | Subscription.state.in_(_RECEIVING))
           .order_by(Delivery.next_attempt_dt, Delivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=Delivery)
    ids = list(session.scalars(due))
    if not ids:
        return []
    session.execute(update(Delivery).where(Delivery.id.in_(ids))
                    .values(attempts=Delivery.attempts + 1, next_attempt_dt=now + LEASE)
                    .execution_options(synchronize_session=False))
    claimed = session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)
                              .execution_options(populate_existing=True)).unique().all()
    for delivery in claimed:  # load what sending needs before the session closes
        if delivery.notice is not None:
            _ = delivery.notice.event
    return list(claimed)


def mark_sent(session: Session, delivery_ids: Sequence[int], *, now: dt.datetime) -> None:
    """Mark deliveries sent: their receivers acknowledged them. Failing subscriptions among theirs work again.

    Deliveries whose subscription was deleted while they were being sent are gone, and skipped.
    """
    if not delivery_ids:
        return
    session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids))
                    .values(state=DeliveryState.SENT.value, sent_dt=now, last_error=None)
                    .execution_options(synchronize_session=False))
    recovered = select(Delivery.subscription_id).where(Delivery.id.in_(delivery_ids))
    for subscription in session.scalars(select(Subscription).where(
            Subscription.id.in_(recovered), Subscription.state == SubscriptionState.FAILING.value)):
        mark_working(subscription)


def mark_attempt_failed(session: Session, delivery_id: int, error: str, *, now: dt.datetime) -> bool:
    """Record a failed attempt: retry after the back-off, or fail after the last attempt.

    Returns:
        Whether the delivery failed for good (its subscription is then marked failing).
    """
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:  # its subscription was deleted while it was being sent
        return False
    delivery.last_error = error[:500]
    delay = retry_delay(delivery.attempts)
    if delay is not None:
        delivery.next_attempt_dt = now + delay
        return False
    delivery.state = DeliveryState.FAILED.value
    mark_failing(delivery.subscription, f"a delivery failed {delivery.attempts} times; last: {error[:300]}", now=now)
    return True


def count_deliveries(session: Session, subscription_id: int | None = None) -> dict[str, int]:
    """Count deliveries by state, of one subscription or of all."""
    query = select(Delivery.state, func.count()).group_by(Delivery.state)
    if subscription_id is not None:
        query = query.where(Delivery.subscription_id == subscription_id)
    counts = {state.value: 0 for state in DeliveryState}
    for state, count in session.execute(query).all():
        counts[state] = count
    return counts


def get_event_of(delivery: Delivery) -> Event | None:
    """Return the event a delivery is about (None for a confirmation request)."""
    return delivery.notice.event if delivery.notice is not None else None


#: Deliveries due longer ago than this mean the deliver job is not running (a problem on /healthz).
OVERDUE = dt.timedelta(hours=1)


def report_deliveries(session: Session, *, now: dt.datetime) -> tuple[list[str], dict[str, Any]]:
    """Return the problems of the outbox and what ``/healthz`` shows of it: counts only, never an address."""
    counts = count_deliveries(session)
    failing = session.scalar(select(func.count()).select_from(Subscription)
                             .where(Subscription.state == SubscriptionState.FAILING.value)) or 0
    oldest = session.scalar(select(func.min(Delivery.next_attempt_dt))
                            .where(Delivery.state == DeliveryState.PENDING.value))
    problems = []
    if oldest is not None and now - oldest > OVERDUE:
        problems.append(f"reminders due since {oldest.isoformat()} are not sent (is the deliver job running?)")
    return problems, {"pending": counts["pending"], "sent": counts["sent"], "failed": counts["failed"],
                      "failing_subscriptions": failing,
                      "oldest_due": None if oldest is None else oldest.isoformat()}
