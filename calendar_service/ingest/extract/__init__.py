"""News-text extraction: CSTO news in English or Russian in, dated events out. Pure functions only.

The flow, one module per step::

    bytes/str ──decode──▶ text ──items──▶ items and sentences
        ──sentences: forms + grammar (+ fallback: dateparser), gazetteer, anniversary──▶ read sentences
        ──assemble: clauses, postponements, anniversaries──▶ the dates that date events
        ──compose: resolve (years), classify, places──▶ ExtractedEvent (events: key, JSON, EventRecord)

The vocabulary (month and weekday names) comes from dateparser's locale data (:mod:`.vocabulary`);
the places and organisations from ``<DATA_DIR>/gazetteer.yaml`` (:mod:`.gazetteer`).

:func:`extract_news` runs it all and is what the CLI and :mod:`calendar_service.ingest.news` call.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from calendar_service.errors import InvalidInput, NoEventsFound, Problem
from calendar_service.ingest.extract.assemble import extract_events
from calendar_service.ingest.extract.decode import MAX_BYTES, read_text
from calendar_service.ingest.extract.events import ExtractedEvent
from calendar_service.ingest.extract.gazetteer import Gazetteer, load_gazetteer

_WEB_ADDRESS = re.compile(r"^https?://\S+$")

__all__ = [
    "MAX_BYTES",
    "ExtractedEvent",
    "Extraction",
    "Gazetteer",
    "extract_events",
    "extract_news",
    "load_gazetteer",
    "read_text",
]


@dataclass(frozen=True)
class Extraction:
    """What one text gave."""

    events: tuple[ExtractedEvent, ...]
    encoding: str  #: what the input was read as: "utf-8", "cp1251", ...


def extract_news(
    data: bytes | str,
    *,
    reference_date: dt.date,
    gazetteer: Gazetteer,
    source_url: str | None = None,
    source: str | None = None,
) -> Extraction:
    """Decode ``data`` and return every dated event in it.

    Args:
        source: the input's name for messages ("news.txt", "<stdin>").

    Raises:
        InvalidInput: the input is empty, too large, not text or in an unknown encoding, or
            ``source_url`` is not an http(s) address.
        NoEventsFound: the text was read but holds no dated event.
    """
    if source_url is not None and not _WEB_ADDRESS.match(source_url):
        raise InvalidInput(
            [Problem(f"not an http(s) address: {source_url!r}", source=source, field="source_url")]
        )
    decoded = read_text(data, source=source)
    try:
        events = extract_events(
            decoded.text, reference_date=reference_date, gazetteer=gazetteer, source_url=source_url
        )
    except InvalidInput as error:  # a sentence past the limits: name the input too
        raise InvalidInput([replace(problem, source=problem.source or source) for problem in error.problems]) from None
    if not events:
        raise NoEventsFound([Problem("no dated event found in the text", source=source)])
    return Extraction(tuple(events), decoded.encoding)
