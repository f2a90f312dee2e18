"""Rendered calendar blocks kept in the store: read when a process first renders a variant, written
after a build, so a restarted scheduler or a new web worker renders by concatenation too.

The blocks are derived data (the events are the truth): a missing or stale block is simply
rendered again, and a block is only ever matched by its entry's uid *and* sequence.

Kept because it pays (``benchmarks/bench_ical.py``, 20,000 events, load 4.7): a process that
starts with an empty memory renders the main calendar from stored blocks in 1.05 s against
5.07 s cold, with the events streamed from the store; writing the blocks of a cold build back
costs 1.14 s (docs/benchmarks.md, "iCalendar rendering"). A process reads only as many stored
blocks as its in-memory cache's bound holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sqlalchemy import Executable, Table, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from calendar_service.models import CalendarBlock

__all__ = ["load_blocks", "save_blocks"]

_BATCH = 2000
#: The table itself: blocks are read and written in bulk, past the ORM's identity map.
_TABLE: Table = CalendarBlock.metadata.tables[CalendarBlock.__tablename__]


def load_blocks(session: Session, variant: str) -> Iterator[tuple[tuple[str, int], bytes]]:
    """Yield the stored blocks of one rendering variant as ((uid, sequence), block), read a batch at a time."""
    table = _TABLE
    query = select(table.c.uid, table.c.sequence, table.c.block).where(table.c.variant == variant)
    connection = session.connection().execution_options(stream_results=True, yield_per=_BATCH)
    with connection.execute(query) as result:
        for uid, sequence, block in result:
            yield (uid, sequence), bytes(block)


def save_blocks(session: Session, fresh: Mapping[str, Mapping[tuple[str, int], bytes]]) -> int:
    """Store newly rendered blocks and drop the ones they replace; return how many were stored.

    Another process may have stored the same block meanwhile: that one is kept (it is identical).
    """
    table = _TABLE
    insert = _insert_new(session.get_bind().dialect.name)
    stored = 0
    for variant, blocks in sorted(fresh.items()):
        keys = sorted(blocks)
        replaced = [(uid, sequence) for uid, sequence in keys if sequence > 0]
        for start in range(0, len(replaced), _BATCH):
            batch = replaced[start:start + _BATCH]
            uids = [uid for uid, _ in batch]
            current = dict(batch)
            old = session.execute(select(table.c.uid, table.c.sequence).where(
                table.c.variant == variant, table.c.uid.in_(uids))).all()
            stale = [(uid, sequence) for uid, sequence in old if sequence < current[uid]]
            if stale:
                session.execute(delete(table).where(table.c.variant == variant,
                                                    tuple_(table.c.uid, table.c.sequence).in_(stale)))
        # The rows of one batch at a time: after a cold build there is one per entry of every calendar.
        for start in range(0, len(keys), _BATCH):
            session.execute(insert, [{"variant": variant, "uid": uid, "sequence": sequence,
                                      "block": blocks[uid, sequence]} for uid, sequence in keys[start:start + _BATCH]])
        stored += len(keys)
    return stored


def _insert_new(dialect: str) -> Executable:
    """Return an INSERT of blocks that leaves a block already stored as it is."""
    if dialect == "postgresql":
        return postgresql.insert(_TABLE).on_conflict_do_nothing()
    return sqlite.insert(_TABLE).on_conflict_do_nothing()
