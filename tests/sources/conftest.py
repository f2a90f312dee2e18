"""Watched sources against a real HTTP server on 127.0.0.1: one server per test module, sources written here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.ingest.sources.fetching import Fetcher
from calendar_service.ingest.sources.watch import FetchReport, fetch_sources
from calendar_service.outbound import make_client
from calendar_service.store.sources import SourceSpec, add_source
from tests.httpserver import Reply, Site

#: The day the sources are read: the articles below announce events later in 2026.
READ_AT = dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC)

EN_DEFENCE = ("The Council of Defence Ministers of the Collective Security Treaty Organization will hold its "
              "regular meeting in Minsk on 12 March 2026. The ministers will discuss the joint exercises planned "
              "for the autumn and the plan of military cooperation for the coming years.")
RU_FOREIGN = ("Заседание Совета министров иностранных дел Организации Договора о коллективной безопасности "
              "состоится 20 апреля 2026 года в Бишкеке. Министры обсудят вопросы международной и региональной "
              "безопасности и подготовку к сессии Совета коллективной безопасности.")
EN_EXERCISE = ("The joint exercise of the CSTO Collective Rapid Reaction Forces \"Interaction-2026\" will take place "
               "from 14 to 18 September 2026 in Kazakhstan. Units of all member states will take part in it, "
               "the Joint Staff of the Organization said.")


def article(title: str, text: str, *, charset: str = "utf-8", published: str | None = None) -> bytes:
    """An article page as news sites make them: navigation, the article, a footer."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{meta}</head><body>'
            '<nav><a href="/">Home</a> <a href="/news/">News</a></nav>'
            f'<article><h1>{title}</h1><p>{text}</p><p>{text.split(". ")[-1]}</p></article>'
            '<footer>© Secretariat</footer></body></html>')
    return page.encode(charset)


def rss(items: list[tuple[str, str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (guid, link, title, RFC 822 date) items."""
    body = "".join(f"<item><guid>{guid}</guid><link>{link}</link><title>{title}</title><pubDate>{date}</pubDate>"
                   "</item>" for guid, link, title, date in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{body}</channel></rss>").encode()


def atom(entries: list[tuple[str, str, str, str]]) -> bytes:
    """An Atom feed of (id, link, title, RFC 3339 date) entries."""
    body = "".join(f'<entry><id>{guid}</id><link href="{link}"/><title>{title}</title><updated>{date}</updated>'
                   "</entry>" for guid, link, title, date in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Новости</title>'
            f"<id>urn:x</id><updated>2026-02-09T10:00:00Z</updated>{body}</feed>").encode()


@pytest.fixture
def site(module_site: Site) -> Site:
    module_site.reset()
    module_site.put("/robots.txt", Reply(404, b""))  # no robots.txt: no rules
    return module_site


@pytest.fixture
def settings(make_settings: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_settings(SOURCES_ALLOW_PRIVATE="1", SOURCES_HOST_PAUSE="0", SOURCES_TIMEOUT="2")


@pytest.fixture
def add(factory: sessionmaker[Session]) -> Callable[..., None]:
    """Add a source: ``add("name", url, kind="feed", policy="publish", trust="high", …)``."""

    def add_one(name: str, url: str, **fields: Any) -> None:
        spec = SourceSpec(name=name, url=url, **{"policy": "publish", "trust": "high", **fields})
        with transaction(factory) as session:
            add_source(session, spec, now=READ_AT)

    return add_one


@pytest.fixture
def fetch(app: Flask, factory: sessionmaker[Session]) -> Callable[..., FetchReport]:
    """Run the fetch job's work once at ``now`` (READ_AT), with a 0.5 s timeout."""

    def run(now: dt.datetime = READ_AT) -> FetchReport:
        settings = get_settings(app)
        fetcher = Fetcher(settings, client=make_client(allow_private=True, timeout=0.5))
        try:
            return fetch_sources(factory, settings, now=now, fetcher=fetcher)
        finally:
            fetcher.close()

    return run
