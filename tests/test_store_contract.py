"""The TokenStore contract, once, for the three stores: InMemoryTokenStore, FileTokenStore and RedisTokenStore.

Each test runs on each store (the shared ones against real files and a real redis-server of their own): a refresh
fetches once and files the token; another process (a second store on the same files or server) adopts it, or, for
the in-memory store, fetches its own; compare-and-delete; refused credentials back the whole fleet off; a hung lock
holder delays a refresh by the wait timeout exactly (on a fake clock); the hot path never touches the store; real
processes cold-starting together make one token request. What only one store does is in test_store_file.py and
test_store_redis.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests._fake_clock import FakeClock
from tests._fleet import Fleet, token_digest
from tests._redis_server import RedisServer
from tests._store_helpers import close_open_auths, get, key_of, make_auth, warnings
from tests.conftest import CANARY_SECRET
from zuora_oauth import AuthenticationError, ServerError
from zuora_oauth._clock import SYSTEM_CLOCK, Clock
from zuora_oauth.stores import FileTokenStore, InMemoryTokenStore, RedisTokenStore, TokenRecord, TokenStore
from zuora_oauth.stores._record import Refusal, Stored, parse_stored
from zuora_oauth.testing import FakeZuora

KEY = "a" * 64
GAVE_UP = "fetching one directly"
WAIT = 2.0  # the wait timeout of the hung-holder test, on the fake clock


class Kind:
    """One kind of store: how to build one (as each process would), what its backing holds, how to hold its lock."""

    name: str
    shares = True

    def make(self, clock: Clock = SYSTEM_CLOCK, *, wait: float | None = None) -> TokenStore:
        raise NotImplementedError

    def stored(self, key: str) -> Stored:
        """What the backing engine holds under ``key`` (None for the in-memory store)."""
        return None

    @contextlib.contextmanager
    def lock_held(self, key: str) -> Iterator[Callable[[], bool]]:
        """Another process holding the refresh lock of ``key`` meanwhile; yields whether it still holds it."""
        raise NotImplementedError
        yield

    def break_engine(self) -> None:
        """Make the backing engine unusable (for the hot-path test)."""

    def fleet_spec(self) -> dict[str, Any]:
        raise NotImplementedError


class MemoryKind(Kind):
    name = "memory"
    shares = False

    def make(self, clock: Clock = SYSTEM_CLOCK, *, wait: float | None = None) -> TokenStore:
        return InMemoryTokenStore()

    def fleet_spec(self) -> dict[str, Any]:
        return {"kind": "memory"}


class FileKind(Kind):
    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def make(self, clock: Clock = SYSTEM_CLOCK, *, wait: float | None = None) -> TokenStore:
        return FileTokenStore(self.directory, clock=clock, **({"lock_timeout": wait} if wait else {}))

    def stored(self, key: str) -> Stored:
        path = Path(FileTokenStore(self.directory).path_of(key))
        return parse_stored(path.read_bytes()) if path.exists() else None

    @contextlib.contextmanager
    def lock_held(self, key: str) -> Iterator[Callable[[], bool]]:
        self.directory.mkdir(mode=0o700, exist_ok=True)
        lock = FileTokenStore(self.directory).path_of(key).removesuffix(".json") + ".lock"
        code = (
            "import fcntl, os, sys\n"
            f"fd = os.open({lock!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n"  # until the test closes our stdin
        )
        holder = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == b"locked"
            yield lambda: holder.poll() is None
        finally:
            holder.kill()
            holder.communicate(timeout=10)

    def break_engine(self) -> None:
        shutil.rmtree(self.directory)

    def fleet_spec(self) -> dict[str, Any]:
        return {"kind": "file", "directory": str(self.directory)}


class RedisKind(Kind):
    name = "redis"

    def __init__(self, server: RedisServer) -> None:
        self.server = server
        self.inspect = redis.Redis.from_url(server.url, socket_timeout=2)
        self.stores: list[RedisTokenStore] = []

    def make(self, clock: Clock = SYSTEM_CLOCK, *, wait: float | None = None) -> TokenStore:
        store = RedisTokenStore(self.server.url, clock=clock, **({"wait_timeout": wait} if wait else {}))
        self.stores.append(store)
        return store

    def stored(self, key: str) -> Stored:
        value = self.inspect.get("zuora-oauth:" + key)
        return None if value is None else parse_stored(value)

    @contextlib.contextmanager
    def lock_held(self, key: str) -> Iterator[Callable[[], bool]]:
        lock = "zuora-oauth:" + key + ":lock"
        self.inspect.set(lock, "another-process", px=60_000)
        yield lambda: self.inspect.get(lock) == b"another-process"

    def break_engine(self) -> None:
        self.server.stop()

    def fleet_spec(self) -> dict[str, Any]:
        return {"kind": "redis", "url": self.server.url}

    def close(self) -> None:
        for store in self.stores:
            store.close()
        self.inspect.close()


@pytest.fixture(params=["memory", "file", "redis"])
def kind(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Kind]:
    if request.param == "memory":
        yield MemoryKind()
    elif request.param == "file":
        # Not under tmp_path, whose files the secret canary searches for tokens: a record file holds one by design.
        directory = tmp_path_factory.mktemp("token-store") / "tokens"
        yield FileKind(directory)
        assert_only_records_hold_tokens(directory)
    else:
        with RedisServer(tmp_path / "redis") as server:
            redis_kind = RedisKind(server)
            yield redis_kind
            redis_kind.close()


#: For a test of the stores that share a token between processes (the in-memory one has no lock to hold).
SHARED = pytest.mark.parametrize("kind", ["file", "redis"], indirect=True)


@pytest.fixture(autouse=True)
def _close_auths(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="zuora_oauth")
    yield
    close_open_auths()


def assert_only_records_hold_tokens(directory: Path) -> None:
    """No file of the store directory holds the secret; any file that holds something is one record, nothing else."""
    if not directory.exists():
        return
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert CANARY_SECRET.encode() not in data, path
            if data:
                assert path.suffix == ".json" and parse_stored(data) is not None, path


class Fetcher:
    """A token endpoint on the test's clock: a new token per call, or the error queued."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls = 0
        self.errors: list[BaseException] = []

    def __call__(self) -> TokenRecord:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        now = self.clock.time()
        return TokenRecord(access_token=f"token-{self.calls:02d}-0123456789", expires_at=now + 3600, issued_at=now)

    async def afetch(self) -> TokenRecord:
        await asyncio.sleep(0)
        return self()


def fresh(clock: Clock) -> Callable[[TokenRecord], bool]:
    return lambda record: record.expires_at - clock.time() > 300


def refresh(store: TokenStore, flavour: str, fetch: Fetcher, key: str = KEY, *, usable: bool = True) -> TokenRecord:
    """One refresh, by a thread or by an asyncio task."""
    is_usable = fresh(fetch.clock) if usable else (lambda _record: False)
    if flavour == "sync":
        return store.refresh(key, is_usable, fetch)
    return asyncio.run(store.arefresh(key, is_usable, fetch.afetch))


def invalidate(store: TokenStore, flavour: str, access_token: str, key: str = KEY) -> None:
    if flavour == "sync":
        store.invalidate(key, access_token)
    else:
        asyncio.run(store.ainvalidate(key, access_token))


FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])


# -- refresh and invalidate ------------------------------------------------------------------------------------


@FLAVOURS
def test_a_refresh_fetches_once_and_another_process_adopts_the_token(kind: Kind, flavour: str) -> None:
    clock = FakeClock()
    fetch = Fetcher(clock)
    first = refresh(kind.make(clock), flavour, fetch)
    assert fetch.calls == 1
    assert kind.stored(KEY) == (first if kind.shares else None)

    again = refresh(kind.make(clock), flavour, fetch)  # another process, same backing
    assert (again == first) is kind.shares
    assert fetch.calls == (1 if kind.shares else 2)

    other_key = refresh(kind.make(clock), flavour, fetch, key="b" * 64)  # another identity never shares it
    assert other_key not in (first, again)


@FLAVOURS
def test_a_record_the_cache_cannot_use_is_replaced(kind: Kind, flavour: str) -> None:
    clock = FakeClock()
    fetch = Fetcher(clock)
    first = refresh(kind.make(clock), flavour, fetch)
    second = refresh(kind.make(clock), flavour, fetch, usable=False)  # rejected, or due for refresh
    assert second != first and fetch.calls == 2
    assert kind.stored(KEY) == (second if kind.shares else None)
    clock.advance(3600 - 300)  # due for refresh by the clock
    third = refresh(kind.make(clock), flavour, fetch)
    assert third not in (first, second) and fetch.calls == 3


@FLAVOURS
def test_invalidate_is_compare_and_delete(kind: Kind, flavour: str) -> None:
    clock = FakeClock()
    fetch = Fetcher(clock)
    store = kind.make(clock)
    token = refresh(store, flavour, fetch)
    invalidate(store, flavour, "some-older-token")
    assert kind.stored(KEY) == (token if kind.shares else None)
    assert (refresh(store, flavour, fetch) == token) is kind.shares
    invalidate(store, flavour, token.access_token)
    assert kind.stored(KEY) is None
    invalidate(store, flavour, token.access_token)  # nothing left to delete: no error
    replaced = refresh(store, flavour, fetch)
    assert replaced != token and kind.stored(KEY) == (replaced if kind.shares else None)


@FLAVOURS
def test_a_failed_fetch_reaches_the_caller_and_leaves_the_lock_free(kind: Kind, flavour: str) -> None:
    clock = FakeClock()
    fetch = Fetcher(clock)
    fetch.errors = [ServerError("down", code=503)]
    with pytest.raises(ServerError):
        refresh(kind.make(clock), flavour, fetch)
    assert kind.stored(KEY) is None  # a server error is not filed
    slept = clock.slept
    assert refresh(kind.make(clock), flavour, fetch).access_token == "token-02-0123456789"
    assert clock.slept == slept  # the lock was free: no waiting


@FLAVOURS
def test_refused_credentials_back_the_fleet_off_1_s_then_2_s(kind: Kind, flavour: str) -> None:
    clock = FakeClock()
    fetch = Fetcher(clock)
    refused = AuthenticationError("Authentication error", code=401)
    fetch.errors = [refused]
    with pytest.raises(AuthenticationError):
        refresh(kind.make(clock), flavour, fetch)
    if kind.shares:
        assert kind.stored(KEY) == Refusal(401, "Authentication error", None, 1, clock.time() + 1.0)

    clock.advance(0.999)
    if kind.shares:  # another process raises the same error without a token request
        with pytest.raises(AuthenticationError, match="Authentication error"):
            refresh(kind.make(clock), flavour, fetch)
        assert fetch.calls == 1
    else:  # nothing shared: it asks itself (its ZuoraAuth backs off in process)
        assert refresh(kind.make(clock), flavour, fetch).access_token == "token-02-0123456789"
        return

    clock.advance(0.001)
    fetch.errors = [refused]
    with pytest.raises(AuthenticationError):
        refresh(kind.make(clock), flavour, fetch)
    assert kind.stored(KEY) == Refusal(401, "Authentication error", None, 2, clock.time() + 2.0)
    clock.advance(2.0)
    token = refresh(kind.make(clock), flavour, fetch)  # a token replaces the refusal
    assert kind.stored(KEY) == token and fetch.calls == 3


@SHARED
@FLAVOURS
def test_a_hung_lock_holder_delays_a_refresh_by_the_wait_timeout_exactly(
    kind: Kind, flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    shared = kind
    clock = FakeClock()
    fetch = Fetcher(clock)
    store = shared.make(clock, wait=WAIT)
    with shared.lock_held(KEY) as holding:
        started = clock.monotonic()
        token = refresh(store, flavour, fetch)
        waited = clock.monotonic() - started
        assert holding()  # the refresh did not take the holder's lock, nor free it
    assert WAIT <= waited < WAIT + 1.2 * 0.05  # the last poll ends past the wait, by less than one poll interval
    assert waited - clock.sleeps[-1] < WAIT
    assert len(warnings(caplog, GAVE_UP)) == 1
    assert shared.stored(KEY) == token  # written without the lock: the write is atomic anyway


# -- through ZuoraAuth -----------------------------------------------------------------------------------------


def test_the_hot_path_never_touches_the_store(kind: Kind, fake: FakeZuora, caplog: pytest.LogCaptureFixture) -> None:
    auth = make_auth(fake, kind.make())
    assert get(auth, fake) == 200
    kind.break_engine()
    with httpx.Client(auth=auth) as client:
        assert [client.get(fake.base_url + "/v1/x").status_code for _ in range(20)] == [200] * 20
    assert fake.token_requests == 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []  # the store was not even asked


def test_threads_and_event_loops_of_two_processes_share_one_token(kind: Kind, fake: FakeZuora) -> None:
    fake.token_delay = 0.2  # every caller arrives while the first token request is in flight
    auths = [make_auth(fake, kind.make()), make_auth(fake, kind.make())]  # two processes' ZuoraAuths
    tokens: list[str] = []
    barrier = threading.Barrier(8)

    def thread_caller(auth: Any) -> None:
        barrier.wait()
        tokens.append(auth.get_token())

    def loop_caller(auth: Any) -> None:
        async def main() -> list[str]:
            barrier.wait()
            return await asyncio.gather(*(auth.aget_token() for _ in range(10)))

        tokens.extend(asyncio.run(main()))

    threads = [threading.Thread(target=thread_caller, args=(auths[n % 2],)) for n in range(4)]
    threads += [threading.Thread(target=loop_caller, args=(auths[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(tokens) == 4 + 4 * 10
    assert fake.token_requests == (1 if kind.shares else 2)
    assert set(tokens) == set(fake.issued_tokens)


def test_a_refused_token_is_replaced_for_every_process(kind: Kind, fake: FakeZuora) -> None:
    auth = make_auth(fake, kind.make())
    first = auth.get_token()
    fake.revoke(first)
    assert get(auth, fake) == 200  # 401, invalidate (in process and in the store), new token, replay
    assert fake.token_requests == 2
    second = fake.issued_tokens[1]
    stored = kind.stored(key_of(fake))
    assert stored is None if not kind.shares else isinstance(stored, TokenRecord) and stored.access_token == second
    newcomer = make_auth(fake, kind.make())
    assert (newcomer.get_token() == second) is kind.shares


def test_processes_of_threads_cold_starting_make_one_token_request(kind: Kind, fake: FakeZuora, tmp_path: Path) -> None:
    """16 processes of 4 threads share one token through a shared store; the control, 4 processes without one,
    count one request each (only the threads of a process share their token)."""
    fake.token_delay = 0.3
    size = 16 if kind.shares else 4
    with Fleet(tmp_path / "fleet", fake, CANARY_SECRET, kind.fleet_spec(), size=size, threads=4, requests=3) as fleet:
        fleet.wait_ready()
        fleet.go()
        results = fleet.results()

    assert [r.returncode for r in results] == [0] * size, [r.stderr for r in results]
    assert [r.stderr for r in results] == [""] * size
    assert [status for r in results for status in r.statuses] == [200] * (size * 4 * 3)
    assert fake.token_requests == (1 if kind.shares else size)
    assert fake.expired_token_uses == 0
    if kind.shares:
        assert {token for r in results for token in r.tokens} == {token_digest(fake.issued_tokens[0])}
        stored = kind.stored(key_of(fake))
        assert isinstance(stored, TokenRecord) and stored.access_token == fake.issued_tokens[0]
    if isinstance(kind, FileKind):
        stem = key_of(fake)
        assert sorted(os.listdir(kind.directory)) == [f"{stem}.json", f"{stem}.lock"]  # no temporary file left
    if isinstance(kind, RedisKind):
        assert kind.inspect.exists("zuora-oauth:" + key_of(fake) + ":lock") == 0


def test_stores_show_no_secret(kind: Kind, fake: FakeZuora) -> None:
    store = kind.make()
    auth = make_auth(fake, store)
    token = auth.get_token()
    for text in (repr(store), repr(auth)):
        assert CANARY_SECRET not in text and token not in text
