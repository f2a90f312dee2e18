"""SQLAlchemy models, one aggregate per module; :class:`Base` carries the shared metadata."""

from __future__ import annotations

from calendar_service.models.base import Base
from calendar_service.models.calendar_block import CalendarBlock
from calendar_service.models.change import EventChange
from calendar_service.models.event import Event
from calendar_service.models.job_run import JobRun
from calendar_service.models.notice import Notice, NoticeKind
from calendar_service.models.proposal import Proposal
from calendar_service.models.source import Source, SourceItem, SourceItemEvent
from calendar_service.models.state import StoreState
from calendar_service.models.subscription import (
    ConfirmationSend,
    Delivery,
    DeliveryState,
    Subscription,
    SubscriptionState,
)
from calendar_service.models.token import ApiToken

__all__ = ["ApiToken", "Base", "CalendarBlock", "ConfirmationSend", "Delivery", "DeliveryState", "Event", "EventChange",
           "JobRun", "Notice", "NoticeKind", "Proposal", "Source", "SourceItem", "SourceItemEvent", "StoreState",
           "Subscription", "SubscriptionState"]
