"""Benchmark news-text extraction: 1,000 realistic items (about 300 KB) in one text, timed.

Run from the repository root::

    python benchmarks/bench_extract.py [--items 1000] [--repeat 3]

The items are made from the test corpus (tests/data/news/corpus.yaml) and the sample input
(data/csto-news.txt), with their days, years and cities varied and a few undated sentences added,
as real news items have, so that no two items are alike. The first run includes loading the
gazetteer and dateparser's language data; the others show the steady state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from calendar_service.ingest.extract import extract_news, load_gazetteer  # noqa: E402 -- after the path is set

REFERENCE_DATE = dt.date(2025, 1, 15)
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
_DAY_BEFORE_MONTH = re.compile(rf"(?<![\d.])([12]?\d)(?=\s+(?:{_MONTHS}))")
_YEAR = re.compile(r"(?<![\d./-])(202[2-6])(?![\d])")
_CITIES = {
    "Minsk": ["Yerevan", "Astana", "Bishkek", "Dushanbe", "Moscow", "Almaty"],
    "Минске": ["Ереване", "Астане", "Бишкеке", "Душанбе", "Москве", "Алматы"],
}
_FILLER_EN = [
    "The parties discussed the current state and prospects of cooperation within the Organization.",
    "Particular attention was paid to countering international terrorism and drug trafficking.",
    "The meeting was attended by representatives of the Secretariat and the Joint Staff.",
    "Following the talks, the sides agreed to continue regular contacts at the expert level.",
]
_FILLER_RU = [
    "Стороны обсудили текущее состояние и перспективы сотрудничества в рамках Организации.",
    "Особое внимание было уделено противодействию международному терроризму и наркотрафику.",
    "В мероприятии приняли участие представители Секретариата и Объединенного штаба ОДКБ.",
    "По итогам переговоров стороны договорились продолжить регулярные контакты на уровне экспертов.",
]


def templates() -> list[str]:
    corpus = yaml.safe_load((REPO / "tests" / "data" / "news" / "corpus.yaml").read_text(encoding="utf-8"))
    texts = [entry["text"].strip() for entry in corpus]
    seed = (REPO / "data" / "csto-news.txt").read_text(encoding="utf-8")
    texts.extend(line for line in seed.splitlines()[:4])
    return texts


def vary(text: str, rng: random.Random) -> str:
    text = _DAY_BEFORE_MONTH.sub(lambda m: str(rng.randint(1, 28)), text)
    text = _YEAR.sub(lambda m: str(rng.randint(2022, 2026)), text)
    for city, others in _CITIES.items():
        text = text.replace(city, rng.choice(others))
    russian = len(re.findall(r"[а-яё]", text)) > len(re.findall(r"[a-z]", text))
    filler = _FILLER_RU if russian else _FILLER_EN
    return text + " " + " ".join(rng.sample(filler, rng.randint(0, 2)))


def make_text(items: int, seed: int = 2025) -> str:
    rng = random.Random(seed)
    pool = templates()
    return "\n".join(vary(rng.choice(pool), rng) for _ in range(items)) + "\n"


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()

    text = make_text(arguments.items)
    data = text.encode("utf-8")
    rows = []
    for run in range(1, arguments.repeat + 1):
        started = time.perf_counter()
        gazetteer = load_gazetteer()
        extraction = extract_news(data, reference_date=REFERENCE_DATE, gazetteer=gazetteer)
        rows.append((run, time.perf_counter() - started, len(extraction.events)))

    print(f"machine: {describe_machine()}")
    print(f"input:   {arguments.items} items, {len(data):,} bytes ({len(data) / 1024:.0f} KB)")
    print()
    print(f"{'run':>4}  {'seconds':>8}  {'events':>7}  {'items/s':>8}")
    for run, seconds, events in rows:
        print(f"{run:>4}  {seconds:>8.2f}  {events:>7}  {arguments.items / seconds:>8.0f}")
    seconds = [row[1] for row in rows]
    print(f"{'best':>4}  {min(seconds):>8.2f}")
    print(f"{'median':>4}  {statistics.median(seconds):>6.2f}")
    print("limit: 10 s for 1,000 items (~300 KB) on 2 cores:", "OK" if max(seconds) < 10 else "TOO SLOW")


if __name__ == "__main__":
    main()
