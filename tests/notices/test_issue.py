from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.models import Notice
from calendar_service.notices.selection import NoticeSelection, list_notices, matches
from calendar_service.store.queries import EventFilter
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import upsert_records
from tests.conftest import NOW


def make_record(**overrides: object) -> EventRecord:
    values: dict[str, object] = {
        "key": "council-2025",
        "title": "Session of the CSTO Collective Security Council",
        "title_ru": "Сессия Совета коллективной безопасности ОДКБ",
        "start": dt.date(2025, 6, 5),
        "end": dt.date(2025, 6, 5),
        "precision": Precision.DAY,
        "category": Category.MEETING,
        "status": Status.PLANNED,
        "city": "Almaty",
        "country": "KZ",
        "bodies": ("CSTO Collective Security Council",),
        "summary": "The leaders meet.",
        "source_url": "https://odkb-csto.org/news/1",
    }
    values.update(overrides)
    return EventRecord(**values)  # type: ignore[arg-type]


def _notices(factory: sessionmaker[Session]) -> list[Notice]:
    with transaction(factory) as session:
        return list(reversed(list_notices(session)))


def _load(factory: sessionmaker[Session], record: EventRecord, now: dt.datetime = NOW) -> None:
    with transaction(factory) as session:
        upsert_records(session, [record], now=now)


def test_a_new_event_is_announced_once(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record())
    _load(factory, make_record(), NOW + dt.timedelta(hours=1))
    [notice] = _notices(factory)
    assert notice.kind == "announced"
    assert notice.event_sequence == 0
    assert notice.title == "Session of the CSTO Collective Security Council (5 June 2025, Almaty, Kazakhstan)"
    assert notice.title_ru == "Сессия Совета коллективной безопасности ОДКБ (5 июня 2025 г., Алматы, Казахстан)"
    assert notice.summary == "5 June 2025, Almaty, Kazakhstan. The leaders meet."
    assert notice.issued_dt == notice.updated_dt == NOW
    assert notice.details["source_url"] == "https://odkb-csto.org/news/1"


def test_rescheduling_says_now_and_was(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record())
    later = NOW + dt.timedelta(days=1)
    _load(factory, make_record(start=dt.date(2025, 6, 12), end=dt.date(2025, 6, 13)), later)
    announced, changed = _notices(factory)
    assert changed.kind == "changed"
    assert changed.event_sequence == 1
    assert changed.title == ("Rescheduled: Session of the CSTO Collective Security Council, "
                             "now 12–13 June 2025, was 5 June 2025")
    assert changed.title_ru == ("Перенесено: Сессия Совета коллективной безопасности ОДКБ, "
                                "теперь 12–13 июня 2025 г., ранее 5 июня 2025 г.")
    assert changed.issued_dt == later
    assert announced.title.endswith("(5 June 2025, Almaty, Kazakhstan)")  # kept as issued


@pytest.mark.parametrize(
    ("change", "headline"),
    [
        ({"status": Status.POSTPONED}, "Postponed: Session of the CSTO Collective Security Council (5 June 2025)"),
        ({"status": Status.CANCELLED}, "Cancelled: Session of the CSTO Collective Security Council (5 June 2025)"),
        ({"city": "Minsk", "country": "BY"},
         "Moved: Session of the CSTO Collective Security Council, now in Minsk, Belarus, was Almaty, Kazakhstan"),
        ({"status": Status.HELD}, "Held: Session of the CSTO Collective Security Council (5 June 2025)"),
    ],
)
def test_status_and_place_changes_are_named(factory: sessionmaker[Session], change: dict[str, object],
                                            headline: str) -> None:
    _load(factory, make_record())
    _load(factory, make_record(**change), NOW + dt.timedelta(days=1))
    assert _notices(factory)[-1].title == headline


def test_a_known_month_narrowed_to_a_day_is_a_date_set(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30), precision=Precision.MONTH))
    _load(factory, make_record(), NOW + dt.timedelta(days=1))
    changed = _notices(factory)[-1]
    assert changed.title.startswith("Date set: ")
    assert changed.title.endswith("now 5 June 2025, was June 2025")
    assert changed.title_ru.endswith("теперь 5 июня 2025 г., ранее июнь 2025 г.")  # type: ignore[union-attr]


def test_a_typo_fix_issues_no_notice(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record())
    _load(factory, make_record(summary="The leaders meet in Almaty."), NOW + dt.timedelta(days=1))
    assert [n.kind for n in _notices(factory)] == ["announced"]


def test_without_a_russian_title_the_russian_text_keeps_the_title_and_says_the_rest_in_russian(
        factory: sessionmaker[Session]) -> None:
    _load(factory, make_record(title_ru=None))
    _load(factory, make_record(title_ru=None, status=Status.CANCELLED), NOW + dt.timedelta(days=1))
    announced, cancelled = _notices(factory)
    assert announced.title_ru == "Session of the CSTO Collective Security Council (5 июня 2025 г., Алматы, Казахстан)"
    assert announced.summary_ru == "5 июня 2025 г., Алматы, Казахстан."  # «г.» ends the sentence: no «г..»
    assert cancelled.title_ru == "Отменено: Session of the CSTO Collective Security Council (5 июня 2025 г.)"
    assert cancelled.summary_ru == "Статус: теперь отменено, ранее запланировано."


def test_a_notice_is_issued_once_at_the_database(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record())
    notice = _notices(factory)[0]
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(Notice(event_id=notice.event_id, kind="announced", occurrence_year=0, lead_days=0,
                           event_sequence=0, title="again", summary="", details={}, issued_dt=NOW, updated_dt=NOW))


def test_notices_are_selected_by_their_events(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record())
    _load(factory, make_record(key="drill", title="Interaction-2025", category=Category.TRAINING, country="BY",
                               city=None, bodies=()))
    with transaction(factory) as session:
        def titles(selection: NoticeSelection) -> list[str]:
            return [n.event.title for n in list_notices(session, selection)]

        assert titles(NoticeSelection(EventFilter(categories=("training",)))) == ["Interaction-2025"]
        assert titles(NoticeSelection(EventFilter(countries=("KZ",)))) == [
            "Session of the CSTO Collective Security Council"]
        assert titles(NoticeSelection(kinds=("anniversary_today",))) == []
        assert len(session.scalars(select(Notice)).all()) == 2


def test_a_failed_load_leaves_neither_event_nor_notice(factory: sessionmaker[Session]) -> None:
    bad = dataclasses.replace(make_record(key="bad"), title="<b>bold</b>")
    with pytest.raises(ValueError, match="markup"), transaction(factory) as session:
        upsert_records(session, [make_record(), bad], now=NOW)
    assert _notices(factory) == []


@pytest.mark.parametrize(
    "selection",
    [NoticeSelection(), NoticeSelection(EventFilter(categories=("training",))),
     NoticeSelection(EventFilter(countries=("BY",), statuses=("planned",))),
     NoticeSelection(EventFilter(bodies=("CSTO Collective Security Council",))),
     NoticeSelection(EventFilter(start=dt.date(2025, 6, 6))), NoticeSelection(kinds=("changed",))],
)
def test_the_python_test_of_a_selection_agrees_with_the_query(factory: sessionmaker[Session],
                                                             selection: NoticeSelection) -> None:
    _load(factory, make_record())
    _load(factory, make_record(key="drill", title="Interaction-2025", category=Category.TRAINING, country="BY",
                               city=None, bodies=(), start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 7)))
    _load(factory, make_record(status=Status.CANCELLED), NOW + dt.timedelta(days=1))
    with transaction(factory) as session:
        everything = list_notices(session)
        assert [n.id for n in everything if matches(n, selection)] == [n.id for n in list_notices(session, selection)]


def test_a_store_from_before_notices_gets_its_announcements_once(factory: sessionmaker[Session]) -> None:
    from calendar_service.notices.issue import announce_unannounced

    _load(factory, make_record())
    _load(factory, make_record(key="drill", title="Interaction-2025"), NOW + dt.timedelta(days=3))
    with transaction(factory) as session:
        session.execute(delete(Notice))
    with transaction(factory) as session:
        assert announce_unannounced(session) == 2
    with transaction(factory) as session:
        assert announce_unannounced(session) == 0
    notices = _notices(factory)
    assert [(n.kind, n.issued_dt) for n in notices] == [("announced", NOW), ("announced", NOW + dt.timedelta(days=3))]


def test_a_move_is_told_in_russian_with_russian_country_names(factory: sessionmaker[Session]) -> None:
    _load(factory, make_record())
    _load(factory, make_record(city="Minsk", country="BY"), NOW + dt.timedelta(days=1))
    changed = _notices(factory)[-1]
    assert changed.title_ru == ("Изменено место: Сессия Совета коллективной безопасности ОДКБ, "
                                "теперь Минск, Беларусь, ранее Алматы, Казахстан")
    assert changed.summary_ru == "Место: теперь Минск, Беларусь, ранее Алматы, Казахстан."


def test_a_notice_title_fits_its_column_whatever_the_event(factory: sessionmaker[Session]) -> None:
    from calendar_service.wording.notices import MAX_NOTICE_TITLE, fit_title

    long = {"title": "T" * 500, "title_ru": "Т" * 500, "city": "C" * 200}
    _load(factory, make_record(**long))
    _load(factory, make_record(**{**long, "city": "D" * 200, "country": "SH"}), NOW + dt.timedelta(days=1))
    changed = _notices(factory)[-1]
    assert changed.title.startswith("Moved: TTT")
    assert len(changed.title) <= MAX_NOTICE_TITLE
    assert len(changed.title_ru or "") <= MAX_NOTICE_TITLE
    cut = fit_title("x" * (MAX_NOTICE_TITLE + 5))
    assert len(cut) == MAX_NOTICE_TITLE
    assert cut.endswith("…")
