"""The fetch job: read every due source, and turn each new item into events or proposals.

For each enabled source not waiting out a back-off: read its listing with a conditional GET; for
each item not seen before (by guid or address, per source), read the article's main text and its
publication date, and skip it if the same text was read before under another guid (a re-published
item); give the text to the news reader with the publication date as its reference; store what it
reads under the provenance rules, new events published or proposed by the source's policy, trust
and the reader's confidence; keep the item and link it to its events. One transaction per item.

A source that fails (no answer, an error status, no feed, robots.txt says no) is recorded as
failing and retried after a back-off; the other sources go on. Network work happens outside any
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.errors import FetchError, InvalidInput, NoEventsFound
from calendar_service.ingest.extract import Gazetteer, extract_news, load_gazetteer
from calendar_service.ingest.sources.fetching import Fetcher, Robots, origin_of
from calendar_service.ingest.sources.parse import Entry, content_hash, read_article, read_feed, read_list
from calendar_service.models import Event, Source
from calendar_service.store import sources as store
from calendar_service.store.proposals import import_records
from calendar_service.store.provenance import Origin

__all__ = ["MAX_NEW_ITEMS", "FetchReport", "SourceReport", "fetch_sources"]

log = logging.getLogger(__name__)

#: New items read per source and run; the rest wait for the next run (a first fetch of a long feed).
MAX_NEW_ITEMS = 50


@dataclass
class SourceReport:
    name: str
    error: str | None = None
    not_modified: bool = False
    items: int = 0  #: new items kept
    created: int = 0
    updated: int = 0  #: events it changed or confirmed were changed by a later item
    proposed: int = 0
    retried: int = 0  #: items whose article could not be read now, left for the next run

    def summary(self) -> str:
        if self.error:
            return f"{self.name}: failing ({self.error})"
        if self.not_modified:
            return f"{self.name}: not modified"
        return f"{self.name}: {self.items} new items, {self.created} events created, {self.proposed} proposed" + (
            f", {self.retried} left for the next run" if self.retried else "")


@dataclass
class FetchReport:
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def is_idle(self) -> bool:
        return not any(report.items or report.error for report in self.sources)

    def summary(self) -> str:
        if not self.sources:
            return "no source due"
        failing = sum(1 for report in self.sources if report.error)
        items = sum(report.items for report in self.sources)
        created = sum(report.created for report in self.sources)
        proposed = sum(report.proposed for report in self.sources)
        return (f"{len(self.sources)} sources read, {failing} failing; {items} new items, {created} events created, "
                f"{proposed} proposed")


@dataclass(frozen=True)
class _Plan:
    """What the run needs of a source row, read in one short transaction."""

    id: int
    name: str
    kind: str
    url: str
    selector: str | None
    language: str
    trust: str
    policy: str
    etag: str | None
    last_modified: str | None
    robots: Robots | None


class _Places:
    """The reader's gazetteer, loaded on first use."""

    def __init__(self, settings: Settings, gazetteer: Gazetteer | None) -> None:
        self._settings, self._gazetteer = settings, gazetteer

    def get(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer(self._settings.data_dir)
        return self._gazetteer


def _plan(row: Source) -> _Plan:
    robots = Robots(row.robots_txt, row.robots_dt) if row.robots_txt is not None and row.robots_dt else None
    return _Plan(row.id, row.name, row.kind, row.url, row.selector, row.language, row.trust, row.policy,
                 row.etag, row.last_modified, robots)


def fetch_sources(factory: sessionmaker[Session], settings: Settings, *, now: dt.datetime,
                  fetcher: Fetcher | None = None, gazetteer: Gazetteer | None = None) -> FetchReport:
    """Read every due source once; return what each gave."""
    with transaction(factory) as session:
        plans = [_plan(row) for row in store.list_due_sources(session, now)]
    report = FetchReport()
    if not plans:
        return report
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    # Loaded when a first item is read: a run where nothing is new costs no gazetteer.
    places = _Places(settings, gazetteer)
    try:
        for plan in plans:
            report.sources.append(_fetch_one(factory, settings, plan, fetcher, places, now))
    finally:
        if own:
            fetcher.close()
    return report


def _fetch_one(factory: sessionmaker[Session], settings: Settings, plan: _Plan, fetcher: Fetcher,
               gazetteer: _Places, now: dt.datetime) -> SourceReport:
    report = SourceReport(plan.name)
    every = dt.timedelta(minutes=settings.sources_every)
    if plan.robots is not None:
        fetcher.robots.setdefault(origin_of(plan.url), plan.robots)
    try:
        if not fetcher.allowed(plan.url, now=now):
            raise FetchError(f"{plan.url}: robots.txt does not allow it")
        listing = fetcher.get(plan.url, etag=plan.etag, last_modified=plan.last_modified)
        entries: list[Entry] = []
        if listing is not None:
            if plan.kind == store.Kind.FEED:
                entries = read_feed(listing.content, listing.url, content_type=listing.content_type,
                                    timezone=settings.timezone)
            else:
                entries = read_list(listing.content, listing.url, selector=plan.selector or "a",
                                    content_type=listing.content_type)
    except (FetchError, InvalidInput) as error:
        report.error = str(error)
        log.warning("source %s failing: %s", plan.name, error)
        with transaction(factory) as session:
            row = session.get(Source, plan.id)
            if row is not None:
                store.record_failure(row, str(error), now=now, every=every)
                _keep_robots(row, fetcher, plan)
        return report
    report.not_modified = listing is None
    with transaction(factory) as session:
        row = session.get(Source, plan.id)
        known = store.known_guids(session, row, [entry.guid for entry in entries]) if row is not None else set()
    fresh = [entry for entry in entries if entry.guid[:2000] not in known][:MAX_NEW_ITEMS]
    for entry in fresh:
        if not _read_item(factory, settings, plan, entry, fetcher, gazetteer, now, report):
            report.retried += 1
    with transaction(factory) as session:
        row = session.get(Source, plan.id)
        if row is not None:
            # Validators are kept only when every item was read: else the next run must see the listing again.
            complete = listing is not None and not report.retried and len(fresh) == len(
                [entry for entry in entries if entry.guid[:2000] not in known])
            store.record_success(row, now=now, etag=listing.etag if listing and complete else None,
                                 last_modified=listing.last_modified if listing and complete else None)
            if listing is not None and not complete:
                row.etag = row.last_modified = None
            _keep_robots(row, fetcher, plan)
    return report


def _keep_robots(row: Source, fetcher: Fetcher, plan: _Plan) -> None:
    robots = fetcher.robots.get(origin_of(plan.url))
    if robots is not None:
        row.robots_txt, row.robots_dt = robots.text, robots.read_dt


def _read_item(factory: sessionmaker[Session], settings: Settings, plan: _Plan, entry: Entry, fetcher: Fetcher,
               gazetteer: _Places, now: dt.datetime, report: SourceReport) -> bool:
    """Read one new item and keep it; return False if it must be tried again on the next run."""
    text, title, published, note = entry.text, entry.title, entry.published, None
    if entry.url:
        try:
            if not fetcher.allowed(entry.url, now=now):
                note = "robots.txt does not allow reading the article"
            else:
                page = fetcher.get(entry.url)
                article = None if page is None else read_article(page.content, page.url,
                                                                 content_type=page.content_type)
                if article is not None:
                    text, title, published = article.text, entry.title or article.title, published or article.published
                elif not text:
                    note = "no article text found on the page"
        except FetchError as error:
            log.info("source %s: item %s not read now: %s", plan.name, entry.url, error)
            return False
    with transaction(factory) as session:
        row = session.get(Source, plan.id)
        if row is None:  # removed meanwhile
            return True
        keep = store.ItemFacts(entry.guid, entry.url, title, published)
        if not text or len(text.strip()) < 20:
            store.record_item(session, row, keep, content_hash=None, outcome="no-text",
                              note=note or "the item has no text", now=now)
            report.items += 1
            return True
        digest = content_hash(text)
        earlier = store.find_by_hash(session, digest)
        if earlier is not None:
            store.record_item(session, row, keep, content_hash=digest, outcome="repeat", repeat_of=earlier.id,
                              note=f"the same text as item {earlier.id} ({earlier.url or earlier.guid})", now=now)
            report.items += 1
            return True
        outcome, summary, events = _read_events(session, plan, title, text, entry.url, published, gazetteer.get(), now,
                                                settings, report)
        store.record_item(session, row, keep, content_hash=digest, outcome=outcome, note=summary, events=events,
                          now=now)
        report.items += 1
    return True


def _read_events(session: Session, plan: _Plan, title: str | None, text: str, url: str | None,
                 published: dt.date | None, gazetteer: Gazetteer, now: dt.datetime, settings: Settings,
                 report: SourceReport) -> tuple[str, str, dict[str, str]]:
    reference = published or now.astimezone(settings.timezone).date()
    body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
    try:
        extraction = extract_news(body, reference_date=reference, gazetteer=gazetteer, source_url=url,
                                  source=plan.name)
    except NoEventsFound:
        return "none", "no dated event found", {}
    except InvalidInput as error:
        return "none", f"not read: {error}", {}
    found = [event for event in extraction.events if plan.language in ("auto", event.language)]
    if not found:
        return "none", f"written in another language than {plan.language}", {}
    confidence = {event.key: event.confidence for event in found}
    at_once = [event.to_record() for event in found
               if store.is_published_at_once(plan.policy, plan.trust, event.confidence)]
    review = [event.to_record() for event in found
              if not store.is_published_at_once(plan.policy, plan.trust, event.confidence)]
    events: dict[str, str] = {}
    created = updated = proposed = 0
    for records, publish in ((at_once, True), (review, False)):
        if not records:
            continue
        outcome = import_records(session, records, now=now, origin=Origin.SOURCE, source=url or plan.name,
                                 publish=publish, confidence=confidence)
        uids = dict(session.execute(select(Event.uid, Event.key).where(Event.key.in_([r.key for r in records]))).all())
        for uid in outcome.created:
            events[uids[uid]] = "created"
        for uid in outcome.updated:
            events[uids[uid]] = "updated"
        for uid in outcome.unchanged:
            events.setdefault(uids[uid], "unchanged")
        for made in outcome.proposed:
            events.setdefault(made.event_key, "proposed")
        created, updated = created + len(outcome.created), updated + len(outcome.updated)
        proposed += len(outcome.proposed)
    for record in review:  # proposed before: still linked, so an editor sees every item that read it
        events.setdefault(record.key, "proposed")
    report.created += created
    report.updated += updated
    report.proposed += proposed
    kind = "events" if created or updated else "proposed" if proposed or review else "none"
    return kind, f"{len(found)} events read: {created} created, {updated} updated, {proposed} proposed", events
