"""Where an event's values came from, and which source may replace which: pure functions.

Every field of an event records its origin: ``dataset`` (``load``), ``ics`` (``import-ics``),
``import`` (news read by the extractor), ``source`` (a watched source) or ``editor:<name>`` (the
API or an accepted proposal, with the name of the token used). A value made by people (an editor,
the dataset) is never replaced by a value read by machine (news, ``.ics``, a watched source): a
source replaces a field only if it ranks at least as high as the field's origin. A lower-ranked
source that reads something else is reported as a :class:`Difference` and the stored value stays.
A field a person left empty is theirs too: the reader's value for it is reported, not stored. A
news reader's silence (an empty value) never erases anything. What a news reader words rather
than reads (:data:`WORDING`: titles, summaries, the evidence, the source, the publication date)
is written once: another report of the same event — another outlet, the item re-published — does
not reword it, so an event is not changed (nor its subscribers told) each time it is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["WORDING", "Difference", "FieldMerge", "Origin", "is_empty", "is_read_by_machine", "merge_fields"]


class Origin(StrEnum):
    DATASET = "dataset"
    ICS = "ics"
    IMPORT = "import"
    SOURCE = "source"
    EDITOR = "editor"


_RANK = {Origin.IMPORT: 1, Origin.SOURCE: 1, Origin.ICS: 1, Origin.DATASET: 2, Origin.EDITOR: 3}
#: The columns a news reader words: kept once written by a reader (see the module's docstring).
WORDING = frozenset({"title", "title_ru", "summary", "summary_ru", "evidence", "source_url", "published_date"})
#: The origins that read news, whose wording of an event is kept.
_NEWS = frozenset({Origin.IMPORT, Origin.SOURCE})
#: Rows stored before origins were recorded may have been made by people: treated like the dataset.
_UNKNOWN_RANK = 2


def _rank(origin: str | None) -> int:
    try:
        return _RANK[Origin(origin.partition(":")[0])] if origin else _UNKNOWN_RANK
    except ValueError:
        return _UNKNOWN_RANK


@dataclass(frozen=True)
class Difference:
    """A value read that differs from the stored one, which was kept."""

    key: str  #: the event's natural key
    field: str  #: the record's field name ("title", "start", ...)
    stored: object
    read: object
    origin: str  #: where the stored value came from ("dataset", "editor", "unknown")


@dataclass(frozen=True)
class FieldMerge:
    """What writing one record over its row does."""

    changes: dict[str, object] = field(default_factory=dict)  #: column -> new value
    origins: dict[str, str] = field(default_factory=dict)  #: column -> origin, after the write
    differences: tuple[Difference, ...] = ()


def is_read_by_machine(origin: Origin) -> bool:
    """Tell whether values from ``origin`` were read by machine (news, ``.ics``, a watched source)."""
    return _RANK[origin] == 1


def is_empty(value: object) -> bool:
    """Tell whether a stored or read value says nothing (None, "", an empty list)."""
    return value is None or value == "" or value == ()


def merge_fields(
    key: str,
    stored: Mapping[str, object],
    origins: Mapping[str, str],
    incoming: Mapping[str, object],
    origin: Origin,
    *,
    labels: Mapping[str, str] | None = None,
    tag: str | None = None,
) -> FieldMerge:
    """Decide, field by field, what a record from ``origin`` changes in a stored event.

    Args:
        stored: column -> stored value; ``origins``: column -> origin of that value.
        incoming: column -> the value the record gives.
        labels: column -> the record's field name, for the differences reported.
        tag: the origin recorded for the fields written (``editor:alice``); default ``origin``'s value.
    """
    tag = tag or origin.value
    changes: dict[str, object] = {}
    merged = dict(origins)
    differences: list[Difference] = []
    rank = _RANK[origin]
    for column, value in incoming.items():
        current = stored.get(column)
        owner = origins.get(column)
        if value == current:
            if rank > _rank(owner):
                merged[column] = tag  # a higher source confirms the value: it is theirs now
            continue
        if _RANK[origin] == 1 and origin is not Origin.ICS and is_empty(value):
            continue
        if origin in _NEWS and column in WORDING and not is_empty(current) and _rank(owner) == rank:
            continue  # another report of the event: its wording stays
        if rank >= _rank(owner):
            changes[column] = value
            merged[column] = tag
        else:
            differences.append(Difference(key=key, field=(labels or {}).get(column, column), stored=current,
                                          read=value, origin=owner or "unknown"))
    return FieldMerge(changes=changes, origins=merged, differences=tuple(differences))
