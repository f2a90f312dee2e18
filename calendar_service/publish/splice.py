"""Splice changed entries into a published calendar: the bytes of a whole render, at the cost of the change.

A build that knows which events changed since the calendar was published (see
:mod:`calendar_service.publish.build`) hands :class:`Splice` the calendar's previous object, its
:class:`~calendar_service.publish.entryindex.EntryIndex`, the uids whose entries go and the
entries that come. The new document is the old one with those entries cut out and the new blocks
placed in order: the unchanged ranges are copied by the kernel (:func:`os.copy_file_range`), never
through Python strings, and of the gzip twin only the segments the change touches are compressed
again; the others are copied as they are, and the CRC-32 of the whole is combined from the
segments'. The SHA-256 is taken over the new document as it is put together (the unchanged
ranges read from the old object a block at a time).

Whenever the splice cannot be shown to give what a whole render gives, it renders the whole
document instead (:class:`~calendar_service.publish.entryindex.IndexedRender`): an entry that is
part of a series, a time zone whose VTIMEZONE would change, an anniversary sharing the new
entry's days, a calendar left empty.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from calendar_service.publish.entryindex import (
    SERIES,
    EntryIndex,
    IndexedDocument,
    IndexedRender,
    Uids,
    ends_segment,
    spans_attained,
    zone_last,
)
from calendar_service.publish.gzipseg import Previous, SegmentWriter, read_range

__all__ = ["NewEntry", "Splice"]


@dataclass(frozen=True)
class NewEntry:
    """An entry to place: its uid, sort key (start and end as ordinals), block and time zone."""

    uid: str
    start: int
    end: int
    block: bytes
    zone: tuple[str, int] | None
    flags: int = 0


class _Unproven(Exception):
    """The splice cannot be shown to equal a whole render: render the whole document."""


class Splice(IndexedDocument):
    """A calendar made from its previous object by cutting out entries and placing new ones.

    ``order`` sorts uids as the store orders them (its collation), for entries sharing both days;
    ``fallback`` renders the document whole when the splice cannot be proven right.
    """

    def __init__(self, old_plain: Path, old_packed: Path, index: EntryIndex, *, basis: str, removed: set[str],
                 added: Sequence[NewEntry], order: Callable[[list[str]], list[str]],
                 fallback: IndexedRender) -> None:
        self.old_plain = old_plain
        self.old_packed = old_packed
        self.old = index
        self.basis = basis
        self.removed = removed
        self.added = added
        self.order = order
        self.fallback = fallback
        self.spliced = False  #: whether the last write spliced (or rendered whole)

    def write(self, plain: IO[bytes], packed: IO[bytes]) -> tuple[str, int, int]:
        """Write the new document and its twin; return its SHA-256, size and the twin's size."""
        try:
            new, origins, gone, added = self._edit()
        except _Unproven:
            self.spliced = False
            result = self.fallback.write(plain, packed)
            self.index = self.fallback.index
            return result
        self.spliced = True
        self.index = new
        return _Writer(self.old_plain, self.old_packed, self.old, new, origins, gone, added,
                       {entry.uid: entry.block for entry in self.added}).write(plain, packed)

    def _edit(self) -> tuple[EntryIndex, list[int], list[int], list[int]]:
        """Return the new index (its segment table still to fill); per entry, its old position or -1;
        the old positions cut out and the new positions placed, both in order."""
        old = self.old
        if not old.uids or old.basis != self.basis or self.removed.intersection(old.founding):
            raise _Unproven
        uids = list(old.uids.as_list())
        new = EntryIndex(basis=self.basis, head=old.head, tail=old.tail, zone_names=list(old.zone_names),
                         spans=old.spans, founding=old.founding, starts=array("i", old.starts),
                         ends=array("i", old.ends), lengths=array("i", old.lengths), zones=array("h", old.zones),
                         zone_lasts=array("i", old.zone_lasts), flags=array("b", old.flags))
        origins = list(range(len(old.uids)))
        columns: tuple[Any, ...] = (uids, new.starts, new.ends, new.lengths, new.zones, new.zone_lasts, new.flags,
                                    origins)
        rescan: set[int] = set()  # zones whose span an entry cut out may have set
        gone = sorted(old.uids.positions(self.removed | {entry.uid for entry in self.added}).values())
        for position in reversed(gone):
            if old.flags[position] & SERIES:
                raise _Unproven
            zone = old.zones[position]
            if zone >= 0:
                span = old.spans[old.zone_names[zone]]
                if (dt.date.fromordinal(old.starts[position]).year <= span[0]
                        or old.zone_lasts[position] & 0xFFFF >= span[1]):
                    rescan.add(zone)
            for column in columns:
                del column[position]
        added: list[int] = []
        for entry in self.added:
            if entry.flags & SERIES:
                raise _Unproven
            position = self._place(new, uids, entry)
            zone = -1
            if entry.zone is not None:
                covered = old.spans.get(entry.zone[0])
                if covered is None or not (covered[0] <= dt.date.fromordinal(entry.start).year <= entry.zone[1]
                                           <= covered[1]):
                    raise _Unproven  # the document's VTIMEZONEs do not cover it
                zone = new.zone_names.index(entry.zone[0])
            values: tuple[Any, ...] = (entry.uid, entry.start, entry.end, len(entry.block), zone,
                                       zone_last(zone, entry.zone[1]) if entry.zone else 0, entry.flags, -1)
            for column, value in zip(columns, values, strict=True):
                column.insert(position, value)
            added = [later + 1 if later >= position else later for later in added]
            bisect.insort(added, position)
        if not uids:
            raise _Unproven  # an empty calendar carries its own zone instead
        new.uids = Uids.from_list(uids)
        if not all(spans_attained(new, zone) for zone in rescan):
            raise _Unproven  # the VTIMEZONE would cover fewer years
        return new, origins, gone, added

    def _place(self, new: EntryIndex, uids: list[str], entry: NewEntry) -> int:
        """Return where ``entry`` goes: by start, end, then uid in the store's order."""
        low = bisect.bisect_left(new.starts, entry.start)
        high = bisect.bisect_right(new.starts, entry.start, lo=low)
        low = low + bisect.bisect_left(new.ends[low:high], entry.end)
        high = low + bisect.bisect_right(new.ends[low:high], entry.end)
        group = uids[low:high]
        if not group:
            return low
        if any(uid.startswith("anniversary-") for uid in group):
            raise _Unproven  # anniversaries are placed among events by the renderer's own bisection
        ordered = self.order([*group, entry.uid])
        if [uid for uid in ordered if uid != entry.uid] != group:
            raise _Unproven
        return low + ordered.index(entry.uid)


def _segment_ends(new: EntryIndex, old: EntryIndex, gone: list[int], added: list[int]) -> list[int]:
    """Return the last entry of each new segment: after each entry ending one, and the last entry.

    An old entry ends a segment where it did (the old last entry only if its uid says so); its new
    place is its rank among the old entries kept plus the new entries placed before it, each of
    which sits after as many kept entries as its ``anchor`` says.
    """
    old_ends = [end - 1 for end in itertools.accumulate(old.segment_entries[1:-1])]
    if old_ends and not ends_segment(old.uids[-1]):
        old_ends.pop()
    removed = set(gone)
    anchors = [position - rank for rank, position in enumerate(added)]
    ends = set()
    for end in old_ends:
        if end not in removed:
            rank = end - bisect.bisect_left(gone, end)
            ends.add(rank + bisect.bisect_right(anchors, rank))
    ends.update(position for position in added if ends_segment(new.uids[position]))
    ends.add(len(new.uids) - 1)
    return sorted(ends)


class _Writer:
    """Put the new document and its twin together from the old objects and the new blocks."""

    def __init__(self, old_plain: Path, old_packed: Path, old: EntryIndex, new: EntryIndex, origins: list[int],
                 gone: list[int], added: list[int], blocks: dict[str, bytes]) -> None:
        self.old_plain, self.old_packed = old_plain, old_packed
        self.old, self.new, self.origins, self.blocks = old, new, origins, blocks
        self.gone, self.added = gone, added

    def write(self, plain: IO[bytes], packed: IO[bytes]) -> tuple[str, int, int]:
        old, new, origins = self.old, self.new, self.origins
        uids = new.uids.as_list()
        entry_offsets = list(itertools.accumulate(old.lengths, initial=old.head))
        old_starts = {start: segment for segment, start in
                      enumerate(itertools.accumulate(old.segment_entries[1:-1], initial=0), start=1)}
        with self.old_plain.open("rb") as source, self.old_packed.open("rb") as packed_source:
            previous = Previous(source.fileno(), packed_source.fileno(), old.segment_entries, old.segment_plain,
                                old.segment_packed, old.segment_crcs)
            writer = SegmentWriter(plain, packed)
            writer.reuse(previous, 0)  # the header and VTIMEZONEs
            first = 0
            for last in _segment_ends(new, old, self.gone, self.added):
                count = last - first + 1
                start = origins[first]
                segment = old_starts.get(start, 0) if start >= 0 else 0
                if (segment and old.segment_entries[segment] == count and origins[last] == start + count - 1
                        and bisect.bisect_left(self.added, first) == bisect.bisect_right(self.added, last)):
                    writer.reuse(previous, segment)
                else:
                    writer.segment(b"".join(self.blocks[uids[position]] if origins[position] < 0 else
                                            read_range(source.fileno(), entry_offsets[origins[position]],
                                                       entry_offsets[origins[position] + 1]
                                                       - entry_offsets[origins[position]])
                                            for position in range(first, last + 1)), count)
                first = last + 1
            writer.reuse(previous, len(old.segment_entries) - 1)  # the end
            result = writer.finish()
        new.set_segments(writer)
        return result
