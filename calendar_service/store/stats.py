"""Counts of events per decade and per category, of a dataset's records or of the store."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendar_service.models import Event
from calendar_service.store.records import Category

__all__ = ["DecadeCounts", "list_starts_and_categories", "tally"]


@dataclass(frozen=True)
class DecadeCounts:
    """How many events start in each decade, per category."""

    decades: tuple[int, ...]  #: first years of the decades that have events, ascending
    cells: dict[tuple[int, str], int]  #: (decade, category) -> count

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(category.value for category in Category)

    def count(self, decade: int, category: str) -> int:
        return self.cells.get((decade, category), 0)

    def decade_total(self, decade: int) -> int:
        return sum(self.count(decade, category) for category in self.categories)

    def category_total(self, category: str) -> int:
        return sum(self.count(decade, category) for decade in self.decades)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def tally(starts_and_categories: Iterable[tuple[dt.date, str]]) -> DecadeCounts:
    """Count events by the decade of their start and by category."""
    cells: Counter[tuple[int, str]] = Counter()
    for start, category in starts_and_categories:
        cells[(start.year // 10 * 10, str(category))] += 1
    return DecadeCounts(decades=tuple(sorted({decade for decade, _ in cells})), cells=dict(cells))


def list_starts_and_categories(session: Session) -> list[tuple[dt.date, str]]:
    """Return the start date and category of every stored event."""
    return [(start, category) for start, category in session.execute(select(Event.start_date, Event.category))]
