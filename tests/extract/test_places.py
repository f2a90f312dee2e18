"""Places: a country counts where the text puts the event there, not where it only names it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent, Gazetteer
from calendar_service.ingest.extract.places import bodies_of, places_of


def _countries(gazetteer: Gazetteer, text: str) -> tuple[str, ...]:
    return places_of(text, gazetteer.find(text)).countries


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("meetings in May-June 2024 in the Republic of Kazakhstan.", ("KZ",)),
        (
            "on the territory of the Republic of Kazakhstan, the Kyrgyz Republic and "
            "the Republic of Tajikistan",
            ("KZ", "KG", "TJ"),
        ),
        ("to assist the Republic of Kazakhstan in stabilizing the situation", ("KZ",)),
        (
            "the CSTO, which today unites six states - Russia, the Republics of Armenia, Belarus, Kazakhstan",
            (),
        ),
        ("delegations of Armenia and Belarus took part", ()),
        ("discussed the situation in Afghanistan", ()),
        ("interested in Armenia's participation", ()),
        ("the Ambassador of the Republic of Serbia to the Russian Federation", ()),
        ("пройдут в Республике Казахстан", ("KZ",)),
        (
            "на территории Республики Беларусь, Республики Казахстан и Кыргызской Республики",
            ("BY", "KZ", "KG"),
        ),
        ("Генеральный секретарь посетил Республику Армения", ("AM",)),
        ("прошло в Минске", ("BY",)),
        ("на казахстанском полигоне", ("KZ",)),
        ("казахстанская делегация", ()),
        ("the Dushanbe Declaration was adopted", ()),
        ("held in Yerevan and Gyumri", ("AM",)),
    ],
)
def test_places(gazetteer: Gazetteer, text: str, countries: tuple[str, ...]) -> None:
    assert _countries(gazetteer, text) == countries


def test_the_city_is_the_venue(gazetteer: Gazetteer) -> None:
    text = "The Council met in Minsk, with delegations of Armenia and Kazakhstan."
    places = places_of(text, gazetteer.find(text))
    assert (places.city, places.country, places.countries) == ("Minsk", "BY", ("BY",))


def test_the_csto_itself_only_without_its_bodies(gazetteer: Gazetteer) -> None:
    assert bodies_of(gazetteer.find("the Joint Staff of the CSTO and the UNOCT")) == (
        "CSTO Joint Staff",
        "UN Office of Counter-Terrorism",
    )
    assert bodies_of(gazetteer.find("the CSTO and the SCO signed a memorandum")) == ("CSTO", "SCO")


def test_undated_follow_up_sentences_add_places_and_bodies(
    extract_one: Callable[..., ExtractedEvent],
) -> None:
    event = extract_one(
        "On 5 March, the CSTO Secretary General held talks. The talks took place in Yerevan with "
        "representatives of the ICRC.",
        "2025-03-10",
    )
    assert event.countries == ("AM",)
    assert event.city == "Yerevan"
    assert "ICRC" in event.bodies


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Учение прошло на полигоне «Эдельвейс» в Иссык-Кульской области.", ("KG",)),
        ("Заседание прошло в Алма-Ате.", ("KZ",)),
    ],
)
def test_a_name_inside_a_hyphenated_word_is_not_that_place(
    gazetteer: Gazetteer, text: str, countries: tuple[str, ...]
) -> None:
    assert _countries(gazetteer, text) == countries


def test_two_dates_two_places_each_event_where_its_stretch_puts_it(
    extract: Callable[..., list[ExtractedEvent]],
) -> None:
    text = (
        "Сессия Совета коллективной безопасности ОДКБ пройдет в кыргызской столице 28 ноября, "
        "12 декабря министры соберутся на заседание в Москве."
    )
    events = extract(text, "2019-11-27")
    assert [(e.start.isoformat(), e.countries) for e in events] == [("2019-11-28", ("KG",)), ("2019-12-12", ("RU",))]
