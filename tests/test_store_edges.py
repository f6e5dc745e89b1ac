"""The rare paths of the store backends, each provoked for real: WATCH conflicts (a second Redis client writes the
key between WATCH and EXEC), values of another type, a server whose ACL refuses WATCH or that is gone, in both
flavours (``_redis_async.py`` and its generated twin ``_redis_sync.py``); and the file system's refusals under
FileTokenStore (foreign owners, dangling symlinks, names too long, directories where files go, cancelled locks)."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import redis
import redis.asyncio

from tests._redis_server import RedisServer
from zuora_oauth.stores import RedisTokenStore, TokenRecord, _file_io
from zuora_oauth.stores._file_io import AsyncFileBackend, FileBackend, ensure_private_directory
from zuora_oauth.stores._flight import StoreUnavailable
from zuora_oauth.stores._problems import ProblemLog
from zuora_oauth.stores._redis_async import AsyncRedisBackend
from zuora_oauth.stores._redis_backend import RedisKey, RedisQuirks
from zuora_oauth.stores._redis_sync import RedisBackend

FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path / "redis") as running:
        yield running


@pytest.fixture
def other(server: RedisServer) -> Iterator[redis.Redis]:
    """A second client of the same server: the other process that writes between our WATCH and EXEC."""
    client = redis.Redis.from_url(server.url, decode_responses=True, socket_timeout=2)
    yield client
    client.close()


@pytest.fixture
def store(server: RedisServer) -> Iterator[RedisTokenStore]:
    built = RedisTokenStore(server.url, lock_timeout=5)
    yield built
    built.close()


def on_backend(flavour: str, url: str, key: RedisKey, action: Callable[[Any], Any], **client_options: Any) -> Any:
    """``action(backend)`` on a backend of ``flavour`` for ``key``, with a client of its own (awaited if async)."""
    if flavour == "sync":
        client = redis.Redis.from_url(url, socket_timeout=2, **client_options)
        try:
            return action(RedisBackend(client, key))
        finally:
            client.close()

    async def run() -> Any:
        client = redis.asyncio.Redis.from_url(url, socket_timeout=2, **client_options)
        try:
            return await action(AsyncRedisBackend(client, key))
        finally:
            await client.aclose()

    return asyncio.run(run())


def record(expires_in: float = 3600.0, token: str = "0" * 32, age: float = 0.0) -> TokenRecord:
    now = time.time()
    return TokenRecord(access_token=token, expires_at=now + expires_in, issued_at=now - age)


# -- compare-and-delete without Lua ----------------------------------------------------------------------------


@FLAVOURS
def test_a_write_between_watch_and_exec_keeps_the_other_writers_value(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("conflict")
    other.set(key.record, "ours")

    def matches_then_overwritten(value: str) -> bool:
        assert value == "ours"
        other.set(key.record, "theirs")  # after our GET, before our MULTI/EXEC: EXEC must fail
        return True

    on_backend(
        flavour, server.url, key, lambda backend: backend._compare_and_delete(key.record, matches_then_overwritten)
    )
    assert other.get(key.record) == "theirs"


@FLAVOURS
def test_compare_and_delete_leaves_a_value_that_does_not_match(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("mismatch")
    other.set(key.record, "someone else's")
    on_backend(flavour, server.url, key, lambda backend: backend._compare_and_delete(key.record, lambda _v: False))
    assert other.get(key.record) == "someone else's"
    on_backend(flavour, server.url, key, lambda backend: backend._compare_and_delete(key.record + ":none", bool))
    assert other.exists(key.record + ":none") == 0


@FLAVOURS
def test_compare_and_delete_deletes_a_matching_value(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("match")
    other.set(key.record, "mine")
    on_backend(flavour, server.url, key, lambda backend: backend._compare_and_delete(key.record, lambda v: v == "mine"))
    assert other.exists(key.record) == 0


@FLAVOURS
def test_without_eval_a_list_at_the_record_key_is_repaired_by_compare_and_delete(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    key = store._key("no-eval-list")
    key.quirks.no_eval = True
    other.rpush(key.record, "not", "ours")
    with caplog.at_level(logging.WARNING, logger="zuora_oauth"):
        on_backend(flavour, server.url, key, lambda backend: backend.delete_if_token("0" * 32))
    assert other.exists(key.record) == 0
    assert f"RedisTokenStore found a list, not a token record, at {key.record} (WRONGTYPE); deleted it" in caplog.text


@FLAVOURS
def test_compare_and_delete_on_a_stopped_server_is_unavailable(
    flavour: str, server: RedisServer, store: RedisTokenStore
) -> None:
    key = store._key("gone")
    server.stop()
    with pytest.raises(StoreUnavailable, match=r"RedisTokenStore cannot use Redis at .*ConnectionError"):
        on_backend(flavour, server.url, key, lambda backend: backend._compare_and_delete(key.record, bool))


# -- EVAL with a value of another type ---------------------------------------------------------------------------


@FLAVOURS
def test_delete_if_token_with_eval_on_a_hash_repairs_the_key(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("eval-hash")
    other.hset(key.record, "field", "value")  # the script's GET answers WRONGTYPE
    on_backend(flavour, server.url, key, lambda backend: backend.delete_if_token("0" * 32))
    assert other.exists(key.record) == 0
    assert key.quirks.no_eval is False  # a WRONGTYPE is not a refused EVAL


# -- repair under WATCH ------------------------------------------------------------------------------------------


@FLAVOURS
def test_a_write_during_repair_wins_and_nothing_is_deleted(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("repair-conflict")
    other.set(key.lock, "a lock without expiry")

    def foreign_then_rewritten(kind: str, ttl: int) -> bool:
        assert (kind, ttl) == ("string", -1)
        other.set(key.lock, "a real holder's lock", px=60_000)  # between our WATCH and EXEC
        return True

    deleted = on_backend(flavour, server.url, key, lambda backend: backend._repair(key.lock, foreign_then_rewritten))
    assert deleted is False
    assert other.get(key.lock) == "a real holder's lock"


@FLAVOURS
def test_repair_on_a_server_whose_acl_refuses_watch_is_skipped(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    other.acl_setuser("nowatch", enabled=True, passwords=["+nowatch-pw"], keys=["*"], commands=["+@all", "-watch"])
    key = store._key("acl")
    other.set(key.lock, "left alone")
    deleted = on_backend(
        flavour,
        server.url,
        key,
        lambda backend: backend._repair(key.lock, lambda _k, _t: True),
        username="nowatch",
        password="nowatch-pw",
    )
    assert deleted is False
    assert other.get(key.lock) == "left alone"


@FLAVOURS
def test_repair_on_a_stopped_server_is_unavailable(flavour: str, server: RedisServer, store: RedisTokenStore) -> None:
    key = store._key("repair-gone")
    server.stop()
    with pytest.raises(StoreUnavailable, match="RedisTokenStore cannot use Redis at"):
        on_backend(flavour, server.url, key, lambda backend: backend._repair(key.lock, lambda _k, _t: True))


# -- the lock ----------------------------------------------------------------------------------------------------


@FLAVOURS
def test_a_lock_without_expiry_is_repaired_then_taken(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("stuck-lock")
    other.set(key.lock, "left by a crashed tool")  # no TTL: never a holder's lock of ours
    token = on_backend(flavour, server.url, key, lambda backend: backend.try_lock())
    assert isinstance(token, str) and len(token) == 32
    assert other.get(key.lock) == token
    assert 0 < other.pttl(key.lock) <= 5000


class _TakeTheLockOnRepair(RedisQuirks):
    """Quirks whose report of a repair lets another process take the lock first (right after our DEL)."""

    def __init__(self, other: redis.Redis, lock: str) -> None:
        super().__init__()
        self._other, self._lock_key = other, lock

    def say_once(self, topic: str, message: str) -> None:
        self._other.set(self._lock_key, "the other process", px=60_000)
        super().say_once(topic, message)


@FLAVOURS
def test_a_lock_taken_by_another_right_after_the_repair_is_not_ours(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("race-after-repair")
    key = attrs.evolve(key, quirks=_TakeTheLockOnRepair(other, key.lock))
    other.set(key.lock, "no expiry")
    assert on_backend(flavour, server.url, key, lambda backend: backend.try_lock()) is None
    assert other.get(key.lock) == "the other process"


@FLAVOURS
def test_a_held_lock_is_checked_for_expiry_once_per_backend(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("held")
    other.set(key.lock, "a holder", px=60_000)

    async def twice_async(backend: AsyncRedisBackend) -> tuple[str | None, str | None]:
        return await backend.try_lock(), await backend.try_lock()

    def twice(backend: Any) -> Any:
        if isinstance(backend, RedisBackend):
            return backend.try_lock(), backend.try_lock()
        return twice_async(backend)

    assert on_backend(flavour, server.url, key, twice) == (None, None)
    assert other.get(key.lock) == "a holder"


@FLAVOURS
def test_try_lock_on_a_stopped_server_is_unavailable(flavour: str, server: RedisServer, store: RedisTokenStore) -> None:
    key = store._key("lock-gone")
    server.stop()
    with pytest.raises(StoreUnavailable, match="RedisTokenStore cannot use Redis at"):
        on_backend(flavour, server.url, key, lambda backend: backend.try_lock())


# -- writes ------------------------------------------------------------------------------------------------------


@FLAVOURS
def test_a_record_already_past_its_use_is_not_written(
    flavour: str, server: RedisServer, store: RedisTokenStore, other: redis.Redis
) -> None:
    key = store._key("expired")
    on_backend(flavour, server.url, key, lambda backend: backend.write(record(expires_in=-1.0, age=3600.0)))
    assert other.exists(key.record) == 0
    on_backend(flavour, server.url, key, lambda backend: backend.write(record()))
    assert json.loads(other.get(key.record) or "{}")["access_token"] == "0" * 32
    assert 0 < other.pttl(key.record) <= 3600 * 1000


# -- FileBackend: the directory ----------------------------------------------------------------------------------


def private(path: Path) -> Path:
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def backend_in(directory: Path, stem: str = "key") -> FileBackend:
    return FileBackend(str(directory), stem, ProblemLog())


def test_a_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root can give a directory away; anyone else finds one that is not theirs in "/"
        directory = private(tmp_path / "theirs")
        os.chown(directory, 65534, 65534)
        owner = 65534
    else:
        directory, owner = Path("/"), 0
    with pytest.raises(StoreUnavailable) as raised:
        ensure_private_directory(str(directory))
    assert str(raised.value) == (
        f"FileTokenStore will not use {directory}: it belongs to user id {owner}, not to this process"
    )


def test_a_directory_created_meanwhile_by_another_process_is_checked_as_ours(tmp_path: Path) -> None:
    directory = private(tmp_path / "first")  # as if another process won the mkdir between our stat and mkdir
    info = _file_io._create_private_directory(str(directory))
    assert info.st_ino == directory.stat().st_ino
    assert info.st_mode & 0o777 == 0o700


def test_a_parent_that_is_a_dangling_symlink_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "parent").symlink_to(tmp_path / "nowhere")
    directory = tmp_path / "parent" / "tokens"
    with pytest.raises(StoreUnavailable, match=f"FileTokenStore cannot create the directory {directory}: "):
        ensure_private_directory(str(directory))
    assert not (tmp_path / "nowhere").exists()


def test_fsync_of_a_directory_is_best_effort() -> None:
    _file_io._fsync_directory("/proc")  # procfs refuses fsync (EINVAL)
    _file_io._fsync_directory("/nonexistent/zuora-oauth-test")  # cannot even be opened
    with pytest.raises(OSError, match="Invalid argument"):  # the refusal the first call swallowed is real
        fd = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- FileBackend: reading, writing, deleting ---------------------------------------------------------------------


def test_a_record_name_too_long_is_unavailable_not_ignored(tmp_path: Path) -> None:
    backend = backend_in(private(tmp_path / "d"), stem="k" * 300)
    with pytest.raises(StoreUnavailable, match=r"FileTokenStore cannot read .*: File name too long"):
        backend.read()
    with pytest.raises(StoreUnavailable, match=r"FileTokenStore cannot write in .*: File name too long"):
        backend.write(record())


def test_a_read_error_after_opening_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = private(tmp_path / "d")
    backend = backend_in(directory)
    backend.write(record())

    def failing_disk(fd: int, limit: int) -> bytes:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(_file_io, "_read_at_most", failing_disk)
    with pytest.raises(StoreUnavailable, match=r"FileTokenStore cannot read .*key\.json: Input/output error"):
        backend.read()


def test_an_interrupted_write_leaves_no_temporary_file_and_the_old_record(tmp_path: Path) -> None:
    directory = private(tmp_path / "d")
    backend = backend_in(directory)
    backend.write(record(token="1" * 32))

    class Interrupted:
        def to_json(self) -> str:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backend.write(Interrupted())  # type: ignore[arg-type]
    assert sorted(path.name for path in directory.iterdir()) == ["key.json"]
    read = backend.read()
    assert isinstance(read, TokenRecord) and read.access_token == "1" * 32


def test_delete_of_a_missing_record_is_quiet_and_of_a_directory_unavailable(tmp_path: Path) -> None:
    directory = private(tmp_path / "d")
    backend = backend_in(directory)
    backend.delete()  # nothing there: nothing to do
    assert list(directory.iterdir()) == []
    (directory / "key.json").mkdir()
    with pytest.raises(StoreUnavailable, match=r"FileTokenStore cannot remove .*key\.json: Is a directory"):
        backend.delete()
    assert (directory / "key.json").is_dir()


def test_a_lock_the_file_system_cannot_take_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = backend_in(private(tmp_path / "d"))

    def no_locks(fd: int, operation: int) -> None:  # an NFS mount without a lock daemon
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)  # the module _file_io locks with
    with pytest.raises(StoreUnavailable, match=r"FileTokenStore cannot lock .*key\.lock: No locks available"):
        backend.try_lock()
    monkeypatch.undo()
    fd = backend.try_lock()  # the descriptor of the failed attempt was closed, and nothing is held
    assert fd is not None
    FileBackend.release(fd)


# -- AsyncFileBackend: a cancelled try_lock ----------------------------------------------------------------------


def test_a_lock_taken_after_its_caller_was_cancelled_is_released(tmp_path: Path) -> None:
    held_before = set(_file_io._HELD._fds)  # locks other tests of this process may still hold
    directory = private(tmp_path / "d")
    backend = backend_in(directory)

    async def cancel_while_locking() -> None:
        task = asyncio.create_task(AsyncFileBackend(backend).try_lock())
        await asyncio.sleep(0)  # the task is now waiting on the worker thread
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_while_locking())  # asyncio.run waits for the executor, so the callback has run
    fd = backend_in(directory).try_lock()  # another open file description gets the lock: it was let go
    assert fd is not None
    FileBackend.release(fd)
    assert _file_io._HELD._fds == held_before


def test_a_cancelled_try_lock_that_found_the_lock_held_releases_nothing(tmp_path: Path) -> None:
    held_before = set(_file_io._HELD._fds)  # locks other tests of this process may still hold
    directory = private(tmp_path / "d")
    holder = backend_in(directory).try_lock()
    assert holder is not None

    async def cancel_while_locking() -> None:
        task = asyncio.create_task(AsyncFileBackend(backend_in(directory)).try_lock())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_while_locking())
    assert backend_in(directory).try_lock() is None  # the holder still has it
    assert _file_io._HELD._fds == held_before | {holder}
    FileBackend.release(holder)


def test_a_cancelled_try_lock_that_failed_releases_nothing(tmp_path: Path) -> None:
    held_before = set(_file_io._HELD._fds)  # locks other tests of this process may still hold
    directory = private(tmp_path / "d")
    (directory / "key.lock").mkdir()  # opening the lock file fails: the worker's future holds the error

    async def cancel_while_locking() -> None:
        task = asyncio.create_task(AsyncFileBackend(backend_in(directory)).try_lock())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_while_locking())
    assert _file_io._HELD._fds == held_before


def test_release_result_ignores_a_cancelled_future() -> None:
    async def check() -> None:
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        future.cancel()
        _file_io._release_result(future)  # must not ask a cancelled future for its result
        assert future.cancelled()

    asyncio.run(check())


def test_without_fcntl_the_file_store_says_why_it_cannot_load() -> None:
    """Where fcntl does not exist (Windows), importing the file store names the reason and the alternative."""
    code = (
        "import sys; sys.modules['fcntl'] = None\n"
        "try:\n    from zuora_oauth.stores import FileTokenStore\n"
        "except ImportError as error:\n    print(type(error).__name__, error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == (
        "ImportError FileTokenStore needs POSIX file locks; use RedisTokenStore on Windows"
    )
