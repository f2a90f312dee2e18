"""Category and status of an event from the words of its clause."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.classify import category_named_back, category_of, status_of
from calendar_service.store.records import Category, Status


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("hosted videoconference consultations on joint training activities", Category.CONSULTATION),
        ("a joint training session was held", Category.TRAINING),
        ("the 40th meeting of the Working Group", Category.MEETING),
        ("the operation “Channel” was conducted", Category.OPERATION),
        ("issued a statement on the situation", Category.STATEMENT),
        ("a historic decision was taken in 2002 to give the Treaty the status", Category.MILESTONE),
        ("a solemn reception was held", Category.OTHER),
        ("прошли совместные учения", Category.TRAINING),
        ("серию тренировок", Category.TRAINING),
        ("состоялось заседание", Category.MEETING),
        ("провел консультации по вопросам подготовки", Category.CONSULTATION),
        ("заявление МИД", Category.STATEMENT),
        (
            "coordinated actions to assist the Republic in stabilizing the internal political situation",
            Category.OPERATION,
        ),
        ("the Special Representative for Peacekeeping held a meeting", Category.MEETING),
        ("efforts to address the challenges", None),
    ],
)
def test_category_is_the_first_cue(text: str, category: Category | None) -> None:
    assert category_of(text) is category


def test_a_following_sentence_can_name_the_event() -> None:
    assert (
        category_named_back("On the basis of the experience of this peacekeeping operation, the leaders")
        is Category.OPERATION
    )
    assert category_named_back("The leaders adopted decisions.") is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("a training session was held on", Status.HELD),
        ("exercises will be held on", Status.PLANNED),
        ("are to be discussed at the forthcoming meetings", Status.PLANNED),
        ("has been postponed to", Status.POSTPONED),
        ("was cancelled", Status.CANCELLED),
        ("состоялось заседание", Status.HELD),
        ("пройдут учения", Status.PLANNED),
        ("перенесено на", Status.POSTPONED),
        ("отменено", Status.CANCELLED),
        ("в начале марта", None),
    ],
)
def test_status(text: str, status: Status | None) -> None:
    assert status_of(text, 0) is status


def test_the_cue_nearest_the_date_decides() -> None:
    text = "The meeting held in Minsk agreed that the next one will take place in June."
    assert status_of(text, text.index("June")) is Status.PLANNED
    assert status_of(text, text.index("held")) is Status.HELD


def test_without_a_cue_the_date_decides(extract_one: Callable[..., ExtractedEvent]) -> None:
    assert (
        extract_one("The CSTO Secretary General's working trip to Minsk: 5 March.", "2025-03-10").status
        is Status.HELD
    )
    assert (
        extract_one("The CSTO Secretary General's working trip to Minsk: 5 March 2025.", "2025-02-10").status
        is Status.PLANNED
    )


def test_body_names_are_not_cues(extract_one: Callable[..., ExtractedEvent]) -> None:
    event = extract_one(
        "On 5 March, the commander of the Collective Peacekeeping Forces met the Secretary General."
    )
    assert event.category is Category.MEETING
