"""A gzip member made of independently compressed segments, so one segment can be replaced alone.

Each segment is deflated on its own (no dictionary from the one before) and ends with a sync
flush, which ends its last block on a byte boundary; the segments concatenated, followed by an
empty final block, form one deflate stream (RFC 1951), as ``pigz --independent`` writes it. The
gzip member (RFC 1952) around it needs the CRC-32 and length of the whole document: the CRC is
combined from the segments' own CRCs with :func:`crc32_combine`, so replacing a segment costs
compressing and checksumming that segment only.

:class:`SegmentWriter` is the one writer of such a document and its twin: a calendar rendered
whole writes every segment anew, a spliced one takes the unchanged segments of the previous object
as they are (:class:`Previous`; the kernel copies them) and writes the others.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import itertools
import os
import struct
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, cast

from calendar_service.publish.durable import WRITEBACK_BYTES, start_writeback

__all__ = ["HEADER", "LEVEL", "Previous", "SegmentWriter", "compress_segment", "crc32_combine", "read_range",
           "trailer"]

LEVEL = 9
#: ID1 ID2, CM = deflate, no flags, MTIME 0 (the twin depends on the document only), XFL 2
#: (maximum compression), OS 3 (Unix): what zlib writes for ``wbits=31`` at level 9.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"
#: A final, empty block with fixed Huffman codes: BFINAL 1, BTYPE 01, end-of-block code 0000000.
_LAST_BLOCK = b"\x03\x00"
_POLY = 0xEDB88320  # CRC-32's polynomial, reflected


def compress_segment(data: bytes, level: int = LEVEL) -> bytes:
    """Return ``data`` deflated on its own, ending byte-aligned and not final (a sync flush)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def trailer(crc: int, size: int) -> bytes:
    """Return what ends the member: the final empty block, then CRC-32 and length modulo 2**32 (RFC 1952 §2.3.1)."""
    return _LAST_BLOCK + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def _multiply(a: int, b: int) -> int:
    """Return a·b modulo the CRC polynomial, both reflected (zlib's ``multmodp``)."""
    product = 0
    mask = 1 << 31
    while a:
        if a & mask:
            product ^= b
            a ^= mask
        mask >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _powers() -> list[int]:
    """Return x**(2**k) modulo the polynomial for k = 0..31 (zlib's ``x2n_table``)."""
    table = [1 << 30]  # x**1, reflected
    for _ in range(31):
        table.append(_multiply(table[-1], table[-1]))
    return table


_X2N = _powers()


def _byte_tables(k: int) -> list[list[int]]:
    """Return four tables giving v·x**(2**k) for each byte of v in its place, by linearity from 32 products."""
    # Bit i of a reflected value stands for x**(31 - i): its product with the constant, for each i.
    bits = [_multiply(_X2N[k], 1 << i) for i in range(32)]
    tables = []
    for place in range(4):
        basis = bits[8 * place:8 * place + 8]
        table = [0] * 256
        for value in range(1, 256):
            low = value & -value
            table[value] = table[value ^ low] ^ basis[low.bit_length() - 1]
        tables.append(table)
    return tables


_TABLES: dict[int, list[list[int]]] = {}


def _times_x2n(value: int, k: int) -> int:
    tables = _TABLES.get(k)
    if tables is None:
        tables = _TABLES[k] = _byte_tables(k)
    first, second, third, fourth = tables
    return first[value & 0xFF] ^ second[value >> 8 & 0xFF] ^ third[value >> 16 & 0xFF] ^ fourth[value >> 24]


def _crc32_combine_python(crc1: int, crc2: int, length2: int) -> int:
    """Return the CRC-32 of A + B from CRC-32(A), CRC-32(B) and len(B), as zlib's ``crc32_combine``.

    CRC-32(A) is multiplied by x**(8·len(B)) modulo the polynomial, one power of two of the
    length at a time, each a multiplication by a constant done with byte tables.
    """
    k = 3
    while length2:
        if length2 & 1:
            crc1 = _times_x2n(crc1, k & 31)
        length2 >>= 1
        k += 1
    return crc1 ^ crc2


@functools.cache
def _zlib_crc32_combine() -> Callable[[int, int, int], int] | None:
    """Return zlib's own ``crc32_combine64``, from the library the ``zlib`` module is linked with, if reachable.

    Looked up once, when first needed: a web worker or a command never loads :mod:`ctypes` for it.
    """
    import ctypes

    for library in (getattr(zlib, "__file__", None), "libz.so.1", "libz.dylib"):
        if library is None:
            continue
        try:
            function = ctypes.CDLL(library).crc32_combine64
        except (OSError, AttributeError):
            continue
        function.argtypes = (ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int64)
        function.restype = ctypes.c_ulong
        if function(zlib.crc32(b"calendar"), zlib.crc32(b"-service"), 8) == zlib.crc32(b"calendar-service"):
            return cast(Callable[[int, int, int], int], function)
    return None


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """Return the CRC-32 of A + B from CRC-32(A), CRC-32(B) and len(B).

    With zlib's own function where the library can be reached (some 20 times faster than the same
    arithmetic in Python), else with :func:`_crc32_combine_python`.
    """
    return (_zlib_crc32_combine() or _crc32_combine_python)(crc1, crc2, length2)


def combine_all(parts: Iterable[tuple[int, int]]) -> int:
    """Return the CRC-32 of consecutive parts given as (crc, length) pairs."""
    crc = 0
    for part_crc, length in parts:
        crc = crc32_combine(crc, part_crc, length) if length else crc
    return crc


@dataclass(frozen=True)
class Previous:
    """A document written before in segments, open for reading: its segments can be taken as they are.

    ``plain`` and ``packed`` are descriptors of the document and its twin; the columns are its
    segment table (entries, plain and compressed lengths, CRC-32), the header's first.
    """

    plain: int
    packed: int
    entries: Sequence[int]
    plain_sizes: Sequence[int]
    packed_sizes: Sequence[int]
    crcs: Sequence[int]
    plain_offsets: list[int] = field(init=False)
    packed_offsets: list[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plain_offsets", list(itertools.accumulate(self.plain_sizes, initial=0)))
        object.__setattr__(self, "packed_offsets", list(itertools.accumulate(self.packed_sizes, initial=len(HEADER))))


#: Bytes of a previous document read at once to hash them.
_HASHED = 1 << 20


class SegmentWriter:
    """Write a document and its gzip twin segment by segment; keep its SHA-256 and segment table.

    A new segment is compressed and checksummed here (:meth:`segment`); a segment of a previous
    document is copied as it is, in both files, by the kernel where it can (:meth:`reuse`), runs
    of adjacent ones at once, and only read to be hashed. As the files grow, the kernel is asked to
    start writing them to disk (see :mod:`calendar_service.publish.durable`).
    """

    def __init__(self, plain: IO[bytes], packed: IO[bytes]) -> None:
        self.plain, self.packed = plain, packed
        self.digest = hashlib.sha256()
        #: The segment table, in order: entries, plain and compressed lengths, CRC-32 of each segment.
        self.entries, self.plain_sizes, self.packed_sizes, self.crcs = array("i"), array("q"), array("q"), array("L")
        self._copy: tuple[Previous, int, int] | None = None  # a run of segments of a previous document: first, end
        self._unsynced = 0
        packed.write(HEADER)

    def segment(self, data: bytes, entries: int) -> int:
        """Write one new segment of ``entries`` entries, compressing it; return its length."""
        self._flush_copy()
        compressed = compress_segment(data)
        self.digest.update(data)
        self.plain.write(data)
        self.packed.write(compressed)
        self._add(entries, len(data), len(compressed), zlib.crc32(data))
        return len(data)

    def reuse(self, previous: Previous, segment: int) -> None:
        """Take segment ``segment`` of ``previous`` as it is, in both files."""
        self._add(previous.entries[segment], previous.plain_sizes[segment], previous.packed_sizes[segment],
                  previous.crcs[segment], written=False)
        run = self._copy
        if run is not None and run[0] is previous and run[2] == segment:
            self._copy = (previous, run[1], segment + 1)
            return
        self._flush_copy()
        self._copy = (previous, segment, segment + 1)

    def finish(self) -> tuple[str, int, int]:
        """End the twin; return the document's SHA-256 (hex), its size and the twin's size."""
        self._flush_copy()
        size = sum(self.plain_sizes)
        # The document's CRC combined from the segments' own: each segment is checksummed once, or never again.
        end = trailer(combine_all(zip(self.crcs, self.plain_sizes, strict=True)), size)
        self.packed.write(end)
        self.plain.flush()
        self.packed.flush()
        return self.digest.hexdigest(), size, len(HEADER) + sum(self.packed_sizes) + len(end)

    def _add(self, entries: int, plain: int, packed: int, crc: int, *, written: bool = True) -> None:
        self.entries.append(entries)
        self.plain_sizes.append(plain)
        self.packed_sizes.append(packed)
        self.crcs.append(crc)
        if written:
            self._wrote(plain + packed)

    def _wrote(self, length: int) -> None:
        self._unsynced += length
        if self._unsynced >= WRITEBACK_BYTES:
            self._unsynced = 0
            for stream in (self.plain, self.packed):
                stream.flush()
                start_writeback(stream.fileno())

    def _flush_copy(self) -> None:
        if self._copy is None:
            return
        previous, first, end = self._copy
        self._copy = None
        start, length = previous.plain_offsets[first], previous.plain_offsets[end] - previous.plain_offsets[first]
        for offset in range(start, start + length, _HASHED):  # read a block at a time: never held whole
            self.digest.update(read_range(previous.plain, offset, min(_HASHED, start + length - offset)))
        _copy(previous.plain, self.plain, start, length)
        packed_start = previous.packed_offsets[first]
        packed_length = previous.packed_offsets[end] - packed_start
        _copy(previous.packed, self.packed, packed_start, packed_length)
        self._wrote(length + packed_length)


def read_range(source: int, offset: int, length: int) -> bytes:
    """Return ``length`` bytes of the file ``source`` from ``offset``; raise OSError if it is shorter."""
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
