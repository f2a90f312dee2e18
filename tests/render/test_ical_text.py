"""The content-line writer: escaping, folding and value formats (RFC 5545 §3.1, §3.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_service.render.icstext import content_line, escape_text, fold, format_duration


def test_fold_keeps_every_line_within_75_octets_and_never_splits_a_character() -> None:
    line = "SUMMARY:" + "Совещание ОДКБ " * 20
    folded = fold(line)
    physical = folded.split(b"\r\n")[:-1]
    assert all(len(part) <= 75 for part in physical)
    for part in physical:
        part.decode("utf-8")  # each physical line is whole UTF-8
    assert b"".join(part[1:] if i else part for i, part in enumerate(physical)).decode() == line


def test_short_line_is_not_folded() -> None:
    assert fold("UID:a") == b"UID:a\r\n"


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a,b;c\\d", "a\\,b\\;c\\\\d"),
    ("one\r\ntwo\rthree\nfour", "one\\ntwo\\nthree\\nfour"),
    ("bell\x07 and \x1b[31m", "bell and [31m"),
])
def test_escape_text(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_injected_component_stays_inside_its_value() -> None:
    line = content_line("SUMMARY", escape_text("x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil"))
    assert line.count(b"\r\n") == 1
    assert b"\r\nEND:VEVENT" not in line


def test_parameter_values_with_separators_are_quoted_and_lose_dquotes() -> None:
    assert content_line("X", "v", {"TZID": 'a;b"c'}) == b'X;TZID="a;b\'c":v\r\n'


@pytest.mark.parametrize(("value", "text"), [
    (dt.timedelta(days=7), "P7D"),
    (dt.timedelta(hours=9), "PT9H"),
    (-dt.timedelta(days=6, hours=15), "-P6DT15H"),
    (dt.timedelta(minutes=15), "PT15M"),
    (dt.timedelta(0), "PT0S"),
])
def test_format_duration(value: dt.timedelta, text: str) -> None:
    assert format_duration(value) == text
