"""What only RedisTokenStore does, against a real redis-server of its own, real worker processes and a FakeZuora:
lock expiry, outages, foreign values, both client flavours. What every store does is in test_store_contract.py."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis
import redis.asyncio

from tests._fleet import Fleet, token_digest
from tests._redis_server import RedisServer, free_port
from tests._store_helpers import close_open_auths, get, key_of, make_auth, warnings
from tests.conftest import CANARY_SECRET
from zuora_oauth import InvalidRequestError
from zuora_oauth.stores import RedisTokenStore, TokenRecord
from zuora_oauth.testing import FakeZuora

OUTAGE = "RedisTokenStore cannot use Redis"
GAVE_UP = "fetching one directly"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path / "redis") as running:
        yield running


@pytest.fixture
def inspect(server: RedisServer) -> Iterator[redis.Redis]:
    """A plain client of the test's server, to look at what the store wrote."""
    client = redis.Redis.from_url(server.url, decode_responses=True, socket_timeout=2)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def no_secret_leaks(caplog: pytest.LogCaptureFixture, fake: FakeZuora) -> Iterator[None]:
    """Every test: nothing logged contains the client secret or a whole token."""
    caplog.set_level(logging.DEBUG, logger="zuora_oauth")
    yield
    close_open_auths()
    assert CANARY_SECRET not in caplog.text
    for token in fake.issued_tokens:
        assert token not in caplog.text


def stored(inspect: redis.Redis, fake: FakeZuora, prefix: str = "zuora-oauth:") -> TokenRecord | None:
    value = inspect.get(prefix + key_of(fake))
    return None if value is None else TokenRecord.from_json(value)


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


# -- the fleet -------------------------------------------------------------------------------------------------


def test_a_lock_holder_killed_mid_refresh_is_replaced_by_one_other_process(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, tmp_path: Path
) -> None:
    fake.enqueue_hang(seconds=60)  # the first token request (the holder's) never gets an answer
    fake.token_delay = 0.3
    store = {"kind": "redis", "url": server.url, "lock_timeout": 2.0, "wait_timeout": 20.0}
    lock_key = "zuora-oauth:" + key_of(fake) + ":lock"
    with (
        Fleet(tmp_path / "holder", fake, CANARY_SECRET, store, size=1) as holder,
        Fleet(tmp_path / "others", fake, CANARY_SECRET, store, size=15) as others,
    ):
        holder.wait_ready()
        others.wait_ready()
        holder.go()
        wait_for(lambda: inspect.exists(lock_key) == 1)
        assert fake.wait_for_requests(1, path="/oauth/token", timeout=20)  # the holder's request is in flight
        others.go()  # they find the lock taken and wait
        time.sleep(0.3)
        holder.kill()  # mid-refresh, holding the lock: only its expiry (2 s) frees it
        killed = holder.results()
        results = others.results()

    assert [r.returncode for r in killed] == [-signal.SIGKILL]
    assert [r.returncode for r in results] == [0] * 15, [r.stderr for r in results]
    assert [r.stderr for r in results] == [""] * 15
    assert [status for r in results for status in r.statuses] == [200] * (15 * 4 * 3)
    assert fake.token_requests == 2  # the killed holder's, then exactly one more
    assert len(fake.issued_tokens) == 1
    assert fake.expired_token_uses == 0
    assert {token for r in results for token in r.tokens} == {token_digest(fake.issued_tokens[0])}
    assert inspect.exists(lock_key) == 0


# -- outages ---------------------------------------------------------------------------------------------------


def test_a_redis_outage_falls_back_to_in_process_tokens_and_sharing_resumes(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    fake.expires_in = 2  # fresh for 1 s: several refreshes happen during the outage
    store = RedisTokenStore(server.url, socket_timeout=0.5)
    auth = make_auth(fake, store)
    with httpx.Client(auth=auth) as client:

        def call() -> int:
            return client.get(fake.base_url + "/v1/accounts/A").status_code

        assert call() == 200
        assert stored(inspect, fake) is not None

        server.stop()
        statuses = []
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            statuses.append(call())
            time.sleep(0.05)
        assert statuses == [200] * len(statuses)
        during_outage = fake.token_requests - 1
        assert during_outage >= 2  # refreshed by fetching directly, more than once
        assert len(warnings(caplog, OUTAGE)) == 1  # one warning for the whole outage
        assert "until Redis is back" in warnings(caplog, OUTAGE)[0]

        fake.expires_in = 3600
        server.start()  # same port, empty
        requests_before = fake.token_requests
        wait_for(lambda: call() == 200 and fake.token_requests > requests_before, timeout=5)
        assert "reaches Redis at" in caplog.text and "again" in caplog.text

    inspect.connection_pool.disconnect()
    record = stored(inspect, fake)
    assert record is not None and record.access_token == auth.get_token()
    newcomer = make_auth(fake, RedisTokenStore(server.url))  # another process, empty cache
    requests_before = fake.token_requests
    assert newcomer.get_token() == auth.get_token()
    assert fake.token_requests == requests_before
    assert len(warnings(caplog, OUTAGE)) == 1
    assert fake.expired_token_uses == 0


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_an_unreachable_redis_costs_sharing_not_tokens(
    fake: FakeZuora, caplog: pytest.LogCaptureFixture, flavour: str
) -> None:
    url = f"redis://:hunter2-redis-password@127.0.0.1:{free_port()}/0"
    store = RedisTokenStore(url, socket_timeout=0.5)
    auths = [make_auth(fake, store) for _ in range(3)]
    if flavour == "sync":
        tokens = [auth.get_token() for auth in auths]
        auths[0].invalidate(tokens[0])
    else:

        async def main() -> list[str]:
            tokens = [await auth.aget_token() for auth in auths]
            await auths[0].ainvalidate(tokens[0])
            return tokens

        tokens = asyncio.run(main())
    assert tokens == fake.issued_tokens and len(set(tokens)) == 3
    assert len(warnings(caplog, OUTAGE)) == 1
    assert "hunter2-redis-password" not in caplog.text
    assert "hunter2-redis-password" not in repr(store) + repr(auths[0])


def test_a_key_of_the_wrong_type_is_a_store_problem_not_a_crash(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    inspect.rpush("zuora-oauth:" + key_of(fake), "not", "a", "string")
    assert get(make_auth(fake, RedisTokenStore(server.url)), fake) == 200
    assert len(warnings(caplog, "WRONGTYPE")) == 1


def test_a_foreign_value_is_ignored_and_overwritten(fake: FakeZuora, server: RedisServer, inspect: redis.Redis) -> None:
    inspect.set("zuora-oauth:" + key_of(fake), '{"access_token": "x"')
    auth = make_auth(fake, RedisTokenStore(server.url))
    assert get(auth, fake) == 200
    record = stored(inspect, fake)
    assert record is not None and record.access_token == fake.issued_tokens[0]


# -- what is stored, and the lock ------------------------------------------------------------------------------


def test_the_record_key_value_and_ttl(fake: FakeZuora, server: RedisServer, inspect: redis.Redis) -> None:
    fake.expires_in = 600
    store = RedisTokenStore(server.url, prefix="app1:")
    assert repr(store) == f"RedisTokenStore('127.0.0.1:{server.port}/0', prefix='app1:')"
    assert get(make_auth(fake, store), fake) == 200

    assert inspect.keys("*") == ["app1:" + key_of(fake)]  # the lock is gone; the key is a hash
    value = inspect.get("app1:" + key_of(fake))
    assert value is not None and CANARY_SECRET not in value and fake.client_id not in inspect.keys("*")[0]
    saved = json.loads(value)
    assert set(saved) == {"access_token", "expires_at", "issued_at", "token_type", "scope"}
    assert saved["access_token"] == fake.issued_tokens[0]
    ttl_ms = inspect.pttl("app1:" + key_of(fake))
    remaining_ms = (saved["expires_at"] - time.time()) * 1000
    assert 0 < ttl_ms < remaining_ms  # gone from Redis before the token expires
    assert ttl_ms > remaining_ms - 10_000  # ...but not long before (1 s of margin, plus this test's own time)


def test_the_lock_is_released_only_if_it_is_still_ours(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis
) -> None:
    store = RedisTokenStore(server.url, lock_timeout=5)
    lock_key = "zuora-oauth:" + key_of(fake) + ":lock"
    seen: list[object] = []

    def fetch() -> TokenRecord:
        value = inspect.get(lock_key)
        seen.append(value)
        ttl = inspect.pttl(lock_key)
        assert 0 < ttl <= 5000
        inspect.set(lock_key, "another-process", px=5000)  # our lock expired and another process took it
        now = time.time()
        return TokenRecord(access_token="token-0123456789abcdef", expires_at=now + 3600, issued_at=now)

    record = store.refresh(key_of(fake), lambda record: True, fetch)
    assert record.access_token == "token-0123456789abcdef"
    assert isinstance(seen[0], str) and len(seen[0]) == 32  # a random value, not a constant
    assert inspect.get(lock_key) == "another-process"  # compare-and-delete left the other holder's lock alone


def test_waiters_take_over_a_lock_that_expires_without_a_record(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    inspect.set("zuora-oauth:" + key_of(fake) + ":lock", "a-dead-holder", px=400)
    auth = make_auth(fake, RedisTokenStore(server.url, lock_timeout=5))
    assert get(auth, fake) == 200
    assert fake.token_requests == 1
    assert warnings(caplog, GAVE_UP) == []  # it took the expired lock rather than giving up on waiting
    record = stored(inspect, fake)
    assert record is not None and record.access_token == fake.issued_tokens[0]


# -- clients ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("decode_responses", [False, True])
def test_a_given_sync_client_also_serves_asyncio_callers(
    fake: FakeZuora, server: RedisServer, decode_responses: bool
) -> None:
    client = redis.Redis.from_url(server.url, socket_timeout=1, decode_responses=decode_responses)
    store = RedisTokenStore(client)
    assert repr(store) == f"RedisTokenStore('127.0.0.1:{server.port}/0', prefix='zuora-oauth:')"

    async def async_token() -> str:
        return await make_auth(fake, store).aget_token()

    first = asyncio.run(async_token())  # an asyncio client built from the given client's settings
    assert make_auth(fake, store).get_token() == first  # the given client
    assert fake.token_requests == 1
    store.close()
    assert client.ping()  # the store does not close a client it was given
    client.close()


def test_a_given_asyncio_client_also_serves_threads(fake: FakeZuora, server: RedisServer) -> None:
    client = redis.asyncio.Redis.from_url(server.url, socket_timeout=1)
    store = RedisTokenStore(client)

    async def main() -> None:
        first = await make_auth(fake, store).aget_token()  # the given client, on its event loop
        sync_auth = make_auth(fake, store)
        assert await asyncio.to_thread(sync_auth.get_token) == first  # a sync client built from its settings
        await client.aclose()

    asyncio.run(main())
    assert fake.token_requests == 1
    store.close()


class _CustomConnection(redis.connection.Connection):
    """Stands for connections the store cannot copy to the other flavour (Sentinel-managed ones, say)."""


def test_a_client_whose_other_flavour_cannot_be_built_still_serves_its_own(
    fake: FakeZuora, server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    pool = redis.ConnectionPool(connection_class=_CustomConnection, host="127.0.0.1", port=server.port)
    store = RedisTokenStore(redis.Redis(connection_pool=pool))

    async def async_token() -> str:
        return await make_auth(fake, store).aget_token()

    shared = make_auth(fake, store).get_token()
    assert make_auth(fake, store).get_token() == shared  # threads share through the given client
    assert asyncio.run(async_token()) != shared  # asyncio callers cannot: they fetch their own
    assert asyncio.run(async_token()) != shared
    assert fake.token_requests == 3
    problem = warnings(caplog, "cannot build a redis.asyncio.Redis client")
    assert len(problem) == 1 and "pass a URL" in problem[0]
    assert warnings(caplog, OUTAGE) == []
    pool.disconnect()


def test_importing_the_package_does_not_import_redis() -> None:
    code = "import sys, zuora_oauth, zuora_oauth.stores, zuora_oauth.auth; print('redis' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_without_redis_py_the_error_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "from zuora_oauth import InvalidRequestError\n"
        "from zuora_oauth.stores import RedisTokenStore\n"
        "try:\n"
        "    RedisTokenStore('redis://127.0.0.1:6379/0')\n"
        "except InvalidRequestError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "RedisTokenStore needs redis-py 5.0 or later: pip install 'zuora-oauth[redis]'"


@pytest.mark.parametrize(
    ("client", "kwargs"),
    [
        ("http://127.0.0.1:6379", {}),
        ("nonsense", {}),
        ("redis://127.0.0.1:6379/0?socket_timeout=abc", {}),
        (object(), {}),
        (None, {}),
        ("redis://127.0.0.1:6379/0", {"prefix": 5}),
        ("redis://127.0.0.1:6379/0", {"lock_timeout": 0}),
        ("redis://127.0.0.1:6379/0", {"lock_timeout": float("inf")}),
        ("redis://127.0.0.1:6379/0", {"wait_timeout": -1}),
        ("redis://127.0.0.1:6379/0", {"poll_interval": 0}),
        ("redis://127.0.0.1:6379/0", {"socket_timeout": True}),
    ],
)
def test_invalid_arguments_are_a_typed_error(client: object, kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRequestError):
        RedisTokenStore(client, **kwargs)  # type: ignore[arg-type]


def test_a_bad_url_error_does_not_show_its_password() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        RedisTokenStore("redis://user:hunter2-secret@127.0.0.1:6379/0?socket_timeout=abc")
    assert "hunter2-secret" not in str(caught.value)
    assert "socket_timeout" in str(caught.value)
