"""Fetch a source's listing and articles politely, through the outbound gate.

One request at a time (the fetch job is one thread), a pause between two requests to the same
host, ``robots.txt`` read once a day per host and obeyed (RFC 9309: a 4xx means no rules, a 5xx
or no answer means not now), a conditional GET for listings (``If-None-Match`` and
``If-Modified-Since``: nothing new costs one request answered ``304``), a size cap on every body.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from calendar_service.config import Settings
from calendar_service.errors import FetchError
from calendar_service.outbound import make_client, read_capped, service_user_agent, translate_errors

__all__ = ["ROBOTS_AGENT", "Fetched", "Fetcher", "Robots", "origin_of"]

#: The product token robots.txt rules name this service by.
ROBOTS_AGENT = "calendar-service"
#: robots.txt is read again after this long (RFC 9309 §2.4: caches should not be kept past 24 hours).
ROBOTS_TTL = dt.timedelta(hours=24)
_ROBOTS_CAP = 512_000


@dataclass(frozen=True)
class Fetched:
    url: str  #: after redirects
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Robots:
    """A host's robots.txt as read (empty: the host has none), and when."""

    text: str
    read_dt: dt.datetime

    def allows(self, url: str) -> bool:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(self.text.splitlines())
        return parser.can_fetch(ROBOTS_AGENT, url)


def origin_of(url: str) -> str:
    """Return ``scheme://host[:port]`` of an address: what robots.txt rules apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Fetcher:
    """The fetch job's HTTP side, for one run: the client, the hosts' last requests and robots.txt."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic, client: httpx.Client | None = None) -> None:
        self.client = client or make_client(allow_private=settings.sources_allow_private,
                                            timeout=settings.sources_timeout,
                                            user_agent=service_user_agent(settings.base_url))
        self.max_bytes = settings.sources_max_bytes
        self.pause = float(settings.sources_host_pause)
        self.sleep, self.monotonic = sleep, monotonic
        self.robots: dict[str, Robots] = {}
        self._last: dict[str, float] = {}
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def _wait_for(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last.get(host)
        if last is not None and self.pause:
            remaining = last + self.pause - self.monotonic()
            if remaining > 0:
                self.sleep(remaining)
        self._last[host] = self.monotonic()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            cap: int | None = None) -> Fetched | None:
        """GET ``url``; return None for ``304 Not Modified``.

        Raises:
            FetchError: no answer, an error status, a redirect loop, a body past the cap, an unsafe address.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_for(url)
        self.requests += 1
        with translate_errors(url), self.client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return None
            if response.status_code >= 400:
                raise FetchError(f"{url}: HTTP {response.status_code}")
            content = read_capped(response, cap or self.max_bytes, max_seconds=4.0 * self.client.timeout.read
                                  if self.client.timeout.read else None)
            return Fetched(url=str(response.url), content=content,
                           content_type=response.headers.get("Content-Type"),
                           etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"))

    def robots_for(self, url: str, *, now: dt.datetime) -> Robots:
        """Return the robots.txt of ``url``'s host, read now unless read in the last 24 hours.

        Raises:
            FetchError: the host answered 5xx or not at all: fetch nothing there now (RFC 9309 §2.3.1.4).
        """
        origin = origin_of(url)
        known = self.robots.get(origin)
        if known is not None and now - known.read_dt < ROBOTS_TTL:
            return known
        address = origin + "/robots.txt"
        self._wait_for(address)
        self.requests += 1
        with translate_errors(address), self.client.stream("GET", address) as response:
            if response.status_code >= 500:
                raise FetchError(f"{address}: HTTP {response.status_code}; nothing is fetched from the host for now")
            text = "" if response.status_code >= 400 else read_capped(response, _ROBOTS_CAP).decode(
                "utf-8", errors="replace")
        self.robots[origin] = Robots(text, now)
        return self.robots[origin]

    def allowed(self, url: str, *, now: dt.datetime) -> bool:
        return self.robots_for(url, now=now).allows(url)
