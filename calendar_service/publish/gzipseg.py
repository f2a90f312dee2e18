"""A gzip member made of independently compressed segments, so one segment can be replaced alone.

Each segment is deflated on its own (no dictionary from the one before) and ends with a sync
flush, which ends its last block on a byte boundary; the segments concatenated, followed by an
empty final block, form one deflate stream (RFC 1951), as ``pigz --independent`` writes it. The
gzip member (RFC 1952) around it needs the CRC-32 and length of the whole document: the CRC is
combined from the segments' own CRCs with :func:`crc32_combine`, so replacing a segment costs
compressing and checksumming that segment only.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

__all__ = ["HEADER", "LEVEL", "compress_segment", "crc32_combine", "trailer"]

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


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
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


def combine_all(parts: Iterable[tuple[int, int]]) -> int:
    """Return the CRC-32 of consecutive parts given as (crc, length) pairs."""
    crc = 0
    for part_crc, length in parts:
        crc = crc32_combine(crc, part_crc, length) if length else crc
    return crc
