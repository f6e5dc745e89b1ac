"""Processes, event loops and Redis servers that misbehave (issue 10, items 10-12): a fork shares nothing in flight,
a closed event loop does not hold a refresh hostage, and Redis without EVAL or with a key of the wrong type is
repaired at once. Real ``os.fork()`` (multiprocessing's "fork" context), real threads and loops, a real redis-server.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import multiprocessing
import multiprocessing.synchronize
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import redis

from tests._redis_server import RedisServer
from tests._store_helpers import close_open_auths, get, key_of, warnings
from tests.conftest import CANARY_SECRET
from zuora_oauth import ApiError, ZuoraAuth
from zuora_oauth.stores import FileTokenStore, RedisTokenStore, TokenRecord, TokenStore
from zuora_oauth.testing import FakeZuora

FORK = multiprocessing.get_context("fork")

#: Worker processes forked from a test, and rounds of token and resource requests each of them makes.
CHILDREN = 4
ROUNDS = 10

OUTAGE = "RedisTokenStore cannot use Redis"


def make_auth(fake: FakeZuora, store: TokenStore | None = None, **options: Any) -> ZuoraAuth:
    return ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url, store=store, **options)


def in_thread(target: Callable[[], object]) -> tuple[threading.Thread, dict[str, object]]:
    """Run ``target`` in a daemon thread; what it returned or raised lands in the dict."""
    outcome: dict[str, object] = {}

    def body() -> None:
        try:
            outcome["result"] = target()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, outcome


# -- item 10: fork ----------------------------------------------------------------------------------------------


def churn(auth: ZuoraAuth, base_url: str, start: multiprocessing.synchronize.Event) -> dict[str, Any]:
    """Token requests and resource requests, as fast as possible, by one process; what it got.

    The process's token requests carry its pid as ``Zuora-Track-Id`` (FakeZuora remembers it, and the connection,
    per issued token), and so do its resource requests (FakeZuora echoes it): an answer read by another process, or
    a connection used by two, shows up either way.
    """
    me = f"pid-{os.getpid()}"
    auth._headers["Zuora-Track-Id"] = me  # the test's way to label this process's token requests
    start.wait(30)
    tokens: list[str] = []
    errors: list[str] = []
    crossed_resources = 0
    with httpx.Client(auth=auth, timeout=10) as client:  # the resource client is this process's own
        for _ in range(ROUNDS):
            try:
                token = auth.get_token()
                tokens.append(token)
                auth.invalidate(token)  # so the next call is a token request again
                response = client.get(base_url + "/v1/accounts/A", headers={"Zuora-Track-Id": me})
                tokens.append(response.request.headers["Authorization"].removeprefix("Bearer "))
                if response.status_code != 200 or response.headers.get("Zuora-Track-Id") != me:
                    crossed_resources += 1
                auth.invalidate(tokens[-1])
            except ApiError as error:
                errors.append(type(error).__name__)
    return {"pid": me, "tokens": tokens, "errors": errors, "crossed_resources": crossed_resources}


def child_churn(
    auth: ZuoraAuth, base_url: str, start: multiprocessing.synchronize.Event, results: multiprocessing.Queue[Any]
) -> None:
    results.put(churn(auth, base_url, start))


def test_forked_children_and_their_parent_never_read_each_others_answers(fake: FakeZuora) -> None:
    auth = make_auth(fake, track_id=f"pid-{os.getpid()}", timeout=10)
    inherited = auth.get_token()  # the parent's pool now holds a keep-alive connection to the token endpoint
    fake.token_delay = 0.2  # answers come late, so that requests from several processes meet on a shared socket
    start = FORK.Event()
    results: multiprocessing.Queue[Any] = FORK.Queue()
    children = [FORK.Process(target=child_churn, args=(auth, fake.base_url, start, results)) for _ in range(CHILDREN)]
    for child in children:
        child.start()
    try:
        start.set()
        reports = [churn(auth, fake.base_url, start)]  # the parent churns at the same time
        reports += [results.get(timeout=120) for _ in children]
    finally:
        for child in children:
            child.join(30)
            if child.is_alive():
                child.kill()
    assert [child.exitcode for child in children] == [0] * CHILDREN

    assert len({report["pid"] for report in reports}) == CHILDREN + 1
    assert [report["errors"] for report in reports] == [[]] * (CHILDREN + 1)
    assert sum(report["crossed_resources"] for report in reports) == 0
    assert [len(report["tokens"]) for report in reports] == [ROUNDS * 2] * (CHILDREN + 1)
    assert [report["tokens"][0] == inherited for report in reports] == [True] * (CHILDREN + 1)  # kept after the fork
    crossed_tokens = sum(
        fake.token_track_id(token) != report["pid"] for report in reports for token in report["tokens"][1:]
    )
    assert crossed_tokens == 0  # every token a process got since was issued to a request of that very process
    askers: dict[int | None, set[str | None]] = {}
    for token in fake.issued_tokens:
        askers.setdefault(fake.token_connection(token), set()).add(fake.token_track_id(token))
    shared = sum(len(pids) > 1 for pids in askers.values())
    assert shared == 0  # no connection carried token requests of two processes
    assert fake.token_requests == len(fake.issued_tokens)  # and none arrived garbled (interleaved with another)
    assert fake.handler_errors == []


def timed_token(auth: ZuoraAuth, results: multiprocessing.Queue[Any]) -> None:
    started = time.monotonic()
    try:
        auth.get_token()
        results.put({"seconds": time.monotonic() - started, "error": None})
    except ApiError as error:
        results.put({"seconds": time.monotonic() - started, "error": type(error).__name__})


def test_a_child_forked_during_a_refresh_gets_its_own_token_at_once(fake: FakeZuora) -> None:
    fake.enqueue_hang(seconds=120)  # the parent's refresh never gets an answer
    auth = make_auth(fake, max_retries=0)
    refresher, outcome = in_thread(auth.get_token)
    assert fake.wait_for_requests(1, path="/oauth/token", timeout=20)  # the parent's refresh is in flight

    results: multiprocessing.Queue[Any] = FORK.Queue()
    child = FORK.Process(target=timed_token, args=(auth, results))
    child.start()
    try:
        report = results.get(timeout=60)  # without the fix: the child waits 300 s for the parent's refresh
    finally:
        child.join(30)
        if child.is_alive():
            child.kill()
    assert report["error"] is None and report["seconds"] < 20
    assert child.exitcode == 0
    assert fake.token_requests == 2  # the child asked for itself, on a connection of its own

    fake.stop()  # cuts the hung answer: the parent's refresh fails with a typed error
    refresher.join(30)
    assert isinstance(outcome.get("error"), ApiError)


def wait_then_exit(release: multiprocessing.synchronize.Event) -> None:
    release.wait(60)


def test_a_child_forked_while_the_parent_holds_the_file_lock_does_not_keep_it(
    fake: FakeZuora, tmp_path_factory: pytest.TempPathFactory
) -> None:
    fake.enqueue_hang(seconds=2)  # the parent holds the lock during its first token request...
    store = FileTokenStore(tmp_path_factory.mktemp("token-store"))
    auth = make_auth(fake, store)
    refresher, outcome = in_thread(auth.get_token)
    assert fake.wait_for_requests(1, path="/oauth/token", timeout=20)

    release = FORK.Event()
    child = FORK.Process(target=wait_then_exit, args=(release,))
    child.start()  # ...with a copy of the locked descriptor, unless it is closed in the child
    try:
        refresher.join(60)  # the hang ends, the retry gets a token, the parent releases its lock
        assert isinstance(outcome.get("result"), str)
        lock = os.open(store.path_of(key_of(fake)).removesuffix(".json") + ".lock", os.O_RDWR)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free, though the child is still alive
        finally:
            os.close(lock)
        assert child.is_alive()
    finally:
        release.set()
        child.join(30)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0
    auth.close()


# -- item 11: the leader's event loop is closed mid-refresh -------------------------------------------------------


@pytest.mark.parametrize("waiter", ["thread", "task"])
def test_callers_elect_a_new_leader_when_the_leaders_event_loop_is_closed(fake: FakeZuora, waiter: str) -> None:
    fake.enqueue_hang(seconds=120)  # the leader's token request never gets an answer
    auth = make_auth(fake)
    loop = asyncio.new_event_loop()
    leaders: list[asyncio.Task[str]] = []

    def run_leader() -> None:
        leaders.append(loop.create_task(auth.aget_token()))
        loop.run_forever()  # until stopped; the refresh is still pending then
        loop.close()

    leader_thread = threading.Thread(target=run_leader, daemon=True)
    leader_thread.start()
    assert fake.wait_for_requests(1, path="/oauth/token", timeout=20)  # the leader is refreshing

    def thread_waiter() -> str:
        return auth.get_token()

    def task_waiter() -> str:
        return asyncio.run(auth.aget_token())

    started = time.monotonic()
    waiting, outcome = in_thread(thread_waiter if waiter == "thread" else task_waiter)
    loop.call_soon_threadsafe(loop.stop)
    leader_thread.join(10)
    assert loop.is_closed() and not leaders[0].done()
    waiting.join(60)  # without the fix: 300 s (the stale-refresh limit)
    elapsed = time.monotonic() - started

    assert outcome.get("result") == fake.issued_tokens[0], outcome
    assert elapsed < 20
    assert fake.token_requests == 2  # the new leader's own request
    leaders.clear()


# -- item 12: Redis without EVAL, and keys of the wrong type ------------------------------------------------------

#: A user of the test's redis-server that may do everything but run scripts.
NO_EVAL_USER = "zuora-no-eval"
NO_EVAL_PASSWORD = "no-eval-password-0123456789"


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as running:
        yield running


@pytest.fixture
def inspect(server: RedisServer) -> Iterator[redis.Redis]:
    """A plain (default user) client of the test's server, to look at what the store wrote."""
    client = redis.Redis.from_url(server.url, decode_responses=True, socket_timeout=2)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def closed_auths(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="zuora_oauth")
    yield
    close_open_auths()


def stored(inspect: redis.Redis, fake: FakeZuora) -> TokenRecord | None:
    value = inspect.get("zuora-oauth:" + key_of(fake))
    return None if value is None else TokenRecord.from_json(value)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_redis_user_without_eval_still_frees_the_lock_and_deletes_refused_tokens(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture, flavour: str
) -> None:
    inspect.acl_setuser(
        NO_EVAL_USER,
        enabled=True,
        passwords=["+" + NO_EVAL_PASSWORD],
        commands=["+@all", "-eval", "-evalsha", "-eval_ro", "-evalsha_ro"],
        keys=["*"],
    )
    url = f"redis://{NO_EVAL_USER}:{NO_EVAL_PASSWORD}@127.0.0.1:{server.port}/0"
    lock_key = "zuora-oauth:" + key_of(fake) + ":lock"
    first = make_auth(fake, RedisTokenStore(url))  # two processes' ZuoraAuths, each with its own store
    second = make_auth(fake, RedisTokenStore(url))

    async def async_get(auth: ZuoraAuth) -> int:
        async with httpx.AsyncClient(auth=auth) as client:
            return (await client.get(fake.base_url + "/v1/accounts/A")).status_code

    def call(auth: ZuoraAuth) -> int:
        return get(auth, fake) if flavour == "sync" else asyncio.run(async_get(auth))

    assert call(first) == 200
    assert inspect.exists(lock_key) == 0  # released at once, without EVAL (it used to stay for its 30 s TTL)
    fake.revoke(fake.issued_tokens[0])
    started = time.monotonic()
    assert call(second) == 200  # adopts the token, 401, deletes it from Redis, refreshes under a free lock
    assert time.monotonic() - started < 10
    assert fake.token_requests == 2
    record = stored(inspect, fake)
    assert record is not None and record.access_token == fake.issued_tokens[1]
    assert inspect.exists(lock_key) == 0
    said = warnings(caplog, "refuses EVAL")
    assert len(said) == 2 and "WATCH/GET/MULTI/DEL/EXEC" in said[0]  # once per store (each process says it once)
    assert NO_EVAL_PASSWORD not in caplog.text
    assert warnings(caplog, OUTAGE) == []


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_record_key_of_the_wrong_type_is_repaired_at_once(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture, flavour: str
) -> None:
    record_key = "zuora-oauth:" + key_of(fake)
    inspect.rpush(record_key, "not", "a", "token", "record")
    store = RedisTokenStore(server.url)

    def token() -> str:
        auth = make_auth(fake, store)
        return auth.get_token() if flavour == "sync" else asyncio.run(auth.aget_token())

    first = token()
    assert inspect.type(record_key) == "string"  # deleted, then the record written there
    record = stored(inspect, fake)
    assert record is not None and record.access_token == first
    assert token() == first  # another ZuoraAuth adopts it: sharing works again
    assert fake.token_requests == 1
    said = warnings(caplog, "WRONGTYPE")
    assert len(said) == 1 and "found a list" in said[0] and "deleted it" in said[0]
    assert warnings(caplog, OUTAGE) == []


def test_a_string_at_the_record_key_is_never_deleted_as_the_wrong_type(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    record_key = "zuora-oauth:" + key_of(fake)
    inspect.set(record_key, "a foreign string")  # not a record: overwritten by the next write, never "repaired"
    assert make_auth(fake, RedisTokenStore(server.url)).get_token() == fake.issued_tokens[0]
    record = stored(inspect, fake)
    assert record is not None and record.access_token == fake.issued_tokens[0]
    assert warnings(caplog, "WRONGTYPE") == []


def test_a_lock_key_that_never_expires_is_repaired_at_once(
    fake: FakeZuora, server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    lock_key = "zuora-oauth:" + key_of(fake) + ":lock"
    inspect.rpush(lock_key, "not a lock")  # no holder would ever free it, and it has no TTL
    auth = make_auth(fake, RedisTokenStore(server.url, wait_timeout=20))
    started = time.monotonic()
    assert auth.get_token() == fake.issued_tokens[0]
    assert time.monotonic() - started < 10  # without the repair: the whole wait_timeout, then a direct fetch
    record = stored(inspect, fake)
    assert record is not None and record.access_token == fake.issued_tokens[0]
    assert inspect.exists(lock_key) == 0
    said = warnings(caplog, "not a lock of ours")
    assert len(said) == 1 and "deleted it" in said[0]


def test_a_held_lock_is_left_alone(fake: FakeZuora, server: RedisServer, inspect: redis.Redis) -> None:
    lock_key = "zuora-oauth:" + key_of(fake) + ":lock"
    inspect.set(lock_key, "another-process", px=60_000)  # a live holder's lock: it expires, so it is not repaired
    auth = make_auth(fake, RedisTokenStore(server.url, wait_timeout=0.5))
    assert auth.get_token() == fake.issued_tokens[0]  # gave up waiting, fetched directly
    assert inspect.get(lock_key) == "another-process"
