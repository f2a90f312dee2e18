"""Split a notice stream into the current document and its archives (RFC 5005), and name the pages.

*Archived feeds* (RFC 5005 §4), for the published files: the subscription document holds the
newest :data:`PAGE_SIZE` notices; the older ones sit in numbered archive pages of exactly
:data:`PAGE_SIZE` notices, counted from the oldest, so page *n* never changes once it is full and
can be cached for ever. A notice may appear both in the current document and in the newest
archive page; readers merge entries by id. An incomplete last page is never published as an
archive: its notices are all still in the current document.

*Paged feeds* (RFC 5005 §3), for feeds rendered on request with a query string: ``page=1`` is the
newest, ``next`` leads to older notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["PAGE_SIZE", "Page", "archive_pages", "page_count"]

PAGE_SIZE = 50
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """Where a rendered document sits in its stream: its own address and its neighbours'."""

    self_url: str
    is_archive: bool = False  #: an RFC 5005 archive document (``fh:archive``)
    current: str | None = None  #: the subscription document, from an archive
    prev_archive: str | None = None  #: the next older archive page
    next_archive: str | None = None  #: the next newer archive page
    first: str | None = None  #: paged feeds: the newest page
    previous: str | None = None  #: paged feeds: the next newer page
    next: str | None = None  #: paged feeds: the next older page
    last: str | None = None  #: paged feeds: the oldest page


def archive_pages(newest_first: Sequence[T], size: int = PAGE_SIZE) -> list[list[T]]:
    """Return the complete archive pages of a stream, oldest page first, each page newest first."""
    oldest_first = list(reversed(newest_first))
    complete = len(oldest_first) // size
    return [list(reversed(oldest_first[number * size:(number + 1) * size])) for number in range(complete)]


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Return how many pages a paged feed of ``total`` notices has (one, empty, when there are none)."""
    return max(1, -(-total // size))
