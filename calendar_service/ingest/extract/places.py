"""Places and bodies of an event: which of the names the gazetteer found count, and how.

Extraction step "places and bodies", after :mod:`.gazetteer` found the names. A country counts
as a place where the event happens only where the text puts the event there: after "in", "on the
territory of", "в", "на территории", after "assist"/"помощь" (an operation happens where it
assists), and for the countries listed right after such a word ("on the territory of Kazakhstan,
Kyrgyzstan and Tajikistan"). Countries named otherwise are participants or topics ("unites six
states - Russia, Armenia, ...", "delegations of Armenia", "the situation in Afghanistan") and are
left out. Cities are places wherever they appear, except in names of documents ("the Dushanbe
Declaration"). An adjective counts before a word for ground ("on Kazakh territory"), a town's too
("на Чебаркульском полигоне" is in Chebarkul).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calendar_service.ingest.extract.gazetteer import Entry, Kind, NameMatch

__all__ = ["Places", "bodies_of", "places_of"]

_CUE = re.compile(
    r"(?:\bin|\bat|\bterritor(?:y|ies) of|\bassist(?:ed|ing|ance to)?|\bhelp(?:ed|ing)?(?: to)?"
    r"|\bvisit(?:ed|s)?(?: to)?|\btrip to|\btravel(?:l?ed)? to|\bdeployed to|\bdeployment to|\barrived in"
    r"|\bhosted by|\bnear|\b(?:training ground|range|firing range)"
    r"|\bполигон\w*|\bна базе"
    r"|\bв|\bво|\bна территори(?:и|ях)|\bтерритори[июя]|\bв городе|\bв г\.|\bв столице|\bпомощ[ьи]"
    r"|\bпосетил\w*|\bвизит\w* в|\bпоездк\w* в|\bприбыл\w* в|\bпод|\bвблизи"
    # "in Nesvizh, Belarus": a town the gazetteer does not know, then its country.
    r"|\b(?:in|в|во)\s+[A-ZА-ЯЁ][\w-]+(?:\s+[A-ZА-ЯЁ][\w-]+)?,"
    # "в Витебской области Белоруссии", "in the Vitebsk region of Belarus": a region, then its country.
    r"|\b(?:области|районе|крае|регионе|region of|province of|oblast of|district of))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_TOPIC = re.compile(
    r"\b(?:situation|developments|events|crisis|conflict|security|stability|interested|interest|changes"
    r"|обстановк\w*|ситуаци\w*|положени\w*|событи\w*|кризис\w*|конфликт\w*|безопасност\w*|интерес\w*)"
    r"\s+(?:in|в|во)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_CHAIN_GAP = re.compile(r"^\s*(?:,|and|&|и|,\s*and|,\s*и|as well as)?\s*(?:the\s+)?$", re.IGNORECASE)
_GROUND = re.compile(
    r"^\s+(?:territory|soil|training ground|range|capital|city|side of the border"
    r"|полигон\w*|территори\w*|столиц\w*|земл\w*)\b",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"^\s*(?:declarations?|treaty|agreements?|accords?|conventions?|charter|principles|process|format"
    r"|деклараци\w*|договор\w*|соглашени\w*|конвенци\w*|процесс\w*|формат\w*)\b",
    re.IGNORECASE,
)
_HOSTS = re.compile(
    # Not "примет участие": taking part is not hosting.
    r"\s+(?:will\s+host|hosts|hosted|is\s+hosting|(?:is|are)\s+(?:set\s+|due\s+|expected\s+)?to\s+host"
    r"|will\s+be\s+the\s+host|примет\s+у\s+себя|принимает\s+у\s+себя"
    r"|станет\s+хозяйкой|станет\s+площадкой)\b",
    re.I,
)
_POSSESSIVE = re.compile(r"^['’]s\b")
_WINDOW = 60


@dataclass(frozen=True)
class Places:
    countries: tuple[str, ...] = ()  #: ISO codes of the places, in the order the text gives them
    city: str | None = None  #: the first city named
    country: str | None = None  #: the venue's country, when there is one


def _is_place(text: str, match: NameMatch, previous: NameMatch | None, previous_was_place: bool) -> bool:
    after = text[match.end : match.end + 40]
    if _POSSESSIVE.match(after):
        return False
    kind = match.entry.kind
    if kind is Kind.CITY and match.entry.listed:
        return not _DOCUMENT.match(after)
    if kind is Kind.CITY:  # a town of the GeoNames extract: only where the text puts something there
        before = text[max(0, match.start - _WINDOW) : match.start]
        return bool(_CUE.search(before)) and not _DOCUMENT.match(after)
    if kind is Kind.ADJECTIVE:
        return bool(_GROUND.match(after))
    if kind is not Kind.COUNTRY:
        return False
    before = text[max(0, match.start - _WINDOW) : match.start]
    if previous_was_place and previous is not None and _CHAIN_GAP.match(text[previous.end : match.start]):
        return True
    if _HOSTS.match(after):  # "Kazakhstan will host the exercise", "Беларусь примет учения"
        return True
    return bool(_CUE.search(before)) and not _TOPIC.search(before)


def places_of(text: str, matches: list[NameMatch]) -> Places:
    """Return the places among ``matches`` (gazetteer matches in ``text``, global offsets)."""
    codes: list[str] = []
    city: Entry | None = None
    previous: NameMatch | None = None
    previous_was_place = False
    for match in matches:
        if match.entry.kind is Kind.BODY:
            continue
        is_place = _is_place(text, match, previous, previous_was_place)
        if is_place:
            code = match.entry.country or match.entry.name
            if code not in codes:
                codes.append(code)
            if match.entry.kind is Kind.CITY and city is None:
                city = match.entry
            elif match.entry.kind is Kind.ADJECTIVE and not match.entry.listed and city is None:
                # "на Чебаркульском полигоне": the town the adjective is formed from.
                city = Entry(Kind.CITY, match.entry.name, country=match.entry.country, listed=False)
        previous, previous_was_place = match, is_place
    venue = city.country if city is not None else (codes[0] if len(codes) == 1 else None)
    return Places(tuple(codes), city.name if city is not None else None, venue)


def bodies_of(matches: list[NameMatch]) -> tuple[str, ...]:
    """Return the canonical names of the bodies among ``matches``, first mention first.

    The CSTO itself is listed only when none of its own bodies is: "the CSTO Joint Staff" is the
    Joint Staff's event.
    """
    names: list[str] = []
    for match in matches:
        if match.entry.kind is Kind.BODY and match.entry.name not in names:
            names.append(match.entry.name)
    own = [match.entry for match in matches if match.entry.kind is Kind.BODY and match.entry.part_of]
    if own and "CSTO" in names:
        names.remove("CSTO")
    return tuple(names)
