"""One event reads the same everywhere: its calendar, its notice and its page, in English and Russian."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import shutil
from typing import Any

import icalendar
import lxml.html
import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import create_app, get_settings
from calendar_service.dates import Precision
from calendar_service.db import get_session_factory, migrate, transaction
from calendar_service.ingest.dataset import load_dataset
from calendar_service.ingest.extract.gazetteer import load_gazetteer, packaged_gazetteer
from calendar_service.models import Notice
from calendar_service.store.records import Status
from calendar_service.wording.common import format_period
from calendar_service.wording.names import load_russian_names
from tests.conftest import DATASET, NOW, REPO
from tests.icshelpers import record, store

CASES = [
    ({"start": dt.date(2025, 5, 15)}, "15 May 2025", "15 мая 2025 г."),
    ({"start": dt.date(2025, 5, 15), "end": dt.date(2025, 5, 17)}, "15–17 May 2025", "15–17 мая 2025 г."),
    ({"start": dt.date(2025, 5, 30), "end": dt.date(2025, 6, 2)}, "30 May – 2 June 2025", "30 мая – 2 июня 2025 г."),
    ({"start": dt.date(2025, 5, 1), "end": dt.date(2025, 5, 31), "precision": Precision.MONTH}, "May 2025",
     "май 2025 г."),
    ({"start": dt.date(2025, 1, 1), "end": dt.date(2026, 12, 31), "precision": Precision.YEAR}, "2025–2026",
     "2025–2026 гг."),
]


def _calendar_description(data: bytes) -> str:
    return str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["DESCRIPTION"])


@pytest.mark.parametrize(("fields", "english", "russian"), CASES)
def test_a_date_reads_the_same_in_calendar_notice_and_page(
        app: Any, factory: sessionmaker[Session], fields: dict[str, Any], english: str, russian: str) -> None:
    store(factory, record("event", title_ru="Встреча", **fields))
    client = app.test_client()
    with transaction(factory) as session:
        notice = session.scalars(select(Notice)).one()
        uid = notice.event.uid
    assert f"When: {english}" in _calendar_description(client.get(f"/events/{uid}.ics?approximate=1").data)
    assert f"Когда: {russian}" in _calendar_description(client.get(f"/events/{uid}.ics?lang=ru&approximate=1").data)
    assert f"({english}, Minsk, Belarus)" in notice.title
    assert f"({russian}, Минск, Беларусь)" in notice.title_ru  # type: ignore[operator]
    assert notice.summary_ru.startswith(f"{russian}, Минск, Беларусь.")  # type: ignore[union-attr]
    assert "г.." not in (notice.summary_ru or "")
    assert english in html.unescape(client.get(f"/events/{uid}").get_data(as_text=True))
    assert russian in html.unescape(client.get(f"/events/{uid}?lang=ru").get_data(as_text=True))


def test_month_names_come_from_babel_in_both_cases() -> None:
    assert format_period(dt.date(2025, 3, 8), dt.date(2025, 3, 8), "day", "ru") == "8 марта 2025 г."
    assert format_period(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "month", "ru") == "март 2025 г."
    assert format_period(dt.date(2024, 12, 1), dt.date(2025, 1, 31), "month", "ru") == (
        "декабрь 2024 г. – январь 2025 г.")


def test_the_gazetteer_gives_russian_names_of_bodies_and_cities() -> None:
    gazetteer = load_gazetteer()
    assert gazetteer.russian_name("Collective Security Treaty Organization") == (
        "Организация Договора о коллективной безопасности")
    assert gazetteer.russian_name("CSTO Council of Defence Ministers") == "Совет министров обороны"
    assert gazetteer.russian_name("Minsk") == "Минск"
    assert gazetteer.russian_name("Edelweiss") == "полигон «Эдельвейс»"
    assert gazetteer.russian_name("OSCE") == "ОБСЕ"  # only an acronym is known
    assert gazetteer.russian_name("Atlantis") is None
    names = load_russian_names(REPO / "data")
    assert repr(names) == repr(load_russian_names(REPO / "data"))  # stable: rendered blocks are keyed by it


#: Latin-script words; URLs are removed first (a link is no word to translate).
_LATIN_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
_URL = re.compile(r"https?://\S+")


@functools.cache
def _bodies_without_russian_names() -> tuple[str, ...]:
    """The shipped dataset's bodies the gazetteer has no Russian name for, longest first."""
    names = load_russian_names(REPO / "data")
    with DATASET.open(encoding="utf-8") as stream:
        events = yaml.load(stream, Loader=yaml.CSafeLoader)["events"]
    unknown = {body for event in events for body in event.get("bodies", []) if names.get(body) == body}
    return tuple(sorted(unknown, key=len, reverse=True))


def _latin(text: str) -> list[str]:
    # A body the gazetteer has no Russian name for keeps its name: no Russian form exists.
    text = _URL.sub("", text)
    for body in _bodies_without_russian_names():
        text = text.replace(body, "")
    return _LATIN_WORD.findall(text)


@pytest.fixture
def russian_app(make_settings: Any) -> Any:
    app = create_app(make_settings())  # a data folder without a gazetteer of its own: the shipped one
    factory = get_session_factory(app)
    migrate(factory)
    load_dataset(factory, DATASET, now=NOW)
    return app


@pytest.mark.slow
def test_a_russian_calendar_of_the_shipped_dataset_has_no_latin_words(russian_app: Any) -> None:
    client = russian_app.test_client()
    for url in ("/calendar.ics?lang=ru&approximate=1", "/calendars/anniversaries.ics?lang=ru"):
        events = icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")
        assert events
        for event in events:
            for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES"):
                value = event.get(name)
                text = ",".join(str(v) for v in value.cats) if name == "CATEGORIES" and value else str(value or "")
                assert not _latin(text), (url, name, text)


@pytest.mark.slow
def test_a_russian_notice_text_of_the_shipped_dataset_has_no_latin_words(russian_app: Any) -> None:
    with transaction(get_session_factory(russian_app)) as session:
        notices = session.scalars(select(Notice)).all()
        assert notices
        for notice in notices:
            assert not _latin(notice.title_ru or ""), notice.title_ru
            assert not _latin(notice.summary_ru or ""), notice.summary_ru



def _visible_text(page: str, *, skip_lang: str) -> tuple[str, str]:
    """The page's language and the text it shows outside elements marked as written in ``skip_lang``."""
    tree = lxml.html.fromstring(page)
    for element in tree.xpath(f'//*[@lang="{skip_lang}"] | //style | //head'):
        element.drop_tree()
    return lxml.html.fromstring(page).get("lang"), _URL.sub("", tree.text_content())


def _facts(page: str) -> dict[str, str]:
    """The facts an event page lists (its ``<dl>``): term -> description."""
    tree = lxml.html.fromstring(page)
    return {term.text_content().strip(): term.getnext().text_content().strip()
            for term in tree.xpath('//dl[@class="facts"]/dt')}


def test_the_russian_event_page_says_everything_in_russian(app: Any, factory: sessionmaker[Session]) -> None:
    store(factory, record("event", title_ru="Встреча министров", summary_ru="Министры встретились.",
                          countries=("BY", "KZ"), bodies=("CSTO Council of Foreign Ministers",)))
    store(factory, record("event", title_ru="Встреча министров", summary_ru="Министры встретились.",
                          countries=("BY", "KZ"), bodies=("CSTO Council of Foreign Ministers",),
                          status=Status.CANCELLED), now=NOW)
    shutil.copyfile(packaged_gazetteer(), get_settings(app).data_dir / "gazetteer.yaml")
    client = app.test_client()
    with transaction(factory) as session:
        uid = session.scalars(select(Notice)).first().event.uid  # type: ignore[union-attr]
    lang, shown = _visible_text(client.get(f"/events/{uid}?lang=ru").get_data(as_text=True), skip_lang="en")
    assert lang == "ru"
    # Names of formats and services stay as they are written.
    names = {"ics", "JSON", "Google", "Atom", "RSS", "Feed", "API"}
    assert not [word for word in _LATIN_WORD.findall(shown) if word not in names], shown
    page = client.get(f"/events/{uid}?lang=ru").get_data(as_text=True)
    assert _facts(page)["Страны"] == "Беларусь, Казахстан"
    assert _facts(page)["Органы"] == "Совет министров иностранных дел"
    for words in ("отменено", "Уведомления", "Отменено: Встреча министров"):
        assert words in " ".join(shown.split())
    lang, shown = _visible_text(client.get(f"/events/{uid}").get_data(as_text=True), skip_lang="ru")
    assert lang == "en"
    assert not re.search("[А-Яа-я]", shown), shown
    assert _facts(client.get(f"/events/{uid}").get_data(as_text=True))["Countries"] == "Belarus, Kazakhstan"
