"""The cache of rendered calendar entries: one table of VEVENT blocks per rendering variant.

A variant is what changes a block besides its event: the base URL, the subscriber's options
(alarms, language, approximate dates) and the anniversary reminders. Within a variant a block is
keyed by its entry's uid and sequence, so a changed event never matches its old block.

Kept because it pays (``benchmarks/bench_render.py``, with the events streamed from the store):
the published calendars share most of their entries (the main one, the shortcuts, one per
country), so rendering all of them cold takes 8.98 s with one cache against 22.55 s without at
20,000 events (62.39 s against 116.60 s at 100,000, load 6-7), and a build after one edit renders
one entry instead of every one. Its cost is the blocks of one variant in memory, about the
size of the main calendar, and never more than its bound in bytes.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Hashable, Iterable

__all__ = ["DEFAULT_MAX_BYTES", "BlockCache"]

#: Enough for the main calendar's blocks of a store of about 100,000 events.
DEFAULT_MAX_BYTES = 160 * 1024 * 1024
#: What a kept block costs besides its bytes and its key: the table's slot for it.
_SLOT = 64


def _cost(key: tuple[str, int], block: bytes) -> int:
    return sys.getsizeof(block) + sys.getsizeof(key) + sys.getsizeof(key[0]) + _SLOT


class BlockCache:
    """Rendered entry blocks, one table per rendering variant, keyed by (uid, sequence).

    A changed event gets a new sequence, so a stale block is never used, and the block it replaces
    is dropped. Bounded in bytes (blocks, keys and the tables' slots) and in tables: past either
    bound the least recently used tables are dropped, and a block that would not fit even then is
    not kept, so subscribers' many option combinations and a large store cannot exhaust memory.

    A table seen for the first time is filled from :attr:`source` when one is set (the blocks
    kept in the store); blocks rendered since the last :meth:`take_fresh` are kept apart, so the
    caller can write them back.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_variants: int = 16) -> None:
        self.max_bytes = max_bytes  #: across all tables; the least recently used tables go first
        self.max_variants = max_variants
        self._tables: dict[Hashable, dict[tuple[str, int], bytes]] = {}
        self._sizes: dict[Hashable, int] = {}
        self._nbytes = 0
        self._fresh: dict[str, dict[tuple[str, int], bytes]] = {}
        #: Yields the stored blocks of a variant id as (key, block); set by the caller around a render.
        self.source: Callable[[str], Iterable[tuple[tuple[str, int], bytes]]] | None = None
        self._fresh_bytes = 0
        self.hits = 0
        self.misses = 0

    @staticmethod
    def variant_id(variant: Hashable) -> str:
        """Return a stable digest of a variant (its repr is made of frozen values only)."""
        return hashlib.sha256(repr(variant).encode()).hexdigest()[:32]

    def blocks(self, variant: Hashable) -> dict[tuple[str, int], bytes]:
        """Return the table of blocks rendered under ``variant`` (base URL, options, alarms)."""
        table = self._tables.pop(variant, None)
        size = self._sizes.pop(variant, 0)
        self._nbytes -= size
        if table is None:
            self._make_room(0, self.max_variants - 1)
            table, size = self._stored(variant)
        self._make_room(size, self.max_variants - 1)
        self._tables[variant] = table  # most recently used last
        self._sizes[variant] = size
        self._nbytes += size
        return table

    def _stored(self, variant: Hashable) -> tuple[dict[tuple[str, int], bytes], int]:
        """Return the stored blocks of ``variant`` that fit beside the other tables, and their cost."""
        table: dict[tuple[str, int], bytes] = {}
        size = 0
        room = self.max_bytes - self._nbytes
        for key, block in self.source(self.variant_id(variant)) if self.source is not None else ():
            cost = _cost(key, block)
            if size + cost > room:
                break
            table[key] = block
            size += cost
        return table, size

    def add(self, variant: Hashable, table: dict[tuple[str, int], bytes], key: tuple[str, int], block: bytes) -> None:
        """Keep a newly rendered block if it fits, and drop the block of the same entry it replaces."""
        cost = _cost(key, block)
        if self._fresh_bytes + cost <= self.max_bytes:  # fresh blocks past the bound are simply not stored
            self._fresh.setdefault(self.variant_id(variant), {})[key] = block
            self._fresh_bytes += cost
        if self._tables.get(variant) is not table:
            return  # the table was dropped meanwhile
        replaced = (key[0], key[1] - 1)
        if replaced in table:
            freed = _cost(replaced, table.pop(replaced))
            self._sizes[variant] -= freed
            self._nbytes -= freed
        if self._nbytes + cost > self.max_bytes:
            self._make_room(cost, len(self._tables), keep=variant)
            if self._nbytes + cost > self.max_bytes:
                return
        table[key] = block
        self._sizes[variant] += cost
        self._nbytes += cost

    def _make_room(self, size: int, tables: int, keep: Hashable | None = None) -> None:
        """Drop the least recently used tables (but ``keep``) until ``size`` more bytes and ``tables`` fit."""
        for variant in [variant for variant in self._tables if variant != keep]:
            if len(self._tables) <= tables and self._nbytes + size <= self.max_bytes:
                return
            del self._tables[variant]
            self._nbytes -= self._sizes.pop(variant)

    def take_fresh(self) -> dict[str, dict[tuple[str, int], bytes]]:
        """Return the blocks rendered since the last call, by variant id, and forget them."""
        fresh, self._fresh, self._fresh_bytes = self._fresh, {}, 0
        return fresh

    def record(self, hits: int, misses: int) -> None:
        self.hits += hits
        self.misses += misses

    @property
    def nbytes(self) -> int:
        """Bytes the kept blocks take (blocks, keys and slots)."""
        return self._nbytes

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())
