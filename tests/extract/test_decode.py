"""Reading input: encodings, normalisation and every refusal, each with a clear message."""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata

import pytest

from calendar_service.errors import InvalidInput, NoEventsFound
from calendar_service.ingest.extract import MAX_BYTES, Gazetteer, extract_news, read_text

RUSSIAN = "20 декабря состоялась совместная тренировка дежурных смен Кризисного центра ОДКБ."


def test_utf8_is_read_as_is() -> None:
    decoded = read_text(RUSSIAN.encode("utf-8"))
    assert (decoded.text, decoded.encoding) == (RUSSIAN, "utf-8")


def test_cp1251_russian_is_detected() -> None:
    text = RUSSIAN + " Заседание Совета министров иностранных дел ОДКБ пройдёт в Минске 5 марта."
    decoded = read_text(text.encode("cp1251"))
    assert decoded.text == text
    assert decoded.encoding == "cp1251"


def test_koi8_r_russian_is_detected() -> None:
    text = RUSSIAN + " Заседание Совета министров иностранных дел пройдёт в Минске; подробности позже."
    assert read_text(text.encode("koi8_r")).text == text


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_unicode_with_a_byte_order_mark(codec: str) -> None:
    assert read_text(RUSSIAN.encode(codec)).text == RUSSIAN


def test_windows_line_ends_and_invisible_characters_are_normalised() -> None:
    text = "On\u00a020\u00a0December, the CSTO Secre\u00adtariat\u200b met.\r\nSecond line\r"
    assert read_text(text.encode("utf-8")).text == "On 20 December, the CSTO Secretariat met.\nSecond line\n"


def test_decomposed_letters_are_composed() -> None:
    assert read_text("Йошкар-Ола".replace("Й", "И\u0306")).text == "Йошкар-Ола"


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "  \n"])
def test_empty_input_is_refused(data: bytes | str) -> None:
    with pytest.raises(InvalidInput, match="the input is empty"):
        read_text(data, source="news.txt")


def test_input_over_5_mb_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"5,242,881 bytes; at most 5,242,880 bytes \(5 MB\)"):
        read_text(b"a" * (MAX_BYTES + 1))
    assert read_text(b"a" * MAX_BYTES).text.startswith("aaa")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\x00\x01\x02\x03binary\x00", "NUL bytes"),
    ],
)
def test_files_that_are_not_text_are_refused(data: bytes, what: str) -> None:
    with pytest.raises(InvalidInput, match=what) as raised:
        read_text(data, source="upload.bin")
    assert str(raised.value).startswith("upload.bin: ")


def test_control_characters_mean_binary() -> None:
    with pytest.raises(InvalidInput, match="control characters"):
        read_text(bytes(range(1, 32)) * 10)


def test_a_stray_control_character_is_blanked() -> None:
    assert read_text("On 5 March\x07 the Council met.").text == "On 5 March  the Council met."


def test_the_characters_blanked_are_exactly_unicodes_controls_but_tab_and_line_feed() -> None:
    # Every character of Latin-1 and the general punctuation block, each between two letters: a
    # control (category Cc) but tab and line feed becomes a space, any other stays as it was,
    # unless the reading changes it anyway (a carriage return ends a line, spaces are spaces,
    # invisible characters go).
    for code in [*range(0x100), *range(0x2000, 0x2070)]:
        character = chr(code)
        text = read_text(f"On 5 March x{character}x the Council met.").text
        if unicodedata.category(character) == "Cc" and character not in "\t\n\r":
            assert text == "On 5 March x x the Council met.", hex(code)
        elif character.isprintable() and not character.isspace() and unicodedata.category(character) != "Cf":
            assert text == f"On 5 March x{unicodedata.normalize('NFC', character)}x the Council met.", hex(code)


def test_undecodable_bytes_are_refused_with_advice() -> None:
    # Bytes of no single-byte encoding in the list: mostly C1 controls and unassigned cp1251 byte 0x98.
    data = bytes([0x81, 0x98, 0x8D, 0x8F, 0x90, 0x9D]) * 50
    with pytest.raises(InvalidInput, match="UTF-8"):
        read_text(data)


def test_text_without_dates_is_no_events_found(gazetteer: Gazetteer) -> None:
    with pytest.raises(NoEventsFound, match="no dated event found") as raised:
        extract_news(
            b"The CSTO is a regional organisation.",
            reference_date=dt.date(2025, 1, 15),
            gazetteer=gazetteer,
            source="<stdin>",
        )
    assert str(raised.value).startswith("<stdin>: ")


def test_bad_input_is_invalid_input_not_no_events(gazetteer: Gazetteer) -> None:
    with pytest.raises(InvalidInput) as raised:
        extract_news(b"", reference_date=dt.date(2025, 1, 15), gazetteer=gazetteer)
    assert not isinstance(raised.value, NoEventsFound)


def test_utf16_without_mark_is_not_text() -> None:
    with pytest.raises(InvalidInput, match="NUL bytes"):
        read_text(RUSSIAN.encode("utf-16-le"))


def test_a_bom_that_lies_is_refused() -> None:
    with pytest.raises(InvalidInput, match="utf-16"):
        read_text(codecs.BOM_UTF16_LE + b"\x00\xd8")
