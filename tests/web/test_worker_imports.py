"""A web worker imports what serving needs: the news reader, Alembic, the feed writers and the rest load where used."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from flask import Flask

#: Libraries a worker that serves published files and calendars never needs.
HEAVY = ("alembic", "mako", "pygments", "calendar_service.ingest", "dateparser", "yaml", "feedgen", "lxml",
         "email_validator", "segno", "cssselect", "num2words", "pymorphy3")

_WORKER = """
import json, sys
from calendar_service import create_app
heavy = tuple(sys.argv[2].split(","))
def loaded():
    return sorted({name for name in sys.modules if name.startswith(heavy)})
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
seen = {"create_app": loaded()}
for url in sys.argv[3:]:
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, (url, response.status_code)
    assert len(response.get_data()) > 500, url
    seen[url] = loaded()
print(json.dumps(seen))
"""


def _worker(settings: dict[str, Any], *urls: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", _WORKER, json.dumps(settings), ",".join(HEAVY), *urls],
                          check=True, capture_output=True, text=True)
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


def _settings(app: Flask) -> dict[str, Any]:
    from calendar_service import get_settings

    settings = get_settings(app)
    return {"DATA_DIR": str(settings.data_dir), "FEEDS_DIR": str(settings.feeds_dir),
            "DATABASE_URL": settings.database_url, "BASE_URL": settings.base_url}


def test_a_worker_serving_files_and_calendars_loads_none_of_the_heavy_libraries(loaded: Flask) -> None:
    seen = _worker(_settings(loaded), "/calendar.ics", "/feed.atom", "/calendars/meetings.ics?lang=ru",
                   "/calendar.ics?category=meeting&country=KZ&alarm=P1D")
    assert seen == {url: [] for url in seen}
    assert len(seen) == 5


def test_what_a_route_needs_is_loaded_when_it_runs(loaded: Flask) -> None:
    english, russian = "/calendars/anniversaries.ics?alarm=P1D", "/calendars/anniversaries.ics?lang=ru"
    seen = _worker(_settings(loaded), "/feed.atom?lang=ru", english, russian)
    assert seen["create_app"] == []
    assert {"feedgen", "lxml"} <= {name.split(".")[0] for name in seen["/feed.atom?lang=ru"]}
    assert "num2words" in {name.split(".")[0] for name in seen[english]}  # English ordinals
    assert "pymorphy3" in {name.split(".")[0] for name in seen[russian]}  # the genitive of a founding act's name
    assert not [name for name in seen[russian] if name.startswith(("calendar_service.ingest", "alembic", "dateparser"))]
