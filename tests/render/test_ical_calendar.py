"""What each calendar carries (RFC 5545, RFC 7986, X-WR): checked through the parsers, not by bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import recurring_ical_events
import time_machine
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.publish.calendars import MAIN_CALENDAR, find_calendar, render_definition
from calendar_service.render.ical import BlockCache, IcsOptions
from calendar_service.store.queries import EventFilter
from calendar_service.store.records import Category, Status
from tests.conftest import change_settings
from tests.icshelpers import T0, parse_ical, parse_icalendar, record, store

TODAY = dt.date(2025, 1, 15)
Render = Callable[..., bytes]


@pytest.fixture
def render(app: Flask, factory: sessionmaker[Session]) -> Render:
    """Render a calendar (the main one unless named) from the test store."""

    def run(name: str = "calendar.ics", *, today: dt.date = TODAY, **kwargs: Any) -> bytes:
        with transaction(factory) as session:
            definition = find_calendar(session, name)
            assert definition is not None
            return render_definition(session, definition, get_settings(app), today=today, **kwargs)

    return run


def test_header_carries_the_calendar_properties(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record())
    data = render()
    text = data.decode()
    for line in ("VERSION:2.0", "PRODID:", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "NAME:CSTO calendar",
                 "X-WR-CALNAME:CSTO calendar", "DESCRIPTION:", "X-WR-CALDESC:", "X-WR-TIMEZONE:Europe/Moscow",
                 "REFRESH-INTERVAL;VALUE=DURATION:PT15M", "X-PUBLISHED-TTL:PT15M",
                 "SOURCE;VALUE=URI:https://calendar.example.org/calendar.ics",
                 "URL;VALUE=URI:https://calendar.example.org/"):
        assert "\r\n" + line in text, line
    assert "\n" not in text.replace("\r\n", "")  # CRLF only


def test_all_day_event_has_exclusive_dtend_and_is_transparent(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(start=dt.date(2025, 3, 20), end=dt.date(2025, 3, 22)))
    [event] = parse_icalendar(render())
    assert event["start"] == dt.date(2025, 3, 20)
    assert event["end"] == dt.date(2025, 3, 23)
    text = render().decode()
    assert "TRANSP:TRANSPARENT" in text
    assert "CLASS:PUBLIC" in text
    assert "CATEGORIES:meeting" in text
    assert "URL;VALUE=URI:https://calendar.example.org/events/" in text  # the event's page


def test_every_event_property_is_there(factory: sessionmaker[Session], render: Render) -> None:
    result = store(factory, record())
    [event] = parse_ical(render())
    assert event["uid"] == result.created[0]
    assert event["location"] == "Minsk, Belarus"
    assert "Source: https://example.org/news/1" in event["description"]
    text = render().decode()
    for name in ("DTSTAMP:20250110T080000Z", "CREATED:20250110T080000Z", "LAST-MODIFIED:20250110T080000Z",
                 "SEQUENCE:0", "STATUS:CONFIRMED"):
        assert name in text


def test_timed_event_uses_tzid_and_ships_its_vtimezone(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(start_time=dt.time(10, 0), end_time=dt.time(12, 30), timezone="Asia/Almaty"))
    data = render()
    [event] = parse_ical(data)
    assert event["start"] == dt.datetime(2025, 3, 20, 10, 0, tzinfo=event["start"].tzinfo)
    assert event["start"].utcoffset() == dt.timedelta(hours=5)  # Almaty since 1 March 2024
    assert b"DTSTART;TZID=Asia/Almaty:20250320T100000" in data
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    assert b"TZID:Asia/Almaty" in data
    assert b"TRANSP:OPAQUE" in data


def test_render_is_deterministic(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record("a"), record("b", start_time=dt.time(9, 0)), record("c", anniversary=True,
                                                                             start=dt.date(1992, 5, 15)))
    with time_machine.travel(dt.datetime(2031, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        later = render()
    assert later == render() == render(cache=BlockCache())  # nothing in the bytes comes from "now"
    assert {event["summary"] for event in parse_ical(later)} >= {"Meeting a", "Meeting b"}


def test_cached_and_uncached_render_give_the_same_bytes(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, *(record(f"e{i}", start=dt.date(2025, 1, 1) + dt.timedelta(days=i)) for i in range(20)))
    cache = BlockCache()
    first = render(cache=cache)
    second = render(cache=cache)
    assert first == second == render()
    assert cache.hits == 20


def test_month_precision_events_are_left_out_by_default(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record("may", start=dt.date(2024, 5, 1), end=dt.date(2024, 6, 30), precision=Precision.MONTH,
                          evidence="in May-June 2024", status=Status.PLANNED))
    assert parse_icalendar(render()) == []


def test_approximate_events_are_tentative_and_say_so(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record("may", start=dt.date(2024, 5, 1), end=dt.date(2024, 6, 30), precision=Precision.MONTH,
                          evidence="in May-June 2024", status=Status.PLANNED))
    [event] = parse_icalendar(render(options=IcsOptions(approximate=True)))
    assert event["status"] == "TENTATIVE"
    assert "approximate date: May–June 2024" in event["summary"]
    assert "in May-June 2024" in event["description"]
    assert "approximate" in event["description"]
    assert (event["start"], event["end"]) == (dt.date(2024, 5, 1), dt.date(2024, 7, 1))


def test_cancelled_event_stays_as_cancelled(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(status=Status.CANCELLED))
    [event] = parse_icalendar(render())
    assert event["status"] == "CANCELLED"


def test_postponed_event_is_tentative_and_titled_so(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(status=Status.POSTPONED))
    [event] = parse_ical(render())
    assert event["status"] == "TENTATIVE"
    assert event["summary"].startswith("Postponed: ")


def test_events_older_than_the_window_are_left_out(app: Flask, factory: sessionmaker[Session],
                                                    render: Render) -> None:
    store(factory, record("old", start=dt.date(2022, 12, 1)), record("recent", start=dt.date(2023, 2, 1)))
    assert [e["summary"] for e in parse_icalendar(render())] == ["Meeting recent"]
    change_settings(app, ics_past_days=10_000)
    assert len(parse_icalendar(render())) == 2


def test_subscriber_alarms(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(start_time=dt.time(10, 0), timezone="Europe/Minsk"))
    data = render(options=IcsOptions(alarms=(dt.timedelta(days=7), dt.timedelta(hours=9))))
    [event] = parse_ical(data)
    assert sorted(event["alarms"]) == [-dt.timedelta(days=7), -dt.timedelta(hours=9)]
    import icalendar

    calendar = icalendar.Calendar.from_ical(data)
    rings = recurring_ical_events.of(calendar, components=["VALARM"]).between(dt.date(2025, 3, 1),
                                                                               dt.date(2025, 3, 21))
    triggers = sorted(alarm["TRIGGER"].dt for event in rings for alarm in event.walk("VALARM"))
    # 10:00 in Minsk (UTC+3) is 07:00 UTC: 7 days before, and 9 hours before.
    assert triggers == [dt.datetime(2025, 3, 13, 7, 0, tzinfo=dt.UTC), dt.datetime(2025, 3, 19, 22, 0, tzinfo=dt.UTC)]


def test_russian_titles_and_descriptions(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(title_ru="Встреча министров", summary_ru="Министры встретились."),
          record("english-only"))
    events = {e["summary"]: e for e in parse_icalendar(render(options=IcsOptions(lang="ru")))}
    assert set(events) == {"Встреча министров", "Meeting english-only"}
    assert events["Встреча министров"]["description"].startswith("Министры встретились.")


def test_anniversaries_every_year_with_ordinals_jubilees_and_reminders(factory: sessionmaker[Session],
                                                                         render: Render) -> None:
    store(factory, record("treaty", title="Signing of the Collective Security Treaty",
                          title_ru="Подписание Договора о коллективной безопасности",
                          start=dt.date(1992, 5, 15), category=Category.MILESTONE, anniversary=True))
    data = render("calendars/anniversaries.ics")
    events = parse_ical(data)
    assert [e["start"].year for e in events] == list(range(2022, 2036))
    titles = {e["start"].year: e["summary"] for e in events}
    assert titles[2025] == "33rd anniversary of the signing of the Collective Security Treaty"
    assert titles[2027] == "35th anniversary of the signing of the Collective Security Treaty (jubilee)"
    assert all(e["start"] == dt.date(e["start"].year, 5, 15) for e in events)
    assert all(sorted(e["alarms"]) == [-dt.timedelta(days=6, hours=15), -dt.timedelta(hours=15)] for e in events)
    russian = parse_icalendar(render("calendars/anniversaries.ics", options=IcsOptions(lang="ru")))
    assert russian[3]["summary"] == "33-я годовщина подписания Договора о коллективной безопасности"
    assert "CATEGORIES:anniversary,jubilee" in data.decode()


def test_anniversaries_expand_in_a_recurrence_aware_reader(factory: sessionmaker[Session], render: Render) -> None:
    import icalendar

    store(factory, record("treaty", start=dt.date(1992, 5, 15), anniversary=True))
    calendar = icalendar.Calendar.from_ical(render())
    found = recurring_ical_events.of(calendar).between(dt.date(2030, 1, 1), dt.date(2031, 1, 1))
    assert [str(e["SUMMARY"]) for e in found] == ["38th anniversary of “Meeting treaty”"]


def test_29_february_falls_on_28_february_in_common_years(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record("leap", start=dt.date(1996, 2, 29), anniversary=True))
    days = [e["start"] for e in parse_icalendar(render("calendars/anniversaries.ics"))]
    assert dt.date(2024, 2, 29) in days
    assert dt.date(2025, 2, 28) in days


def test_anniversaries_calendar_holds_only_anniversaries(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record("treaty", start=dt.date(1992, 5, 15), anniversary=True), record("other"))
    assert all(e["uid"].startswith("anniversary-") for e in parse_icalendar(render("calendars/anniversaries.ics")))


def test_shortcut_and_filter_narrow_the_events(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record("m"), record("t", category=Category.TRAINING, country="KZ"))
    assert [e["summary"] for e in parse_icalendar(render("calendars/meetings.ics"))] == ["Meeting m"]
    assert [e["summary"] for e in parse_icalendar(render("calendars/trainings.ics"))] == ["Meeting t"]
    assert [e["summary"] for e in parse_icalendar(render("calendars/kz.ics"))] == ["Meeting t"]
    narrowed = render(where=EventFilter(countries=("BY",)))
    assert [e["summary"] for e in parse_icalendar(narrowed)] == ["Meeting m"]


def test_single_event_download_has_no_calendar_name(factory: sessionmaker[Session]) -> None:
    from calendar_service.render import FeedSpec
    from calendar_service.render.ical import render_calendar

    store(factory, record())
    with transaction(factory) as session:
        from calendar_service.store.queries import list_events

        data = render_calendar(list_events(session), FeedSpec("x", "y", "https://e/x", "https://e"), named=False)
    assert b"X-WR-CALNAME" not in data
    assert b"\r\nNAME:" not in data
    assert len(parse_ical(data)) == 1


def test_a_changed_event_keeps_its_uid_and_gets_a_higher_sequence(factory: sessionmaker[Session],
                                                                   render: Render) -> None:
    store(factory, record())
    [before] = parse_ical(render())
    store(factory, record(start=dt.date(2025, 3, 21)), now=T0 + dt.timedelta(days=1))
    [after] = parse_ical(render())
    assert after["uid"] == before["uid"]
    assert after["sequence"] == before["sequence"] + 1
    assert after["start"] == dt.date(2025, 3, 21)
    assert MAIN_CALENDAR.name == "calendar.ics"


def test_one_cache_serves_every_variant_without_mixing_them(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(title_ru="Встреча"))
    cache = BlockCache()
    english = render(cache=cache)
    russian = render(cache=cache, options=IcsOptions(lang="ru"))
    alarmed = render(cache=cache, options=IcsOptions(alarms=(dt.timedelta(days=1),)))
    assert [e["summary"] for e in parse_icalendar(russian)] == ["Встреча"]
    assert [e["summary"] for e in parse_icalendar(english)] == ["Meeting event-1"]
    assert b"BEGIN:VALARM" in alarmed
    assert b"BEGIN:VALARM" not in english
    assert render(cache=cache) == english


def test_a_changed_event_replaces_its_cached_block(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record())
    cache = BlockCache()
    render(cache=cache)
    store(factory, record(title="Renamed"), now=T0 + dt.timedelta(hours=1))
    assert [e["summary"] for e in parse_icalendar(render(cache=cache))] == ["Renamed"]
    assert len(cache) == 1


def test_block_cache_is_bounded_in_bytes_and_variants() -> None:
    block = b"x" * 1000
    cache = BlockCache(max_bytes=4000, max_variants=2)
    first = cache.blocks("a")
    cache.add("a", first, ("u1", 0), block)
    cache.add("a", first, ("u2", 0), block)
    second = cache.blocks("b")
    cache.add("b", second, ("u3", 0), block)
    assert len(cache) == 3
    assert cache.nbytes <= cache.max_bytes
    cache.add("b", second, ("u4", 0), block)  # past the bound: the least recently used table ("a") goes
    assert (len(cache), len(first), len(second)) == (2, 2, 2)
    cache.add("b", second, ("u5", 0), block)
    cache.add("b", second, ("u6", 0), block)  # it would not fit even alone: not kept
    assert sorted(cache.blocks("b")) == [("u3", 0), ("u4", 0), ("u5", 0)]
    assert cache.nbytes <= cache.max_bytes
    cache.blocks("c")
    cache.blocks("d")  # a third table: past max_variants, the least recently used ("b") goes
    assert (len(cache), cache.nbytes) == (0, 0)
    cache.add("d", cache.blocks("d"), ("u1", 1), block)
    cache.add("d", cache.blocks("d"), ("u1", 2), block)  # a new sequence replaces the old block
    assert list(cache.blocks("d")) == [("u1", 2)]


def test_russian_descriptions_dates_and_places(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(title_ru="Встреча", summary_ru="Министры встретились.", evidence="20 марта"),
          record("may", start=dt.date(2024, 5, 1), end=dt.date(2024, 6, 30), precision=Precision.MONTH,
                 title_ru="Учения", status=Status.PLANNED, country="KZ"))
    events = {e["summary"]: e for e in parse_ical(render(options=IcsOptions(lang="ru", approximate=True)))}
    meeting = events["Встреча"]
    assert meeting["description"].startswith("Министры встретились.\n\nКогда: 20 марта 2025 г.\nГде: Минск, Беларусь")
    assert "Как сообщалось: «20 марта»" in meeting["description"]
    assert meeting["location"] == "Минск, Беларусь"  # no gazetteer in this DATA_DIR: CLDR names the capital
    exercise = events["Учения (дата приблизительная: май–июнь 2024 г.)"]
    assert exercise["status"] == "TENTATIVE"
    assert exercise["description"].startswith("Дата приблизительная: известно только «май–июнь 2024 г.», не день.")


def test_russian_calendar_names(factory: sessionmaker[Session], render: Render) -> None:
    import icalendar

    store(factory, record(country="KZ"))
    for name, title in (("calendar.ics", "Календарь ОДКБ"), ("calendars/kz.ics", "Календарь ОДКБ: Казахстан")):
        calendar = icalendar.Calendar.from_ical(render(name, options=IcsOptions(lang="ru")))
        assert str(calendar["X-WR-CALNAME"]) == title


def test_uid_with_separators_round_trips(factory: sessionmaker[Session], render: Render) -> None:
    store(factory, record(uid="weird,uid;with\\separators@example.org"))
    for parse in (parse_icalendar, parse_ical):
        assert [e["uid"] for e in parse(render())] == ["weird,uid;with\\separators@example.org"]
