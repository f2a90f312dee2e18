"""The gazetteer: names of countries, cities and organisations found in news text.

Extraction step "places and bodies": :func:`load_gazetteer` reads the gazetteer shipped in the package
(``data/gazetteer.yaml`` beside this module; ``<DATA_DIR>/gazetteer.yaml`` replaces it where there is
one; its header explains the format) and adds the English names of every country from pycountry;
:meth:`Gazetteer.find` returns every name it knows in a text, longest first, as :class:`NameMatch`
values that :mod:`.places` then judges (is this country the venue, or only mentioned?).

Matching works on word tokens, so it costs one dictionary look-up per token and candidate length,
whatever the size of the gazetteer.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pycountry
import yaml

from calendar_service.errors import ConfigurationError
from calendar_service.ingest.extract.morphology import has_cyrillic, lemma
from calendar_service.ingest.extract.towns import read_towns
from calendar_service.store.records import is_country_code

__all__ = [
    "Entry",
    "Gazetteer",
    "Kind",
    "NameMatch",
    "expand_form",
    "load_gazetteer",
    "packaged_gazetteer",
    "tokens",
]

FILE_NAME = "gazetteer.yaml"
#: libyaml's safe loader where PyYAML was built with it (ten times faster), else the pure-Python one.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOKEN = re.compile(r"\w+")
_BRACES = re.compile(r"\{([^{}]*)\}")


class Kind(StrEnum):
    COUNTRY = "country"
    ADJECTIVE = "adjective"
    CITY = "city"
    BODY = "body"


@dataclass(frozen=True)
class Entry:
    """What a name stands for."""

    kind: Kind
    name: str  #: ISO code (country, adjective), canonical city or body name
    country: str | None = None  #: ISO code of a country, adjective or city
    part_of: str | None = None  #: "CSTO" for the Organization's own bodies
    half_yearly: bool = False  #: a body that meets at most twice a year
    listed: bool = True  #: in the gazetteer itself; a town of the GeoNames extract is not


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    entry: Entry


def _fold(token: str) -> str:
    return token.lower().replace("ё", "е")


def tokens(text: str) -> list[re.Match[str]]:
    """Return the word tokens of ``text`` (punctuation and hyphens separate words)."""
    return list(_TOKEN.finditer(text))


def expand_form(form: str) -> list[str]:
    """Expand brace alternatives: ``"Минск{|а|е}"`` -> ``["Минск", "Минска", "Минске"]``."""
    match = _BRACES.search(form)
    if match is None:
        return [form]
    head, tail = form[: match.start()], form[match.end() :]
    return [
        expanded for option in match.group(1).split("|") for expanded in expand_form(head + option + tail)
    ]


def _is_acronym(form: str) -> bool:
    letters = [ch for ch in form if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _inside_compound(text: str, start: int, end: int) -> bool:
    """Tell a name that is only part of a hyphenated word: "Иссык" in "Иссык-Кульской области"."""
    after = text[end : end + 2]
    before = text[max(start - 2, 0) : start]
    return (len(after) == 2 and after[0] in "-‑" and after[1].isalpha()) or (
        len(before) == 2 and before[1] in "-‑" and before[0].isalpha()
    )


class Gazetteer:
    """Every known name, indexed by its folded tokens."""

    def __init__(self) -> None:
        self._folded: dict[tuple[str, ...], Entry] = {}
        self._exact: dict[tuple[str, ...], Entry] = {}
        self._lengths: dict[str, set[int]] = {}
        self._origin: dict[tuple[str, ...], str] = {}
        self.bodies: dict[str, Entry] = {}
        self.cities: dict[str, Entry] = {}
        self._russian: dict[Entry, str] = {}
        self._english: list[str] = []
        #: Russian names by the normal forms of their words ("нижний новгород"), for every case.
        self._lemmas: dict[tuple[str, ...], Entry] = {}
        self._lemma_lengths: dict[str, set[int]] = {}

    def body_forms(self) -> list[str]:
        """Return every English form of a city or body (the forms an event may store)."""
        return list(self._english)

    def name_in_russian(self, entry: Entry, form: str) -> None:
        """Record how ``entry`` is written in Russian: the nominative of ``form`` (its first expansion)."""
        self._russian.setdefault(entry, expand_form(form)[0])

    def russian_name(self, name: str) -> str | None:
        """Return the Russian name of the country, city or body that ``name`` names, if the gazetteer has one.

        ``name`` is any form the gazetteer knows ("Collective Security Treaty Organization",
        "Minsk"); the answer is the entry's first full Russian form, an acronym only where there is
        no other («Организация Договора о коллективной безопасности», «Минск», «ОБСЕ»).
        """
        entry = self.cities.get(name) or self.bodies.get(name)
        if entry is None:
            words = tuple(match.group() for match in _TOKEN.finditer(name))
            entry = self._exact.get(words) or self._folded.get(tuple(_fold(word) for word in words))
        return None if entry is None else self._russian.get(entry)

    def add(self, form: str, entry: Entry, *, origin: str, override: bool = True, normal_forms: bool = True) -> None:
        """Index every expansion of ``form`` as a name of ``entry``.

        Raises:
            ConfigurationError: the form already names a different entry (and ``override`` is true).
        """
        variants = expand_form(form)
        # The normal forms of the first (nominative) form: the other cases are then found too.
        if normal_forms and has_cyrillic(variants[0]) and not _is_acronym(variants[0]):
            self.add_normal_form(" ".join(lemma(word.group()) for word in _TOKEN.finditer(variants[0])), entry)
        for variant in variants:
            words = tuple(match.group() for match in _TOKEN.finditer(variant))
            if not words:
                continue
            acronym = _is_acronym(variant)
            key = words if acronym else tuple(_fold(word) for word in words)
            table = self._exact if acronym else self._folded
            known = table.get(key)
            if known is not None and known != entry:
                if not override:
                    continue
                raise ConfigurationError(
                    f"gazetteer: {variant!r} names both {self._origin[key]} and {origin}"
                )
            table[key] = entry
            self._origin[key] = origin
            self._lengths.setdefault(_fold(words[0]), set()).add(len(words))
        if entry.kind is Kind.BODY:
            self.bodies.setdefault(entry.name, entry)
        elif entry.kind is Kind.CITY:
            self.cities.setdefault(entry.name, entry)

    def find(self, text: str) -> list[NameMatch]:
        """Return the known names in ``text``, left to right, the longest at each place."""
        words = tokens(text)
        found: list[NameMatch] = []
        index = 0
        while index < len(words):
            lengths = self._lengths.get(_fold(words[index].group()))
            match = self._longest(words, index, lengths) if lengths else None
            if match is None and words[index].group()[0].isupper() and has_cyrillic(words[index].group()):
                match = self._longest_lemmas(words, index) or self._town_adjective(words[index].group())
            if match is None or _inside_compound(text, words[index].start(), words[index + match[0] - 1].end()):
                index += 1
                continue
            length, entry = match
            found.append(NameMatch(words[index].start(), words[index + length - 1].end(), entry))
            index += length
        return found

    def _longest(self, words: list[re.Match[str]], index: int, lengths: set[int]) -> tuple[int, Entry] | None:
        for length in sorted(lengths, reverse=True):
            if index + length > len(words):
                continue
            exact = tuple(word.group() for word in words[index : index + length])
            entry = self._exact.get(exact) or self._folded.get(tuple(_fold(word) for word in exact))
            if entry is not None:
                return length, entry
        return None


    def add_normal_form(self, normal: str, entry: Entry) -> None:
        """Index a Russian name by the normal forms of its words ("нижний новгород"); the first entry wins."""
        words = tuple(normal.split())
        if words:
            self._lemmas.setdefault(words, entry)
            self._lemma_lengths.setdefault(words[0], set()).add(len(words))

    def _town_adjective(self, word: str) -> tuple[int, Entry] | None:
        """Find a town told by its adjective: "Чебаркульском" is "чебаркульский", of Чебаркуль;
        "Алабинский" of Алабино, "Гороховецкий" of Гороховец, "Гюмрийский" of Гюмри.

        The answer is an adjective of the town's country, named after the town: like a country's
        adjective, it puts an event there only before a word for ground ("на Чебаркульском полигоне").
        """
        normal = lemma(word)
        if normal.endswith("ский"):
            stem = normal[:-4]
        elif normal.endswith("цкий"):
            stem = normal[:-3]
        else:
            return None
        # "чебаркуль-ский", "алабин-ский" of Алабино, "каракол-ьский", "гюмри-йский"
        shorter = stem[:-1] if stem.endswith(("ь", "й")) else stem
        for candidate in dict.fromkeys((stem, stem + "о", stem + "ь", stem + "а", stem + "ы", shorter)):
            entry = self._lemmas.get((candidate,))
            if entry is not None and entry.kind is Kind.CITY and entry.country:
                return 1, Entry(Kind.ADJECTIVE, entry.name, country=entry.country, listed=False)
        return None

    def _longest_lemmas(self, words: list[re.Match[str]], index: int) -> tuple[int, Entry] | None:
        """Find a Russian name in another case: "Нижнем Новгороде" is "Нижний Новгород"."""
        lengths = self._lemma_lengths.get(lemma(words[index].group()))
        for length in sorted(lengths or (), reverse=True):
            if index + length > len(words):
                continue
            entry = self._lemmas.get(tuple(lemma(word.group()) for word in words[index : index + length]))
            if entry is not None:
                return length, entry
        return None


def _forms(block: Mapping[str, Any], *names: str) -> Iterator[str]:
    for name in names:
        for form in block.get(name) or ():
            yield str(form)


def _russian_forms(block: Mapping[str, Any]) -> list[str]:
    forms = list(_forms(block, "ru"))
    return [form for form in forms if not _is_acronym(form)] + [form for form in forms if _is_acronym(form)]


def _build(document: Mapping[str, Any], source: str) -> Gazetteer:
    gazetteer = Gazetteer()
    for code, block in (document.get("countries") or {}).items():
        if not is_country_code(str(code)):
            raise ConfigurationError(f"{source}: {code!r} is not an ISO 3166-1 alpha-2 code")
        country = Entry(Kind.COUNTRY, str(code), country=str(code))
        adjective = Entry(Kind.ADJECTIVE, str(code), country=str(code))
        # A region ("the Zhambyl region", "Иссык-Кульская область") is its country's territory.
        for form in _forms(block, "en", "ru", "regions_en", "regions_ru"):
            gazetteer.add(form, country, origin=f"country {code}")
        for form in _russian_forms(block)[:1]:
            gazetteer.name_in_russian(country, form)
        for form in _forms(block, "en_adjectives", "ru_adjectives"):
            gazetteer.add(form, adjective, origin=f"adjective of {code}")
    for name, block in (document.get("cities") or {}).items():
        code = str(block.get("country", ""))
        if not is_country_code(code):
            raise ConfigurationError(f"{source}: city {name!r} needs an ISO country code, not {code!r}")
        within = block.get("in")
        if within is not None:
            # A venue inside a city ("the Kremlin" is in Moscow): that city, where the text puts
            # something there ("в Кремле"), not wherever it is named ("the Kremlin said").
            city = Entry(Kind.CITY, str(within), country=code, listed=False)
        else:
            city = Entry(Kind.CITY, str(name), country=code)
        for form in _forms(block, "en", "ru"):
            gazetteer.add(form, city, origin=f"city {name}")
        for form in _russian_forms(block)[:1] if within is None else []:
            gazetteer.name_in_russian(city, form)
        gazetteer._english += [variant for form in _forms(block, "en") for variant in expand_form(form)]
    for name, block in (document.get("bodies") or {}).items():
        sessions = block.get("sessions")
        if sessions not in (None, "half-yearly"):
            raise ConfigurationError(
                f"{source}: body {name!r}: sessions must be half-yearly, not {sessions!r}"
            )
        body = Entry(
            Kind.BODY, str(name), part_of=block.get("part_of"), half_yearly=sessions == "half-yearly"
        )
        for form in [str(name), *_forms(block, "en", "ru")]:
            gazetteer.add(form, body, origin=f"body {name}")
        for form in _russian_forms(block)[:1]:
            gazetteer.name_in_russian(body, form)
        gazetteer._english += [variant for form in _forms(block, "en") for variant in expand_form(form)]
    # pycountry's English names reach every other country; the gazetteer's own forms win.
    for record in pycountry.countries:
        entry = Entry(Kind.COUNTRY, record.alpha_2, country=record.alpha_2)
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(record, attribute, None)
            if value and "," not in value:
                gazetteer.add(value, entry, origin=f"pycountry {record.alpha_2}", override=False)
    # The towns of the GeoNames extract, after every name above: the gazetteer's own forms win.
    for town in read_towns():
        entry = Entry(Kind.CITY, town.name, country=town.country, listed=False)
        for form in town.names:
            gazetteer.add(form, entry, origin=f"GeoNames {town.name}", override=False, normal_forms=False)
        for normal in town.normal_forms:
            gazetteer.add_normal_form(normal, entry)
    return gazetteer


@functools.lru_cache(maxsize=8)
def _load(path: Path, _mtime_ns: int) -> Gazetteer:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise ConfigurationError(f"{path}: expected a mapping with countries, cities and bodies")
    return _build(document, str(path))


def packaged_gazetteer() -> Path:
    """Return the path of the gazetteer shipped inside the package."""
    # The package is installed as files (setuptools, editable or not), never run from a zip, so the
    # resource is a real file with a modification time.
    return Path(str(importlib.resources.files(__package__).joinpath("data", FILE_NAME)))


def load_gazetteer(data_dir: str | Path | None = None) -> Gazetteer:
    """Return the gazetteer: ``<data_dir>/gazetteer.yaml`` where there is one, else the one shipped.

    A file of one's own in the data folder replaces the shipped one (to add a venue, copy the shipped
    file there and edit it); it is read once, and again when it changes.

    Raises:
        ConfigurationError: the file is malformed.
    """
    path = Path(data_dir) / FILE_NAME if data_dir is not None else None
    if path is None or not path.is_file():
        path = packaged_gazetteer()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise ConfigurationError(f"the gazetteer {path} cannot be read") from None
    return _load(path.resolve(), mtime)
