"""TokenCache on a fake clock, with scripted refreshers: every decision at its exact instant, no real waiting.

Covers the README's claims one by one: a fresh token is served without a refresh; in the advisory window one caller
refreshes while the others keep the current token; in the mandatory window callers wait for the one refresh; a
failed refresh hands waiters its error or the still-usable token, never an expired one; a refresh that hangs past
the stale limit, or whose leader is cancelled or crashes, is handed over; refused credentials back off 1 s doubling
to 5 min, a success resets it; a server's Retry-After backs the cache off, at most 60 s.

Ordering between threads and tasks is by events, and a thread is known to be waiting when its stack is inside
the cache's wait (:func:`wait_until_blocked`), never by sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests._fake_clock import FakeClock
from zuora_oauth import ApiError, AuthenticationError, PermissionDeniedError, RateLimitError, ServerError
from zuora_oauth._schedule import RefreshSchedule
from zuora_oauth._token_cache import Limits, TokenCache, _Flight
from zuora_oauth.stores import TokenRecord

LIFETIME = 3600.0  # windows with the default schedule: advisory 300 s before expiry, mandatory 30 s, unusable 1 s
QUICK = Limits(leader_check_interval=0.005)  # waiters look at their leader every 5 ms of real time
Outcome = TokenRecord | BaseException


class Refresher:
    """A scripted token endpoint: hands out t1, t2... or the outcomes queued, optionally held at a gate.

    ``entered`` is set when a refresh starts; a held refresh waits for ``release()``.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls = 0
        self.issued: list[str] = []
        self.queued: list[Outcome] = []
        self.hold = False
        self.entered = threading.Event()
        self._gate = threading.Event()
        self.callers: list[str] = []

    def token(self, lifetime: float = LIFETIME) -> TokenRecord:
        self.issued.append(f"t{len(self.issued) + 1}")
        now = self.clock.time()
        return TokenRecord(access_token=self.issued[-1], expires_at=now + lifetime, issued_at=now)

    def release(self) -> None:
        self._gate.set()

    def _outcome(self) -> TokenRecord:
        outcome = self.queued.pop(0) if self.queued else self.token()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def refresh(self) -> TokenRecord:
        self.calls += 1
        self.callers.append(threading.current_thread().name)
        self.entered.set()
        if self.hold:
            assert self._gate.wait(30), "the test never released the refresh"
        return self._outcome()

    async def arefresh(self) -> TokenRecord:
        self.calls += 1
        task = asyncio.current_task()
        self.callers.append(task.get_name() if task else "?")
        self.entered.set()
        # The gate is a thread's event: polled, so that cancelling the task ends the wait.
        while self.hold and not self._gate.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        return self._outcome()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def refresher(clock: FakeClock) -> Refresher:
    return Refresher(clock)


def make_cache(refresher: Refresher, clock: FakeClock, limits: Limits = QUICK, margin: float = 300.0) -> TokenCache:
    return TokenCache(
        schedule=RefreshSchedule(advisory_margin=margin),
        refresh=refresher.refresh,
        arefresh=refresher.arefresh,
        clock=clock,
        limits=limits,
    )


def token(cache: TokenCache) -> str:
    return cache.get().access_token


def refusal(code: int = 401) -> ApiError:
    cls = AuthenticationError if code == 401 else PermissionDeniedError
    return cls("refused", code=code)


def in_thread(target: Callable[[], object], name: str) -> tuple[threading.Thread, list[object]]:
    """Run ``target`` in a new thread; its result (or exception) lands in the returned list."""
    result: list[object] = []

    def body() -> None:
        try:
            result.append(target())
        except BaseException as error:  # handed to the test
            result.append(error)

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread, result


def wait_until_blocked(thread: threading.Thread, function: str = "_wait") -> None:
    """Return once ``thread`` is inside the cache's ``function`` (its stack says so): polled, no fixed sleep."""
    done = threading.Event()
    for _ in range(20_000):
        frame = sys._current_frames().get(thread.ident or -1)
        while frame is not None:
            if frame.f_code.co_name == function and frame.f_code.co_filename.endswith("_token_cache.py"):
                return
            frame = frame.f_back
        assert thread.is_alive(), f"{thread.name} finished instead of waiting"
        done.wait(0.001)
    pytest.fail(f"{thread.name} never waited in {function}")


@pytest.fixture(autouse=True)
def _cache_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="zuora_oauth")
    yield


# -- fresh, advisory, mandatory ----------------------------------------------------------------------------------


#: (seconds after the first fetch, refreshes by then): fresh until 300 s before expiry, then one refresh.
TIMELINE = [(0.0, 1), (1.0, 1), (3299.999, 1), (3300.0, 2), (3301.0, 2)]


@pytest.mark.parametrize(("elapsed", "refreshes"), TIMELINE)
def test_a_fresh_token_is_served_until_the_advisory_window(
    refresher: Refresher, clock: FakeClock, elapsed: float, refreshes: int
) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(elapsed)
    served = token(cache)
    assert refresher.calls == refreshes
    assert served == f"t{refreshes}"
    assert [token(cache) for _ in range(50)] == [served] * 50  # and then fresh again: no more refreshes
    assert refresher.calls == refreshes


def test_in_the_advisory_window_others_keep_the_current_token_while_one_refreshes(
    refresher: Refresher, clock: FakeClock
) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(LIFETIME - 300)  # the advisory window opens
    refresher.hold = True
    refresher.entered.clear()
    leader, result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)

    others = [token(cache) for _ in range(20)]  # from this thread, while the leader is held: no waiting

    async def tasks() -> list[str]:
        return [(await cache.aget()).access_token for _ in range(20)]

    assert others + asyncio.run(tasks()) == ["t1"] * 40
    assert refresher.calls == 2  # the leader's only
    refresher.release()
    leader.join(10)
    assert result == ["t2"]
    assert token(cache) == "t2"


@pytest.mark.parametrize("left", [30.0, 10.0, 1.5])
def test_in_the_mandatory_window_callers_wait_for_the_one_refresh(
    refresher: Refresher, clock: FakeClock, left: float
) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(LIFETIME - left)
    refresher.hold = True
    refresher.entered.clear()
    leader, leader_result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)
    waiters = [in_thread(lambda: token(cache), f"waiter-{n}") for n in range(4)]
    for thread, _ in waiters:
        wait_until_blocked(thread)
    refresher.release()
    for thread, _ in [(leader, leader_result), *waiters]:
        thread.join(10)
    assert [leader_result, *[result for _, result in waiters]] == [["t2"]] * 5
    assert refresher.calls == 2


def test_async_waiters_in_the_mandatory_window_wait_without_blocking_their_loop(
    refresher: Refresher, clock: FakeClock
) -> None:
    cache = make_cache(refresher, clock)
    refresher.hold = True

    async def main() -> list[str]:
        callers = [asyncio.create_task(cache.aget(), name=f"caller-{n}") for n in range(10)]
        await asyncio.to_thread(refresher.entered.wait, 10)
        ticks = 0
        for _ in range(5):  # the loop runs while they wait
            await asyncio.sleep(0)
            ticks += 1
        refresher.release()
        records = await asyncio.gather(*callers)
        assert ticks == 5
        return [record.access_token for record in records]

    assert asyncio.run(main()) == ["t1"] * 10
    assert refresher.calls == 1


# -- failures --------------------------------------------------------------------------------------------------


def test_a_failed_advisory_refresh_keeps_the_token_and_backs_off_a_tenth_of_its_lifetime(
    refresher: Refresher, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make_cache(refresher, clock)
    short = refresher.token(lifetime=40.0)  # advisory at 20 s left, back-off min(5 s, 4 s) = 4 s
    refresher.queued = [short, ServerError("busy", code=503)]
    assert token(cache) == "t1"
    clock.advance(20.0)
    assert token(cache) == "t1"  # the refresh failed: the current token is kept
    assert "still using token ****" in caplog.text
    clock.advance(3.999)
    assert token(cache) == "t1"
    assert refresher.calls == 2  # backing off: no new attempt
    clock.advance(0.001)
    assert token(cache) == "t2"
    assert refresher.calls == 3


def test_waiters_receive_the_leaders_failure(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    failure = ServerError("the token endpoint is down", code=503)
    refresher.queued = [failure]
    refresher.hold = True
    leader, leader_result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)
    waiter, waiter_result = in_thread(lambda: token(cache), "waiter")
    wait_until_blocked(waiter)
    refresher.release()
    leader.join(10)
    waiter.join(10)
    assert leader_result == [failure]
    (received,) = waiter_result
    assert type(received) is ServerError and received is not failure  # a copy: each caller raises its own
    assert (received.code, str(received)) == (503, str(failure))
    assert refresher.calls == 1
    clock.advance(0.0)
    assert token(cache) == "t1"  # no token, no back-off: the next caller tries again at once
    assert refresher.calls == 2


def test_async_waiters_receive_the_leaders_failure(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    refresher.queued = [ServerError("down", code=502)]
    refresher.hold = True

    async def main() -> list[BaseException | None]:
        leader = asyncio.create_task(cache.aget())
        await asyncio.to_thread(refresher.entered.wait, 10)
        waiters = [asyncio.create_task(cache.aget()) for _ in range(3)]
        await asyncio.sleep(0)  # each waiter is now awaiting the flight
        refresher.release()
        outcomes = await asyncio.gather(leader, *waiters, return_exceptions=True)
        return [outcome if isinstance(outcome, BaseException) else None for outcome in outcomes]

    errors = asyncio.run(main())
    assert [type(error) for error in errors] == [ServerError] * 4
    assert [error.code for error in errors if isinstance(error, ApiError)] == [502] * 4
    assert len({id(error) for error in errors}) == 4
    assert refresher.calls == 1


def test_a_waiter_in_the_mandatory_window_gets_the_usable_token_when_the_refresh_fails(
    refresher: Refresher, clock: FakeClock
) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(LIFETIME - 20)  # mandatory, still usable for 19 s
    refresher.queued = [ServerError("down", code=503)]
    refresher.hold = True
    refresher.entered.clear()
    leader, leader_result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)
    waiter, waiter_result = in_thread(lambda: token(cache), "waiter")
    wait_until_blocked(waiter)
    refresher.release()
    leader.join(10)
    waiter.join(10)
    assert leader_result == waiter_result == ["t1"]
    clock.advance(4.999)  # the back-off: min(5 s, a tenth of the lifetime)
    assert token(cache) == "t1" and refresher.calls == 2
    clock.advance(0.001)
    assert token(cache) == "t2"


def test_a_failed_refresh_never_hands_out_an_expired_token(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(LIFETIME - 1.0)  # 1 s left: past the expiry safety margin
    refresher.queued = [ServerError("down", code=503)]
    with pytest.raises(ServerError):
        token(cache)
    refresher.queued = [ServerError("still down", code=503)]
    with pytest.raises(ServerError, match="still down"):
        token(cache)  # no usable token, so no back-off either: tried again
    assert refresher.calls == 3


# -- hand-overs ------------------------------------------------------------------------------------------------


def test_a_refresh_hung_past_the_stale_limit_is_abandoned_and_another_caller_refreshes(
    refresher: Refresher, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make_cache(refresher, clock, limits=Limits(stale_flight=300.0, leader_check_interval=0.005))
    refresher.hold = True
    hung, hung_result = in_thread(lambda: token(cache), "hung-leader")
    assert refresher.entered.wait(10)
    clock.advance(299.999)
    waiter, waiter_result = in_thread(lambda: token(cache), "waiter")
    wait_until_blocked(waiter)
    clock.wait_for_reads(3)  # it has looked at its leader again, and kept waiting
    assert waiter.is_alive() and refresher.calls == 1
    refresher.hold = False
    clock.advance(0.001)
    waiter.join(10)
    assert waiter_result == ["t1"]  # it took over and refreshed itself
    assert refresher.callers == ["hung-leader", "waiter"]
    assert "A Zuora OAuth token refresh did not finish in 300 s; electing another caller" in caplog.text
    refresher.release()
    hung.join(10)
    assert hung_result == ["t2"]


def test_an_async_waiter_abandons_a_stale_refresh(
    refresher: Refresher, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make_cache(refresher, clock, limits=Limits(stale_flight=60.0, leader_check_interval=0.005))
    refresher.hold = True
    hung, _ = in_thread(lambda: token(cache), "hung-leader")
    assert refresher.entered.wait(10)
    refresher.hold = False

    async def main() -> str:
        waiter = asyncio.create_task(cache.aget())
        await asyncio.to_thread(clock.wait_for_reads, 3)  # it looked at its leader, and kept waiting
        assert not waiter.done()
        clock.advance(60.0)
        return (await waiter).access_token

    assert asyncio.run(main()) == "t1"
    assert "did not finish in 60 s" in caplog.text
    refresher.release()
    hung.join(10)


def test_of_two_waiters_of_a_stale_refresh_one_takes_over_and_the_other_waits_for_it(
    refresher: Refresher, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make_cache(refresher, clock, limits=Limits(stale_flight=10.0, leader_check_interval=0.005))
    refresher.hold = True
    hung, _ = in_thread(lambda: token(cache), "hung-leader")
    assert refresher.entered.wait(10)
    waiters = [in_thread(lambda: token(cache), f"waiter-{n}") for n in range(2)]
    for thread, _ in waiters:
        wait_until_blocked(thread)
    refresher.hold = False
    clock.advance(10.0)
    for thread, _ in waiters:
        thread.join(10)
    assert [result for _, result in waiters] == [["t1"], ["t1"]]
    assert refresher.calls == 2  # the hung leader's, and one take-over
    assert caplog.text.count("electing another caller") == 1
    refresher.release()
    hung.join(10)


def test_a_thread_waits_for_a_leader_on_an_event_loop_in_another_thread(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    refresher.hold = True
    leader, leader_result = in_thread(lambda: asyncio.run(cache.aget()).access_token, "loop-thread")
    assert refresher.entered.wait(10)
    waiter, waiter_result = in_thread(lambda: token(cache), "waiter")
    wait_until_blocked(waiter)
    refresher.release()
    leader.join(10)
    waiter.join(10)
    assert leader_result == waiter_result == ["t1"]
    assert refresher.calls == 1


class PausingClock(FakeClock):
    """Holds the next reading of the monotonic clock by the thread named ``pause_thread`` until ``resume``."""

    def __init__(self) -> None:
        super().__init__()
        self.pause_thread: str | None = None
        self.reached = threading.Event()
        self.resume = threading.Event()

    def monotonic(self) -> float:
        if threading.current_thread().name == self.pause_thread:
            self.pause_thread = None
            self.reached.set()
            assert self.resume.wait(10)
        return super().monotonic()


def test_a_caller_that_finds_a_new_token_under_the_lock_serves_it() -> None:
    """The hot path read the old token, then another thread's refresh finished: no second refresh."""
    clock = PausingClock()
    refresher = Refresher(clock)
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(LIFETIME - 100)  # advisory
    refresher.hold = True
    refresher.entered.clear()
    leader, leader_result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)
    clock.pause_thread = "late"
    late, late_result = in_thread(lambda: token(cache), "late")
    assert clock.reached.wait(10)  # between its look at the token and its look at the clock
    refresher.release()
    leader.join(10)
    clock.resume.set()
    late.join(10)
    assert leader_result == late_result == ["t2"]
    assert refresher.calls == 2


def test_a_forked_child_refreshes_on_its_own_while_the_parent_is_refreshing(
    refresher: Refresher, clock: FakeClock
) -> None:
    cache = make_cache(refresher, clock)
    refresher.hold = True
    leader, leader_result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)
    refresher.hold = False  # in the child: the leader thread is not there, and neither is its flight
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        code = 0 if token(cache) == "t1" and refresher.callers == ["leader", "MainThread"] else 1
        os._exit(code)
    deadline = time.monotonic() + 20
    while (status := os.waitpid(pid, os.WNOHANG)) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the child waited for a refresh that only its parent was making")
        threading.Event().wait(0.01)
    assert os.waitstatus_to_exitcode(status[1]) == 0
    refresher.release()
    leader.join(10)
    assert leader_result == ["t1"]


def test_async_callers_get_a_fresh_token_and_the_back_off_error_too(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)

    async def main() -> list[str]:
        return [(await cache.aget()).access_token for _ in range(3)]

    assert asyncio.run(main()) == ["t1"] * 3
    assert cache.invalidate("t1")
    refresher.queued = [refusal(401)]

    async def refused() -> list[int]:
        codes = []
        for _ in range(2):
            with pytest.raises(AuthenticationError) as caught:
                await cache.aget()
            codes.append(caught.value.code)
        return codes

    assert asyncio.run(refused()) == [401, 401]
    assert refresher.calls == 2  # the second caller got the back-off's error without a request


def test_a_cancelled_async_leader_hands_over_to_a_waiter(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    refresher.hold = True

    async def main() -> str:
        leader = asyncio.create_task(cache.aget(), name="leader")
        await asyncio.to_thread(refresher.entered.wait, 10)
        waiter = asyncio.create_task(cache.aget(), name="waiter")
        await asyncio.sleep(0)  # the waiter is awaiting the leader's flight (the held leader cannot finish)
        leader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leader
        refresher.hold = False  # only now: released earlier, the leader could finish before it is cancelled
        return (await waiter).access_token

    assert asyncio.run(main()) == "t1"
    assert refresher.callers == ["leader", "waiter"]
    refresher.release()


def test_a_crashed_leader_hands_over_to_a_waiting_thread(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    crash = RuntimeError("a bug in a custom store")
    refresher.queued = [crash]
    refresher.hold = True
    leader, leader_result = in_thread(lambda: token(cache), "leader")
    assert refresher.entered.wait(10)
    waiter, waiter_result = in_thread(lambda: token(cache), "waiter")
    wait_until_blocked(waiter)
    refresher.release()
    leader.join(10)
    waiter.join(10)
    assert leader_result == [crash]  # the leader's own caller gets its exception...
    assert waiter_result == ["t1"]  # ...the waiter is not handed a RuntimeError: it refreshes itself
    assert refresher.callers == ["leader", "waiter"]


def test_a_sync_call_on_the_loop_of_an_async_leader_fetches_on_its_own(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    refresher.hold = True

    async def main() -> tuple[str, str]:
        leader = asyncio.create_task(cache.aget(), name="leader")
        await asyncio.to_thread(refresher.entered.wait, 10)
        refresher.hold = False
        blocking = cache.get()  # waiting here would stop the loop the leader runs on
        refresher.release()
        return (await leader).access_token, blocking.access_token

    leader_token, blocking_token = asyncio.run(main())
    assert (leader_token, blocking_token) == ("t2", "t1")
    assert refresher.callers == ["leader", "MainThread"]


#: (loop state, seconds since the flight started, seconds since the loop was first seen idle, why it is gone)
class _Loop:
    def __init__(self, *, running: bool, closed: bool) -> None:
        self.running, self.closed = running, closed

    def is_running(self) -> bool:
        return self.running

    def is_closed(self) -> bool:
        return self.closed


LEADER_GONE = [
    (None, 299.999, None, None),
    (None, 300.0, None, "did not finish in 300 s"),
    (_Loop(running=True, closed=False), 299.0, None, None),
    (_Loop(running=True, closed=False), 300.0, None, "did not finish in 300 s"),
    (_Loop(running=False, closed=True), 0.0, None, "lost its event loop, which was closed"),
    (_Loop(running=False, closed=False), 0.0, None, None),  # first seen idle: noted
    (_Loop(running=False, closed=False), 10.0, 4.999, None),
    (_Loop(running=False, closed=False), 10.0, 5.0, "is on an event loop that has not been running for 5 s"),
]


@pytest.mark.parametrize(("loop", "age", "idle", "why"), LEADER_GONE)
def test_when_a_leader_is_given_up_on(loop: _Loop | None, age: float, idle: float | None, why: str | None) -> None:
    started = 1000.0
    flight = _Flight(loop, started=started)  # type: ignore[arg-type]
    now = started + age
    if idle is not None:
        assert flight.leader_gone(now - idle, Limits()) is None  # the first look notes when it went idle
    assert flight.leader_gone(now, Limits()) == why


def test_a_loop_that_runs_again_is_no_longer_idle() -> None:
    loop = _Loop(running=False, closed=False)
    flight = _Flight(loop, started=0.0)  # type: ignore[arg-type]
    assert flight.leader_gone(1.0, Limits()) is None
    loop.running = True
    assert flight.leader_gone(2.0, Limits()) is None
    loop.running = False
    assert flight.leader_gone(6.5, Limits()) is None  # idle since 6.5, not since 1.0
    assert flight.leader_gone(11.5, Limits()) is not None


# -- back-offs -------------------------------------------------------------------------------------------------


def test_refused_credentials_back_off_1_s_doubling_to_5_min_and_a_success_resets_it(
    refresher: Refresher, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make_cache(refresher, clock)
    expected = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0]
    for backoff in expected:
        refresher.queued = [refusal(401)]
        calls = refresher.calls
        with pytest.raises(AuthenticationError):
            token(cache)
        assert refresher.calls == calls + 1
        clock.advance(backoff - 0.001)
        with pytest.raises(AuthenticationError) as caught:
            token(cache)  # the same error, without a token request
        assert caught.value.code == 401
        assert refresher.calls == calls + 1
        clock.advance(0.001)
    assert "for 300 s" in caplog.text and "refused the client credentials" in caplog.text
    assert token(cache) == "t1"  # a success...
    assert cache.invalidate("t1")
    refresher.queued = [refusal(403)]
    with pytest.raises(PermissionDeniedError):
        token(cache)
    clock.advance(1.0)  # ...resets the back-off to 1 s
    assert token(cache) == "t2"


@pytest.mark.parametrize(("retry_after", "backoff"), [("5", 5.0), ("60", 60.0), ("120", 60.0), ("3600", 60.0)])
def test_a_servers_retry_after_backs_the_cache_off_at_most_60_s(
    refresher: Refresher, clock: FakeClock, retry_after: str, backoff: float
) -> None:
    cache = make_cache(refresher, clock)
    refresher.queued = [RateLimitError("slow down", code=429, response_headers={"Retry-After": retry_after})]
    with pytest.raises(RateLimitError):
        token(cache)
    clock.advance(backoff - 0.001)
    with pytest.raises(RateLimitError):
        token(cache)
    assert refresher.calls == 1
    clock.advance(0.001)
    assert token(cache) == "t1"


def test_during_a_servers_back_off_a_usable_token_is_still_served(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    clock.advance(LIFETIME - 30)  # mandatory window: 29 s of use left
    refresher.queued = [RateLimitError("slow down", code=429, response_headers={"Retry-After": "20"})]
    assert token(cache) == "t1"
    clock.advance(19.999)
    assert token(cache) == "t1" and refresher.calls == 2
    clock.advance(0.001)
    assert token(cache) == "t2"


# -- invalidation and adoption ---------------------------------------------------------------------------------


def test_invalidate_is_compare_and_invalidate(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    assert token(cache) == "t1"
    assert cache.invalidate("someone-else") is False
    assert token(cache) == "t1"
    assert cache.invalidate("t1") is True
    assert token(cache) == "t2"
    assert cache.invalidate("t1") is False


#: (seconds left on a stored record, usable by this cache): fresh only, by the wall clock.
ADOPTABLE = [(3600.0, True), (300.001, True), (300.0, False), (10.0, False), (-1.0, False)]


@pytest.mark.parametrize(("left", "usable"), ADOPTABLE)
def test_a_stored_record_is_adopted_only_while_fresh(
    refresher: Refresher, clock: FakeClock, left: float, usable: bool
) -> None:
    cache = make_cache(refresher, clock)
    now = clock.time()
    record = TokenRecord(access_token="stored", expires_at=now + left, issued_at=now + left - LIFETIME)
    assert cache.is_usable(record) is usable


def test_a_rejected_token_is_never_adopted_again(refresher: Refresher, clock: FakeClock) -> None:
    cache = make_cache(refresher, clock)
    now = clock.time()
    record = TokenRecord(access_token="stored", expires_at=now + LIFETIME, issued_at=now)
    assert cache.is_usable(record)
    cache.invalidate("stored")
    assert not cache.is_usable(record)
