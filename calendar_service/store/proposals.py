"""The one writer of proposals: what a machine read that people must decide on, made, accepted, rejected.

An import (news text, ``.ics``, later a watched source) writes what it may through
:func:`calendar_service.store.writer.upsert_records`; where it reads a fact that differs from a
value an editor or the dataset made, the stored value stays and the reading becomes a proposal
(event, field, stored and read value, evidence, source, the reader's confidence). So does a new
event the news reader finds, unless the caller publishes it. Wording (title, summary, evidence,
bodies, publication date) is the reader's paraphrase of what people wrote: reported by ``import``,
never proposed. A reading proposed before, still open or rejected, is not proposed again.

Accepting applies the proposals in the caller's transaction through the writer (sequence, notice,
history, revision), as the reviewer's own change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendar_service.dates import Precision
from calendar_service.errors import EditConflict, InvalidInput, NotFound, Problem
from calendar_service.models import Event, Proposal
from calendar_service.store.history import jsonable
from calendar_service.store.provenance import Difference, Origin
from calendar_service.store.records import Category, EventRecord, Status, validate_record
from calendar_service.store.writer import UpsertResult, edit_event, upsert_records

__all__ = [
    "FACTS",
    "ImportOutcome",
    "State",
    "accept_proposals",
    "import_records",
    "list_proposals",
    "reject_proposals",
]

#: The fields a reading may propose to change: when, where, what, whether. The rest is wording.
FACTS = frozenset({"start", "end", "precision", "start_time", "end_time", "timezone", "category", "status",
                   "city", "country", "countries", "anniversary", "rrule", "rdates", "exdates", "series_end"})


class State(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass
class ImportOutcome:
    """What one import wrote, and what it left to a reviewer."""

    result: UpsertResult
    proposed: list[Proposal] = field(default_factory=list)  #: made by this import
    #: Readings proposed before (still open, or rejected), not proposed again.
    known: int = 0

    @property
    def created(self) -> list[str]:
        return self.result.created

    @property
    def updated(self) -> list[str]:
        return self.result.updated

    @property
    def unchanged(self) -> list[str]:
        return self.result.unchanged

    @property
    def differences(self) -> list[Difference]:
        return self.result.differences

    def summary(self) -> str:
        line = f"{self.result.summary()}, {len(self.proposed)} proposed"
        return line + (f" ({self.known} proposed before)" if self.known else "")


def _decode(name: str, value: object) -> object:
    """Return a JSON value of record field ``name`` as the record holds it."""
    if value is None:
        return None
    if name in {"start", "end", "published", "series_end"}:
        return dt.date.fromisoformat(str(value))
    if name in {"start_time", "end_time"}:
        return dt.time.fromisoformat(str(value))
    if name in {"countries", "bodies", "rdates", "exdates"}:
        return tuple(value)  # type: ignore[arg-type]
    kinds = {"precision": Precision, "category": Category, "status": Status}
    return kinds[name](str(value)) if name in kinds else value


def _record_json(record: EventRecord) -> dict[str, object]:
    return {name: jsonable(value) for name, value in record.content().items()}


def import_records(session: Session, records: Sequence[EventRecord], *, now: dt.datetime, origin: Origin,
                   source: str | None = None, publish: bool = False,
                   confidence: Mapping[str, float | None] | None = None) -> ImportOutcome:
    """Store what records read by machine may change, and propose the rest, in the caller's transaction.

    Args:
        publish: create new events at once instead of proposing them.
        confidence: record key -> the reader's confidence in it.

    Raises:
        InvalidInput: a record is invalid; nothing was written.
    """
    problems = [problem for record in records for problem in validate_record(record, source=source)]
    if problems:
        raise InvalidInput(problems)
    now = now.replace(microsecond=0)
    keys = [record.key for record in records]
    uids: dict[str, str] = dict(session.execute(select(Event.key, Event.uid).where(Event.key.in_(keys))).all())
    new = [record for record in records if record.key not in uids]
    written = records if publish else [record for record in records if record.key in uids]
    result = upsert_records(session, written, now=now, origin=origin, source=source)
    seen = _seen(session, keys)
    outcome = ImportOutcome(result)
    by_key = {record.key: record for record in records}

    def propose(key: str, name: str | None, current: object, proposed: object, owner: str | None) -> None:
        signature = (key, name, _canonical(proposed))
        if signature in seen:
            outcome.known += 1
            return
        seen.add(signature)
        record = by_key[key]
        made = Proposal(event_key=key, event_uid=uids.get(key), field=name, current={"value": current},
                        proposed={"value": proposed}, current_origin=owner, evidence=record.evidence,
                        source=record.source_url or source, origin=origin.value,
                        confidence=(confidence or {}).get(key), state=State.OPEN.value, created_dt=now)
        session.add(made)
        outcome.proposed.append(made)

    for difference in result.differences:
        if difference.field in FACTS:
            propose(difference.key, difference.field, jsonable(difference.stored), jsonable(difference.read),
                    difference.origin)
    if not publish:
        for record in new:
            propose(record.key, None, None, _record_json(record), None)
    session.flush()
    return outcome


def _seen(session: Session, keys: Iterable[str]) -> set[tuple[str, str | None, str]]:
    """Return the readings proposed before for ``keys`` that are open or rejected (not to be proposed again)."""
    rows = session.scalars(select(Proposal).where(Proposal.event_key.in_(list(keys)),
                                                  Proposal.state.in_([State.OPEN.value, State.REJECTED.value])))
    return {(row.event_key, row.field, _canonical(row.proposed.get("value"))) for row in rows}


def _canonical(value: object) -> str:
    """A reading as its stored JSON says it, so a reading read again and one read back compare equal
    (a tuple stored comes back a list, a mapping's keys in another order)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def list_proposals(session: Session, state: State | None = State.OPEN) -> list[Proposal]:
    """Return the proposals in ``state`` (None: all), oldest first."""
    query = select(Proposal).order_by(Proposal.id)
    if state is not None:
        query = query.where(Proposal.state == state.value)
    return list(session.scalars(query))


def _open(session: Session, ids: Iterable[int]) -> list[Proposal]:
    wanted = sorted(set(ids))
    if not wanted:
        raise InvalidInput([Problem("name at least one proposal", field="ids")])
    found = {row.id: row for row in session.scalars(select(Proposal).where(Proposal.id.in_(wanted)))}
    missing = [number for number in wanted if number not in found]
    if missing:
        raise NotFound(f"no proposal {', '.join(map(str, missing))}")
    decided = [row for row in found.values() if row.state != State.OPEN.value]
    if decided:
        raise EditConflict(409, "proposal " + ", ".join(f"{row.id} was {row.state}" for row in decided)
                           + " already")
    return [found[number] for number in wanted]


def _decide(proposals: Iterable[Proposal], state: State, *, now: dt.datetime, actor: str) -> None:
    for proposal in proposals:
        proposal.state = state.value
        proposal.decided_dt = now
        proposal.decided_by = actor


def accept_proposals(session: Session, ids: Iterable[int], *, now: dt.datetime, actor: str) -> list[Proposal]:
    """Apply the open proposals ``ids`` as ``actor``'s change, all or none, and mark them accepted.

    The changes proposed for one event are applied together, so a new start and end accepted at
    once are checked as a pair. A new event is created with the reviewer as its editor.

    Raises:
        NotFound: a proposal or its event does not exist.
        EditConflict: a proposal was decided already (409).
        InvalidInput: the event would be invalid after the change.
    """
    now = now.replace(microsecond=0)
    proposals = _open(session, ids)
    changes: dict[str, dict[str, object]] = defaultdict(dict)
    for proposal in proposals:
        if proposal.field is None:
            values = {name: _decode(name, value) for name, value in proposal.proposed["value"].items()}
            record = EventRecord(key=proposal.event_key, **values)  # type: ignore[arg-type]
            if session.scalar(select(Event.id).where(Event.key == record.key)) is not None:
                raise InvalidInput([Problem(f"proposal {proposal.id}: the event exists already", field="ids")])
            result = upsert_records(session, [record], now=now, origin=Origin.EDITOR, actor=actor)
            proposal.event_uid = result.created[0]
        else:
            if proposal.event_uid is None:  # pragma: no cover - field proposals always name their event
                raise NotFound(f"proposal {proposal.id} names no event")
            changes[proposal.event_uid][proposal.field] = _decode(proposal.field, proposal.proposed["value"])
    for uid, fields in changes.items():
        edit_event(session, uid, fields, now=now, actor=actor)
    _decide(proposals, State.ACCEPTED, now=now, actor=actor)
    session.flush()
    return proposals


def reject_proposals(session: Session, ids: Iterable[int], *, now: dt.datetime, actor: str) -> list[Proposal]:
    """Mark the open proposals ``ids`` rejected: the same reading is not proposed again."""
    proposals = _open(session, ids)
    _decide(proposals, State.REJECTED, now=now.replace(microsecond=0), actor=actor)
    session.flush()
    return proposals
