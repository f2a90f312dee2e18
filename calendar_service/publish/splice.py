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
import errno
import hashlib
import itertools
import os
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from calendar_service.publish.entryindex import (
    SERIES,
    EntryIndex,
    IndexedRender,
    ends_segment,
    spans_attained,
    zone_last,
)
from calendar_service.publish.gzipseg import HEADER, combine_all, compress_segment, trailer

__all__ = ["NewEntry", "Splice"]

#: Bytes of the previous object read at once to hash them.
_HASHED = 1 << 20


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


class Splice:
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
        self.index: EntryIndex | None = None
        self.spliced = False  #: whether the last write spliced (or rendered whole)

    def sidecar(self) -> bytes | None:
        """Return the index of the document last written."""
        return self.index.to_bytes() if self.index is not None else None

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
        new = EntryIndex(basis=self.basis, head=old.head, tail=old.tail, zone_names=list(old.zone_names),
                         spans=old.spans, founding=old.founding, uids=list(old.uids), starts=array("i", old.starts),
                         ends=array("i", old.ends), lengths=array("i", old.lengths), zones=array("h", old.zones),
                         zone_lasts=array("i", old.zone_lasts), flags=array("b", old.flags))
        origins = list(range(len(old.uids)))
        columns: tuple[Any, ...] = (new.uids, new.starts, new.ends, new.lengths, new.zones, new.zone_lasts, new.flags,
                                    origins)
        rescan: set[int] = set()  # zones whose span an entry cut out may have set
        gone = sorted(position for uid in self.removed | {entry.uid for entry in self.added}
                      if (position := _find(old.uids, uid)) is not None)
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
            position = self._place(new, entry)
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
        if not new.uids:
            raise _Unproven  # an empty calendar carries its own zone instead
        if not all(spans_attained(new, zone) for zone in rescan):
            raise _Unproven  # the VTIMEZONE would cover fewer years
        return new, origins, gone, added

    def _place(self, new: EntryIndex, entry: NewEntry) -> int:
        """Return where ``entry`` goes: by start, end, then uid in the store's order."""
        low = bisect.bisect_left(new.starts, entry.start)
        high = bisect.bisect_right(new.starts, entry.start, lo=low)
        low = low + bisect.bisect_left(new.ends[low:high], entry.end)
        high = low + bisect.bisect_right(new.ends[low:high], entry.end)
        group = new.uids[low:high]
        if not group:
            return low
        if any(uid.startswith("anniversary-") for uid in group):
            raise _Unproven  # anniversaries are placed among events by the renderer's own bisection
        ordered = self.order([*group, entry.uid])
        if [uid for uid in ordered if uid != entry.uid] != group:
            raise _Unproven
        return low + ordered.index(entry.uid)


def _find(uids: list[str], uid: str) -> int | None:
    try:
        return uids.index(uid)
    except ValueError:
        return None


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
        entry_offsets = list(itertools.accumulate(old.lengths, initial=old.head))
        plain_offsets = list(itertools.accumulate(old.segment_plain, initial=0))
        packed_offsets = list(itertools.accumulate(old.segment_packed, initial=len(HEADER)))
        old_starts = {start: segment for segment, start in
                      enumerate(itertools.accumulate(old.segment_entries[1:-1], initial=0), start=1)}
        with self.old_plain.open("rb") as source, self.old_packed.open("rb") as packed_source:
            out = _Output(plain, packed, source.fileno(), packed_source.fileno())
            out.reuse(0, plain_offsets, packed_offsets, old)  # the header and VTIMEZONEs
            segments = [(0, old.head, old.segment_packed[0], old.segment_crcs[0])]
            first = 0
            for last in _segment_ends(new, old, self.gone, self.added):
                count = last - first + 1
                start = origins[first]
                segment = old_starts.get(start, 0) if start >= 0 else 0
                if (segment and old.segment_entries[segment] == count and origins[last] == start + count - 1
                        and bisect.bisect_left(self.added, first) == bisect.bisect_right(self.added, last)):
                    out.reuse(segment, plain_offsets, packed_offsets, old)
                    segments.append((count, old.segment_plain[segment], old.segment_packed[segment],
                                     old.segment_crcs[segment]))
                else:
                    data = b"".join(self.blocks[new.uids[position]] if origins[position] < 0 else
                                    _read(source.fileno(), entry_offsets[origins[position]],
                                          entry_offsets[origins[position] + 1] - entry_offsets[origins[position]])
                                    for position in range(first, last + 1))
                    compressed = compress_segment(data)
                    out.add(data, compressed)
                    segments.append((count, len(data), len(compressed), zlib.crc32(data)))
                first = last + 1
            out.reuse(len(old.segment_entries) - 1, plain_offsets, packed_offsets, old)  # the end
            segments.append((0, old.tail, old.segment_packed[-1], old.segment_crcs[-1]))
            out.flush()
        size = sum(segment[1] for segment in segments)
        end = trailer(combine_all((crc, length) for _, length, _, crc in segments), size)
        packed.write(end)
        for position, name in enumerate(("segment_entries", "segment_plain", "segment_packed", "segment_crcs")):
            setattr(new, name, array(getattr(old, name).typecode, [segment[position] for segment in segments]))
        return out.digest.hexdigest(), size, len(HEADER) + sum(segment[2] for segment in segments) + len(end)


class _Output:
    """The two files being written: ranges of the old objects copied by the kernel, new bytes written."""

    def __init__(self, plain: IO[bytes], packed: IO[bytes], source: int, packed_source: int) -> None:
        self.plain, self.packed = plain, packed
        self.source, self.packed_source = source, packed_source
        self.digest = hashlib.sha256()
        packed.write(HEADER)
        plain.flush()
        packed.flush()
        self._pending: list[int] | None = None  # [plain offset, packed offset, plain length, packed length]

    def reuse(self, segment: int, plain_offsets: list[int], packed_offsets: list[int], old: EntryIndex) -> None:
        """Take old segment ``segment`` as it is, in both files (coalesced with the previous one if adjacent)."""
        start, packed_start = plain_offsets[segment], packed_offsets[segment]
        length, packed_length = old.segment_plain[segment], old.segment_packed[segment]
        pending = self._pending
        if pending is not None and pending[0] + pending[2] == start and pending[1] + pending[3] == packed_start:
            pending[2] += length
            pending[3] += packed_length
            return
        self.flush()
        self._pending = [start, packed_start, length, packed_length]

    def add(self, data: bytes, compressed: bytes) -> None:
        self.flush()
        self.digest.update(data)
        self.plain.write(data)
        self.packed.write(compressed)
        self.plain.flush()
        self.packed.flush()

    def flush(self) -> None:
        if self._pending is None:
            return
        start, packed_start, length, packed_length = self._pending
        self._pending = None
        for offset in range(start, start + length, _HASHED):  # read a block at a time: never held whole
            self.digest.update(_read(self.source, offset, min(_HASHED, start + length - offset)))
        _copy(self.source, self.plain, start, length)
        _copy(self.packed_source, self.packed, packed_start, packed_length)


def _read(source: int, offset: int, length: int) -> bytes:
    data = os.pread(source, length, offset)
    if len(data) != length:
        raise OSError(errno.EIO, "the previous object is shorter than its index says")
    return data


def _copy(source: int, target: IO[bytes], offset: int, length: int) -> None:
    """Append ``length`` bytes of ``source`` from ``offset`` to ``target``, in the kernel where it can."""
    target.flush()
    descriptor = target.fileno()
    done = 0
    try:
        while done < length:
            copied = os.copy_file_range(source, descriptor, length - done, offset + done)
            if copied == 0:
                break
            done += copied
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL, errno.EPERM):
            raise
    while done < length:  # a file system or kernel without copy_file_range: through a buffer
        chunk = os.pread(source, min(length - done, 1 << 20), offset + done)
        if not chunk:
            raise OSError(errno.EIO, "the previous object is shorter than its index says")
        target.write(chunk)
        target.flush()
        done += len(chunk)
