"""SQLAlchemy models, one aggregate per module; :class:`Base` carries the shared metadata."""

from __future__ import annotations

from .base import Base
from .calendar_block import CalendarBlock
from .event import Event
from .job_run import JobRun
from .notice import Notice, NoticeKind
from .state import StoreState

__all__ = ["Base", "CalendarBlock", "Event", "JobRun", "Notice", "NoticeKind", "StoreState"]
