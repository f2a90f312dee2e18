from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.store.records import MAX_TITLE, find_markup, validate_record
from tests.notices.test_issue import make_record


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "Talks </p>", "<img src=x onerror=alert(1)>", "<!-- hidden -->",
     "<?xml version='1.0'?>", "<B>bold</B>"],
)
def test_markup_is_refused_at_the_door(text: str) -> None:
    problems = validate_record(dataclasses.replace(make_record(), summary=text))
    assert [p.field for p in problems] == ["summary"]
    assert "markup" in problems[0].message


@pytest.mark.parametrize("text", ["a < b and c > d", "R&D <-> exercises", "3<4", "x <= y", "&lt;b&gt;",
                                  "< a href='x'>"])
def test_plain_text_with_angle_brackets_is_kept(text: str) -> None:
    assert find_markup(text) is None
    assert validate_record(dataclasses.replace(make_record(), summary=text)) == []


@pytest.mark.parametrize("text", ["Two\nlines", "CR\rhere", "Para\u2029graph"])
def test_a_title_is_one_line(text: str) -> None:
    problems = validate_record(dataclasses.replace(make_record(), title=text))
    assert [p.message for p in problems] == ["must be a single line"]


@pytest.mark.parametrize("text", ["NUL\x00", "bell\x07", "lone \ud800 surrogate", "\ufffe"])
def test_characters_xml_forbids_are_refused(text: str) -> None:
    problems = validate_record(dataclasses.replace(make_record(), summary=text))
    assert [p.field for p in problems] == ["summary"]


def test_an_overlong_title_is_refused_with_its_length() -> None:
    problems = validate_record(dataclasses.replace(make_record(), title="x" * (MAX_TITLE + 1)))
    assert problems[0].message == f"is {MAX_TITLE + 1} characters long; at most {MAX_TITLE} are allowed"


@given(st.text(max_size=60))
def test_accepted_text_never_holds_markup_or_forbidden_characters(text: str) -> None:
    problems = validate_record(dataclasses.replace(make_record(), summary=text, evidence=text))
    if not problems:
        assert find_markup(text) is None
        assert all(ord(ch) >= 0x20 or ch in "\t\n\r" for ch in text)
