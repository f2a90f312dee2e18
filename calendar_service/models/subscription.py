"""Subscriptions to reminders (an email address or a webhook URL) and their outbox of deliveries.

An address is personal data: it is kept only here, shown to no one but masked, and deleting a
subscription deletes its deliveries with it (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from calendar_service.models.base import Base, StringList, UTCDateTime
from calendar_service.models.notice import Notice

__all__ = ["ConfirmationSend", "Delivery", "DeliveryState", "Subscription", "SubscriptionState"]


class SubscriptionState(StrEnum):
    PENDING = "pending"  #: an email address whose confirmation link was not followed yet
    ACTIVE = "active"  #: receives what it asked for
    FAILING = "failing"  #: a delivery failed after every retry; still tried, shown to its owner


class DeliveryState(StrEnum):
    PENDING = "pending"  #: to be sent at ``next_attempt_dt`` (again, after a failure or a crash)
    SENT = "sent"  #: the receiver acknowledged it
    FAILED = "failed"  #: every retry failed


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_address_key", "address_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The owner's key (random, URL-safe): confirm, unsubscribe, read and delete by it.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``email`` or ``webhook``.
    channel: Mapped[str] = mapped_column(String(16))
    #: The email address or webhook URL: personal data, never shown unmasked, never logged.
    address: Mapped[str] = mapped_column(String(2048))
    #: The address folded for counting subscriptions per address (lower case).
    address_key: Mapped[str] = mapped_column(String(2048))
    #: ``en`` or ``ru``: the language of what it receives.
    language: Mapped[str] = mapped_column(String(8))
    #: What it receives: ``anniversary``, ``announced``, ``changed``.
    kinds: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    #: Filters of the events, as the calendars' (empty: any).
    categories: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    countries: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    bodies: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    #: A webhook's signing secret, ``whsec_`` + base64 (Standard Webhooks); shown once.
    secret: Mapped[str | None] = mapped_column(String(128))
    #: A SubscriptionState value.
    state: Mapped[str] = mapped_column(String(16))
    #: The email confirmation code (random), cleared once confirmed.
    confirm_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    confirmed_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Since when deliveries fail after every retry (the state ``failing``).
    failing_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The last delivery error, as the owner sees it (no address in it).
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {self.channel} {self.state}>"


class Delivery(Base):
    """One message to one subscription: a notice, a confirmation request, or a test."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "notice_id", name="uq_deliveries_once"),
        Index("ix_deliveries_due", "state", "next_attempt_dt"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True)
    #: The notice delivered; None for a confirmation request.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    #: ``notice`` or ``confirm``.
    purpose: Mapped[str] = mapped_column(String(16))
    #: A DeliveryState value.
    state: Mapped[str] = mapped_column(String(16))
    #: Attempts made so far (a claimed attempt counts, so a crash mid-send is retried later, not at once).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When it is next due; a claimed delivery is pushed past its lease.
    next_attempt_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    subscription: Mapped[Subscription] = relationship(lazy="joined")
    notice: Mapped[Notice | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Delivery {self.id} {self.purpose} {self.state} attempts={self.attempts}>"


class ConfirmationSend(Base):
    """A confirmation request sent, kept a day to limit how many one address receives.

    Keeps a SHA-256 digest of the folded address, not the address, and is pruned after a day.
    """

    __tablename__ = "confirmation_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_digest: Mapped[str] = mapped_column(String(64), index=True)
    sent_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
