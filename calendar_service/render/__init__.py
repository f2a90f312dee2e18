"""4 · Renderers: events (and later notices) in, document bytes out. No I/O, no clock, no session.

Every timestamp in the output comes from the data, and every list is sorted explicitly, so the
same store renders the same bytes and ETags hold across renders and restarts.
"""

from __future__ import annotations

from dataclasses import dataclass

from calendar_service.wording.en import country_name

__all__ = ["FeedSpec", "country_name", "event_ics_url", "event_page_url", "event_url"]


@dataclass(frozen=True)
class FeedSpec:
    """What a rendered document says about itself."""

    title: str
    description: str
    self_url: str  #: the document's own address
    base_url: str  #: the service's public address, without a trailing slash
    timezone: str = "Europe/Moscow"
    refresh_minutes: int = 15
    tag_authority: str = "calendar-service"
    lang: str = "en"  #: the language of its text: "en", or "ru" for the Russian documents


def event_url(base_url: str, uid: str) -> str:
    """Return the address of an event's own record."""
    return f"{base_url}/api/events/{uid}"


def event_page_url(base_url: str, uid: str) -> str:
    """Return the address of an event's HTML page."""
    return f"{base_url}/events/{uid}"


def event_ics_url(base_url: str, uid: str) -> str:
    """Return the address of an event's single-event calendar file."""
    return f"{base_url}/events/{uid}.ics"
