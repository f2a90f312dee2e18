"""Measure the fetch job: 20 sources × 50 items each, served on 127.0.0.1, read, extracted and stored.

Run from the repository root::

    python benchmarks/bench_sources.py [--sources 20] [--items 50]

A threaded HTTP server in this process serves the feeds (RSS 2.0, half of them in Russian) and
their article pages; a fresh SQLite store in a temporary folder holds the sources. The first run
reads every item (robots.txt, the feed, each article: trafilatura, the news reader, the store);
the second finds nothing new (one conditional request per source, answered 304). Prints wall and
CPU seconds and the process's peak resident memory (the server's threads included). The pause
between requests to a host is 0 here: every source is on 127.0.0.1, where the default pause of
2 s would measure only the pause.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from calendar_service import db  # noqa: E402 -- after the path is set
from calendar_service.config import load_settings  # noqa: E402
from calendar_service.ingest.sources.watch import fetch_sources  # noqa: E402
from calendar_service.store.sources import SourceSpec, add_source  # noqa: E402

READ_AT = dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC)
BODIES_EN = ["Council of Defence Ministers", "Council of Foreign Ministers",
             "Committee of Secretaries of Security Councils", "Collective Security Council",
             "Parliamentary Assembly"]
BODIES_RU = ["Совет министров обороны", "Совет министров иностранных дел",
             "Комитет секретарей советов безопасности", "Совет коллективной безопасности",
             "Парламентская ассамблея"]
CITIES_EN = ["Minsk", "Moscow", "Astana", "Bishkek", "Dushanbe", "Yerevan"]
CITIES_RU = ["Минске", "Москве", "Астане", "Бишкеке", "Душанбе", "Ереване"]
MONTHS_EN = ["March", "April", "May", "June", "July", "September", "October", "November"]
MONTHS_RU = ["марта", "апреля", "мая", "июня", "июля", "сентября", "октября", "ноября"]


def article(source: int, item: int) -> tuple[str, bytes]:
    """Return the title and page of one article, different for every (source, item)."""
    n = source * 131 + item * 7
    day, month = 1 + n % 28, n % len(MONTHS_EN)
    if source % 2:
        body, city = BODIES_RU[n % 5], CITIES_RU[n % 6]
        title = f"Заседание: {body} ({source}-{item})"
        text = (f"{body} Организации Договора о коллективной безопасности проведет заседание {day} "
                f"{MONTHS_RU[month]} 2026 года в {city}. Участники обсудят вопросы безопасности, ход "
                f"выполнения решений и план совместных мероприятий на следующий год. Сообщение {source}-{item}.")
    else:
        body, city = BODIES_EN[n % 5], CITIES_EN[n % 6]
        title = f"{body} to meet in {city} ({source}-{item})"
        text = (f"The {body} of the Collective Security Treaty Organization will hold its meeting in {city} "
                f"on {day} {MONTHS_EN[month]} 2026. The participants will discuss regional security, the "
                f"implementation of earlier decisions and the plan of joint activities. Report {source}-{item}.")
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<nav><a href="/">Home</a></nav><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article>'
            "<footer>Press service</footer></body></html>")
    return title, page.encode()


def feed(source: int, items: int, port: int) -> bytes:
    entries = []
    for item in range(items):
        title, _ = article(source, item)
        entries.append(f"<item><guid>s{source}-i{item}</guid><link>http://127.0.0.1:{port}/a/{source}/{item}</link>"
                       f"<title>{title}</title><pubDate>Mon, 09 Feb 2026 08:00:00 GMT</pubDate></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>n</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{''.join(entries)}</channel></rss>").encode()


def serve(items: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            status, body, headers = 404, b"", {}
            if parts[0] == "feed":
                if self.headers.get("If-None-Match") == '"1"':
                    status = 304
                else:
                    status, body = 200, feed(int(parts[1]), items, self.server.server_address[1])
                    headers = {"ETag": '"1"', "Content-Type": "application/rss+xml"}
            elif parts[0] == "a":
                status, body = 200, article(int(parts[1]), int(parts[2]))[1]
                headers = {"Content-Type": "text/html; charset=utf-8"}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    arguments = parser.parse_args()
    server = serve(arguments.items)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"DATA_DIR": folder, "FEEDS_DIR": folder, "DATABASE_URL": f"sqlite:///{folder}/b.db",
                                  "SOURCES_ALLOW_PRIVATE": "1", "SOURCES_HOST_PAUSE": "0"}, environ={})
        factory = db.make_session_factory(settings.database_url)
        db.migrate(factory)
        with db.transaction(factory) as session:
            for number in range(arguments.sources):
                add_source(session, SourceSpec(name=f"s{number}", url=f"http://127.0.0.1:{port}/feed/{number}",
                                               language="ru" if number % 2 else "en", trust="high",
                                               policy="publish"), now=READ_AT)
        rows = []
        for label, now in (("first run", READ_AT), ("second run (304)", READ_AT + dt.timedelta(minutes=30))):
            wall, cpu = time.perf_counter(), time.process_time()
            report = fetch_sources(factory, settings, now=now)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            items = sum(source.items for source in report.sources)
            created = sum(source.created for source in report.sources)
            updated = sum(source.updated for source in report.sources)
            proposed = sum(source.proposed for source in report.sources)
            failing = sum(1 for source in report.sources if source.error)
            rows.append((label, items, created, updated, proposed, failing, wall, cpu))
        factory.kw["bind"].dispose()
    server.shutdown()
    server.server_close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{arguments.sources} sources × {arguments.items} items on 127.0.0.1\n")
    print("| run | items read | events created | updated | proposed | failing | wall s | CPU s | CPU ms/item |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, items, created, updated, proposed, failing, wall, cpu in rows:
        per_item = f"{1000 * cpu / items:.0f}" if items else "–"
        print(f"| {label} | {items} | {created} | {updated} | {proposed} | {failing} | {wall:.1f} | {cpu:.1f} "
              f"| {per_item} |")
    print(f"\npeak resident memory of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
