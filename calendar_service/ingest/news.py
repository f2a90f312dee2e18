"""Ingest news text: extract its dated events and store them in one transaction, all or nothing.

The one way news enters the store: the ``import`` command and the HTTP endpoint both call
:func:`import_news`. Importing the same text again changes nothing (each event's key is its
identity, see :mod:`calendar_service.ingest.extract.events`); a newer text reporting an event with a
changed date or status updates that event, which keeps its uid and gets its sequence bumped. What
the dataset or an editor made is never overwritten: where the text reads otherwise, the import
keeps the stored value and proposes the reading to a reviewer (:mod:`calendar_service.store.proposals`);
a new event is proposed too, unless the caller publishes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.ingest.extract import ExtractedEvent, Gazetteer, extract_news
from calendar_service.store.proposals import ImportOutcome, import_records
from calendar_service.store.writer import Origin, UpsertResult

__all__ = ["NewsImport", "import_news"]


@dataclass(frozen=True)
class NewsImport:
    """What one import found and did (or, in a dry run, would have done)."""

    events: tuple[ExtractedEvent, ...]
    outcome: ImportOutcome
    encoding: str  #: what the input was read as
    dry_run: bool = False

    @property
    def result(self) -> UpsertResult:
        return self.outcome.result

    def summary(self) -> str:
        count = len(self.events)
        line = f"{count} event{'s' if count != 1 else ''}: {self.outcome.summary()}"
        if self.result.differences:
            kept = len(self.result.differences)
            line += f"; {kept} stored value{'s' if kept != 1 else ''} kept where the text reads otherwise"
        return line + (" (dry run: nothing stored)" if self.dry_run else "")


class _RollBack(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""

    def __init__(self, outcome: ImportOutcome) -> None:
        super().__init__("dry run")
        self.outcome = outcome


def import_news(
    session_factory: sessionmaker[Session],
    text_or_bytes: bytes | str,
    *,
    reference_date: dt.date,
    now: dt.datetime,
    gazetteer: Gazetteer,
    source_url: str | None = None,
    dry_run: bool = False,
    source: str | None = None,
    publish: bool = False,
) -> NewsImport:
    """Extract the events of a news text and store them in one transaction.

    A dry run does all the work, including the store's checks, then rolls back: its result says
    what an import would create, update and leave unchanged.

    Args:
        reference_date: the day the text is read (see :func:`calendar_service.ingest.extract.extract_news`).
        now: the time of the import, stamped on created and updated events.
        source: the input's name for messages ("news.txt", "<stdin>").
        publish: store new events at once instead of proposing them.

    Raises:
        InvalidInput: bad input, or an event the store refuses; nothing was stored.
        NoEventsFound: no dated event in the text; nothing was stored.
        ConfigurationError: the database cannot be used.
    """
    extraction = extract_news(
        text_or_bytes,
        reference_date=reference_date,
        gazetteer=gazetteer,
        source_url=source_url,
        source=source,
    )
    records = [event.to_record() for event in extraction.events]
    confidence = {event.key: event.confidence for event in extraction.events}
    try:
        with transaction(session_factory) as session:
            outcome = import_records(session, records, now=now, origin=Origin.IMPORT, source=source,
                                     publish=publish, confidence=confidence)
            if dry_run:
                raise _RollBack(outcome)
    except _RollBack as rolled_back:
        outcome = rolled_back.outcome
    return NewsImport(extraction.events, outcome, extraction.encoding, dry_run)
