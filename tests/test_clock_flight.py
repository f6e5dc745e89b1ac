"""The shared stores' single flight (stores/_flight_*) on a fake clock, over a scripted in-memory backend.

Each test runs twice: through the thread flight (``_flight_sync``, generated) and the asyncio one (``_flight_async``,
its source), so the two are held to the same behaviour. The backend plays the other processes of the fleet (a lock
held elsewhere, a record written meanwhile) and the failures of a store engine (``StoreUnavailable`` from any step,
lock-release failures included); waits are read off the fake clock, exactly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

import pytest

from tests._fake_clock import FakeClock
from zuora_oauth import ApiError, AuthenticationError, ServerError
from zuora_oauth.stores import TokenRecord
from zuora_oauth.stores._flight import StoreUnavailable, Waiting
from zuora_oauth.stores._flight_async import ainvalidate, arefresh
from zuora_oauth.stores._flight_sync import invalidate, refresh
from zuora_oauth.stores._problems import ProblemLog
from zuora_oauth.stores._record import Refusal, Stored

TIMEOUT = 1.0
POLL = 0.05
GAVE_UP = "for over 1.0 s; fetching one directly"


class Backend:
    """One key of a store, in memory, with the rest of the fleet scripted.

    ``held_for`` polls another process keeps the lock (None: for ever); at poll ``written_after`` it writes
    ``their_record``; ``failing`` maps a step ("read", "try_lock", "release", "write", "delete") to the calls of
    it (1-based) that raise StoreUnavailable. ``steps`` records what was done.
    """

    def __init__(self, stored: Stored = None) -> None:
        self.stored = stored
        self.held_for: int | None = 0
        self.written_after: int | None = None
        self.their_record: TokenRecord | None = None
        self.failing: dict[str, set[int]] = {}
        self.steps: list[str] = []
        self.ours = False
        self._polls = 0

    def _step(self, name: str) -> None:
        self.steps.append(name)
        if self.steps.count(name) in self.failing.get(name, set()):
            raise StoreUnavailable(f"the engine failed to {name}")

    def read(self) -> Stored:
        self._step("read")
        return self.stored

    def try_lock(self) -> str | None:
        self._step("try_lock")
        self._polls += 1
        if self.written_after is not None and self._polls >= self.written_after:
            self.stored = self.their_record
        if self.held_for is None or self._polls <= self.held_for:
            return None
        self.ours = True
        return "our-lock"

    def release(self, lock: str) -> None:
        assert lock == "our-lock" and self.ours
        self._step("release")
        self.ours = False

    def write(self, record: TokenRecord | Refusal) -> None:
        self._step("write")
        self.stored = record

    def delete(self) -> None:
        self._step("delete")
        self.stored = None


class AsyncBackend:
    """:class:`Backend` for the asyncio flight; every step is a suspension point."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def read(self) -> Stored:
        await asyncio.sleep(0)
        return self.backend.read()

    async def try_lock(self) -> str | None:
        await asyncio.sleep(0)
        return self.backend.try_lock()

    async def release(self, lock: str) -> None:
        await asyncio.sleep(0)
        self.backend.release(lock)

    async def write(self, record: TokenRecord | Refusal) -> None:
        await asyncio.sleep(0)
        self.backend.write(record)

    async def delete(self) -> None:
        await asyncio.sleep(0)
        self.backend.delete()


class Flight(Protocol):
    def refresh(self, backend: Backend, fetch: Callable[[], TokenRecord]) -> TokenRecord: ...

    def invalidate(self, backend: Backend, access_token: str) -> None: ...


class Harness:
    """Runs the flight of one flavour with a fake clock, the problem log of a store, and a usability rule."""

    def __init__(self, flavour: str, clock: FakeClock) -> None:
        self.flavour = flavour
        self.clock = clock
        self.waiting = Waiting(timeout=TIMEOUT, poll_interval=POLL, clock=clock)
        self.problems = ProblemLog(consequence="fetching directly", ended="the store works again")

    def usable(self, record: TokenRecord) -> bool:
        return record.access_token != "rejected" and record.expires_at - self.clock.time() > 300

    def refresh(self, backend: Backend, fetch: Callable[[], TokenRecord]) -> TokenRecord:
        if self.flavour == "sync":
            return refresh(backend, self.usable, fetch, self.waiting, self.problems)

        async def afetch() -> TokenRecord:
            await asyncio.sleep(0)
            return fetch()

        return asyncio.run(arefresh(AsyncBackend(backend), self.usable, afetch, self.waiting, self.problems))

    def invalidate(self, backend: Backend, access_token: str) -> None:
        if self.flavour == "sync":
            invalidate(backend, access_token, self.waiting, self.problems)
        else:
            asyncio.run(ainvalidate(AsyncBackend(backend), access_token, self.waiting, self.problems))


class Fetcher:
    """The token endpoint: a new token per call, or the error queued."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls = 0
        self.errors: list[BaseException] = []

    def __call__(self) -> TokenRecord:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return record(self.clock, f"fetched-{self.calls}")


def record(clock: FakeClock, name: str, lifetime: float = 3600.0) -> TokenRecord:
    now = clock.time()
    return TokenRecord(access_token=name, expires_at=now + lifetime, issued_at=now)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sync", "async"])
def flight(request: pytest.FixtureRequest, clock: FakeClock) -> Harness:
    return Harness(request.param, clock)


@pytest.fixture
def fetch(clock: FakeClock) -> Fetcher:
    return Fetcher(clock)


@pytest.fixture(autouse=True)
def _logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="zuora_oauth")


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


# -- double-checked locking ------------------------------------------------------------------------------------


def test_a_usable_record_is_adopted_without_the_lock(flight: Harness, fetch: Fetcher, clock: FakeClock) -> None:
    stored = record(clock, "theirs")
    backend = Backend(stored)
    assert flight.refresh(backend, fetch) == stored
    assert backend.steps == ["read"]
    assert fetch.calls == 0


def test_without_a_record_one_is_fetched_under_the_lock_and_written(flight: Harness, fetch: Fetcher) -> None:
    backend = Backend()
    fetched = flight.refresh(backend, fetch)
    assert fetched.access_token == "fetched-1"
    assert backend.steps == ["read", "try_lock", "read", "write", "release"]
    assert backend.stored == fetched and not backend.ours


@pytest.mark.parametrize("unusable", ["stale", "rejected"])
def test_an_unusable_record_is_replaced(flight: Harness, fetch: Fetcher, clock: FakeClock, unusable: str) -> None:
    old = record(clock, "rejected") if unusable == "rejected" else record(clock, "old", lifetime=200)
    backend = Backend(old)
    assert flight.refresh(backend, fetch).access_token == "fetched-1"
    assert backend.stored != old


def test_a_record_written_just_before_the_lock_was_taken_is_adopted(
    flight: Harness, fetch: Fetcher, clock: FakeClock
) -> None:
    backend = Backend()
    backend.written_after, backend.their_record = 0, record(clock, "theirs")  # written as the lock came free
    assert flight.refresh(backend, fetch).access_token == "theirs"
    assert backend.steps == ["read", "try_lock", "read", "release"]  # the double check, under the lock
    assert fetch.calls == 0


def test_a_waiter_adopts_what_the_lock_holder_writes(flight: Harness, fetch: Fetcher, clock: FakeClock) -> None:
    backend = Backend()
    backend.held_for, backend.written_after, backend.their_record = None, 3, record(clock, "theirs")
    assert flight.refresh(backend, fetch).access_token == "theirs"
    assert fetch.calls == 0
    assert len(clock.sleeps) == 3
    assert all(POLL * 0.8 <= pause <= POLL * 1.2 for pause in clock.sleeps)
    assert "write" not in backend.steps and "release" not in backend.steps


def test_a_waiter_takes_the_lock_once_its_holder_lets_go(flight: Harness, fetch: Fetcher, clock: FakeClock) -> None:
    backend = Backend()
    backend.held_for = 2
    assert flight.refresh(backend, fetch).access_token == "fetched-1"
    assert len(clock.sleeps) == 2
    assert backend.steps[-3:] == ["read", "write", "release"]


def test_a_waiter_gives_up_after_the_timeout_and_fetches_without_the_lock(
    flight: Harness, fetch: Fetcher, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    backend = Backend()
    backend.held_for = None  # a hung holder
    started = clock.monotonic()
    assert flight.refresh(backend, fetch).access_token == "fetched-1"
    waited = clock.monotonic() - started
    assert TIMEOUT <= waited < TIMEOUT + POLL * 1.2  # the last pause ends past the timeout, by less than a poll
    assert waited - clock.sleeps[-1] < TIMEOUT  # ...and the one before it did not reach it
    assert warnings(caplog) == [f"Another process has been refreshing the shared Zuora OAuth token {GAVE_UP}"]
    assert backend.steps[-1] == "write" and "release" not in backend.steps  # written without the lock


# -- a store that fails ----------------------------------------------------------------------------------------

#: (step, its failing call, the steps that follow, whether the token was written)
FAILURES = [
    ("read", 1, ["read"], False),  # cannot even look: fetch directly
    ("try_lock", 1, ["read", "try_lock"], False),
    ("read", 2, ["read", "try_lock", "read", "release"], False),  # the double check fails: the lock is let go
    ("write", 1, ["read", "try_lock", "read", "write", "release"], False),
    ("release", 1, ["read", "try_lock", "read", "write", "release"], True),  # a lock-release failure
]


@pytest.mark.parametrize(("step", "call", "steps", "written"), FAILURES)
def test_a_failing_store_costs_sharing_never_the_token(
    flight: Harness,
    fetch: Fetcher,
    caplog: pytest.LogCaptureFixture,
    step: str,
    call: int,
    steps: list[str],
    written: bool,
) -> None:
    backend = Backend()
    backend.failing = {step: {call}}
    assert flight.refresh(backend, fetch).access_token == "fetched-1"
    assert fetch.calls == 1
    assert backend.steps == steps
    assert (backend.stored is not None) is written
    assert warnings(caplog) == [f"the engine failed to {step}; fetching directly"]
    assert flight.problems.active


def test_a_failed_release_after_a_failed_double_check_is_not_a_second_problem(
    flight: Harness, fetch: Fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    backend = Backend()
    backend.failing = {"read": {2}, "release": {1}}
    assert flight.refresh(backend, fetch).access_token == "fetched-1"
    assert warnings(caplog) == ["the engine failed to read; fetching directly"]


def test_the_store_is_declared_back_only_after_a_whole_refresh_goes_through(
    flight: Harness, fetch: Fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    backend = Backend()
    backend.failing = {"release": {1}}
    flight.refresh(backend, fetch)
    assert flight.problems.active
    backend.stored = None
    flight.refresh(backend, fetch)  # this one goes through
    assert not flight.problems.active
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == ["the store works again"]
    assert len(warnings(caplog)) == 1


def test_the_lock_is_released_when_the_fetch_fails_or_is_interrupted(flight: Harness, fetch: Fetcher) -> None:
    backend = Backend()
    fetch.errors = [ServerError("down", code=503)]
    with pytest.raises(ServerError):
        flight.refresh(backend, fetch)
    assert backend.steps == ["read", "try_lock", "read", "release"]  # no refusal filed for a server error
    assert not flight.problems.active

    backend = Backend()
    fetch.errors = [KeyboardInterrupt()]
    with pytest.raises(KeyboardInterrupt):
        flight.refresh(backend, fetch)
    assert backend.steps[-1] == "release" and not backend.ours


# -- refusals --------------------------------------------------------------------------------------------------


def test_a_refusal_is_filed_for_the_fleet_and_counts_on(flight: Harness, fetch: Fetcher, clock: FakeClock) -> None:
    backend = Backend()
    fetch.errors = [AuthenticationError("Authentication error", code=401)]
    with pytest.raises(AuthenticationError):
        flight.refresh(backend, fetch)
    assert backend.stored == Refusal(401, "Authentication error", None, 1, clock.time() + 1.0)
    assert backend.steps[-2:] == ["write", "release"]

    clock.advance(0.5)
    with pytest.raises(AuthenticationError) as caught:  # the fleet backs off: raised without a token request
        flight.refresh(backend, fetch)
    assert caught.value.code == 401 and fetch.calls == 1

    clock.advance(0.5)  # run out: the next process asks again, and a repeat doubles the back-off
    fetch.errors = [AuthenticationError("Authentication error", code=401)]
    with pytest.raises(AuthenticationError):
        flight.refresh(backend, fetch)
    assert backend.stored == Refusal(401, "Authentication error", None, 2, clock.time() + 2.0)
    assert fetch.calls == 2


def test_an_active_refusal_found_under_the_lock_is_raised_and_the_lock_released(
    flight: Harness, fetch: Fetcher, clock: FakeClock
) -> None:
    backend = Backend()
    backend.written_after = 0
    backend.their_record = Refusal(403, "forbidden", "req-9", 1, clock.time() + 1.0)  # type: ignore[assignment]
    with pytest.raises(ApiError) as caught:
        flight.refresh(backend, fetch)
    assert (type(caught.value).__name__, caught.value.code, caught.value.request_id) == (
        "PermissionDeniedError",
        403,
        "req-9",
    )
    assert backend.steps == ["read", "try_lock", "read", "release"]
    assert fetch.calls == 0


def test_a_refusal_that_cannot_be_filed_is_still_raised(
    flight: Harness, fetch: Fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    backend = Backend()
    backend.failing = {"write": {1}}
    fetch.errors = [AuthenticationError("no", code=401)]
    with pytest.raises(AuthenticationError):
        flight.refresh(backend, fetch)
    assert warnings(caplog) == ["the engine failed to write; fetching directly"]
    assert flight.problems.active


# -- compare-and-delete ----------------------------------------------------------------------------------------


def test_invalidate_deletes_only_the_refused_token_under_the_lock(flight: Harness, clock: FakeClock) -> None:
    backend = Backend(record(clock, "refused"))
    flight.invalidate(backend, "another")
    assert backend.steps == ["read"] and backend.stored is not None
    flight.invalidate(backend, "refused")
    assert backend.steps[1:] == ["read", "try_lock", "read", "delete", "release"]
    assert backend.stored is None


def test_invalidate_leaves_a_record_replaced_meanwhile(flight: Harness, clock: FakeClock) -> None:
    backend = Backend(record(clock, "refused"))
    backend.written_after, backend.their_record = 0, record(clock, "newer")
    flight.invalidate(backend, "refused")
    assert backend.stored is not None and backend.stored.access_token == "newer"  # type: ignore[union-attr]
    assert "delete" not in backend.steps and backend.steps[-1] == "release"


def test_invalidate_gives_way_to_a_lock_holder_after_its_wait(flight: Harness, clock: FakeClock) -> None:
    backend = Backend(record(clock, "refused"))
    backend.held_for = None
    started = clock.monotonic()
    flight.invalidate(backend, "refused")
    assert TIMEOUT <= clock.monotonic() - started < TIMEOUT + POLL * 1.2
    assert backend.stored is not None and "delete" not in backend.steps


@pytest.mark.parametrize("step", ["read", "try_lock", "delete"])
def test_invalidate_on_a_failing_store_reports_the_problem(
    flight: Harness, clock: FakeClock, caplog: pytest.LogCaptureFixture, step: str
) -> None:
    backend = Backend(record(clock, "refused"))
    backend.failing = {step: {1}}
    flight.invalidate(backend, "refused")
    assert warnings(caplog) == [f"the engine failed to {step}; fetching directly"]
    assert not backend.ours
