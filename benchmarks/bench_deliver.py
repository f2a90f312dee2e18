"""Benchmark reminders: N subscribers due on one anniversary, time until all are delivered.

Run: ``.venv/bin/python benchmarks/bench_deliver.py [--subscribers 10000] [--channels webhook,email]``.

In a temporary folder: migrates a SQLite store, loads the shipped dataset, subscribes N webhook
URLs (a receiver on 127.0.0.1 in a process of its own, answering 200) and N email addresses
(confirmed; an aiosmtpd sink in a process of its own), then runs the anniversary sweep for the
last 15 May (the Treaty's anniversary: one notice, N deliveries per channel written in the sweep's
transaction) and the ``deliver`` job until the outbox is empty. Prints a Markdown table: the
sweep (issue + outbox), the delivery, and deliveries per second. Exits 1 if any delivery is not
acknowledged. Loopback only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("ready", flush=True)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int) -> None:
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def _last_anniversary(today: dt.date) -> dt.date:
    this_year = dt.date(today.year, 5, 15)
    return this_year if this_year <= today else dt.date(today.year - 1, 5, 15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--channels", default="webhook,email")
    options = parser.parse_args()
    channels = [name.strip() for name in options.channels.split(",") if name.strip()]

    from sqlalchemy import func, select

    from calendar_service import clock
    from calendar_service.config import load_settings
    from calendar_service.db import make_session_factory, migrate, transaction
    from calendar_service.delivery.drain import deliver_due
    from calendar_service.delivery.subscriptions import SubscriptionRequest, confirm_subscription, create_subscription
    from calendar_service.ingest.dataset import load_dataset
    from calendar_service.models import Delivery, Subscription
    from calendar_service.scheduler import jobs

    http_port, smtp_port = _free_port(), _free_port()
    processes = [
        subprocess.Popen([sys.executable, "-c", RECEIVER, str(http_port)], stdout=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                          "-l", f"127.0.0.1:{smtp_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    rows: list[str] = []
    failed = False
    try:
        _wait_for_port(http_port)
        _wait_for_port(smtp_port)
        for channel in channels:
            with tempfile.TemporaryDirectory() as folder:
                settings = load_settings({
                    "DATA_DIR": folder, "FEEDS_DIR": folder, "DATABASE_URL": f"sqlite:///{folder}/calendar.db",
                    "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "WEBHOOK_ALLOW_PRIVATE": "1",
                    "BASE_URL": "https://calendar.example.org",
                }, environ={})
                factory = make_session_factory(settings.database_url)
                migrate(factory)
                load_dataset(factory, REPO / "data" / "events.yaml", now=clock.now())
                started = time.perf_counter()
                with transaction(factory) as session:
                    for number in range(options.subscribers):
                        address = (f"http://127.0.0.1:{http_port}/hooks/{number}" if channel == "webhook"
                                   else f"desk{number}@example.org")
                        created = create_subscription(session, SubscriptionRequest(channel, address, kinds=(
                            "anniversary",)), settings, now=clock.now())
                        if channel == "email":
                            code = created.subscription.confirm_code
                            assert code is not None
                            confirm_subscription(session, code, now=clock.now())
                    session.execute(Delivery.__table__.delete())  # the confirmation requests: not measured
                subscribed = time.perf_counter() - started
                day = _last_anniversary(clock.today(settings.timezone))
                started = time.perf_counter()
                sweep = jobs.anniversaries(factory, settings, today=day)
                swept = time.perf_counter() - started
                started = time.perf_counter()
                result = deliver_due(factory, settings)
                delivered = time.perf_counter() - started
                with transaction(factory) as session:
                    pending = session.scalar(select(func.count()).select_from(Delivery)
                                             .where(Delivery.state != "sent"))
                    subscriptions = session.scalar(select(func.count()).select_from(Subscription))
                factory.kw["bind"].dispose()
                failed = failed or bool(pending) or result.sent != options.subscribers
                rows.append(f"| {channel} | {subscriptions:,} | {sweep.issued} | {subscribed:.1f} | {swept:.2f} | "
                            f"{delivered:.1f} | {result.sent / delivered:,.0f} | {pending} |")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end")
    print("| channel | subscribers | notices | subscribing s | sweep + outbox s | delivering s | deliveries/s | "
          "not acknowledged |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(row)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
