"""The pages in a real browser: Debian's Chromium, driven by Playwright, against a real server on 127.0.0.1.

One browser for the module. Every page must load with no console error and no failed request,
pass axe-core with no serious or critical violation, and is saved as a screenshot at desktop and
phone width under ``screenshots/`` (git-ignored). Where Chromium or Playwright is missing these
tests skip, saying why; under CI (``CI=true``) they fail instead.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
import time_machine
from flask import Flask
from werkzeug.serving import make_server

from calendar_service import get_settings
from tests.conftest import NOW, REPO, Template, shared_app

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "screenshots"
#: Without these, Chromium tries the network (closed here) at start and floods refused connections.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401 - only whether it is installed
    except ImportError:
        return "Playwright's Python package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"no axe-core at {AXE} (npm ci --prefix tests/js)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, loaded_template: Template) -> Iterator[str]:
    """The loaded site served on 127.0.0.1, on the day the dataset was read, its BASE_URL its own address."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {missing}")
        pytest.skip(missing)
    SCREENSHOTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("browser")
    with time_machine.travel(NOW, tick=True), shared_app(folder, loaded_template) as app:
        shutil.rmtree(folder / "feeds")
        shutil.copytree(loaded_template.feeds_dir, folder / "feeds")
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        address = f"http://127.0.0.1:{httpd.server_port}"
        _use_base_url(app, address)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield address
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()


def _use_base_url(app: Flask, address: str) -> None:
    app.extensions["calendar_service"] = dataclasses.replace(get_settings(app), base_url=address)


@pytest.fixture(scope="module")
def chromium(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A page opened in a fresh context, with every console error and failed request it caused."""

    def __init__(self, chromium: Any, size: str = "desktop", locale: str = "en-GB") -> None:
        self.context = chromium.new_context(viewport=SIZES[size], locale=locale)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url}"))
        self.page.on("response", lambda response: response.status >= 400
                     and self.problems.append(f"{response.status}: {response.url}"))

    def open(self, url: str) -> Any:
        response = self.page.goto(url, wait_until="load")
        assert response is not None, url
        assert response.status == 200, url
        return self.page

    def close(self) -> None:
        self.context.close()


def _serious_violations(page: Any) -> list[str]:
    # Evaluated through the devtools protocol, which the page's Content-Security-Policy does not govern.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def _event_uid(server: str) -> str:
    with urllib.request.urlopen(f"{server}/api/events", timeout=10) as answer:
        events = json.load(answer)["events"]
    return next(event["uid"] for event in events if event["title"].startswith("Signing of the Collective"))


def test_every_page_loads_cleanly_passes_axe_and_is_saved(chromium: Any, server: str) -> None:
    uid = _event_uid(server)
    pages = {"index": "/", "event": f"/events/{uid}", "month": "/calendar/2024/12",
             "anniversaries": "/anniversaries", "subscribe": "/subscribe?category=meeting&alarm=P1D"}
    for size in SIZES:
        visit = Visit(chromium, size)
        try:
            for name, path in pages.items():
                page = visit.open(server + path)
                assert page.title().endswith("CSTO calendar")
                if size == "desktop":
                    assert _serious_violations(page) == [], name
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
            assert visit.problems == []
        finally:
            visit.close()


def test_the_month_grid_shows_december_2024_on_its_days(chromium: Any, server: str) -> None:
    visit = Visit(chromium)
    try:
        page = visit.open(f"{server}/calendar/2024/12")
        shown = {day: page.locator(f"table.month td[data-day='{day}'] li").all_inner_texts()
                 for day in ("2024-12-10", "2024-12-11", "2024-12-12", "2024-12-20")}
        assert any(text.startswith("Videoconference consultations") for text in shown["2024-12-10"])
        assert any(text.startswith("Videoconference consultations") for text in shown["2024-12-11"])
        assert len(shown["2024-12-11"]) == 3  # the consultations' second day and two meetings
        assert shown["2024-12-12"] == []
        assert any(text.startswith("Joint training of the CSTO Crisis Response Center") for text in shown["2024-12-20"])
        assert page.locator("section.agenda").is_hidden()  # the grid on a wide screen, the agenda on a phone
        page.set_viewport_size(SIZES["phone"])
        assert page.locator("table.month").is_hidden()
        assert page.locator("section.agenda ul[data-day='2024-12-20'] li").count() == 1
        assert visit.problems == []
    finally:
        visit.close()


def test_the_russian_interface_names_months_in_russian(chromium: Any, server: str) -> None:
    visit = Visit(chromium, "phone", locale="ru-RU")
    try:
        page = visit.open(f"{server}/calendar/2024/12")  # the browser asks for Russian
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.locator("h1").inner_text() == "декабрь 2024 г."
        assert "ноябрь 2024 г." in page.locator("a[rel=prev]").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "month-ru-phone.png"), full_page=True)
        with page.expect_navigation(wait_until="load"):  # the page and its icon, before the next visit
            page.click("nav.languages a[hreflang=en]")  # the switch, remembered
        assert page.locator("h1").inner_text() == "December 2024"
        visit.open(f"{server}/anniversaries")
        assert page.locator("html").get_attribute("lang") == "en"
        assert visit.problems == []
    finally:
        visit.close()


def test_the_subscribe_page_builds_the_addresses_of_the_choice(chromium: Any, server: str) -> None:
    visit = Visit(chromium)
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    try:
        page = visit.open(f"{server}/subscribe")
        page.check("input[name=category][value=meeting]")
        page.check("input[name=category][value=consultation]")
        page.check("input[name=language][value=ru]")
        page.check("input[name=alarm][value=P1D]")
        with page.expect_navigation():
            page.click("form.choice button[type=submit]")
        https = page.input_value("#url-https")
        assert https.startswith(f"{server}/calendar.ics?")
        assert page.input_value("#url-webcal") == "webcal" + https.removeprefix("http")
        assert page.input_value("#url-atom").startswith(f"{server}/feed.atom?category=meeting&category=consultation")
        with urllib.request.urlopen(https, timeout=10) as answer:
            calendar = icalendar.Calendar.from_ical(answer.read())
        events = calendar.walk("VEVENT")
        assert events
        assert {str(event["CATEGORIES"].cats[0]) for event in events} <= {"встреча", "консультации"}
        assert all(event.walk("VALARM") for event in events)
        assert int(page.get_attribute("#count", "data-events") or -1) == len(events)
        page.click("button[data-copy=url-https]")
        page.wait_for_function("document.getElementById('copy-status').textContent !== ''")
        assert page.evaluate("navigator.clipboard.readText()") == https
        assert visit.problems == []
    finally:
        visit.close()
