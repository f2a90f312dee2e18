"""The gazetteer: a readable YAML file, valid codes, inflected Russian forms, longest names first."""

from __future__ import annotations

import os
from pathlib import Path

import pycountry
import pytest
import yaml

from calendar_service.errors import ConfigurationError
from calendar_service.ingest.extract import Gazetteer, load_gazetteer
from calendar_service.ingest.extract.gazetteer import Kind, expand_form, packaged_gazetteer


def _names(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.entry.name) for m in gazetteer.find(text)]


def test_every_code_is_iso_3166(gazetteer: Gazetteer) -> None:
    document = yaml.load(packaged_gazetteer().read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    codes = set(document["countries"]) | {city["country"] for city in document["cities"].values()}
    assert all(pycountry.countries.get(alpha_2=code) for code in codes)
    assert {"RU", "AM", "BY", "KZ", "KG", "TJ"} <= set(document["countries"])


def test_every_city_of_the_member_states_has_russian_forms() -> None:
    document = yaml.load(packaged_gazetteer().read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for name, city in document["cities"].items():
        assert city.get("en"), name
        assert city.get("ru"), name


def test_brace_forms_expand() -> None:
    assert expand_form("Минск{|а|е}") == ["Минск", "Минска", "Минске"]
    assert expand_form("Республик{а|и} Беларус{ь|и}") == [
        "Республика Беларусь",
        "Республика Беларуси",
        "Республики Беларусь",
        "Республики Беларуси",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("в Минске", "Minsk"),
        ("из Москвы", "Moscow"),
        ("в Республике Казахстан", "KZ"),
        ("Кыргызской Республики", "KG"),
        ("в Армении", "AM"),
        ("Беларусью", "BY"),
        ("в Душанбе", "Dushanbe"),
        ("Астане", "Astana"),
        ("Совета министров обороны", "CSTO Council of Defence Ministers"),
        ("Объединенного штаба", "CSTO Joint Staff"),
        ("Объединённым штабом", "CSTO Joint Staff"),
        ("Кризисного центра", "CSTO Crisis Response Center"),
        ("Коллективных сил оперативного реагирования", "CSTO Collective Rapid Reaction Forces"),
        ("РАТС ШОС", "SCO Regional Anti-Terrorist Structure"),
        ("АТЦ СНГ", "CIS Anti-Terrorism Center"),
    ],
)
def test_russian_inflected_forms(gazetteer: Gazetteer, text: str, name: str) -> None:
    assert _names(gazetteer, text)[-1][1] == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the Kyrgyz Republic", "KG"),
        ("Republic of Tajikistan", "TJ"),
        ("the Russian Federation", "RU"),
        ("Mongolia", "MN"),
        ("Islamic Republic of Iran", "IR"),
        ("Nur-Sultan", "Astana"),
        ("Nur Sultan", "Astana"),
        ("the CSTO Council of Defense Ministers", "CSTO Council of Defence Ministers"),
        (
            "the Committee of Secretaries of Security Council",
            "CSTO Committee of Secretaries of Security Councils",
        ),
        ("the CSTO Ministerial Council", "CSTO Council of Foreign Ministers"),
    ],
)
def test_english_forms_and_pycountry_names(gazetteer: Gazetteer, text: str, name: str) -> None:
    assert _names(gazetteer, text)[-1][1] == name


def test_the_longest_name_wins(gazetteer: Gazetteer) -> None:
    text = (
        "the Coordination Service of the CIS Council of Commanders of Border Troops, "
        "the CIS ATC and the SCO RATS"
    )
    assert [name for _, name in _names(gazetteer, text)] == [
        "Coordination Service of the CIS Council of Commanders of Border Troops",
        "CIS Anti-Terrorism Center",
        "SCO Regional Anti-Terrorist Structure",
    ]


def test_acronyms_match_only_in_capitals(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer, "the UN and the un") == [("UN", "United Nations")]
    assert _names(gazetteer, "EU; eu") == [("EU", "European Union")]


def test_adjectives_are_their_own_kind(gazetteer: Gazetteer) -> None:
    [match] = gazetteer.find("на казахстанском полигоне")
    assert (match.entry.kind, match.entry.country) == (Kind.ADJECTIVE, "KZ")


def test_a_form_naming_two_entries_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gazetteer.yaml").write_text(
        "countries:\n  KZ: {en: [Astana]}\ncities:\n  Astana: {country: KZ, en: [Astana]}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigurationError, match="'Astana' names both country KZ and city Astana"):
        load_gazetteer(tmp_path)


def test_an_unknown_country_code_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gazetteer.yaml").write_text("countries:\n  XX: {en: [Nowhere]}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="'XX' is not an ISO 3166-1 alpha-2 code"):
        load_gazetteer(tmp_path)


def test_without_a_gazetteer_of_its_own_the_data_folder_gives_the_shipped_one(tmp_path: Path) -> None:
    assert load_gazetteer(tmp_path) is load_gazetteer()
    assert "Minsk" in load_gazetteer(tmp_path).cities


def test_broken_yaml_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "gazetteer.yaml").write_text("cities: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        load_gazetteer(tmp_path)


def test_an_edited_gazetteer_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.yaml"
    path.write_text("cities:\n  Minsk: {country: BY, en: [Minsk]}\n", encoding="utf-8")
    assert "Minsk" in load_gazetteer(tmp_path).cities
    path.write_text("cities:\n  Brest: {country: BY, en: [Brest]}\n", encoding="utf-8")
    os.utime(path, ns=(1, 10**18))
    assert "Brest" in load_gazetteer(tmp_path).cities
