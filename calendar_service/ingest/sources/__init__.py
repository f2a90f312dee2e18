"""Watched sources: feeds and news-list pages read by the ``fetch`` job (:mod:`.watch`).

:mod:`.fetching` talks to the sources through :mod:`calendar_service.outbound`; :mod:`.parse`
reads what they serve (pure); :mod:`.watch` turns new items into events and proposals through
the store's rules.
"""
