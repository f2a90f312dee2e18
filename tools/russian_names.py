"""Write the Russian names of the shipped gazetteer, worked out, for the wording to read without the news reader.

Run from the repository root after changing the shipped gazetteer or the GeoNames extract
(``calendar_service/ingest/extract/data/``)::

    python tools/russian_names.py

It writes ``calendar_service/wording/data/russian_names.json``; ``tests/wording`` fails while the
file is not what the shipped gazetteer gives.
"""

from __future__ import annotations

from calendar_service.wording.names import write_shipped_names

if __name__ == "__main__":
    print(f"wrote {write_shipped_names()}")
