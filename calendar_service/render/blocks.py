"""The cache of rendered calendar entries: one table of VEVENT blocks per rendering variant.

A variant is what changes a block besides its event: the base URL, the subscriber's options
(alarms, language, approximate dates) and the anniversary reminders. Within a variant a block is
keyed by its entry's uid and sequence, so a changed event never matches its old block.

Kept because it pays (``benchmarks/bench_render.py``, 20,000 events): the published calendars
share most of their entries (the main one, the shortcuts, one per country), so rendering all of
them cold takes half the time with one cache (11.5 s against 22.7 s), and a build after one edit
renders one entry instead of every one. Its cost is the blocks of one variant in memory, about the
size of the main calendar.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

__all__ = ["BlockCache"]


class BlockCache:
    """Rendered entry blocks, one table per rendering variant, keyed by (uid, sequence).

    A changed event gets a new sequence, so a stale block is never used, and the block it replaces
    is dropped. Whole tables are dropped, least recently used first, past ``max_variants`` tables
    or ``max_blocks`` blocks in all, so subscribers' many option combinations cannot exhaust memory.

    A table seen for the first time is filled from :attr:`source` when one is set (the blocks
    kept in the store); blocks rendered since the last :meth:`take_fresh` are kept apart, so the
    caller can write them back.
    """

    def __init__(self, max_variants: int = 16, max_blocks: int = 300_000) -> None:
        self.max_variants = max_variants
        self.max_blocks = max_blocks  #: across all tables; the least recently used tables go first
        self._tables: dict[Hashable, dict[tuple[str, int], bytes]] = {}
        self._fresh: dict[str, dict[tuple[str, int], bytes]] = {}
        #: Returns the stored blocks of a variant id; set by the caller around a render.
        self.source: Callable[[str], dict[tuple[str, int], bytes]] | None = None
        self.hits = 0
        self.misses = 0

    @staticmethod
    def variant_id(variant: Hashable) -> str:
        """Return a stable digest of a variant (its repr is made of frozen values only)."""
        return hashlib.sha256(repr(variant).encode()).hexdigest()[:32]

    def blocks(self, variant: Hashable) -> dict[tuple[str, int], bytes]:
        """Return the table of blocks rendered under ``variant`` (base URL, options, alarms)."""
        table = self._tables.pop(variant, None)
        if table is None or len(table) > self.max_blocks:
            table = dict(self.source(self.variant_id(variant))) if self.source is not None else {}
        while self._tables and (len(self._tables) >= self.max_variants or len(self) + len(table) > self.max_blocks):
            del self._tables[next(iter(self._tables))]
        self._tables[variant] = table  # most recently used last
        return table

    def add(self, variant: Hashable, table: dict[tuple[str, int], bytes], key: tuple[str, int], block: bytes) -> None:
        """Keep a newly rendered block, and drop the block of the same entry it replaces."""
        table[key] = block
        table.pop((key[0], key[1] - 1), None)
        self._fresh.setdefault(self.variant_id(variant), {})[key] = block

    def take_fresh(self) -> dict[str, dict[tuple[str, int], bytes]]:
        """Return the blocks rendered since the last call, by variant id, and forget them."""
        fresh, self._fresh = self._fresh, {}
        return fresh

    def record(self, hits: int, misses: int) -> None:
        self.hits += hits
        self.misses += misses

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())
