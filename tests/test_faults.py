"""Fault injection over real sockets: each fault ends in success or the documented typed error, in bounded time,
after exactly the attempts the retry design promises.

The design (``zuora_oauth._retry.RetryPolicy``, default ``max_retries=2``): 408, 429, 5xx, connection failures and
timeouts are retried; the n-th retry waits ``min(0.5 * 2**(n-1), 8)`` seconds times a jitter in [0.75, 1], or what
``Retry-After``/``RateLimit-Reset`` asks (up to 60 s). So two retries sleep between 1.125 and 1.5 s in all, and a
call makes ``max_retries + 1`` attempts at most. Time bounds below are those sleeps plus generous slack: they prove
a fault cannot hang a caller, not how fast a machine is.

Every fault is driven through the token paths that matter: ``OAuthApi`` (sync), ``AsyncOAuthApi``, and
``ZuoraAuth`` (``get_token`` / ``aget_token``), which requests tokens through the same transport.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from tests._servers import closed_port
from tests.conftest import CANARY_SECRET
from tests.rawhttp import RawConnection, RawHttpServer, answer_once
from zuora_oauth import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AsyncOAuthApi,
    Client,
    OAuthApi,
    RateLimitError,
    ServerError,
)
from zuora_oauth.auth import ZuoraAuth
from zuora_oauth.testing import DropWhen, FakeZuora

CLIENT_ID = "5f3c9e0a-6d1b-4c8e-9a27-3b1d0e4f7a62"
TOKEN = "c652cbc0ea384b9f81856a93a2a74538"
TOKEN_BODY = b'{"access_token":"%s","token_type":"bearer","expires_in":3599}' % TOKEN.encode()
#: A keep-alive answer: framed by Content-Length, no "Connection: close".
KEEP_ALIVE_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(TOKEN_BODY) + TOKEN_BODY
)
CLOSING_ANSWER = KEEP_ALIVE_ANSWER.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)

S = TypeVar("S")

#: Total sleep of two default backoff retries: (0.5 + 1.0) * jitter in [0.75, 1].
TWO_BACKOFFS = (1.125, 1.5)
SLACK = 4.0


# -- the four token paths ---------------------------------------------------------------------------------------


def via_oauth_api(base_url: str, client_id: str, max_retries: int, timeout: float) -> str:
    client = Client(base_url=base_url, max_retries=max_retries, timeout=timeout)
    with client:
        return OAuthApi(client).create_token(client_id, CANARY_SECRET).access_token


def via_async_oauth_api(base_url: str, client_id: str, max_retries: int, timeout: float) -> str:
    async def run() -> str:
        async with Client(base_url=base_url, max_retries=max_retries, timeout=timeout) as client:
            return (await AsyncOAuthApi(client).create_token(client_id, CANARY_SECRET)).access_token

    return asyncio.run(run())


def via_zuora_auth(base_url: str, client_id: str, max_retries: int, timeout: float) -> str:
    with ZuoraAuth(client_id, CANARY_SECRET, base_url=base_url, max_retries=max_retries, timeout=timeout) as auth:
        return auth.get_token()


def via_zuora_auth_async(base_url: str, client_id: str, max_retries: int, timeout: float) -> str:
    async def run() -> str:
        with ZuoraAuth(client_id, CANARY_SECRET, base_url=base_url, max_retries=max_retries, timeout=timeout) as auth:
            return await auth.aget_token()

    return asyncio.run(run())


Path = Callable[[str, str, int, float], str]
PATHS = {
    path.__name__.removeprefix("via_"): path
    for path in (via_oauth_api, via_async_oauth_api, via_zuora_auth, via_zuora_auth_async)
}


def attempt(path: Path, base_url: str, client_id: str = CLIENT_ID, max_retries: int = 2, timeout: float = 5.0) -> Any:
    """(the token or the ApiError, seconds taken); any other exception fails the test."""
    started = time.monotonic()
    try:
        result: Any = path(base_url, client_id, max_retries, timeout)
    except ApiError as error:
        result = error
    return result, time.monotonic() - started


def on_every_path(servers: dict[str, S], call: Callable[[Path, S], Any]) -> dict[str, Any]:
    """``call(path, server)`` for the four paths at once, each in its own thread (named after the path) against its
    own server: a fault's waits are then paid once, not four times. Returns each path's result by name."""
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        try:
            results[name] = call(PATHS[name], servers[name])
        except BaseException as error:  # reported below, with the path's name
            results[name] = error

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in PATHS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for name, result in results.items():
        if isinstance(result, BaseException) and not isinstance(result, ApiError):
            raise AssertionError(f"{name}: {type(result).__name__}: {result}") from result
    return results


@pytest.fixture
def fakes() -> Iterator[dict[str, FakeZuora]]:
    """One FakeZuora per path, so scripted faults are consumed by that path alone."""
    servers = {name: FakeZuora(client_secret=CANARY_SECRET).start() for name in PATHS}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def raws() -> Iterator[dict[str, RawHttpServer]]:
    servers = {name: RawHttpServer().start() for name in PATHS}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def retries_logged(caplog: pytest.LogCaptureFixture, thread: str | None = None) -> list[int]:
    """The retry numbers the transport logged (``zuora_attempt``), in order; of one thread if given."""
    return [
        record.zuora_attempt
        for record in caplog.records
        if hasattr(record, "zuora_attempt") and thread in (None, record.threadName)
    ]


@pytest.fixture
def raw() -> Iterator[RawHttpServer]:
    with RawHttpServer() as server:
        yield server


# -- no answer at all -------------------------------------------------------------------------------------------


def test_connection_refused_is_retried_then_a_connection_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="zuora_oauth")
    ports = {name: closed_port() for name in PATHS}
    outcomes = on_every_path(ports, lambda path, port: attempt(path, f"http://127.0.0.1:{port}"))

    for name, (error, elapsed) in outcomes.items():
        assert type(error) is ApiConnectionError, name
        assert error.code == 0 and error.response_body == "", name
        assert retries_logged(caplog, name) == [1, 2], name  # 3 attempts
        assert TWO_BACKOFFS[0] <= elapsed < TWO_BACKOFFS[1] + SLACK, name


@pytest.mark.parametrize("when", ["before_headers", "mid_body"])
def test_resets_are_retried_and_a_short_burst_ends_in_success(fakes: dict[str, FakeZuora], when: DropWhen) -> None:
    for fake in fakes.values():
        fake.enqueue_drop(when=when, times=2)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id))

    for name, (token, elapsed) in outcomes.items():
        assert token == fakes[name].issued_tokens[-1], name
        assert fakes[name].token_requests == 3, name
        assert TWO_BACKOFFS[0] <= elapsed < TWO_BACKOFFS[1] + SLACK, name


@pytest.mark.parametrize("when", ["before_headers", "mid_body"])
def test_resets_beyond_the_retries_are_a_connection_error(fakes: dict[str, FakeZuora], when: DropWhen) -> None:
    for fake in fakes.values():
        fake.enqueue_drop(when=when, times=3)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id))

    for name, (error, elapsed) in outcomes.items():
        assert type(error) is ApiConnectionError and error.code == 0, name
        assert fakes[name].token_requests == 3 and fakes[name].scripted_remaining() == 0, name
        assert TWO_BACKOFFS[0] <= elapsed < TWO_BACKOFFS[1] + SLACK, name


def test_a_server_that_accepts_and_never_answers_times_out_on_every_attempt(raws: dict[str, RawHttpServer]) -> None:
    for raw in raws.values():
        raw.handler = lambda connection: connection.hold(30)  # accepts, never reads, never writes
    outcomes = on_every_path(raws, lambda path, raw: attempt(path, raw.base_url, timeout=0.5))

    for name, (error, elapsed) in outcomes.items():
        assert type(error) is ApiTimeoutError and error.code == 0, name
        assert raws[name].connections == 3, name  # max_retries + 1 attempts, each on a new connection
        assert 3 * 0.5 + TWO_BACKOFFS[0] <= elapsed < 3 * 0.5 + TWO_BACKOFFS[1] + SLACK, name


def test_a_server_that_reads_the_request_then_hangs_times_out(fakes: dict[str, FakeZuora]) -> None:
    for fake in fakes.values():
        fake.enqueue_hang(seconds=30, times=1)
    outcomes = on_every_path(
        fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id, max_retries=1, timeout=0.5)
    )

    for name, (token, elapsed) in outcomes.items():
        assert token == fakes[name].issued_tokens[-1], name  # the retry after the timeout succeeds
        assert fakes[name].token_requests == 2, name
        assert 0.5 + 0.375 <= elapsed < 0.5 + 0.5 + SLACK, name


def status_line_then_silence(connection: RawConnection) -> None:
    if connection.read_request() is not None:
        connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")  # the rest never comes
        connection.hold(30)


def test_slow_headers_past_the_timeout_are_a_timeout_error(raws: dict[str, RawHttpServer]) -> None:
    for raw in raws.values():
        raw.handler = status_line_then_silence
    outcomes = on_every_path(raws, lambda path, raw: attempt(path, raw.base_url, timeout=0.5))

    for name, (error, elapsed) in outcomes.items():
        assert type(error) is ApiTimeoutError, name
        assert raws[name].requests == 3, name
        assert 3 * 0.5 + TWO_BACKOFFS[0] <= elapsed < 3 * 0.5 + TWO_BACKOFFS[1] + SLACK, name


def test_a_late_answer_is_a_timeout_but_a_later_attempt_in_time_succeeds(fakes: dict[str, FakeZuora]) -> None:
    for fake in fakes.values():
        fake.enqueue(status=200, body={"access_token": "too-late-abcdefghijklmnopq"}, delay=3.0)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id, timeout=0.5))

    for name, (token, elapsed) in outcomes.items():
        assert token == fakes[name].issued_tokens[-1], name  # the late answer is never used
        assert fakes[name].token_requests == 2, name
        assert 0.5 + 0.375 <= elapsed < 0.5 + 0.5 + SLACK, name


# -- keep-alive connections closed by the server ----------------------------------------------------------------


def test_a_keep_alive_connection_closed_while_idle_is_replaced_without_a_retry(
    raw: RawHttpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The server closes an idle keep-alive connection between two calls: the pool notices, nothing is retried."""

    def answer_then_close_when_idle(connection: RawConnection) -> None:
        if connection.read_request() is not None:
            connection.send(KEEP_ALIVE_ANSWER)
            connection.hold(0.05)
        connection.close()

    raw.handler = answer_then_close_when_idle
    caplog.set_level(logging.INFO, logger="zuora_oauth")
    with Client(base_url=raw.base_url, max_retries=0) as client:
        api = OAuthApi(client)
        assert api.create_token(CLIENT_ID, CANARY_SECRET).access_token == TOKEN
        time.sleep(0.3)
        assert api.create_token(CLIENT_ID, CANARY_SECRET).access_token == TOKEN

    assert (raw.connections, raw.requests) == (2, 2)
    assert retries_logged(caplog) == []


class CloseOnSecondRequest:
    """First connection: answer one request with keep-alive, read the next one and close without an answer
    (the server gave up on the connection just as the client reused it). Later connections answer normally."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._first = True

    def __call__(self, connection: RawConnection) -> None:
        with self._lock:
            first, self._first = self._first, False
        if connection.read_request() is None:
            return
        if first:
            connection.send(KEEP_ALIVE_ANSWER)
            connection.read_request()
        else:
            connection.send(CLOSING_ANSWER)
        connection.close()


def _two_calls_on_one_pool(base_url: str, max_retries: int, asynchronous: bool) -> list[Any]:
    async def run_async() -> list[Any]:
        async with Client(base_url=base_url, max_retries=max_retries) as client:
            return [await _async_token(client) for _ in range(2)]

    if asynchronous:
        return asyncio.run(run_async())
    with Client(base_url=base_url, max_retries=max_retries) as client:
        return [_sync_token(client) for _ in range(2)]


def _sync_token(client: Client) -> Any:
    try:
        return OAuthApi(client).create_token(CLIENT_ID, CANARY_SECRET).access_token
    except ApiError as error:
        return error


async def _async_token(client: Client) -> Any:
    try:
        return (await AsyncOAuthApi(client).create_token(CLIENT_ID, CANARY_SECRET)).access_token
    except ApiError as error:
        return error


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_keep_alive_connection_closed_under_a_request_is_retried_on_a_new_one(
    raw: RawHttpServer, asynchronous: bool, caplog: pytest.LogCaptureFixture
) -> None:
    raw.handler = CloseOnSecondRequest()
    caplog.set_level(logging.INFO, logger="zuora_oauth")
    started = time.monotonic()
    results = _two_calls_on_one_pool(raw.base_url, 2, asynchronous)

    assert results == [TOKEN, TOKEN]
    assert (raw.connections, raw.requests) == (2, 3)  # the second call took one retry, on a new connection
    assert retries_logged(caplog) == [1]
    assert time.monotonic() - started < 0.5 + SLACK


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_without_retries_a_keep_alive_connection_closed_under_a_request_is_a_connection_error(
    raw: RawHttpServer, asynchronous: bool
) -> None:
    raw.handler = CloseOnSecondRequest()
    first, second = _two_calls_on_one_pool(raw.base_url, 0, asynchronous)

    assert first == TOKEN
    assert type(second) is ApiConnectionError and second.code == 0
    assert raw.requests == 2


def test_zuora_auth_refreshes_through_a_connection_the_server_closed(raw: RawHttpServer) -> None:
    raw.handler = CloseOnSecondRequest()
    with ZuoraAuth(CLIENT_ID, CANARY_SECRET, base_url=raw.base_url) as auth:
        assert auth.get_token() == TOKEN
        assert auth.invalidate(TOKEN)
        assert auth.get_token() == TOKEN
    assert raw.requests == 3


# -- 429 storms -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Retry-After", "RateLimit-Reset"])
def test_a_429_storm_shorter_than_the_retries_waits_as_asked_then_succeeds(
    fakes: dict[str, FakeZuora], header: str
) -> None:
    for fake in fakes.values():
        fake.enqueue(status=429, headers={header: "1"}, times=2)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id))

    for name, (token, elapsed) in outcomes.items():
        assert token == fakes[name].issued_tokens[-1], name
        assert fakes[name].token_requests == 3, name
        assert 2.0 <= elapsed < 2.0 + SLACK, name  # two waits of what the server asked, no backoff of our own


def test_a_429_storm_longer_than_the_retries_is_a_rate_limit_error(fakes: dict[str, FakeZuora]) -> None:
    for fake in fakes.values():
        fake.enqueue(status=429, headers={"Retry-After": "1"}, times=10)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id))

    for name, (error, elapsed) in outcomes.items():
        assert type(error) is RateLimitError, name
        assert (error.code, error.retry_after) == (429, 1.0), name
        assert fakes[name].token_requests == 3, name
        assert 2.0 <= elapsed < 2.0 + SLACK, name


def test_zuora_auth_keeps_off_the_endpoint_for_the_retry_after_of_a_storm(fake: FakeZuora) -> None:
    """After a storm outlasted its retries, callers get the error at once until Retry-After has passed."""
    fake.enqueue(status=429, headers={"Retry-After": "1"}, times=3)
    with ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url) as auth:
        with pytest.raises(RateLimitError):
            auth.get_token()
        assert fake.token_requests == 3
        started = time.monotonic()
        with pytest.raises(RateLimitError):
            auth.get_token()
        assert time.monotonic() - started < 0.5
        assert fake.token_requests == 3  # no request inside the window
        time.sleep(1.1)
        assert auth.get_token() == fake.issued_tokens[-1]
    assert fake.token_requests == 4


def test_32_threads_in_a_429_storm_make_one_single_flight_of_attempts(fake: FakeZuora) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "1"}, times=2)
    results: list[Any] = []
    with ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url) as auth:
        barrier = threading.Barrier(32)

        def worker() -> None:
            barrier.wait()
            try:
                results.append(auth.get_token())
            except ApiError as error:
                results.append(error)

        threads = [threading.Thread(target=worker) for _ in range(32)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert results == [fake.issued_tokens[-1]] * 32
    assert fake.token_requests == 3  # not 32 x 3
    assert time.monotonic() - started < 2.0 + SLACK


# -- 5xx bursts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((500, {"message": "oops"}, None), (503, b"", None)),
        ((502, "<html><body>502 Bad Gateway</body></html>", "text/html"), (504, b"", None)),
        ((520, "", None), (599, b"{}", None)),
    ],
    ids=["500-503", "502html-504", "520-599"],
)
def test_a_5xx_burst_shorter_than_the_retries_ends_in_success(
    fakes: dict[str, FakeZuora], first: tuple[int, Any, str | None], second: tuple[int, Any, str | None]
) -> None:
    for fake in fakes.values():
        for status, body, content_type in (first, second):
            fake.enqueue(status=status, body=body, headers={"Content-Type": content_type} if content_type else None)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id))

    for name, (token, elapsed) in outcomes.items():
        assert token == fakes[name].issued_tokens[-1], name
        assert fakes[name].token_requests == 3, name
        assert TWO_BACKOFFS[0] <= elapsed < TWO_BACKOFFS[1] + SLACK, name


def test_a_5xx_burst_longer_than_the_retries_is_the_last_server_error(fakes: dict[str, FakeZuora]) -> None:
    for fake in fakes.values():
        fake.enqueue(status=502, body="<html>bad gateway</html>", headers={"Content-Type": "text/html"}, times=2)
        fake.enqueue(status=503, times=5)
    outcomes = on_every_path(fakes, lambda path, fake: attempt(path, fake.base_url, fake.client_id))

    for name, (error, elapsed) in outcomes.items():
        assert type(error) is ServerError and error.code == 503, name
        assert fakes[name].token_requests == 3, name
        assert TWO_BACKOFFS[0] <= elapsed < TWO_BACKOFFS[1] + SLACK, name


def test_the_default_client_makes_the_promised_three_attempts(fake: FakeZuora) -> None:
    fake.enqueue(status=503, times=5)
    with pytest.raises(ServerError):
        OAuthApi(Client(base_url=fake.base_url)).create_token(fake.client_id, CANARY_SECRET)
    assert fake.token_requests == 3


def test_a_resource_request_survives_a_5xx_burst_on_the_token_endpoint(fake: FakeZuora) -> None:
    fake.enqueue(status=503, times=2)
    with (
        ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url) as auth,
        httpx.Client(base_url=fake.base_url, auth=auth) as http,
    ):
        answer = http.get("/v1/accounts/A00000001")

    assert answer.status_code == 200
    assert answer.json()["basicInfo"]["accountNumber"] == "A00000001"
    assert fake.token_requests == 3
    assert fake.expired_token_uses == fake.unknown_token_uses == 0


def test_408_from_a_proxy_is_retried_like_a_timeout(fake: FakeZuora) -> None:
    fake.enqueue(status=408, body="<html>Request Timeout</html>", headers={"Content-Type": "text/html"})
    token, _ = attempt(via_oauth_api, fake.base_url, fake.client_id)

    assert token == fake.issued_tokens[-1]
    assert fake.token_requests == 2


def test_answer_once_helper_closes_each_connection(raw: RawHttpServer) -> None:
    """The raw server itself: one answer per connection, counted."""
    raw.handler = answer_once(CLOSING_ANSWER)
    assert via_oauth_api(raw.base_url, CLIENT_ID, 0, 5.0) == TOKEN
    assert via_oauth_api(raw.base_url, CLIENT_ID, 0, 5.0) == TOKEN
    assert (raw.connections, raw.requests) == (2, 2)
