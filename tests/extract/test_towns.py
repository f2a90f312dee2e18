"""Places in every Russian case (pymorphy3) and towns beyond the capitals (the shipped GeoNames extract)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent, Gazetteer
from calendar_service.ingest.extract.gazetteer import Kind
from calendar_service.ingest.extract.towns import read_towns

Extract = Callable[..., list[ExtractedEvent]]


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("помощь Казахстану", Kind.COUNTRY, "KZ"),
        ("прибыл в Кыргызстан", Kind.COUNTRY, "KG"),
        ("в Бишкеке", Kind.CITY, "Bishkek"),
        ("в Нижнем Новгороде", Kind.CITY, "Nizhniy Novgorod"),
        ("в Казани", Kind.CITY, "Kazan"),
        ("под Чебаркулем", Kind.CITY, "Chebarkul"),
        ("in Ust-Kamenogorsk", Kind.CITY, "Ust-Kamenogorsk"),
        ("Советом министров обороны", Kind.BODY, "CSTO Council of Defence Ministers"),
    ],
)
def test_names_in_every_case_and_beyond_the_capitals(gazetteer: Gazetteer, text: str, kind: Kind, name: str) -> None:
    [match] = gazetteer.find(text)
    assert (match.entry.kind, match.entry.name) == (kind, name)


def test_ordinary_words_are_no_towns(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("в Советском Союзе") == []
    assert gazetteer.find("в Мирном договоре") == []


def test_the_extract_is_shipped_with_the_towns_of_the_member_states() -> None:
    towns = read_towns()
    assert {town.country for town in towns} >= {"RU", "BY", "KZ", "KG", "TJ", "AM"}
    assert len([town for town in towns if town.country == "RU"]) > 500
    kazan = next(town for town in towns if town.name == "Kazan")
    assert (kazan.names[kazan.names.index("Казань")], kazan.normal_forms[0]) == ("Казань", "казань")


@pytest.mark.parametrize(
    ("text", "countries", "city"),
    [
        ("13 марта, Минск /БЕЛТА/. Учения ОДКБ пройдут 20 мая под Чебаркулем.", ("RU",), "Chebarkul"),
        ("MINSK, March 13. /BelTA/. The CSTO foreign ministers will meet in Kazan on 20 May.", ("RU",), "Kazan"),
        ("13 марта, Минск /БЕЛТА/. В Казани 20 мая пройдет заседание СМИД ОДКБ.", ("RU",), "Kazan"),
        ("13 марта, Минск /БЕЛТА/. 20 мая в Кыргызстане пройдут учения ОДКБ.", ("KG",), None),
    ],
)
def test_the_venue_of_an_event(extract: Extract, text: str, countries: tuple[str, ...], city: str | None) -> None:
    [event] = extract(text, "2025-06-01")
    assert (event.countries, event.city) == (countries, city)


def test_a_town_named_without_a_place_word_is_no_venue(extract: Extract) -> None:
    [event] = extract("On 20 May, Ambassador Kirov met the CSTO Secretary General.", "2025-06-01")
    assert (event.countries, event.city) == ((), None)


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Учения ОДКБ пройдут 20 мая на полигоне в Витебской области Белоруссии.", ("BY",)),
        ("Kazakhstan will host the CSTO exercise on 20 May.", ("KZ",)),
        ("Казахстан примет участие в учениях ОДКБ 20 мая.", ()),
        ("MINSK, May 20. /BelTA/. The CSTO foreign ministers met today via videoconference.", ()),
        ("MINSK, May 20. /BelTA/. The CSTO foreign ministers met today.", ("BY",)),
    ],
)
def test_venues_of_agency_news(extract: Extract, text: str, countries: tuple[str, ...]) -> None:
    [event] = extract(text, "2025-06-01")
    assert event.countries == countries


def test_there_is_where_the_event_before_was(extract: Extract) -> None:
    session, ministers = extract(
        "Москва. 28 сентября. ИНТЕРФАКС - Сессия Совета коллективной безопасности ОДКБ пройдет 14 октября в Ереване."
        " Накануне, 13 октября, там же состоится заседание Совета министров иностранных дел.",
        "2025-10-01",
    )
    assert (session.countries, ministers.countries) == (("AM",), ("AM",))
