"""Rendered calendar blocks kept in the store: read when a process first renders a variant, written
after a build, so a restarted scheduler or a new web worker renders by concatenation too.

The blocks are derived data (the events are the truth): a missing or stale block is simply
rendered again, and a block is only ever matched by its entry's uid *and* sequence.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from calendar_service.models import CalendarBlock

__all__ = ["load_blocks", "save_blocks"]

_BATCH = 2000


def load_blocks(session: Session, variant: str) -> dict[tuple[str, int], bytes]:
    """Return the stored blocks of one rendering variant, by (uid, sequence)."""
    table = CalendarBlock.__table__
    query = select(table.c.uid, table.c.sequence, table.c.block).where(table.c.variant == variant)
    return {(uid, sequence): bytes(block) for uid, sequence, block in session.connection().execute(query)}


def save_blocks(session: Session, fresh: Mapping[str, Mapping[tuple[str, int], bytes]]) -> int:
    """Store newly rendered blocks and drop the ones they replace; return how many were stored.

    Another process may have stored the same block meanwhile: that one is kept (it is identical).
    """
    table = CalendarBlock.__table__
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stored = 0
    for variant, blocks in sorted(fresh.items()):
        rows = [{"variant": variant, "uid": uid, "sequence": sequence, "block": block}
                for (uid, sequence), block in sorted(blocks.items())]
        replaced = [(row["uid"], row["sequence"]) for row in rows if row["sequence"] > 0]
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
        for start in range(0, len(rows), _BATCH):
            session.execute(module.insert(table).on_conflict_do_nothing(), rows[start:start + _BATCH])
        stored += len(rows)
    return stored
