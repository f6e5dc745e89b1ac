"""ZuoraAuth against FakeZuora over real sockets: single flight, refresh windows, 401 replay, retries, protocol."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from tests._fake_clock import FakeClock
from tests._servers import closed_port
from tests.conftest import CANARY_SECRET
from zuora_oauth import (
    ApiConnectionError,
    AuthenticationError,
    BadRequestError,
    Environment,
    InvalidRequestError,
    ServerError,
    ZuoraAuth,
)
from zuora_oauth.testing import FakeZuora


def make_auth(fake: FakeZuora, **options: object) -> ZuoraAuth:
    return ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url, **options)  # type: ignore[arg-type]


def run_threads(count: int, target: Callable[[], None]) -> None:
    """Start ``count`` threads at the same instant (barrier) and wait for all."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body() -> None:
        barrier.wait()
        try:
            target()
        except BaseException as exc:  # collected, re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=body) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_64_cold_threads_make_one_token_request(fake: FakeZuora) -> None:
    fake.token_delay = 0.2  # every thread arrives while the first request is in flight
    auth = make_auth(fake)
    statuses: list[int] = []
    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        run_threads(64, lambda: statuses.append(client.get("/v1/accounts/A1").status_code))

    assert statuses == [200] * 64
    assert fake.token_requests == 1


def test_500_cold_asyncio_tasks_make_one_token_request(fake: FakeZuora) -> None:
    fake.token_delay = 0.2
    auth = make_auth(fake)

    async def main() -> list[str]:
        return await asyncio.gather(*(auth.aget_token() for _ in range(500)))

    tokens = asyncio.run(main())
    assert set(tokens) == {fake.issued_tokens[0]}
    assert fake.token_requests == 1


def test_threads_and_tasks_in_several_loops_at_once_make_one_token_request(fake: FakeZuora) -> None:
    fake.token_delay = 0.3
    auth = make_auth(fake)
    tokens: list[str] = []
    barrier = threading.Barrier(16 + 4)

    def thread_caller() -> None:
        barrier.wait()
        tokens.append(auth.get_token())

    def loop_caller() -> None:
        async def main() -> list[str]:
            barrier.wait()
            return await asyncio.gather(*(auth.aget_token() for _ in range(50)))

        tokens.extend(asyncio.run(main()))

    threads = [threading.Thread(target=thread_caller) for _ in range(16)]
    threads += [threading.Thread(target=loop_caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(tokens) == 16 + 4 * 50
    assert set(tokens) == {fake.issued_tokens[0]}
    assert fake.token_requests == 1


def test_the_async_path_never_blocks_the_event_loop(fake: FakeZuora) -> None:
    fake.token_delay = 1.0
    auth = make_auth(fake)

    async def main() -> int:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        ticking = asyncio.create_task(ticker())
        callers = asyncio.gather(*(auth.aget_token() for _ in range(20)))
        assert await asyncio.to_thread(fake.wait_for_requests, 1, path="/oauth/token")  # the request is in flight
        in_flight = ticks
        await callers
        done.set()
        await ticking
        return ticks - in_flight

    assert asyncio.run(main()) >= 3  # the loop kept running while the token request was answered (~100 possible)
    assert fake.token_requests == 1


def test_a_token_is_reused_until_its_advisory_window(fake: FakeZuora) -> None:
    auth = make_auth(fake)
    first = auth.get_token()
    for _ in range(100):
        assert auth.get_token() == first
    assert fake.token_requests == 1


# The refresh windows on real sockets, with ZuoraAuth on a fake clock: the decisions at each instant are pinned in
# tests/test_clock_token_cache.py; these check that a ZuoraAuth takes them with a real token endpoint.


def test_a_token_is_refreshed_in_its_advisory_window_and_the_new_one_is_sent(fake: FakeZuora) -> None:
    clock = FakeClock.at_real_time()
    auth = make_auth(fake, clock=clock)
    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        assert client.get("/v1/accounts/A1").status_code == 200
        # Fresh until 300 s before expiry (the token was issued a moment after the fake clock started, so each step
        # stops well clear of the boundary)
        clock.advance(3600 - 300 - 10)
        assert client.get("/v1/accounts/A1").status_code == 200
        assert fake.token_requests == 1
        clock.advance(20)
        assert client.get("/v1/accounts/A1").status_code == 200
    assert fake.token_requests == 2
    sent = [r.headers["authorization"] for r in fake.requests if r.path == "/v1/accounts/A1"]
    first, second = (f"Bearer ****{token[-4:]}" for token in fake.issued_tokens)  # as FakeZuora records them
    assert sent == [first, first, second]


def test_an_advisory_refresh_failure_keeps_serving_the_current_token(
    fake: FakeZuora, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock.at_real_time()
    auth = make_auth(fake, max_retries=0, clock=clock)
    first = auth.get_token()
    clock.advance(3600 - 200)  # in the advisory window
    fake.enqueue(status=503, times=1)
    with caplog.at_level(logging.WARNING, logger="zuora_oauth"):
        assert auth.get_token() == first
        assert auth.get_token() == first  # back-off: no second attempt right away

    assert fake.token_requests == 2
    assert "still using token ****" in caplog.text
    clock.advance(5.0)  # the back-off (5 s) is over: the next caller refreshes
    assert auth.get_token() != first
    assert fake.token_requests == 3


def test_a_failed_refresh_never_hands_out_an_expired_token(fake: FakeZuora) -> None:
    clock = FakeClock.at_real_time()
    auth = make_auth(fake, max_retries=0, clock=clock)
    auth.get_token()
    clock.advance(3600 + 10)  # expired
    fake.enqueue(status=503)
    with pytest.raises(ServerError):
        auth.get_token()


def test_mandatory_window_callers_wait_for_the_refresh(fake: FakeZuora) -> None:
    clock = FakeClock.at_real_time()
    auth = make_auth(fake, clock=clock)
    first = auth.get_token()
    clock.advance(3600 - 20)  # in the mandatory window (the last 30 s)
    fake.token_delay = 0.2
    tokens: list[str] = []
    run_threads(8, lambda: tokens.append(auth.get_token()))

    assert first not in tokens and len(set(tokens)) == 1
    assert fake.token_requests == 2


def test_50_concurrent_401s_cause_one_refresh_and_each_request_is_replayed_once(fake: FakeZuora) -> None:
    auth = make_auth(fake)
    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        assert client.get("/v1/accounts/A1").status_code == 200
        fake.revoke_all()
        fake.clear_records()
        fake.token_delay = 0.2
        responses: list[httpx.Response] = []
        run_threads(50, lambda: responses.append(client.post("/v1/echo", json={"n": 1})))

    assert [r.status_code for r in responses] == [200] * 50
    sent = httpx.Request("POST", "http://x", json={"n": 1}).content.decode()  # as the installed httpx encodes it
    assert all(r.json()["body"] == sent for r in responses)  # the replayed body arrived intact
    assert fake.token_requests == 1
    v1 = [r for r in fake.requests if r.path == "/v1/echo"]
    assert len(v1) <= 100  # each request sent at most twice: once with the revoked token, once replayed
    assert fake.revoked_token_uses == len(v1) - 50


def test_a_second_401_is_returned_unchanged(fake: FakeZuora) -> None:
    auth = make_auth(fake)
    fake.enqueue(
        status=401, body={"success": False, "reasons": [{"code": 90000011, "message": "no"}]}, path="/v1/x", times=2
    )
    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        response = client.get("/v1/x")

    assert response.status_code == 401
    assert response.json()["reasons"][0]["code"] == 90000011
    assert fake.token_requests == 2  # the first token, then one refresh; no loop


def test_a_streamed_body_is_not_replayed(fake: FakeZuora) -> None:
    auth = make_auth(fake)
    fake.enqueue(status=401, path="/v1/upload")

    def chunks():  # type: ignore[no-untyped-def]
        yield b"part-1"

    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        response = client.post("/v1/upload", content=chunks())

    assert response.status_code == 401
    assert len([r for r in fake.requests if r.path == "/v1/upload"]) == 1
    assert auth.get_token() == fake.issued_tokens[-1] and fake.token_requests == 2  # still invalidated


def test_async_client_replays_after_revocation(fake: FakeZuora) -> None:
    auth = make_auth(fake)

    async def main() -> list[int]:
        async with httpx.AsyncClient(auth=auth, base_url=fake.base_url) as client:
            await client.get("/v1/accounts/A1")
            fake.revoke_all()
            responses = await asyncio.gather(*(client.get("/v1/accounts/A2") for _ in range(50)))
            return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200] * 50
    assert fake.token_requests == 2


def test_invalidate_is_compare_and_invalidate(fake: FakeZuora) -> None:
    auth = make_auth(fake)
    first = auth.get_token()
    assert auth.invalidate("some-older-token") is False
    assert auth.get_token() == first
    assert auth.invalidate(first) is True
    second = auth.get_token()
    assert second != first
    assert auth.invalidate(first) is False
    assert auth.get_token() == second
    assert fake.token_requests == 2


def test_429_with_retry_after_is_honoured_for_token_requests(fake: FakeZuora) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "1"})
    auth = make_auth(fake)
    started = time.monotonic()
    assert auth.get_token() == fake.issued_tokens[-1]
    assert time.monotonic() - started >= 1.0
    assert fake.token_requests == 2


def test_503_then_200_succeeds(fake: FakeZuora) -> None:
    fake.enqueue(status=503)
    assert make_auth(fake).get_token() == fake.issued_tokens[-1]
    assert fake.token_requests == 2


@pytest.mark.parametrize(("status", "error_type"), [(400, BadRequestError), (401, AuthenticationError)])
def test_400_and_401_token_answers_are_not_retried(fake: FakeZuora, status: int, error_type: type) -> None:
    fake.enqueue(status=status, body={"code": 1, "message": "refused"}, times=3)
    with pytest.raises(error_type) as info:
        make_auth(fake).get_token()
    assert info.value.code == status
    assert fake.token_requests == 1


def test_wrong_credentials_surface_as_authentication_error_through_httpx(fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, "wrong", base_url=fake.base_url)
    with httpx.Client(auth=auth, base_url=fake.base_url) as client, pytest.raises(AuthenticationError):
        client.get("/v1/accounts/A1")


def test_connection_failures_surface_as_typed_errors() -> None:
    auth = ZuoraAuth("id", CANARY_SECRET, base_url=f"http://127.0.0.1:{closed_port()}", max_retries=0)
    with pytest.raises(ApiConnectionError) as info:
        auth.get_token()
    assert info.value.code == 0


def test_the_token_request_never_carries_authorization(fake: FakeZuora) -> None:
    consumer = httpx.Client(headers={"Authorization": "Basic c3RhbGU6c3RhbGU="}, auth=("user", "pass"))
    auth = make_auth(fake, http_client=consumer)
    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        assert client.get("/v1/accounts/A1").status_code == 200

    assert fake.token_requests == 1
    assert not fake.authorization_sent_to_token_endpoint
    consumer.close()


def test_the_consumers_own_client_can_carry_zuora_auth_itself(fake: FakeZuora) -> None:
    """A ZuoraAuth that fetches its tokens through the very client it authenticates does not recurse."""
    client = httpx.Client(base_url=fake.base_url)
    auth = make_auth(fake, http_client=client)
    client.auth = auth
    assert client.get("/v1/accounts/A1").status_code == 200
    assert not fake.authorization_sent_to_token_endpoint
    client.close()


def test_zuora_headers_go_on_token_and_resource_requests(fake: FakeZuora) -> None:
    entity = "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"
    auth = make_auth(fake, entity_ids=entity, org_ids=["o1", "o2"], track_id="trace-7")
    with httpx.Client(auth=auth, base_url=fake.base_url) as client:
        client.get("/v1/accounts/A1")
        client.get("/v1/accounts/A2", headers={"Zuora-Track-Id": "own-trace"})

    token_headers = fake.token_request_log[0].headers
    assert token_headers["zuora-entity-ids"] == entity
    assert token_headers["zuora-org-ids"] == "o1,o2"
    assert token_headers["zuora-track-id"] == "trace-7"
    resources = [r for r in fake.requests if r.path.startswith("/v1/")]
    assert resources[0].headers["zuora-entity-ids"] == entity
    assert resources[0].headers["zuora-track-id"] == "trace-7"
    assert resources[1].headers["zuora-track-id"] == "own-trace"


def test_logs_say_what_happened_without_secrets(fake: FakeZuora, caplog: pytest.LogCaptureFixture) -> None:
    fake.enqueue(status=503)
    auth = make_auth(fake)
    with caplog.at_level(logging.DEBUG):
        with httpx.Client(auth=auth, base_url=fake.base_url) as client:
            client.get("/v1/accounts/A1")
            token = fake.issued_tokens[-1]
            fake.revoke(token)
            client.get("/v1/accounts/A1")

    text = caplog.text
    assert "Retrying POST" in text and "retry 1 of 2" in text and "Zuora-Request-Id" in text
    assert "Fetched a Zuora OAuth token ****" in text
    assert "Invalidated Zuora OAuth token ****" in text
    assert CANARY_SECRET not in text
    for issued in fake.issued_tokens:
        assert issued not in text


def test_repr_shows_client_id_and_environment_only(fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, environment=Environment.US_API_SANDBOX)
    assert repr(auth).startswith(f"ZuoraAuth(client_id={fake.client_id!r}, environment=US_API_SANDBOX")
    local = make_auth(fake)
    token = local.get_token()
    for text in (repr(auth), repr(local), str(local)):
        assert CANARY_SECRET not in text and token not in text


def test_environments_and_base_urls() -> None:
    assert ZuoraAuth("id", "secret").base_url == "https://rest.zuora.com"
    assert ZuoraAuth("id", "secret", environment=Environment.EU_PRODUCTION).base_url == "https://rest.eu.zuora.com"
    assert ZuoraAuth("id", "secret", base_url="http://localhost:8080/").base_url == "http://localhost:8080"
    with pytest.raises(InvalidRequestError, match="unencrypted"):
        ZuoraAuth("id", "secret", base_url="http://zuora.example.com")
    assert ZuoraAuth("id", "secret", base_url="http://proxy.internal", allow_insecure_http=True).base_url
    with pytest.raises(InvalidRequestError):
        ZuoraAuth("id", "secret", base_url="ftp://rest.zuora.com")
    with pytest.raises(InvalidRequestError):
        ZuoraAuth("id", "secret", environment=Environment.EU_PRODUCTION, base_url="https://rest.zuora.com")
    with pytest.raises(InvalidRequestError):
        ZuoraAuth("id", "")
    with pytest.raises(InvalidRequestError):
        ZuoraAuth("id", "secret", track_id="bad\r\nheader")
    with pytest.raises(InvalidRequestError, match="one entity ID"):
        ZuoraAuth("id", "secret", entity_ids=["e-1", "e-2"])  # type: ignore[arg-type]


def test_a_sync_call_inside_the_loop_of_an_async_leader_does_not_deadlock(fake: FakeZuora) -> None:
    fake.token_delay = 1.0
    auth = make_auth(fake)

    async def main() -> tuple[str, str]:
        leader = asyncio.create_task(auth.aget_token())
        assert await asyncio.to_thread(fake.wait_for_requests, 1, path="/oauth/token")  # the task is fetching
        blocking = auth.get_token()  # a sync call on the loop's own thread
        return await leader, blocking

    leader_token, blocking_token = asyncio.run(main())
    assert leader_token and blocking_token
    assert fake.token_requests == 2  # it fetched on its own instead of waiting for its own loop


def test_a_cancelled_async_leader_hands_over_to_a_waiter(fake: FakeZuora) -> None:
    fake.token_delay = 1.0
    auth = make_auth(fake)

    async def main() -> str:
        leader = asyncio.create_task(auth.aget_token())
        assert await asyncio.to_thread(fake.wait_for_requests, 1, path="/oauth/token")  # the leader is fetching
        waiter = asyncio.create_task(auth.aget_token())
        await asyncio.sleep(0)  # the waiter now awaits the leader's refresh
        leader.cancel()
        return await waiter

    assert asyncio.run(main()) == fake.issued_tokens[-1]
