"""The one gate for every request the service makes to the outside: watched sources, mail hooks, webhooks.

Every address is checked twice. :func:`check_url` refuses, before anything is sent, an address that
is not ``http(s)``, carries credentials, has no host, or whose host resolves to an address that is
not public (private, loopback, link-local, multicast, reserved, unspecified). The client of
:func:`make_client` checks again at connection time, for the first request and for every redirect:
it resolves the host itself, refuses the connection if any answer is not public, and connects to
the address it checked, so a DNS answer that changes between the two checks cannot lead it inside.
Proxies from the environment are ignored (``trust_env=False``), since a proxy would connect for it.

``allow_private`` (``CALENDAR_SOURCES_ALLOW_PRIVATE=1``) lifts the address rule for tests and local
setups; the scheme and credentials rules stay. Bodies are read with :func:`read_capped`, which
stops at its cap. httpx's errors are translated into :class:`~calendar_service.errors.FetchError`
once, by :func:`translate_errors`.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from calendar_service import __version__
from calendar_service.errors import FetchError, ResponseTooLarge, UnsafeURL

__all__ = [
    "FetchError",
    "ResponseTooLarge",
    "UnsafeURL",
    "check_url",
    "make_client",
    "read_capped",
    "service_user_agent",
    "translate_errors",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def service_user_agent(base_url: str | None = None) -> str:
    """Return the ``User-Agent`` that names the service and, when it has one, its public address."""
    return f"calendar-service/{__version__}" + (f" (+{base_url})" if base_url else "")


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    # is_global is False for private, loopback, link-local, reserved, unspecified and shared
    # (100.64/10) ranges; some multicast ranges count as global, and are refused all the same.
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Return every address ``host`` resolves to; raise :class:`UnsafeURL` if any of them is not public."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {error}") from error
        addresses = list(dict.fromkeys(ipaddress.ip_address(answer[4][0]) for answer in answers))
    else:
        addresses = [literal]
    refused = [address for address in addresses if not _is_public(address)]
    if refused:
        raise UnsafeURL(f"{host} resolves to {refused[0]}, which is not a public address")
    return addresses


def _split(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise UnsafeURL(f"not a usable address: {url!r} ({error})") from None
    _check_parts(parsed)
    return parsed


def _check_parts(url: httpx.URL) -> None:
    if url.scheme not in {"http", "https"}:
        raise UnsafeURL(f"only http and https addresses may be fetched, not {str(url)!r}")
    if url.userinfo:
        raise UnsafeURL(f"an address with credentials in it may not be fetched: {url.copy_with(userinfo=b'')}")
    if not url.host:
        raise UnsafeURL(f"an address without a host may not be fetched: {str(url)!r}")


def check_url(url: str, *, allow_private: bool = False, resolve: bool = True) -> str:
    """Check an address the service is asked to fetch, and return it normalised.

    Normalised: scheme and host in lower case, the host in IDNA form, an empty path as ``/``, and no
    fragment (it is never sent). ``resolve=False`` checks a host name without asking DNS (an
    address stored now and fetched later, when the client checks it again): an address written
    as digits and ``localhost`` are still judged.

    Raises:
        UnsafeURL: not http(s), credentials in it, no host, or (unless ``allow_private``) a host
            that resolves to an address that is not public.
        FetchError: the host does not resolve (unless ``allow_private`` or not ``resolve``).
    """
    parsed = _split(url)
    host = parsed.host.rstrip(".")
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):  # RFC 6761 §6.3
        raise UnsafeURL(f"{host} is a loopback name, not a public address")
    if not allow_private and not resolve:
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None and not _is_public(literal):
            raise UnsafeURL(f"{host} is not a public address")
    elif not allow_private:
        try:
            _resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
        except httpcore.ConnectError as error:
            raise FetchError(str(error)) from None
    return str(parsed.copy_with(path=parsed.path or "/", fragment=None))


class _GuardedBackend(httpcore.SyncBackend):
    """Opens connections only to addresses it resolved and found public."""

    def __init__(self, allow_private: bool, allow_hosts: Collection[str]) -> None:
        self._allow_private = allow_private
        self._allow_hosts = frozenset(host.lower() for host in allow_hosts)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self._allow_private or host.lower() in self._allow_hosts:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in _resolve(host, port):
            try:
                return super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # _resolve returns at least one address or raises
        raise failure


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context (certifi's certificates), made once per process and shared.

    Loading the certificates costs tens of milliseconds of CPU; a context is safe to share between
    clients and threads once made.
    """
    return httpx.create_ssl_context(trust_env=False)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, backend: httpcore.NetworkBackend, *, limits: httpx.Limits) -> None:
        super().__init__(verify=_tls_context(), trust_env=False, limits=limits)
        # httpx's transport takes no network backend, so its pool is made again with one: same
        # certificates (the default context), same limits, no proxy.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def _check_request(request: httpx.Request) -> None:
    _check_parts(request.url)  # every hop of a redirect chain passes here


def make_client(
    *,
    allow_private: bool,
    timeout: float,
    max_redirects: int = 3,
    user_agent: str | None = None,
    allow_hosts: Collection[str] = (),
) -> httpx.Client:
    """Return an httpx client whose every connection, redirects included, goes through the gate.

    Args:
        allow_private: connect to private and loopback addresses too (tests, local setups).
        timeout: seconds allowed to connect, and between two reads or writes.
        max_redirects: redirects followed before :class:`FetchError` (``httpx.TooManyRedirects``).
        user_agent: the ``User-Agent`` header; :func:`service_user_agent` by default.
        allow_hosts: host names or addresses exempt from the address rule, as written in URLs.
    """
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=5, keepalive_expiry=30)
    return httpx.Client(
        transport=_GuardedTransport(_GuardedBackend(allow_private, allow_hosts), limits=limits),
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=max_redirects,
        headers={"User-Agent": user_agent or service_user_agent()},
        event_hooks={"request": [_check_request]},
        trust_env=False,
    )


def read_capped(response: httpx.Response, limit: int, *, max_seconds: float | None = None) -> bytes:
    """Read a streamed response's body (decoded from gzip or deflate), refusing more than ``limit`` bytes.

    Use it on ``client.stream(...)`` responses: the body is read chunk by chunk and reading stops,
    and the response is closed, as soon as the cap is passed, so a long body costs at most
    ``limit`` bytes of memory. ``max_seconds`` bounds the whole read (a server that trickles).

    Raises:
        ResponseTooLarge: the body (or its declared ``Content-Length``) is longer than ``limit``.
        FetchError: the read failed or took longer than ``max_seconds``.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise ResponseTooLarge(f"{response.url}: {int(declared)} bytes declared, more than the cap of {limit}")
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    chunks: list[bytes] = []
    size = 0
    with translate_errors(str(response.url)):
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                response.close()
                raise ResponseTooLarge(f"{response.url}: the body is longer than the cap of {limit} bytes")
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                response.close()
                raise FetchError(f"{response.url}: the body took longer than {max_seconds:g} s to read")
    return b"".join(chunks)


@contextlib.contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Translate httpx's errors raised inside the block into :class:`FetchError` naming ``url``."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise FetchError(f"{url}: timed out ({type(error).__name__})") from error
    except httpx.TooManyRedirects as error:
        raise FetchError(f"{url}: too many redirects") from error
    except httpx.HTTPStatusError as error:
        raise FetchError(f"{url}: HTTP {error.response.status_code}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"{url}: {error or type(error).__name__}") from error
