"""Towns beyond the gazetteer: the GeoNames extract shipped in the package (``data/places.tsv``).

Extraction step "places and bodies". The gazetteer lists the capitals and the usual venues by hand;
the towns of the member and neighbouring states and the capitals of every country come from
GeoNames (CC BY 4.0), extracted by ``tools/geonames_places.py``. They are places only where the text
puts an event in them ("in Kazan", "в Чебаркуле"), as a town's name may also be a person's.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass

__all__ = ["Town", "read_towns"]

FILE_NAME = "places.tsv"


@dataclass(frozen=True)
class Town:
    name: str  #: its English name
    country: str  #: ISO 3166-1 alpha-2 code
    names: tuple[str, ...]  #: every name it is written by, English first
    normal_forms: tuple[str, ...]  #: its Cyrillic names in normal forms ("нижний новгород"), by pymorphy3


@functools.cache
def read_towns() -> tuple[Town, ...]:
    """Return the towns of the shipped extract, most populous of each country first."""
    text = importlib.resources.files(__package__).joinpath("data", FILE_NAME).read_text(encoding="utf-8")
    towns = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        _geonameid, country, _population, names, normal_forms = line.split("\t")
        written = tuple(names.split("|"))
        towns.append(Town(written[0], country, written, tuple(filter(None, normal_forms.split("|")))))
    return tuple(towns)
