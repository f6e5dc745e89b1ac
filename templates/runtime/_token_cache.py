"""The in-process token cache: two refresh windows, and one token request at a time for threads and tasks alike.

The hot path (a fresh token) is one attribute read and one clock read, without a lock. Everything else is decided
under a short lock that is never held across I/O: the caller elected to refresh (the leader) fetches outside it,
and whoever needs the result waits on a ``concurrent.futures.Future``, which threads block on and asyncio tasks
await (via ``asyncio.wrap_future``) without blocking their event loop, whichever kind the leader is.
"""

from __future__ import annotations

import collections
import concurrent.futures
import copy
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NamedTuple

from ._clock import SYSTEM_CLOCK, Clock
from ._exceptions import ApiError
from ._fork import reset_in_forked_children
from ._masking import mask
from ._schedule import Phase, RefreshSchedule, credential_backoff, is_refusal
from .stores._record import TokenRecord

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("zuora_oauth")

#: Waiters give up on a refresh that has not finished after this long and elect a new leader. The token request
#: itself is bounded far below this (timeouts and retry budget); it guards against a leader whose event loop died.
STALE_FLIGHT_SECONDS = 300.0

#: Cap of the back-off a server's Retry-After can impose on the whole cache.
MAX_SERVER_BACKOFF = 60.0

#: How often a waiter checks that the refresh it waits for can still finish: a leader whose event loop was closed
#: never will, and one whose loop has not been running for :data:`IDLE_LEADER_SECONDS` is not progressing.
LEADER_CHECK_INTERVAL = 0.5
IDLE_LEADER_SECONDS = 5.0


class Limits(NamedTuple):
    """How long the cache waits on others (the defaults are the module constants; tests shorten them)."""

    stale_flight: float = STALE_FLIGHT_SECONDS
    max_server_backoff: float = MAX_SERVER_BACKOFF
    leader_check_interval: float = LEADER_CHECK_INTERVAL
    idle_leader: float = IDLE_LEADER_SECONDS
    failure_backoff: float = 5.0


class _Entry(NamedTuple):
    """The cached token, with its expiry on this process's monotonic clock (the schedule decides its phase).

    ``fresh_until`` (when the advisory window opens) is kept for the hot path, which reads nothing else.
    """

    record: TokenRecord
    expires: float
    fresh_until: float
    usable_until: float

    @classmethod
    def of(cls, record: TokenRecord, schedule: RefreshSchedule, clock: Clock) -> _Entry:
        expires = clock.monotonic() + (record.expires_at - clock.time())
        lifetime = record.lifetime
        return cls(
            record=record,
            expires=expires,
            fresh_until=expires - schedule.advisory(lifetime),
            usable_until=expires - schedule.expiry_safety(lifetime),
        )


class _LeaderGone:
    """The outcome of a refresh whose leader was cancelled or crashed: waiters elect a new leader."""


_Outcome = TokenRecord | ApiError | _LeaderGone


class _Flight:
    """One refresh in progress. The future is started at once, so a waiter's cancellation cannot cancel it."""

    __slots__ = ("future", "idle_since", "loop", "started")

    def __init__(self, loop: asyncio.AbstractEventLoop | None, started: float) -> None:
        self.loop = loop
        self.started = started
        self.idle_since: float | None = None  # when a waiter first saw the leader's loop not running
        self.future: concurrent.futures.Future[_Outcome] = concurrent.futures.Future()
        self.future.set_running_or_notify_cancel()

    def leader_gone(self, now: float, limits: Limits) -> str | None:
        """Why this refresh cannot be expected to finish any more, or None while it can (called by waiters)."""
        if now >= self.started + limits.stale_flight:
            return f"did not finish in {limits.stale_flight:g} s"
        loop = self.loop
        if loop is None:
            return None
        if loop.is_closed():
            return "lost its event loop, which was closed"
        if loop.is_running():
            self.idle_since = None
            return None
        if self.idle_since is None:
            self.idle_since = now
        elif now - self.idle_since >= limits.idle_leader:
            return f"is on an event loop that has not been running for {limits.idle_leader:g} s"
        return None


# What _decide tells a caller to do (plain tuples: cheap to build, and nothing else needs them).
class _Serve(NamedTuple):
    record: TokenRecord


class _Fail(NamedTuple):
    error: ApiError


class _Wait(NamedTuple):
    flight: _Flight


class _Lead(NamedTuple):
    flight: _Flight
    phase: Phase


_Decision = _Serve | _Fail | _Wait | _Lead


class TokenCache:
    """Hands out a usable token, refreshing it through ``refresh``/``arefresh`` at most one call at a time.

    Fresh token: returned. Advisory window: one caller refreshes while the others keep the current token; if that
    refresh fails the current token is kept and the next try waits a short back-off. Mandatory window, or no
    token: callers wait for the one refresh in flight. A failed refresh never makes a caller send an expired
    token: it gets the still-usable token, or the typed error of the failed refresh. When the token endpoint
    refuses the credentials (401, 403), every caller gets that error without a token request for a back-off that
    doubles while the refusals repeat (:func:`~._schedule.credential_backoff`); a success resets it.

    In a process forked from this one, the cache starts with a new lock and no refresh in flight (the thread that
    was refreshing is not in the child), and keeps its token. Time is read from ``clock`` (the real one unless a
    test gives another); ``limits`` are the waits of :class:`Limits`.
    """

    def __init__(
        self,
        *,
        schedule: RefreshSchedule,
        refresh: Callable[[], TokenRecord],
        arefresh: Callable[[], Awaitable[TokenRecord]],
        clock: Clock = SYSTEM_CLOCK,
        limits: Limits = Limits(),  # noqa: B008  (an immutable tuple)
    ) -> None:
        self._schedule = schedule
        self._refresh = refresh
        self._arefresh = arefresh
        self._clock = clock
        self._now = clock.monotonic  # bound once: the hot path reads it on every call
        self._limits = limits
        self._lock = threading.Lock()
        self._entry: _Entry | None = None
        self._flight: _Flight | None = None
        self._retry_at = 0.0
        self._last_error: ApiError | None = None
        self._refusals = 0  # credential refusals in a row
        self._rejected: collections.deque[str] = collections.deque(maxlen=32)
        reset_in_forked_children(self)

    def get(self) -> TokenRecord:
        """A usable token for a thread (blocks while a needed refresh is in flight)."""
        entry = self._entry
        if entry is not None and self._now() < entry.fresh_until:
            return entry.record
        while True:
            decision = self._decide(loop=None)
            if isinstance(decision, _Serve):
                return decision.record
            if isinstance(decision, _Fail):
                raise copy.copy(decision.error)
            if isinstance(decision, _Lead):
                return self._lead(decision)
            flight = decision.flight
            if flight.loop is not None and flight.loop is _running_loop():
                # Blocking here would stop the very event loop whose task is fetching: fetch on our own.
                return self._adopt(self._refresh())
            outcome = self._wait(flight)
            if outcome is not None and not isinstance(outcome, _LeaderGone):
                return self._settle(outcome)

    async def aget(self) -> TokenRecord:
        """A usable token for an asyncio task; waits without blocking the event loop."""
        entry = self._entry
        if entry is not None and self._now() < entry.fresh_until:
            return entry.record
        import asyncio  # noqa: PLC0415  (only async programs pay for importing asyncio)

        loop = asyncio.get_running_loop()
        while True:
            decision = self._decide(loop=loop)
            if isinstance(decision, _Serve):
                return decision.record
            if isinstance(decision, _Fail):
                raise copy.copy(decision.error)
            if isinstance(decision, _Lead):
                return await self._alead(decision)
            outcome = await self._await(decision.flight)
            if outcome is not None and not isinstance(outcome, _LeaderGone):
                return self._settle(outcome)

    def invalidate(self, access_token: str) -> bool:
        """Drop the cached token if it is still ``access_token`` (compare-and-invalidate); True if it was."""
        with self._lock:
            self._rejected.append(access_token)
            if self._entry is None or self._entry.record.access_token != access_token:
                return False
            self._entry = None
        logger.info("Invalidated Zuora OAuth token %s", mask(access_token))
        return True

    def is_usable(self, record: TokenRecord) -> bool:
        """Whether a record found in a shared store can be adopted instead of fetching: fresh, and not rejected."""
        with self._lock:
            if record.access_token in self._rejected:
                return False
        return self._schedule.phase(record.expires_at - self._clock.time(), record.lifetime) is Phase.FRESH

    def _decide(self, loop: asyncio.AbstractEventLoop | None) -> _Decision:
        with self._lock:
            now = self._now()
            entry = self._entry
            phase = (
                Phase.MANDATORY if entry is None else self._schedule.phase(entry.expires - now, entry.record.lifetime)
            )
            if entry is not None and phase is Phase.FRESH:
                return _Serve(entry.record)
            usable = entry is not None and now < entry.usable_until
            if self._flight is not None:
                if entry is not None and phase is Phase.ADVISORY:
                    return _Serve(entry.record)
                return _Wait(self._flight)
            if self._last_error is not None and now < self._retry_at:  # backing off after a failed refresh
                return _Serve(entry.record) if entry is not None and usable else _Fail(self._last_error)
            self._flight = _Flight(loop, started=now)
            logger.debug("Refreshing the Zuora OAuth token (%s)", "no token yet" if entry is None else phase.value)
            return _Lead(self._flight, phase)

    def _lead(self, decision: _Lead) -> TokenRecord:
        try:
            record = self._refresh()
        except ApiError as error:
            return self._fail(decision, error)
        except BaseException:
            self._finish(decision.flight, _LeaderGone())
            raise
        self._finish(decision.flight, record)
        return record

    async def _alead(self, decision: _Lead) -> TokenRecord:
        try:
            record = await self._arefresh()
        except ApiError as error:
            return self._fail(decision, error)
        except BaseException:  # CancelledError included: the waiters elect a new leader
            self._finish(decision.flight, _LeaderGone())
            raise
        self._finish(decision.flight, record)
        return record

    def _fail(self, decision: _Lead, error: ApiError) -> TokenRecord:
        self._finish(decision.flight, error)
        record = self._usable_record()
        if record is None:
            raise error
        logger.warning(
            "Refreshing the Zuora OAuth token failed (%s); still using token %s until it is due",
            error,
            mask(record.access_token),
        )
        return record

    def _finish(self, flight: _Flight, outcome: _Outcome) -> None:
        with self._lock:
            if self._flight is flight:
                self._flight = None
            if isinstance(outcome, TokenRecord):
                self._entry = _Entry.of(outcome, self._schedule, self._clock)
                self._retry_at = 0.0
                self._last_error = None
                self._refusals = 0
            elif isinstance(outcome, ApiError):
                self._last_error = outcome
                self._retry_at = self._now() + self._backoff(outcome)
        flight.future.set_result(outcome)

    def _backoff(self, error: ApiError) -> float:
        """How long to keep from retrying after a failed refresh (called under the lock)."""
        if is_refusal(error.code):
            self._refusals += 1
            backoff = credential_backoff(self._refusals)
            logger.warning(
                "The Zuora token endpoint refused the client credentials (%s); callers get this error without a "
                "new token request for %.0f s",
                error,
                backoff,
            )
            return backoff
        if error.retry_after is not None:
            return min(error.retry_after, self._limits.max_server_backoff)
        entry = self._entry
        if entry is not None and self._now() < entry.usable_until:
            return min(self._limits.failure_backoff, entry.record.lifetime / 10)
        return 0.0

    def _settle(self, outcome: TokenRecord | ApiError) -> TokenRecord:
        """A waiter's result: the new token, or the still-usable one, or a copy of the leader's error."""
        if isinstance(outcome, TokenRecord):
            return outcome
        record = self._usable_record()
        if record is None:
            raise copy.copy(outcome)
        return record

    def _adopt(self, record: TokenRecord) -> TokenRecord:
        with self._lock:
            self._entry = _Entry.of(record, self._schedule, self._clock)
        return record

    def _usable_record(self) -> TokenRecord | None:
        entry = self._entry
        if entry is not None and self._now() < entry.usable_until:
            return entry.record
        return None

    def _wait(self, flight: _Flight) -> _Outcome | None:
        """The outcome of ``flight`` for a thread, or None once its leader is gone (a new leader is then elected)."""
        while True:
            try:
                return flight.future.result(timeout=self._limits.leader_check_interval)
            except concurrent.futures.TimeoutError:
                why = flight.leader_gone(self._now(), self._limits)
                if why is not None:
                    self._abandon(flight, why)
                    return None

    async def _await(self, flight: _Flight) -> _Outcome | None:
        """:meth:`_wait` for an asyncio task; the shared future is never cancelled by a waiter."""
        import asyncio  # noqa: PLC0415

        waiting = asyncio.wrap_future(flight.future)
        try:
            while True:
                done, _ = await asyncio.wait({waiting}, timeout=self._limits.leader_check_interval)
                if done:
                    return waiting.result()
                why = flight.leader_gone(self._now(), self._limits)
                if why is not None:
                    self._abandon(flight, why)
                    return None
        finally:
            if not waiting.done():
                waiting.cancel()  # only this task's view of it: the flight's future is running, so it stays

    def _abandon(self, flight: _Flight, why: str) -> None:
        with self._lock:
            if self._flight is not flight:
                return  # another waiter saw it first; a new leader may be refreshing already
            self._flight = None
        logger.warning("A Zuora OAuth token refresh %s; electing another caller", why)

    def _after_fork(self) -> None:
        """In a forked child: a new lock, no refresh in flight (its leader stayed in the parent), the same token."""
        self._lock = threading.Lock()
        self._flight = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    if "asyncio" not in sys.modules:  # never imported: no loop can be running
        return None
    import asyncio  # noqa: PLC0415

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
