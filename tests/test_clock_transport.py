"""The transport's waits on a fake clock: send/asend against FakeZuora over real sockets, sleeping no real time.

A client carrying a ``clock`` (what the transport reads off any client, as it reads ``deadline``) gets its back-off
sleeps and its deadline from it, so each wait is compared exactly: the server's Retry-After to the millisecond, the
jittered backoff within its bounds per retry, the 60 s budget, and the deadline that stops a retry or a body read.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests._fake_clock import FakeClock
from tests.conftest import CANARY_SECRET
from zuora_oauth import ApiError, ApiTimeoutError, Client, RateLimitError, ServerError
from zuora_oauth._transport import asend, send
from zuora_oauth.api.oauth import create_token
from zuora_oauth.models import GrantType, TokenRequest
from zuora_oauth.testing import FakeZuora


class ClockedClient:
    """A generated Client's settings, with the clock the transport is to use."""

    def __init__(self, client: Client, clock: FakeClock) -> None:
        self._client = client
        self.clock = clock
        self.max_retries = client.max_retries
        self.deadline = client.deadline
        self.max_response_bytes = client.max_response_bytes
        self.allow_insecure_http = client.allow_insecure_http

    def get_httpx_client(self) -> httpx.Client:
        return self._client.get_httpx_client()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self._client.get_async_httpx_client()


def token_request(fake: FakeZuora) -> dict[str, Any]:
    body = TokenRequest(client_id=fake.client_id, client_secret=CANARY_SECRET, grant_type=GrantType.CLIENT_CREDENTIALS)
    return create_token.OPERATION.build(body=body)


def call(flavour: str, client: ClockedClient, fake: FakeZuora) -> str:
    """One token request through send or asend; the token."""
    if flavour == "sync":
        _, token = send(client, token_request(fake), create_token.OPERATION)
        return token.access_token

    async def run() -> str:
        _, token = await asend(client, token_request(fake), create_token.OPERATION)
        return token.access_token

    return asyncio.run(run())


def failure(flavour: str, client: ClockedClient, fake: FakeZuora) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call(flavour, client, fake)
    return caught.value


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def clocked(fake: FakeZuora, clock: FakeClock, **settings: Any) -> ClockedClient:
    return ClockedClient(Client(base_url=fake.base_url, **settings), clock)


def test_two_5xx_then_success_wait_the_jittered_backoff_of_each_retry(
    fake: FakeZuora, clock: FakeClock, flavour: str
) -> None:
    fake.enqueue(status=503, times=2)
    assert call(flavour, clocked(fake, clock), fake) == fake.issued_tokens[-1]
    assert fake.token_requests == 3
    first, second = clock.sleeps
    assert 0.375 <= first <= 0.5  # 0.5 s less up to a quarter
    assert 0.75 <= second <= 1.0  # doubled


@pytest.mark.parametrize("header", ["Retry-After", "RateLimit-Reset"])
def test_the_servers_wait_is_slept_exactly(fake: FakeZuora, clock: FakeClock, flavour: str, header: str) -> None:
    fake.enqueue(status=429, headers={header: "2"}, times=2)
    assert call(flavour, clocked(fake, clock), fake)
    assert clock.sleeps == [2.0, 2.0]


def test_a_wait_longer_than_60_s_is_not_waited_out(fake: FakeZuora, clock: FakeClock, flavour: str) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "61"})
    error = failure(flavour, clocked(fake, clock), fake)
    assert type(error) is RateLimitError and error.retry_after == 61.0
    assert clock.sleeps == [] and fake.token_requests == 1


def test_all_the_sleeping_of_a_call_stays_within_60_s(fake: FakeZuora, clock: FakeClock, flavour: str) -> None:
    fake.enqueue(status=503, headers={"Retry-After": "25"}, times=5)
    error = failure(flavour, clocked(fake, clock, max_retries=10), fake)
    assert type(error) is ServerError
    assert clock.sleeps == [25.0, 25.0]  # a third 25 s would make 75 s
    assert fake.token_requests == 3


def test_a_retry_that_would_start_past_the_deadline_is_not_made(
    fake: FakeZuora, clock: FakeClock, flavour: str
) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "6"}, times=3)
    error = failure(flavour, clocked(fake, clock, deadline=10, max_retries=5), fake)
    assert type(error) is RateLimitError
    assert clock.sleeps == [6.0]  # at 6 s, another 6 s would end at 12 s, past the 10 s deadline
    assert fake.token_requests == 2


def test_no_retry_is_left_to_max_retries_0(fake: FakeZuora, clock: FakeClock, flavour: str) -> None:
    fake.enqueue(status=503)
    assert type(failure(flavour, clocked(fake, clock, max_retries=0), fake)) is ServerError
    assert clock.sleeps == []


def test_a_body_still_arriving_at_the_deadline_is_a_timeout(fake: FakeZuora, clock: FakeClock, flavour: str) -> None:
    def late(response: httpx.Response) -> None:  # the headers are in; the deadline passes before the body is read
        clock.advance(5.0)

    async def alate(response: httpx.Response) -> None:
        late(response)

    hooks = {"response": [late if flavour == "sync" else alate]}
    client = clocked(fake, clock, deadline=5, httpx_args={"event_hooks": hooks})
    error = failure(flavour, client, fake)
    assert type(error) is ApiTimeoutError
    assert str(error).startswith("Connection timed out: the call's deadline of 5 s passed")
    assert fake.token_requests == 1 and clock.sleeps == []
