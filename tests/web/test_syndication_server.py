"""The feeds through a real HTTP server on 127.0.0.1, as a feed reader fetches them."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import feedparser
import pytest


@pytest.mark.server
def test_a_reader_fetches_revalidates_and_decompresses(server: str) -> None:
    request = urllib.request.Request(f"{server}/feed.atom", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        etag = response.headers["ETag"]
        body = gzip.decompress(response.read())
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0
    assert len(parsed.entries) == 12
    again = urllib.request.Request(f"{server}/feed.atom",
                                   headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(again, timeout=10)
    assert answer.value.code == 304
    answer.value.close()
