"""What only FileTokenStore does, against real processes, real files and a FakeZuora over real sockets: private
files, whatever is found on disk, flock locks. What every store does is in test_store_contract.py."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests._store_helpers import close_open_auths, get, key_of, make_auth, warnings
from tests.conftest import CANARY_SECRET
from zuora_oauth import InvalidRequestError
from zuora_oauth.stores import FileTokenStore, TokenRecord
from zuora_oauth.testing import FakeZuora

GAVE_UP = "fetching one directly"
RECORD_NAME = re.compile(r"[0-9a-f]{64}\.json")


@pytest.fixture
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests' stores live. Not under ``tmp_path``, whose files the suite's secret canary searches for
    tokens: a record file holds a token by design. ``no_secret_leaks`` checks this directory instead."""
    return tmp_path_factory.mktemp("token-store")


@pytest.fixture(autouse=True)
def no_secret_leaks(
    caplog: pytest.LogCaptureFixture, fake: FakeZuora, tmp_path: Path, store_dir: Path
) -> Iterator[None]:
    """Every test: nothing logged contains the secret or a whole token; no file contains the secret; the only
    files holding a token are record files (``<64 hex>.json``) that hold one token record and nothing else."""
    caplog.set_level(logging.DEBUG, logger="zuora_oauth")
    yield
    close_open_auths()
    assert CANARY_SECRET not in caplog.text
    for token in fake.issued_tokens:
        assert token not in caplog.text
    assert files_containing(tmp_path, CANARY_SECRET) == []
    assert files_containing(store_dir, CANARY_SECRET) == []
    for token in fake.issued_tokens:
        for path in files_containing(store_dir, token):
            assert RECORD_NAME.fullmatch(path.name), path
            record = TokenRecord.from_json(path.read_bytes())
            assert record is not None and record.to_json() == path.read_text()


def files_containing(root: Path, needle: str) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and needle.encode() in path.read_bytes():
            found.append(path)
    return found


def record_on_disk(store: FileTokenStore, fake: FakeZuora) -> TokenRecord | None:
    return TokenRecord.from_json(Path(store.path_of(key_of(fake))).read_bytes())


def hold_lock(lock_path: str) -> subprocess.Popen[str]:
    """Another process that takes the flock lock of ``lock_path`` (failing if it is taken) and keeps it until killed."""
    code = (
        "import fcntl, os, time\n"
        f"fd = os.open({lock_path!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "print('locked', flush=True)\n"
        "time.sleep(120)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    line = holder.stdout.readline().strip()
    if line != "locked":
        kill(holder)
        pytest.fail(f"the lock {lock_path} is taken")
    return holder


def kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=10)


# -- what is written where -------------------------------------------------------------------------------------


def test_record_file_is_private_and_holds_only_the_token_record(fake: FakeZuora, store_dir: Path) -> None:
    directory = store_dir / "cache" / "zuora-oauth"
    store = FileTokenStore(directory)
    assert get(make_auth(fake, store), fake) == 200

    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    data = Path(store.path_of(key_of(fake)))
    assert data.name == key_of(fake) + ".json"
    assert stat.S_IMODE(data.stat().st_mode) == 0o600
    saved = json.loads(data.read_text())
    assert set(saved) == {"access_token", "expires_at", "issued_at", "token_type", "scope"}
    assert saved["access_token"] == fake.issued_tokens[0]
    assert saved["expires_at"] - saved["issued_at"] == 3600
    lock = data.with_suffix(".lock")
    assert lock.read_bytes() == b""
    assert stat.S_IMODE(lock.stat().st_mode) & 0o077 == 0
    assert sorted(os.listdir(directory)) == sorted([data.name, lock.name])  # no temporary file left behind
    assert fake.client_id not in "".join(os.listdir(directory))


# -- what can be found on disk ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b'{"access_token": "abc", "expires_at": 9',
        b"\x00\xff garbage",
        b"[]",
        b'{"access_token": 1, "expires_at": 2, "issued_at": 1}',
        b'{"access_token": "a", "expires_at": 1, "issued_at": 2}',
        b" " * (70 * 1024),
    ],
    ids=["empty", "brace", "truncated", "binary", "list", "wrong-types", "negative-lifetime", "oversized"],
)
def test_a_corrupt_record_file_is_ignored_then_rewritten(
    fake: FakeZuora, store_dir: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    store = FileTokenStore(store_dir / "tokens")
    data = Path(store.path_of(key_of(fake)))
    data.parent.mkdir(mode=0o700)
    data.write_bytes(content)
    data.chmod(0o600)

    assert get(make_auth(fake, store), fake) == 200
    assert fake.token_requests == 1
    record = record_on_disk(store, fake)
    assert record is not None and record.access_token == fake.issued_tokens[0]
    assert len(warnings(caplog, "is not a token record")) == 1


def test_a_record_file_open_to_others_is_ignored_and_replaced_by_a_private_one(
    fake: FakeZuora, store_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(store_dir / "tokens")
    assert make_auth(fake, store).get_token()
    data = Path(store.path_of(key_of(fake)))
    data.chmod(0o644)

    assert make_auth(fake, store).get_token() == fake.issued_tokens[1]
    assert fake.token_requests == 2
    assert stat.S_IMODE(data.stat().st_mode) == 0o600
    assert len(warnings(caplog, "unsafe ownership or permissions (mode 0644)")) == 1


def test_a_symlinked_record_file_is_not_followed(
    fake: FakeZuora, tmp_path: Path, store_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(store_dir / "tokens")
    data = Path(store.path_of(key_of(fake)))
    data.parent.mkdir(mode=0o700)
    planted = tmp_path / "planted.json"
    planted_record = TokenRecord(access_token="planted-token-0123456789", expires_at=4e9, issued_at=4e9 - 3600)
    planted.write_text(planted_record.to_json())
    data.symlink_to(planted)

    assert make_auth(fake, store).get_token() == fake.issued_tokens[0]
    assert not data.is_symlink()
    assert planted.read_text() == planted_record.to_json()  # the link was replaced, not written through
    assert len(warnings(caplog, "is a symbolic link")) == 1


def test_a_directory_open_to_others_is_not_used_until_fixed(
    fake: FakeZuora, store_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = store_dir / "tokens"
    directory.mkdir()
    directory.chmod(0o755)
    store = FileTokenStore(directory)

    first, second = make_auth(fake, store), make_auth(fake, store)
    assert (get(first, fake), get(second, fake)) == (200, 200)
    assert fake.token_requests == 2  # no sharing, and no crash
    assert os.listdir(directory) == []
    assert len(warnings(caplog, "chmod 700")) == 1

    directory.chmod(0o700)
    third = make_auth(fake, store)
    assert get(third, fake) == 200
    assert "can use" in caplog.text and "again" in caplog.text
    assert make_auth(fake, store).get_token() == third.get_token()
    assert fake.token_requests == 3


def _directory_is_a_file(store_dir: Path, stem: str) -> Path:
    (store_dir / "tokens").write_text("not a directory")
    return store_dir / "tokens"


def _parent_is_a_file(store_dir: Path, stem: str) -> Path:
    (store_dir / "parent").write_text("not a directory")
    return store_dir / "parent" / "tokens"


def _lock_is_a_directory(store_dir: Path, stem: str) -> Path:
    (store_dir / "tokens" / f"{stem}.lock").mkdir(parents=True)
    (store_dir / "tokens").chmod(0o700)
    return store_dir / "tokens"


def _record_is_a_directory(store_dir: Path, stem: str) -> Path:
    (store_dir / "tokens" / f"{stem}.json").mkdir(parents=True)
    (store_dir / "tokens").chmod(0o700)
    return store_dir / "tokens"


@pytest.mark.parametrize(
    "layout", [_directory_is_a_file, _parent_is_a_file, _lock_is_a_directory, _record_is_a_directory]
)
def test_an_unusable_directory_never_breaks_the_auth_flow(
    fake: FakeZuora, store_dir: Path, caplog: pytest.LogCaptureFixture, layout: Callable[[Path, str], Path]
) -> None:
    store = FileTokenStore(layout(store_dir, key_of(fake)))
    first, second = make_auth(fake, store), make_auth(fake, store)
    assert (get(first, fake), get(second, fake)) == (200, 200)

    async def main() -> str:
        return await make_auth(fake, store).aget_token()

    assert asyncio.run(main())
    assert fake.token_requests == 3
    assert len(warnings(caplog, "fetches its own tokens")) == 1  # once, however many refreshes
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- the lock --------------------------------------------------------------------------------------------------


def test_a_dead_lock_holder_does_not_hold_anyone_up(
    fake: FakeZuora, store_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(store_dir / "tokens")  # waits up to 30 s for a live holder
    lock = store.path_of(key_of(fake)).removesuffix(".json") + ".lock"
    (store_dir / "tokens").mkdir(mode=0o700)
    holder = hold_lock(lock)
    kill(holder)  # the kernel releases its lock

    assert get(make_auth(fake, store), fake) == 200
    assert warnings(caplog, GAVE_UP) == []  # it took the lock: it did not wait the 30 s out
    assert record_on_disk(store, fake) is not None


def test_waiting_for_the_lock_does_not_block_the_event_loop(fake: FakeZuora, store_dir: Path) -> None:
    store = FileTokenStore(store_dir / "tokens", lock_timeout=0.6)
    (store_dir / "tokens").mkdir(mode=0o700)
    holder = hold_lock(store.path_of(key_of(fake)).removesuffix(".json") + ".lock")

    async def main() -> tuple[str, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        token = await make_auth(fake, store).aget_token()
        task.cancel()
        return token, ticks

    try:
        token, ticks = asyncio.run(main())
    finally:
        kill(holder)
    assert token == fake.issued_tokens[0]
    assert ticks >= 10  # the loop kept running while the refresh waited 0.6 s for the lock


def test_a_cancelled_async_refresh_leaves_the_lock_free(fake: FakeZuora, store_dir: Path) -> None:
    fake.token_delay = 5
    store = FileTokenStore(store_dir / "tokens")
    auth = make_auth(fake, store)

    async def main() -> None:
        task = asyncio.create_task(auth.aget_token())
        assert await asyncio.to_thread(fake.wait_for_requests, 1, path="/oauth/token", timeout=30)
        task.cancel()  # cancelled mid-fetch, while holding the lock
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    fake.token_delay = 0
    lock = store.path_of(key_of(fake)).removesuffix(".json") + ".lock"
    holder = hold_lock(lock)  # would block for ever if the cancelled refresh had kept the lock
    kill(holder)


# -- invalidation ----------------------------------------------------------------------------------------------


def test_invalidate_gives_way_to_a_refresh_in_progress(fake: FakeZuora, store_dir: Path) -> None:
    """While another process holds the lock it is writing a new record: invalidate waits briefly, then leaves it."""
    store = FileTokenStore(store_dir / "tokens")
    auth = make_auth(fake, store)
    token = auth.get_token()
    holder = hold_lock(store.path_of(key_of(fake)).removesuffix(".json") + ".lock")
    try:
        assert auth.invalidate(token) is True  # the in-process copy is dropped at once
        assert record_on_disk(store, fake) is not None  # the file is left to the lock holder
    finally:
        kill(holder)
    fake.revoke(token)
    assert get(auth, fake) == 200  # this process never adopts the token it saw refused: it fetches a new one
    record = record_on_disk(store, fake)
    assert record is not None and record.access_token == fake.issued_tokens[1]


# -- configuration ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("",), {}),
        ((42,), {}),
        (("a\0b",), {}),
        ((), {"lock_timeout": 0}),
        ((), {"lock_timeout": -1}),
        ((), {"lock_timeout": float("nan")}),
        ((), {"lock_timeout": float("inf")}),
        ((), {"lock_timeout": True}),
        ((), {"lock_timeout": "5"}),
    ],
)
def test_invalid_arguments_are_a_typed_error(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRequestError):
        FileTokenStore(*args, **kwargs)  # type: ignore[arg-type]


def test_the_default_directory_is_in_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert FileTokenStore().directory == str(tmp_path / "xdg" / "zuora-oauth")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    store = FileTokenStore()
    assert store.directory == str(tmp_path / "home" / ".cache" / "zuora-oauth")
    assert repr(store) == f"FileTokenStore({store.directory!r})"
    assert not Path(store.directory).exists()  # nothing is created before the first refresh
    assert FileTokenStore("~/x").directory == str(tmp_path / "home" / "x")
