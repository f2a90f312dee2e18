"""The one writer of watched sources and of the items read from them; and the publish-or-review rule.

A source is added, changed and removed here; each fetch records its outcome here (validators for
the next conditional GET, failures in a row, the back-off); each item read is kept with what it
gave, linked to its events by their natural key, so a proposed event is linked before it exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from calendar_service.errors import InvalidInput, NotFound, Problem
from calendar_service.models import Source, SourceItem, SourceItemEvent

__all__ = [
    "BACKOFF_LIMIT",
    "ItemFacts",
    "Kind",
    "Policy",
    "SourceSpec",
    "Trust",
    "add_source",
    "find_by_hash",
    "get_source",
    "is_published_at_once",
    "known_guids",
    "list_due_sources",
    "list_items_of_event",
    "list_sources",
    "record_failure",
    "record_item",
    "record_success",
    "remove_source",
]


class Kind(StrEnum):
    FEED = "feed"  #: RSS 2.0 or Atom
    HTML = "html"  #: a news-list page; ``selector`` finds its article links


class Trust(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Policy(StrEnum):
    PUBLISH = "publish"
    REVIEW = "review"


#: The reader's confidence a new event needs to be published at once, by the source's trust; a
#: source of low trust never publishes by itself.
_PUBLISH_FROM = {Trust.HIGH: 0.6, Trust.NORMAL: 0.8}
#: A failing source waits ``SOURCES_EVERY × 2^(failures-1)`` before its next try, at most this long.
BACKOFF_LIMIT = dt.timedelta(hours=24)
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
LANGUAGES = ("auto", "en", "ru")


def is_published_at_once(policy: str, trust: str, confidence: float | None) -> bool:
    """Tell whether a new event read from a source is published at once (else it is proposed)."""
    if policy != Policy.PUBLISH or confidence is None:
        return False
    threshold = _PUBLISH_FROM.get(Trust(trust))
    return threshold is not None and confidence >= threshold


@dataclass(frozen=True)
class SourceSpec:
    """A source as people describe it (``sources add``, the API, ``sources.yaml``)."""

    name: str
    url: str
    kind: str = Kind.FEED.value
    selector: str | None = None
    language: str = "auto"
    trust: str = Trust.NORMAL.value
    policy: str = Policy.REVIEW.value
    enabled: bool = True

    def problems(self) -> list[Problem]:
        found = []
        if not _NAME.fullmatch(self.name):
            found.append(Problem("must be 1 to 64 lower-case letters, digits, '.', '_' or '-'", field="name",
                                 record=self.name))
        choices = {"kind": (self.kind, tuple(Kind)), "language": (self.language, LANGUAGES),
                   "trust": (self.trust, tuple(Trust)), "policy": (self.policy, tuple(Policy))}
        for field, (value, allowed) in choices.items():
            if value not in allowed:
                found.append(Problem(f"must be one of {', '.join(allowed)}, not {value!r}", field=field,
                                     record=self.name))
        if self.kind == Kind.HTML and not (self.selector or "").strip():
            found.append(Problem("an html source needs the CSS selector of its article links", field="selector",
                                 record=self.name))
        elif self.selector:
            from cssselect import GenericTranslator, SelectorError  # for a source's check only, not in the web

            try:
                GenericTranslator().css_to_xpath(self.selector)
            except SelectorError as error:
                found.append(Problem(f"not a usable CSS selector: {error}", field="selector", record=self.name))
        if len(self.url) > 2000 or len(self.selector or "") > 500:
            found.append(Problem("too long (url: 2,000 characters, selector: 500)", record=self.name))
        return found


def add_source(session: Session, spec: SourceSpec, *, now: dt.datetime, replace: bool = False) -> Source:
    """Add a source (``replace``: or change the one of that name), after the caller checked its address.

    Raises:
        InvalidInput: a field is invalid, or the name is taken and ``replace`` is false.
    """
    problems = spec.problems()
    if problems:
        raise InvalidInput(problems)
    row = session.scalar(select(Source).where(Source.name == spec.name))
    if row is not None and not replace:
        raise InvalidInput([Problem("a source of that name exists already", field="name", record=spec.name)])
    if row is None:
        row = Source(name=spec.name, created_dt=now, failures=0)
        session.add(row)
    if row.url != spec.url:
        row.etag = row.last_modified = row.robots_txt = None
        row.robots_dt = None
    row.url, row.kind, row.selector = spec.url, spec.kind, (spec.selector or None)
    row.language, row.trust, row.policy, row.is_enabled = spec.language, spec.trust, spec.policy, spec.enabled
    session.flush()
    return row


def get_source(session: Session, name: str) -> Source:
    row = session.scalar(select(Source).where(Source.name == name))
    if row is None:
        raise NotFound(f"no source {name!r}")
    return row


def remove_source(session: Session, name: str) -> None:
    """Remove a source; the items read from it stay, with its name, for the events they gave."""
    row = get_source(session, name)
    session.execute(update(SourceItem).where(SourceItem.source_id == row.id).values(source_id=None))
    session.delete(row)
    session.flush()


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.name)))


def list_due_sources(session: Session, now: dt.datetime) -> list[Source]:
    """Return the enabled sources to fetch now: all but the failing ones still waiting out their back-off."""
    return [row for row in list_sources(session) if row.is_enabled and (row.retry_dt is None or row.retry_dt <= now)]


def record_success(source: Source, *, now: dt.datetime, etag: str | None, last_modified: str | None) -> None:
    source.last_fetch_dt = source.last_success_dt = now
    source.failures, source.last_error, source.retry_dt = 0, None, None
    if etag is not None or last_modified is not None:
        source.etag, source.last_modified = etag, last_modified


def record_failure(source: Source, error: str, *, now: dt.datetime, every: dt.timedelta) -> None:
    """Count a failure and set the source's next try: the interval, doubled for each failure in a row."""
    source.last_fetch_dt = now
    source.failures += 1
    source.last_error = error[:2000]
    source.retry_dt = now + min(every * 2 ** (source.failures - 1), BACKOFF_LIMIT)


@dataclass(frozen=True)
class ItemFacts:
    """What identifies an item and what the source says of it."""

    guid: str
    url: str | None
    title: str | None
    published: dt.date | None


def record_item(session: Session, source: Source, facts: ItemFacts, *, content_hash: str | None, outcome: str,
                note: str | None, now: dt.datetime, repeat_of: int | None = None,
                events: Mapping[str, str] | None = None) -> SourceItem:
    """Keep an item read from ``source`` and link it to the events it gave (key -> action)."""
    item = SourceItem(source_id=source.id, source_name=source.name, guid=facts.guid[:2000], url=facts.url,
                      title=(facts.title or "")[:500] or None, published_date=facts.published,
                      content_hash=content_hash,
                      outcome=outcome, note=note, repeat_of=repeat_of, fetched_dt=now)
    session.add(item)
    session.flush()
    for key, action in (events or {}).items():
        session.add(SourceItemEvent(item_id=item.id, event_key=key, action=action))
    return item


def known_guids(session: Session, source: Source, guids: Iterable[str]) -> set[str]:
    wanted = [guid[:2000] for guid in guids]
    rows = session.scalars(select(SourceItem.guid).where(SourceItem.source_id == source.id,
                                                         SourceItem.guid.in_(wanted)))
    return set(rows)


def find_by_hash(session: Session, content_hash: str) -> SourceItem | None:
    """Return the first item read with this text, from any source."""
    return session.scalars(select(SourceItem).where(SourceItem.content_hash == content_hash)
                           .order_by(SourceItem.id).limit(1)).first()


def list_items_of_event(session: Session, key: str) -> list[tuple[SourceItem, str]]:
    """Return the items an event (by its natural key) came from, with what each did, oldest first."""
    rows = session.execute(select(SourceItem, SourceItemEvent.action)
                           .join(SourceItemEvent, SourceItemEvent.item_id == SourceItem.id)
                           .where(SourceItemEvent.event_key == key).order_by(SourceItem.id))
    return [(item, action) for item, action in rows]

