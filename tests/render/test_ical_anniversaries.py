"""Each anniversary speaks of itself, and its Russian title declines as the notices' does."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.anniversaries import Anniversary
from calendar_service.store.records import Category
from calendar_service.wording.notices import anniversary_today_text
from tests.icshelpers import record, store

SOURCE_SUMMARY = "15 May 2024 marked the 32nd anniversary of the conclusion of the Collective Security Treaty."


def _entries(app: Flask, query: str = "") -> dict[int, icalendar.Event]:
    data = app.test_client().get(f"/calendars/anniversaries.ics{query}").data
    return {event.start.year: event for event in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_an_anniversary_description_speaks_of_that_anniversary_only(app: Flask,
                                                                      factory: sessionmaker[Session]) -> None:
    store(factory, record("treaty", title="Signing of the Collective Security Treaty", start=dt.date(1992, 5, 15),
                          summary=SOURCE_SUMMARY, evidence="15 May marks the 32nd anniversary",
                          category=Category.MILESTONE, anniversary=True))
    entries = _entries(app, "?lang=en")  # a query renders from the store
    assert 2035 in entries
    for year, event in entries.items():
        description = str(event["DESCRIPTION"])
        number = year - 1992
        assert f"marks the {number}" in description
        assert "32nd" not in description or number == 32, (year, description)
        assert "marked" not in description
        assert year == 2024 or "2024" not in description
    assert str(entries[2035]["DESCRIPTION"]).startswith(
        "Tuesday, 15 May 2035, marks the 43rd anniversary (43 years) of the signing of the Collective Security "
        "Treaty (15 May 1992).")


@pytest.mark.parametrize(("title_ru", "expected"), [
    ("Подписание Договора о коллективной безопасности", "подписания Договора о коллективной безопасности"),
    ("Вступление в силу Устава Организации", "вступления в силу Устава Организации"),
    ("Создание Организации Договора о коллективной безопасности",
     "создания Организации Договора о коллективной безопасности"),
    ("Учреждение Объединённого штаба ОДКБ", "учреждения Объединённого штаба ОДКБ"),
])
def test_russian_anniversary_titles_decline_in_the_calendar_as_in_the_notices(
        app: Flask, factory: sessionmaker[Session], title_ru: str, expected: str) -> None:
    store(factory, record("act", title_ru=title_ru, start=dt.date(1994, 11, 1), anniversary=True))
    entries = _entries(app, "?lang=ru")
    assert str(entries[2025]["SUMMARY"]) == f"31-я годовщина {expected}"
    assert str(entries[2024]["SUMMARY"]) == f"30-я годовщина {expected} (юбилей)"
    notice = anniversary_today_text(Anniversary(dt.date(1994, 11, 1), 31, dt.date(2025, 11, 1)), title="x",
                                    title_ru=title_ru, event_uid="act")
    assert notice.title_ru == f"Сегодня 31-я годовщина {expected} (1 ноября 1994 г.)"
    assert f"31-я годовщина (31 год) {expected} (1 ноября 1994 г.)" in str(entries[2025]["DESCRIPTION"])
