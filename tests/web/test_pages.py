"""The pages people read, through the Flask test client, in both languages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import feedparser
import icalendar
import lxml.html
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from calendar_service.db import get_session_factory, transaction
from calendar_service.models import Event
from tests.conftest import NOW, Template, shared_app

BASE = "https://calendar.example.org"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, loaded_template: Template) -> Iterator[Flask]:
    """The repository's dataset, loaded and built once for the module (whose tests only read)."""
    folder = tmp_path_factory.mktemp("pages")
    with shared_app(folder, loaded_template) as app:
        shutil.rmtree(folder / "feeds")
        shutil.copytree(loaded_template.feeds_dir, folder / "feeds")
        yield app


@pytest.fixture
def browser(site: Flask) -> Iterator[FlaskClient]:
    """A client of the site on the day the dataset was read."""
    with time_machine.travel(NOW, tick=False):
        yield site.test_client()


def _tree(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.data[:500])
    return lxml.html.fromstring(response.get_data(as_text=True))


def _uid(site: Flask, title_start: str) -> str:
    with transaction(get_session_factory(site)) as session:
        return session.scalars(select(Event.uid).where(Event.title.startswith(title_start))).one()


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def test_every_page_has_a_language_a_title_and_one_heading(browser: FlaskClient, site: Flask) -> None:
    uid = _uid(site, "Signing of the Collective Security Treaty")
    for url in ("/", "/anniversaries", f"/events/{uid}"):
        for lang, site_name in (("en", "CSTO calendar"), ("ru", "Календарь ОДКБ")):
            tree = _tree(browser, f"{url}?lang={lang}")
            assert tree.get("lang") == lang
            assert tree.findtext(".//title").endswith(site_name)
            assert len(tree.xpath("//h1")) == 1
            assert tree.xpath("//main[@id='main']")
            assert tree.xpath("//link[@rel='alternate' and @type='application/atom+xml']")


def test_the_language_switch_is_remembered(site: Flask) -> None:
    client = site.test_client()
    english = _tree(client, "/anniversaries")
    assert english.get("lang") == "en"
    [switch] = english.xpath("//nav[@class='languages']//a[@hreflang='ru']")
    assert switch.get("lang") == "ru"
    answer = client.get(switch.get("href").removeprefix("https://calendar.example.org"))
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/anniversaries"
    assert "lang=ru" in answer.headers["Set-Cookie"]
    assert _tree(client, "/anniversaries").get("lang") == "ru"  # remembered
    assert _tree(client, "/anniversaries?lang=en").get("lang") == "en"  # a link in another language wins
    assert client.get("/language/ru?next=https://elsewhere.example/").headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_the_browser_language_is_the_first_guess(site: Flask) -> None:
    client = site.test_client()
    assert _tree(client, "/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get("lang") == "ru"
    assert _tree(client, "/", headers={"Accept-Language": "de-DE"}).get("lang") == "en"


def test_pages_answer_304_and_vary_with_the_language(browser: FlaskClient) -> None:
    first = browser.get("/anniversaries")
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "Accept-Language" in first.headers["Vary"]
    assert "Cookie" in first.headers["Vary"]
    assert first.headers["Content-Language"] == "en"
    assert browser.get("/anniversaries", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    russian = browser.get("/anniversaries?lang=ru")
    assert russian.headers["ETag"] != first.headers["ETag"]


def test_the_anniversaries_page_names_ordinals_and_jubilees(browser: FlaskClient, site: Flask) -> None:
    uid = _uid(site, "Signing of the Collective Security Treaty")
    tree = _tree(browser, "/anniversaries")
    [row] = [row for row in tree.xpath("//tbody/tr") if uid in row.xpath(".//a/@href")[0]]
    cells = [_text(cell) for cell in row.xpath("td")]
    assert cells[1] == "15 May 1992"
    assert cells[2] == "15 May 2025: 33rd anniversary"
    russian = _tree(browser, "/anniversaries?lang=ru")
    [row] = [row for row in russian.xpath("//tbody/tr") if uid in row.xpath(".//a/@href")[0]]
    assert [_text(cell) for cell in row.xpath("td")][2] == "15 мая 2025 г.: 33-я годовщина"


def test_the_event_page_in_full(browser: FlaskClient, site: Flask) -> None:
    uid = _uid(site, "Signing of the Collective Security Treaty")
    tree = _tree(browser, f"/events/{uid}")
    assert _text(tree.xpath("//h1")[0]) == "Signing of the Collective Security Treaty"
    meta = {element.get("property"): element.get("content") for element in tree.xpath("//meta[@property]")}
    assert meta["og:url"] == f"https://calendar.example.org/events/{uid}"
    assert meta["og:title"] == "Signing of the Collective Security Treaty"
    assert meta["og:description"].startswith("15 May 1992")
    links = tree.xpath("//a/@href")
    assert f"https://calendar.example.org/events/{uid}.ics" in links
    google = next(link for link in links if link.startswith("https://calendar.google.com/calendar/render?"))
    assert "action=TEMPLATE" in google
    assert "dates=19920515%2F19920516" in google
    assert "https://www.mid.ru/ru/foreign_policy/news/1950668/" in links
    assert tree.xpath("//section[@aria-labelledby='history']//li")
    russian = _tree(browser, f"/events/{uid}?lang=ru")
    assert f"https://calendar.example.org/events/{uid}.ics?lang=ru" in russian.xpath("//a/@href")
    assert _text(russian.xpath("//h1")[0]) == "Подписание Договора о коллективной безопасности"


def test_an_approximate_event_says_so(browser: FlaskClient, site: Flask) -> None:
    with transaction(get_session_factory(site)) as session:
        event = session.scalars(select(Event).where(Event.precision == "month")).first()
        assert event is not None
        uid = event.uid
    tree = _tree(browser, f"/events/{uid}")
    assert "dates to be confirmed" in _text(tree.xpath("//p[contains(@class, 'when')]")[0])
    russian = _tree(browser, f"/events/{uid}?lang=ru")
    assert "даты уточняются" in _text(russian.xpath("//p[contains(@class, 'when')]")[0])


def test_an_unknown_event_is_a_404(browser: FlaskClient) -> None:
    assert browser.get("/events/no-such-event").status_code == 404


def test_every_calendar_event_links_its_page(browser: FlaskClient) -> None:
    for url, suffix in (("/calendar.ics?approximate=1", ""), ("/calendar.ics?lang=ru&approximate=1", "?lang=ru")):
        calendar = icalendar.Calendar.from_ical(browser.get(url).data)
        events = calendar.walk("VEVENT")
        assert events
        for event in events:
            link = str(event["URL"])
            assert re.fullmatch(r"https://calendar\.example\.org/events/[^/?]+" + re.escape(suffix), link), link
            page = browser.get(link.removeprefix("https://calendar.example.org"))
            assert page.status_code == 200
            assert page.headers["Content-Language"] == ("ru" if suffix else "en")


def test_every_notice_links_its_page_as_the_html_alternate(browser: FlaskClient) -> None:
    for url in ("/feed.atom", "/feed.atom?lang=ru"):
        entries = feedparser.parse(browser.get(url).data).entries
        assert entries
        for entry in entries:
            [page] = [link.href for link in entry.links if link.rel == "alternate" and link.type == "text/html"]
            assert browser.get(page.removeprefix("https://calendar.example.org")).status_code == 200


def _month_days(tree: Any) -> dict[str, list[str]]:
    """The month grid: ISO day -> the titles shown on it."""
    return {cell.get("data-day"): [_text(link) for link in cell.xpath(".//a")]
            for cell in tree.xpath("//table[@class='month']//td")}


def test_the_month_grid_puts_events_on_their_days(browser: FlaskClient) -> None:
    tree = _tree(browser, "/calendar/2024/12")
    days = _month_days(tree)
    assert len(days) % 7 == 0
    for day in ("2024-12-10", "2024-12-11"):
        assert any(title.startswith("Videoconference consultations") for title in days[day]), day
    assert any(title.startswith("Joint training of the CSTO Crisis Response Center") for title in days["2024-12-20"])
    assert days["2024-12-12"] == []
    assert next(_text(h) for h in tree.xpath("//thead//th")) == "Mon"
    links = {link.get("rel"): link.get("href") for link in tree.xpath("//nav[@class='month-nav']/a")}
    assert links["prev"].endswith("/calendar/2024/11")
    assert links["next"].endswith("/calendar/2025/1")
    russian = _tree(browser, "/calendar/2024/12?lang=ru")
    assert _text(russian.xpath("//h1")[0]) == "декабрь 2024 г."
    filtered = _month_days(_tree(browser, "/calendar/2024/12?category=training"))
    assert filtered["2024-12-10"] == []
    assert filtered["2024-12-20"]


def test_the_month_page_checks_its_filters(browser: FlaskClient) -> None:
    assert browser.get("/calendar/2024/12?category=party").status_code == 400
    assert browser.get("/calendar/2024/12?colour=red").status_code == 400
    assert browser.get("/calendar/2024/13").status_code == 404
    assert browser.get("/calendar").headers["Location"].endswith("/calendar/2025/1")


def _fields(tree: Any) -> dict[str, str]:
    return {field.get("id"): field.get("value") for field in tree.xpath("//input[@readonly]")}


def test_the_subscribe_page_follows_the_choice(browser: FlaskClient) -> None:
    tree = _tree(browser, "/subscribe?category=meeting&category=consultation&alarm=P1D&language=ru")
    fields = _fields(tree)
    query = "category=meeting&category=consultation&alarm=P1D&lang=ru"
    assert fields["url-https"] == f"https://calendar.example.org/calendar.ics?{query}"
    assert fields["url-webcal"] == f"webcal://calendar.example.org/calendar.ics?{query}"
    assert fields["url-atom"] == "https://calendar.example.org/feed.atom?category=meeting&category=consultation&lang=ru"
    calendar = icalendar.Calendar.from_ical(browser.get(fields["url-https"].removeprefix("https://calendar.example.org")).data)
    events = calendar.walk("VEVENT")
    assert events
    assert {str(event["CATEGORIES"].cats[0]) for event in events} <= {"встреча", "консультации"}
    assert all(event.walk("VALARM") for event in events)
    count = int(tree.xpath("//p[@id='count']")[0].get("data-events"))
    assert count == len(events)
    links = {link.get("id"): link.get("href") for link in tree.xpath("//a[@id]")}
    assert links["add-google"].endswith("cid=" + quote(fields["url-webcal"], safe=""))
    assert "rru=addsubscription" in links["add-outlook"]
    assert quote(fields["url-https"], safe="") in links["add-outlook"]
    assert links["add-m365"].startswith("https://outlook.office.com/")
    assert links["add-apple"] == fields["url-webcal"]
    assert tree.xpath("//figure[@class='qr']/svg")
    feed = feedparser.parse(browser.get(fields["url-atom"].removeprefix("https://calendar.example.org")).data)
    assert feed.bozo == 0
    assert feed.entries


def test_an_empty_choice_says_so_and_offers_no_subscription(browser: FlaskClient) -> None:
    tree = _tree(browser, "/subscribe?category=operation")
    assert tree.xpath("//p[@id='count']")[0].get("data-events") == "0"
    assert tree.xpath("//*[@id='empty']")
    assert not tree.xpath("//a[@id='add-google']")
    assert not tree.xpath("//figure[@class='qr']")


def test_the_subscribe_page_lists_every_named_calendar_in_its_language(browser: FlaskClient) -> None:
    russian = _tree(browser, "/subscribe?lang=ru")
    titles = [_text(row.xpath("td")[0]) for row in russian.xpath("//section[@aria-labelledby='named']//tbody/tr")]
    assert "Календарь ОДКБ: годовщины" in titles
    assert browser.get("/subscribe?alarm=soon").status_code == 400


def test_add_to_calendar_holds_an_approximate_event_as_a_tentative_span(browser: FlaskClient, site: Flask) -> None:
    with transaction(get_session_factory(site)) as session:
        event = session.scalars(select(Event).where(Event.precision == "month")).first()
        assert event is not None
        uid, start, end = event.uid, event.start_date, event.end_date
    links = _tree(browser, f"/events/{uid}").xpath("//a/@href")
    [ics] = [link for link in links if link.endswith(".ics")]
    [component] = icalendar.Calendar.from_ical(browser.get(ics.removeprefix(BASE)).data).walk("VEVENT")
    assert str(component["STATUS"]) == "TENTATIVE"
    assert component["DTSTART"].dt == start
    assert component["DTEND"].dt == end + dt.timedelta(days=1)
    assert "the exact day is not known" in str(component["DESCRIPTION"])
    google = next(link for link in links if link.startswith("https://calendar.google.com/"))
    assert f"dates={start:%Y%m%d}%2F{end + dt.timedelta(days=1):%Y%m%d}" in google
    assert "dates+to+be+confirmed" in google


def test_a_page_error_is_a_page(browser: FlaskClient) -> None:
    missing = browser.get("/events/no-such-event?lang=ru")
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"
    assert lxml.html.fromstring(missing.get_data(as_text=True)).get("lang") == "ru"
    wrong = browser.get("/calendar/2024/12?category=party")
    assert wrong.status_code == 400
    assert "category" in lxml.html.fromstring(wrong.get_data(as_text=True)).text_content()
    assert browser.get("/api/events/no-such-event").mimetype == "application/problem+json"
