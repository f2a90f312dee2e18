"""1 · Ways in: each reads one kind of input (a YAML dataset, news text, an .ics file), turns it into
validated records and stores them in one transaction through :mod:`calendar_service.store.writer`.
The pure news reader lives in :mod:`calendar_service.ingest.extract`."""
