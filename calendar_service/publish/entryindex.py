"""The index of a published calendar: where each entry's bytes lie, and its gzip twin in segments.

Written beside a calendar's object when the calendar is rendered whole (:class:`IndexedRender`),
it lets the next build splice changed entries in (:mod:`calendar_service.publish.splice`) instead
of rendering and compressing the whole calendar again. It records, in entry order, each entry's
uid, sort key (start and end day), byte length and time zone; the length of the header with its
VTIMEZONEs and of the end; and the gzip twin's segments (see :mod:`.gzipseg`): how many entries
each holds, its plain and compressed lengths and its CRC-32.

A segment ends after an entry whose uid hashes to a multiple of :data:`SEGMENT_ENTRIES` (and at
the last entry), so the segments depend on the entries only: a calendar spliced and the same
calendar rendered whole have the same segments, hence byte-identical gzip twins. The header and
the end are segments of their own.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import sys
import zlib
from array import array
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, overload

from calendar_service.dates import Precision
from calendar_service.publish.gzipseg import SegmentWriter
from calendar_service.render.ical import _last_year, is_timed

__all__ = ["SEGMENT_ENTRIES", "EntryIndex", "IndexedDocument", "IndexedRender", "Uids", "ends_segment", "entry_zone"]

#: Entries per gzip segment on average (about 80 KB of calendar).
SEGMENT_ENTRIES = 64
_MAGIC = b"calendar-service entry index 1\n"
_COLUMNS = (("starts", "i"), ("ends", "i"), ("lengths", "i"), ("zones", "h"), ("zone_lasts", "i"),
            ("flags", "b"))
_SEGMENT_COLUMNS = (("segment_entries", "i"), ("segment_plain", "q"), ("segment_packed", "q"),
                    ("segment_crcs", "L"))
#: Entry flags: part of a series (its own rule or dates, or an override), which a splice never places.
SERIES = 1


def ends_segment(uid: str) -> bool:
    """Tell whether the entry ``uid`` ends a gzip segment."""
    return zlib.crc32(uid.encode()) % SEGMENT_ENTRIES == 0


def entry_zone(entry: Any) -> tuple[str, int] | None:
    """Return the time zone whose VTIMEZONE the entry needs and the last year it must cover, if any.

    As :func:`calendar_service.render.ical.iter_calendar` decides: a timed event in a zone other
    than UTC; never an anniversary.
    """
    if getattr(entry, "anniversary", None) is not None:
        return None
    if entry.start_time is not None and entry.timezone != "UTC" and is_timed(entry):
        return entry.timezone, _last_year(entry)
    return None


def is_series(entry: Any) -> bool:
    return bool(getattr(entry, "rrule", None) or getattr(entry, "rdates", None) or getattr(entry, "series_uid", None))


@dataclass
class EntryIndex:
    """The index of one calendar document (see the module's docstring)."""

    basis: str  #: what the document was rendered under: a splice needs the same
    head: int = 0  #: bytes of the header and VTIMEZONEs
    tail: int = 0  #: bytes of the end
    zone_names: list[str] = field(default_factory=list)
    spans: dict[str, list[int]] = field(default_factory=dict)  #: zone -> [first year, last year]
    founding: list[str] = field(default_factory=list)  #: uids of the events whose anniversaries it holds
    uids: Uids = field(default_factory=lambda: Uids(b"", 0))
    starts: array[int] = field(default_factory=lambda: array("i"))  #: proleptic ordinals
    ends: array[int] = field(default_factory=lambda: array("i"))
    lengths: array[int] = field(default_factory=lambda: array("i"))
    zones: array[int] = field(default_factory=lambda: array("h"))  #: into zone_names, -1 for none
    #: The zone (plus one) and the last year its VTIMEZONE must cover, as ``zone + 1 << 16 | year``.
    zone_lasts: array[int] = field(default_factory=lambda: array("i"))
    flags: array[int] = field(default_factory=lambda: array("b"))
    #: The gzip segments, the header's first and the end's last.
    segment_entries: array[int] = field(default_factory=lambda: array("i"))
    segment_plain: array[int] = field(default_factory=lambda: array("q"))
    segment_packed: array[int] = field(default_factory=lambda: array("q"))
    segment_crcs: array[int] = field(default_factory=lambda: array("L"))

    def set_segments(self, writer: SegmentWriter) -> None:
        """Take the segment table of the document ``writer`` wrote."""
        self.segment_entries, self.segment_plain = writer.entries, writer.plain_sizes
        self.segment_packed, self.segment_crcs = writer.packed_sizes, writer.crcs

    def to_bytes(self) -> bytes:
        header = {"basis": self.basis, "head": self.head, "tail": self.tail, "zone_names": self.zone_names,
                  "spans": self.spans, "founding": self.founding, "entries": len(self.uids),
                  "segments": len(self.segment_entries), "byteorder": sys.byteorder}
        parts = [_MAGIC, json.dumps(header).encode(), b"\n"]
        parts += [getattr(self, name).tobytes() for name, _ in (*_COLUMNS, *_SEGMENT_COLUMNS)]
        parts.append(self.uids.data)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> EntryIndex | None:
        """Return the index ``data`` holds, or None if it is not one this code wrote."""
        if not data.startswith(_MAGIC):
            return None
        end = data.index(b"\n", len(_MAGIC))
        header = json.loads(data[len(_MAGIC):end])
        if header.get("byteorder") != sys.byteorder:
            return None
        index = cls(basis=header["basis"], head=header["head"], tail=header["tail"],
                    zone_names=header["zone_names"], spans=header["spans"], founding=header["founding"])
        offset = end + 1
        view = memoryview(data)
        for names, count in ((_COLUMNS, header["entries"]), (_SEGMENT_COLUMNS, header["segments"])):
            for name, code in names:
                column = array(code)
                size = column.itemsize * count
                column.frombytes(view[offset:offset + size])
                offset += size
                setattr(index, name, column)
        index.uids = Uids(data[offset:], header["entries"])  # split only if a splice needs them one by one
        return index


class Uids(Sequence[str]):
    """The uids of an index's entries in order, kept as the index stores them: one per line, no final newline.

    Reading an index costs no string per entry: a build asks most calendars' indexes only whether
    a few changed uids are among theirs (:meth:`positions`), which a search of the bytes answers;
    the list is made only when asked for entries one by one (a splice).
    """

    #: Up to this many uids asked at once are looked for in the bytes; more, in a table of every uid.
    SEARCHED = 16

    def __init__(self, data: bytes, count: int) -> None:
        self.data = data
        self._count = count
        self._list: list[str] | None = None

    @classmethod
    def from_list(cls, uids: list[str]) -> Uids:
        made = cls("\n".join(uids).encode(), len(uids))
        made._list = uids
        return made

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, position: int) -> str: ...
    @overload
    def __getitem__(self, position: slice) -> list[str]: ...
    def __getitem__(self, position: int | slice) -> str | list[str]:
        return self.as_list()[position]

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_list())

    def as_list(self) -> list[str]:
        """Return the uids as a list (made once)."""
        if self._list is None:
            self._list = self.data.decode().split("\n") if self._count else []
        return self._list

    def positions(self, uids: Collection[str]) -> dict[str, int]:
        """Return the position of each of ``uids`` the index holds (a uid is on one line only)."""
        if len(uids) > self.SEARCHED:
            wanted = set(uids)
            return {uid: position for position, uid in enumerate(self.as_list()) if uid in wanted}
        data = self.data
        return {uid: position for uid in uids if (position := self._search(data, uid.encode())) is not None}

    @staticmethod
    def _search(data: bytes, uid: bytes) -> int | None:
        """Return the line ``uid`` is on, found by a search of the bytes (in C), or None."""
        start = 0
        while (at := data.find(uid, start)) >= 0:
            end = at + len(uid)
            if (at == 0 or data[at - 1] == 10) and (end == len(data) or data[end] == 10):
                return data.count(b"\n", 0, at)
            start = at + 1
        return None


def basis_digest(*parts: Any) -> str:
    """Return a digest of what a document was rendered under (settings, day, code)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class IndexedDocument:
    """A calendar document that writes itself with its gzip twin in segments, and its index to keep beside it."""

    index: EntryIndex | None = None  #: the index of the document last written

    def sidecar(self) -> bytes | None:
        """Return the index of the document last written."""
        return self.index.to_bytes() if self.index is not None else None


class IndexedRender(IndexedDocument):
    """A calendar rendered whole, written with its gzip twin in segments, and indexed as it is written.

    ``render(placed)`` returns the calendar's pieces (as :func:`~calendar_service.render.ical.iter_calendar`
    yields them, calling ``placed`` with each entry before its block).
    """

    def __init__(self, render: Callable[[Callable[[Any], object]], Iterator[bytes]], basis: str) -> None:
        self._render = render
        self.basis = basis

    def write(self, plain: IO[bytes], packed: IO[bytes]) -> tuple[str, int, int]:
        """Write the document to ``plain`` and its gzip twin to ``packed``; return its SHA-256, size and twin's size."""
        writer = SegmentWriter(plain, packed)
        index = EntryIndex(basis=self.basis)
        filler = _Filler(index)  # the entries' columns as they are placed: no entry is kept to the end
        pending: list[Any] = []
        head: list[bytes] = []
        tail: list[bytes] = []
        segment: list[bytes] = []
        crc32 = zlib.crc32
        for piece in self._render(pending.append):
            if not pending:
                (tail if filler.count else head).append(piece)
                continue
            entry = pending.pop()
            if not filler.count:
                index.head = writer.segment(b"".join(head), 0)
            filler.add(entry, len(piece))
            segment.append(piece)
            if crc32(entry.uid.encode()) % SEGMENT_ENTRIES == 0:  # ends_segment, inlined: once per entry
                writer.segment(b"".join(segment), len(segment))
                segment = []
        if not filler.count:  # no entries: kept while none comes, rendered whole when one does
            writer.segment(b"".join(head), 0)
        else:
            if segment:
                writer.segment(b"".join(segment), len(segment))
            index.tail = writer.segment(b"".join(tail), 0)
        filler.finish()
        result = writer.finish()
        index.set_segments(writer)
        self.index = index
        return result


class _Filler:
    """Fill an index's columns, zone spans and founding events entry by entry, as they are placed."""

    def __init__(self, index: EntryIndex) -> None:
        self.index = index
        self.count = 0
        self._uids = bytearray()  # one per line: what the index stores, no string kept per entry
        self._numbers: dict[str, int] = {}
        self._spans: dict[str, list[int]] = {}
        self._founding: set[str] = set()
        self._day = Precision.DAY.value

    def add(self, entry: Any, length: int) -> None:
        index = self.index
        self.count += 1
        self._uids += entry.uid.encode()
        self._uids += b"\n"
        index.starts.append(entry.start_date.toordinal())
        index.ends.append(entry.end_date.toordinal())
        index.lengths.append(length)
        if getattr(entry, "anniversary", None) is not None:
            self._founding.add(entry.event.uid)
            index.zones.append(-1)
            index.zone_lasts.append(0)
            index.flags.append(0)
            return
        rrule, rdates = entry.rrule, getattr(entry, "rdates", None)
        index.flags.append(SERIES if rrule or rdates or entry.series_uid else 0)
        zone = entry.timezone
        if entry.precision != self._day or entry.start_time is None or zone == "UTC":
            index.zones.append(-1)
            index.zone_lasts.append(0)
            return
        first = entry.start_date.year
        last = _last_year(entry) if rrule or rdates else entry.end_date.year
        number = self._numbers.setdefault(zone, len(self._numbers))
        index.zones.append(number)
        index.zone_lasts.append((number + 1) << 16 | last)
        span = self._spans.get(zone)
        if span is None:
            self._spans[zone] = [first, last]
        else:
            if first < span[0]:
                span[0] = first
            if last > span[1]:
                span[1] = last

    def finish(self) -> None:
        del self._uids[-1:]
        self.index.uids = Uids(bytes(self._uids), self.count)
        self._uids = bytearray()
        self.index.zone_names = list(self._numbers)
        self.index.spans = self._spans
        self.index.founding = sorted(self._founding)


def zone_last(zone: int, year: int) -> int:
    """Return a zone's number and a last year as one value of :attr:`EntryIndex.zone_lasts`."""
    return (zone + 1) << 16 | year


def spans_attained(index: EntryIndex, zone: int) -> bool:
    """Tell whether some entry of ``zone`` still starts in its span's first year and one still needs its last.

    The entries are in order of start, so the first year's are a prefix of them; each test is a
    scan in C, not a loop over the entries.
    """
    first, last = index.spans[index.zone_names[zone]]
    prefix = bisect.bisect_left(index.starts, dt.date(first + 1, 1, 1).toordinal())
    return zone in index.zones[:prefix] and zone_last(zone, last) in index.zone_lasts
