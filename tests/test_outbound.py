"""The outbound gate against a real HTTP server on 127.0.0.1: addresses, redirects, timeouts, caps."""

from __future__ import annotations

import pytest

from calendar_service.errors import CalendarServiceError
from calendar_service.outbound import (
    FetchError,
    ResponseTooLarge,
    UnsafeURL,
    check_url,
    make_client,
    read_capped,
    service_user_agent,
    translate_errors,
)
from tests.httpserver import Reply, Site

pytestmark = pytest.mark.server


@pytest.fixture
def site(module_site: Site) -> Site:
    module_site.reset()
    return module_site


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://user:secret@example.org/",
        "http:///no-host",
        "http://127.0.0.1/",
        "http://localhost/",  # the DNS answer (the hosts file here) is loopback
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(UnsafeURL) as caught:
        check_url(url)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, CalendarServiceError)
    assert str(caught.value)


def test_check_url_normalises_public_addresses_and_allows_private_ones_when_asked() -> None:
    assert check_url("HTTP://93.184.215.14/News?page=2#top") == "http://93.184.215.14/News?page=2"
    assert check_url("https://Example.ORG", allow_private=True) == "https://example.org/"
    assert check_url("http://Пример.рф/новости", allow_private=True).startswith("http://xn--")
    assert check_url("http://127.0.0.1:8080/feed", allow_private=True) == "http://127.0.0.1:8080/feed"
    with pytest.raises(UnsafeURL, match="credentials"):
        check_url("http://user@127.0.0.1/", allow_private=True)
    with pytest.raises(UnsafeURL, match="http and https"):
        check_url("gopher://127.0.0.1/", allow_private=True)


def test_the_client_refuses_loopback_at_connection_time_literal_or_resolved(site: Site) -> None:
    url = site.put("/feed", Reply(200, b"secret"))
    with make_client(allow_private=False, timeout=2) as client:
        for target in (url, site.url("/feed", host="localhost")):
            with pytest.raises(UnsafeURL, match="not a public address"):
                client.get(target)
    assert site.requests_to("/feed") == []


def test_a_redirect_to_a_private_address_is_refused(site: Site) -> None:
    inside = site.put("/inside", Reply(200, b"secret"))
    site.put("/hop", Reply(302, headers={"Location": inside.replace("127.0.0.1", "localhost")}))
    # 127.0.0.1 stands for a public host here: the redirect names a host whose answer is loopback.
    client = make_client(allow_private=False, timeout=2, allow_hosts={"127.0.0.1"})
    with client, pytest.raises(UnsafeURL):
        client.get(site.url("/hop"))
    assert len(site.requests_to("/hop")) == 1
    assert site.requests_to("/inside") == []


def test_a_redirect_to_another_scheme_or_to_credentials_is_refused(site: Site) -> None:
    site.put("/to-ftp", Reply(301, headers={"Location": "ftp://127.0.0.1/x"}))
    site.put("/to-creds", Reply(302, headers={"Location": site.url("/x").replace("//", "//u:p@")}))
    with make_client(allow_private=True, timeout=2) as client:
        with pytest.raises((UnsafeURL, FetchError)), translate_errors("to-ftp"):
            client.get(site.url("/to-ftp"))
        with pytest.raises(UnsafeURL, match="credentials"):
            client.get(site.url("/to-creds"))
    assert site.requests_to("/x") == []


def test_a_redirect_loop_stops_after_max_redirects(site: Site) -> None:
    site.put("/loop", Reply(302, headers={"Location": "/loop"}))
    client = make_client(allow_private=True, timeout=2, max_redirects=3)
    with client, pytest.raises(FetchError, match="too many redirects"), translate_errors(site.url("/loop")):
        client.get(site.url("/loop"))
    assert len(site.requests_to("/loop")) == 4  # the request and three redirects


def test_a_silent_server_times_out(site: Site) -> None:
    site.put("/silent", Reply(hold=True))
    client = make_client(allow_private=True, timeout=0.5)
    with client, pytest.raises(FetchError, match="timed out"), translate_errors(site.url("/silent")):
        client.get(site.url("/silent"))


def test_a_50_mb_body_is_cut_at_the_cap(site: Site) -> None:
    chunk = b"x" * 65536
    site.put("/huge", Reply(200, (chunk for _ in range(800)), {"Content-Type": "text/html"}))
    site.put("/declared", Reply(200, b"y" * 5000, {"Content-Length": "50000000"}))
    with make_client(allow_private=True, timeout=2) as client:
        with client.stream("GET", site.url("/huge")) as response, pytest.raises(ResponseTooLarge, match="cap"):
            read_capped(response, 1_000_000)
        with client.stream("GET", site.url("/declared")) as response, pytest.raises(ResponseTooLarge):
            read_capped(response, 1_000_000)
        site.put("/small", Reply(200, b"hello", {"Content-Type": "text/plain"}))
        with client.stream("GET", site.url("/small")) as response:
            assert read_capped(response, 5) == b"hello"


def test_requests_name_the_service() -> None:
    assert service_user_agent("https://calendar.example.org").startswith("calendar-service/")
    assert service_user_agent("https://calendar.example.org").endswith("(+https://calendar.example.org)")


def test_the_user_agent_is_sent(site: Site) -> None:
    url = site.put("/ua", Reply(200, b"ok"))
    with make_client(allow_private=True, timeout=2, user_agent="calendar-service/test (+http://x)") as client:
        assert client.get(url).status_code == 200
    with make_client(allow_private=True, timeout=2) as client:
        client.get(url)
    agents = [seen.headers["user-agent"] for seen in site.requests_to("/ua")]
    assert agents == ["calendar-service/test (+http://x)", service_user_agent()]


def test_check_url_without_resolving_still_judges_literal_addresses_and_localhost() -> None:
    assert check_url("https://news.example.org/feed", resolve=False) == "https://news.example.org/feed"
    for url in ("http://127.0.0.1/", "http://[::1]/", "http://10.0.0.8/", "http://localhost/", "http://a.localhost/"):
        with pytest.raises(UnsafeURL):
            check_url(url, resolve=False)
