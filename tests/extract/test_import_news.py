"""Importing news: one transaction, idempotent, updates in place, nothing partial, dry runs store nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.errors import InvalidInput, NoEventsFound
from calendar_service.ingest.extract import Gazetteer
from calendar_service.ingest.news import import_news
from calendar_service.models import Event
from tests.extract.conftest import DATA, NOW, REFERENCE, SEED

Store = sessionmaker[Session]


def _import(store: Store, gazetteer: Gazetteer, data: bytes | str, **options: object) -> object:
    options.setdefault("reference_date", REFERENCE)
    options.setdefault("now", NOW)
    options.setdefault("publish", True)  # these tests are about storing; proposals are tested in tests/editors
    return import_news(store, data, gazetteer=gazetteer, **options)  # type: ignore[arg-type]


def _events(store: Store) -> list[Event]:
    with store() as session:
        return list(session.scalars(select(Event).order_by(Event.start_date, Event.key)))


def _count(store: Store) -> int:
    with store() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


def test_seed_import_then_again_changes_nothing(store: Store, gazetteer: Gazetteer) -> None:
    first = _import(store, gazetteer, SEED.read_bytes())
    assert first.summary() == "12 events: 12 created, 0 updated, 0 unchanged, 0 proposed"
    second = _import(store, gazetteer, SEED.read_bytes(), now=NOW + dt.timedelta(hours=1))
    assert second.summary() == "12 events: 0 created, 0 updated, 12 unchanged, 0 proposed"
    events = _events(store)
    assert len(events) == 12
    assert all(event.sequence == 0 for event in events)
    founding = next(event for event in events if event.is_anniversary)
    assert (founding.start_date, founding.precision, founding.title) == (
        dt.date(1992, 5, 15),
        "day",
        "Conclusion of the Collective Security Treaty",
    )
    training = next(event for event in events if event.start_date == dt.date(2024, 12, 20))
    assert training.is_year_inferred is True
    assert training.evidence == "20 December"
    assert training.published_date == REFERENCE
    assert training.source_url == "https://www.mid.ru/ru/foreign_policy/news/1950668/"


def test_a_newer_text_updates_the_event_it_reports(store: Store, gazetteer: Gazetteer) -> None:
    _import(
        store,
        gazetteer,
        "The meeting of the CSTO Council of Defence Ministers will be held on 20 June 2025 in Minsk.",
        reference_date=dt.date(2025, 3, 1),
    )
    [before] = _events(store)
    result = _import(
        store,
        gazetteer,
        "The meeting of the CSTO Council of Defence Ministers, scheduled for 20 June, "
        "has been postponed to 10 September 2025.",
        reference_date=dt.date(2025, 5, 20),
    )
    assert result.summary() == "1 event: 0 created, 1 updated, 0 unchanged, 0 proposed"
    [after] = _events(store)
    assert after.uid == before.uid
    assert after.sequence == before.sequence + 1
    assert (after.start_date, after.status) == (dt.date(2025, 9, 10), "postponed")


def test_russian_text_fills_the_russian_fields_too(store: Store, gazetteer: Gazetteer) -> None:
    _import(
        store,
        gazetteer,
        "12 ноября в Ереване состоялось заседание Совета министров иностранных дел ОДКБ.",
        reference_date=dt.date(2024, 11, 20),
    )
    [event] = _events(store)
    assert event.title == event.title_ru
    assert event.summary == event.summary_ru
    assert event.title.startswith("В Ереване состоялось заседание")
    assert (event.country, event.city, event.countries) == ("AM", "Yerevan", ("AM",))


def test_dry_run_stores_nothing_but_reports(store: Store, gazetteer: Gazetteer) -> None:
    result = _import(store, gazetteer, SEED.read_bytes(), dry_run=True)
    assert result.summary() == "12 events: 12 created, 0 updated, 0 unchanged, 0 proposed (dry run: nothing stored)"
    assert _count(store) == 0


def test_no_dates_stores_nothing(store: Store, gazetteer: Gazetteer) -> None:
    with pytest.raises(NoEventsFound):
        _import(store, gazetteer, "The CSTO is a regional organisation.")
    assert _count(store) == 0


def test_bad_input_stores_nothing(store: Store, gazetteer: Gazetteer) -> None:
    with pytest.raises(InvalidInput, match="PDF"):
        _import(store, gazetteer, b"%PDF-1.4 On 20 December, a training was held.")
    assert _count(store) == 0


def test_a_record_the_store_refuses_stores_nothing(store: Store, gazetteer: Gazetteer) -> None:
    with pytest.raises(InvalidInput, match="source_url"):
        _import(
            store,
            gazetteer,
            SEED.read_text(encoding="utf-8")
            .replace("https://www.mid.ru/ru/foreign_policy/news/1950668/", "")
            .strip(),
            source_url="ftp://example.org/news",
        )
    assert _count(store) == 0


def test_cp1251_input_is_imported(store: Store, gazetteer: Gazetteer) -> None:
    text = "20 декабря состоялась совместная тренировка дежурных смен Кризисного центра ОДКБ."
    result = _import(store, gazetteer, text.encode("cp1251"))
    assert result.encoding == "cp1251"
    assert (
        _events(store)[0].title_ru == "Состоялась совместная тренировка дежурных смен Кризисного центра ОДКБ"
    )


def test_importing_the_seed_over_the_dataset_adds_no_copies(store: Store, gazetteer: Gazetteer) -> None:
    """data/events.yaml is keyed as the extractor keys the seed, so the two never duplicate."""
    from calendar_service.ingest.dataset import load_dataset

    loaded = load_dataset(store, DATA / "events.yaml", now=NOW)
    result = import_news(store, (DATA / "csto-news.txt").read_bytes(), reference_date=dt.date(2025, 1, 15),
                         now=NOW, gazetteer=gazetteer)
    assert result.result.created == []
    assert sorted(loaded.created) == sorted(result.result.updated + result.result.unchanged)
