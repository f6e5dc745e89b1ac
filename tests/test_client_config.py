"""The generated Client's settings (issue 10, item 13): no raw exception escapes, whatever it is given.

- ``httpx_args`` that repeat a setting the Client passes to httpx itself made every call raise a ``TypeError``
  (httpx got the keyword twice): the Client now refuses them when it is built, with ``InvalidRequestError``.
- One Client used by several event loops at once (threads each running ``asyncio.run``) raised ``RuntimeError: ...
  bound to a different event loop``: it now keeps one AsyncClient per event loop.
- ``Client(timeout=None)`` raised a plain ``TypeError`` where ``ZuoraAuth(timeout=None)`` raised
  ``InvalidRequestError``: both raise ``InvalidRequestError`` now, and so do the new ``deadline`` and
  ``max_response_bytes`` when they are not positive.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import CANARY_SECRET
from tests.rawhttp import RawConnection, RawHttpServer
from zuora_oauth import ApiError, AsyncOAuthApi, AuthenticatedClient, Client, InvalidRequestError, OAuthApi
from zuora_oauth.auth import ZuoraAuth

TOKEN = "c652cbc0ea384b9f81856a93a2a74538"
TOKEN_BODY = b'{"access_token":"%s","token_type":"bearer","expires_in":3599}' % TOKEN.encode()
#: A keep-alive answer, so that the loops' connections are pooled and reused.
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(TOKEN_BODY) + TOKEN_BODY
)

#: Each key the Client sets itself, with a value httpx would accept.
CLASHING = {
    "base_url": "https://rest.zuora.com",
    "cookies": {"a": "1"},
    "headers": {"X-A": "1"},
    "timeout": 5.0,
    "verify": False,
    "follow_redirects": True,
}


@pytest.mark.parametrize("cls", [Client, AuthenticatedClient])
@pytest.mark.parametrize("key", list(CLASHING))
def test_httpx_args_that_repeat_a_client_setting_are_refused_when_the_client_is_built(
    cls: type[Client], key: str
) -> None:
    options: dict[str, Any] = {"token": TOKEN} if cls is AuthenticatedClient else {}
    with pytest.raises(InvalidRequestError, match=f"httpx_args must not set '{key}'") as info:
        cls(base_url="https://rest.zuora.com", httpx_args={key: CLASHING[key]}, **options)

    assert info.value.code == 0
    option = "verify_ssl" if key == "verify" else key
    assert f"pass {option}= to the Client" in info.value.message


def test_other_httpx_args_still_reach_httpx() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"access_token": TOKEN}))
    client = Client(base_url="https://rest.zuora.com", httpx_args={"transport": transport, "http2": False})

    assert OAuthApi(client).create_token("id", CANARY_SECRET).access_token == TOKEN
    with pytest.raises(InvalidRequestError):  # and a wrong one is refused as well, not at call time
        Client(base_url="https://rest.zuora.com", httpx_args={"timeout": None})


@pytest.mark.parametrize("timeout", [None, 0, -1, httpx.Timeout(None), httpx.Timeout(5.0, read=None), "5"])
def test_a_timeout_that_could_wait_forever_is_the_same_typed_error_for_client_and_zuora_auth(timeout: Any) -> None:
    with pytest.raises(InvalidRequestError) as for_client:
        Client(base_url="https://rest.zuora.com", timeout=timeout)
    with pytest.raises(InvalidRequestError) as for_auth:
        ZuoraAuth("id", CANARY_SECRET, timeout=timeout)
    with pytest.raises(InvalidRequestError):
        Client(base_url="https://rest.zuora.com").with_timeout(timeout)

    assert for_client.value.message == for_auth.value.message


@pytest.mark.parametrize("deadline", [None, 0, -5, float("inf"), float("nan"), True, "10"])
def test_a_deadline_must_be_a_positive_finite_number_of_seconds(deadline: Any) -> None:
    with pytest.raises(InvalidRequestError, match="deadline"):
        Client(base_url="https://rest.zuora.com", deadline=deadline)
    with pytest.raises(InvalidRequestError, match="deadline"):
        ZuoraAuth("id", CANARY_SECRET, deadline=deadline)


@pytest.mark.parametrize("limit", [None, 0, -1, 1.5, True])
def test_max_response_bytes_must_be_a_positive_whole_number(limit: Any) -> None:
    with pytest.raises(InvalidRequestError, match="max_response_bytes"):
        Client(base_url="https://rest.zuora.com", max_response_bytes=limit)


def test_the_new_settings_have_their_documented_defaults_and_show_in_the_repr() -> None:
    client = Client(base_url="https://rest.zuora.com")

    assert (client.deadline, client.max_response_bytes, client.allow_insecure_http) == (120.0, 64 * 1024 * 1024, False)
    assert "deadline=120.0" in repr(client)
    assert Client(base_url="https://rest.zuora.com", deadline=5).deadline == 5.0


# -- one Client, several event loops at once ---------------------------------------------------------------------


@pytest.fixture
def keep_alive() -> Iterator[RawHttpServer]:
    """Answers every request of a connection, a little late, so that requests of several loops overlap."""

    def handler(connection: RawConnection) -> None:
        while connection.read_request() is not None:
            connection.hold(0.01)
            if not connection.send(ANSWER):
                return

    with RawHttpServer(handler) as server:
        yield server


def test_one_client_serves_several_event_loops_at_once(keep_alive: RawHttpServer) -> None:
    """Four threads, each with its own ``asyncio.run``, share one Client: every call gets its token.

    With one AsyncClient for all loops, its pool handed one loop's connections and events to another
    (``RuntimeError: ... is bound to a different event loop``).
    """
    client = Client(base_url=keep_alive.base_url, max_retries=0)
    results: dict[int, list[Any]] = {}
    start = threading.Barrier(4)

    def run(number: int) -> None:
        async def calls() -> list[Any]:
            outcomes: list[Any] = []
            for _ in range(30):
                await asyncio.sleep(random.random() / 100)  # interleaves the loops' calls
                try:
                    outcomes.append((await AsyncOAuthApi(client).create_token("id", CANARY_SECRET)).access_token)
                except ApiError as error:
                    outcomes.append(error)
            return outcomes

        start.wait(timeout=10)
        try:
            results[number] = asyncio.run(calls())
        except BaseException as error:  # the promise under test: nothing escapes
            results[number] = [error]

    threads = [threading.Thread(target=run, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert {number: outcomes for number, outcomes in results.items() if outcomes != [TOKEN] * 30} == {}
    assert len(results) == 4

    async def later() -> str:  # every loop above is closed now: the next one gets a fresh AsyncClient
        return (await AsyncOAuthApi(client).create_token("id", CANARY_SECRET)).access_token

    assert asyncio.run(later()) == TOKEN


def test_each_event_loop_gets_its_own_async_client_and_a_closed_one_is_replaced() -> None:
    client = Client(base_url="https://rest.zuora.com")

    async def current() -> httpx.AsyncClient:
        return client.get_async_httpx_client()

    async def twice() -> tuple[httpx.AsyncClient, httpx.AsyncClient, httpx.AsyncClient]:
        first = client.get_async_httpx_client()
        same = client.get_async_httpx_client()
        async with client:  # closes this loop's AsyncClient on the way out
            pass
        return first, same, client.get_async_httpx_client()

    first, same, after_close = asyncio.run(twice())
    assert first is same and after_close is not first and first.is_closed
    assert asyncio.run(current()) is not after_close  # another loop, another AsyncClient

    given = httpx.AsyncClient()
    client.set_async_httpx_client(given)
    assert asyncio.run(current()) is given  # one given explicitly is used on every loop
