"""Reading input: bytes or str in, checked and normalised text out, or InvalidInput saying why not.

Extraction step "read", the first. UTF-8 (with or without a byte-order mark) and UTF-16/32 with a
mark are read as such; anything else is handed to charset-normalizer, limited to the 8-bit
encodings Russian and Western text really comes in (cp1251 above all), and the encoding it settles
on is reported. Normalisation keeps the text a reader sees: NFC, ``\\n`` line ends, ordinary spaces
for no-break ones, no soft hyphens or zero-width characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

from calendar_service.errors import InvalidInput, Problem

__all__ = ["MAX_BYTES", "DecodedText", "read_text"]

#: Largest input read (5 MB): a day's news is a few hundred kilobytes.
MAX_BYTES = 5 * 1024 * 1024
#: 8-bit encodings tried when the input is not UTF-8, most likely first.
FALLBACK_ENCODINGS = ("cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5", "cp1252")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: File signatures of formats that are not text, named in the error message.
_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
#: Unicode's control characters (category Cc: C0, DEL and C1) but tab and line feed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  #: "utf-8" or what the bytes were read as, e.g. "cp1251"


def _refuse(message: str, source: str | None) -> InvalidInput:
    return InvalidInput([Problem(message, source=source)])


def _decode(data: bytes, source: str | None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError:
                raise _refuse(
                    f"the input starts like {encoding} text but is not valid {encoding}", source
                ) from None
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise _refuse(f"the input is {what}, not text; paste or save the news as plain text", source)
    if b"\x00" in data:
        raise _refuse("the input is not text (it holds NUL bytes); save the news as plain UTF-8 text", source)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    if best is None:
        raise _refuse(
            "the input is neither UTF-8 nor a known Cyrillic or Western encoding (cp1251, KOI8-R, ...); "
            "save it as UTF-8",
            source,
        )
    return str(best), best.encoding


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_SPACES).translate(_INVISIBLE)




def read_text(data: bytes | str, *, source: str | None = None) -> DecodedText:
    """Check and decode news input.

    Raises:
        InvalidInput: empty, over :data:`MAX_BYTES`, not text, or in an encoding that cannot be told.
    """
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise _refuse(
            f"the input is {size:,} bytes; at most {MAX_BYTES:,} bytes (5 MB) are read at once", source
        )
    if isinstance(data, str):
        text, encoding = data, "utf-8"
    else:
        text, encoding = _decode(data, source)
    if _SURROGATE.search(text):
        raise _refuse("the input holds unpaired surrogate characters; it is not valid Unicode text", source)
    text = _normalise(text)
    blanked, controls = _CONTROL.subn(" ", text)
    if controls > max(2, len(text) // 100):
        raise _refuse(f"the input is not text ({controls} control characters)", source)
    text = blanked
    if not text.strip():
        raise _refuse("the input is empty", source)
    return DecodedText(text, encoding)
