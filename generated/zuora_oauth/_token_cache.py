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
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NamedTuple

from ._exceptions import ApiError
from ._masking import mask
from ._schedule import Phase, RefreshSchedule
from .stores._record import TokenRecord

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("zuora_oauth")

#: Waiters give up on a refresh that has not finished after this long and elect a new leader. The token request
#: itself is bounded far below this (timeouts and retry budget); it guards against a leader whose event loop died.
STALE_FLIGHT_SECONDS = 300.0

#: Cap of the back-off a server's Retry-After can impose on the whole cache.
MAX_SERVER_BACKOFF = 60.0


class _Entry(NamedTuple):
    """The cached token with its windows on this process's monotonic clock."""

    record: TokenRecord
    advisory_at: float
    mandatory_at: float
    usable_until: float

    @classmethod
    def of(cls, record: TokenRecord, schedule: RefreshSchedule) -> _Entry:
        expires = time.monotonic() + (record.expires_at - time.time())
        lifetime = record.lifetime
        return cls(
            record=record,
            advisory_at=expires - schedule.advisory(lifetime),
            mandatory_at=expires - schedule.mandatory(lifetime),
            usable_until=expires - schedule.expiry_safety(lifetime),
        )

    def phase(self, now: float) -> Phase:
        if now < self.advisory_at:
            return Phase.FRESH
        return Phase.ADVISORY if now < self.mandatory_at else Phase.MANDATORY


class _LeaderGone:
    """The outcome of a refresh whose leader was cancelled or crashed: waiters elect a new leader."""


_Outcome = TokenRecord | ApiError | _LeaderGone


class _Flight:
    """One refresh in progress. The future is started at once, so a waiter's cancellation cannot cancel it."""

    __slots__ = ("future", "loop", "started")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.started = time.monotonic()
        self.future: concurrent.futures.Future[_Outcome] = concurrent.futures.Future()
        self.future.set_running_or_notify_cancel()


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
    token: it gets the still-usable token, or the typed error of the failed refresh.
    """

    def __init__(
        self,
        *,
        schedule: RefreshSchedule,
        refresh: Callable[[], TokenRecord],
        arefresh: Callable[[], Awaitable[TokenRecord]],
        failure_backoff: float = 5.0,
    ) -> None:
        self._schedule = schedule
        self._refresh = refresh
        self._arefresh = arefresh
        self._failure_backoff = failure_backoff
        self._lock = threading.Lock()
        self._entry: _Entry | None = None
        self._flight: _Flight | None = None
        self._retry_at = 0.0
        self._last_error: ApiError | None = None
        self._rejected: collections.deque[str] = collections.deque(maxlen=32)

    def get(self) -> TokenRecord:
        """A usable token for a thread (blocks while a needed refresh is in flight)."""
        entry = self._entry
        if entry is not None and time.monotonic() < entry.advisory_at:
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
            try:
                outcome = flight.future.result(timeout=self._stale_in(flight))
            except concurrent.futures.TimeoutError:
                self._abandon(flight)
                continue
            if not isinstance(outcome, _LeaderGone):
                return self._settle(outcome)

    async def aget(self) -> TokenRecord:
        """A usable token for an asyncio task; waits without blocking the event loop."""
        entry = self._entry
        if entry is not None and time.monotonic() < entry.advisory_at:
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
            flight = decision.flight
            try:
                outcome = await asyncio.wait_for(asyncio.wrap_future(flight.future), self._stale_in(flight))
            except TimeoutError:
                self._abandon(flight)
                continue
            if not isinstance(outcome, _LeaderGone):
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
        return self._schedule.phase(record.expires_at - time.time(), record.lifetime) is Phase.FRESH

    def _decide(self, loop: asyncio.AbstractEventLoop | None) -> _Decision:
        with self._lock:
            now = time.monotonic()
            entry = self._entry
            phase = Phase.MANDATORY if entry is None else entry.phase(now)
            if entry is not None and phase is Phase.FRESH:
                return _Serve(entry.record)
            usable = entry is not None and now < entry.usable_until
            if self._flight is not None:
                if entry is not None and phase is Phase.ADVISORY:
                    return _Serve(entry.record)
                return _Wait(self._flight)
            if now < self._retry_at:
                if entry is not None and usable:
                    return _Serve(entry.record)
                if self._last_error is not None:
                    return _Fail(self._last_error)
            self._flight = _Flight(loop=loop)
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
                self._entry = _Entry.of(outcome, self._schedule)
                self._retry_at = 0.0
                self._last_error = None
            elif isinstance(outcome, ApiError):
                self._last_error = outcome
                self._retry_at = time.monotonic() + self._backoff(outcome)
        flight.future.set_result(outcome)

    def _backoff(self, error: ApiError) -> float:
        """How long to keep from retrying after a failed refresh (called under the lock)."""
        if error.retry_after is not None:
            return min(error.retry_after, MAX_SERVER_BACKOFF)
        entry = self._entry
        if entry is not None and time.monotonic() < entry.usable_until:
            return min(self._failure_backoff, entry.record.lifetime / 10)
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
            self._entry = _Entry.of(record, self._schedule)
        return record

    def _usable_record(self) -> TokenRecord | None:
        entry = self._entry
        if entry is not None and time.monotonic() < entry.usable_until:
            return entry.record
        return None

    def _abandon(self, flight: _Flight) -> None:
        with self._lock:
            if self._flight is flight:
                self._flight = None
        logger.warning(
            "A Zuora OAuth token refresh did not finish in %.0f s; electing another caller", STALE_FLIGHT_SECONDS
        )

    @staticmethod
    def _stale_in(flight: _Flight) -> float:
        return max(flight.started + STALE_FLIGHT_SECONDS - time.monotonic(), 0.0)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    if "asyncio" not in sys.modules:  # never imported: no loop can be running
        return None
    import asyncio  # noqa: PLC0415

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
