"""The single flight of the shared stores, and their compare-and-delete: the I/O around :mod:`._flight`.

Written once: ``_flight_async.py`` (for asyncio) is the source, and ``make generate`` writes ``_flight_sync.py``
(for threads) from it without ``await`` (``codegen/_unasync.py``); ``make check-generated`` fails on drift.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from .._exceptions import ApiError
from .._schedule import is_refusal
from ._flight import Settled, StoreUnavailable, Waiting, adoptable, expired_refusal
from ._problems import ProblemLog
from ._protocol import IsUsable
from ._record import Refusal, Stored, TokenRecord

LockT = TypeVar("LockT")


class AsyncBackend(Protocol[LockT]):
    """One key of a shared store. Every method may raise :class:`StoreUnavailable`; none blocks an event loop."""

    async def read(self) -> Stored: ...

    async def try_lock(self) -> LockT | None: ...

    async def release(self, lock: LockT) -> None: ...

    async def write(self, record: TokenRecord | Refusal) -> None: ...


class AsyncDeletingBackend(AsyncBackend[LockT], Protocol[LockT]):
    """A backend that deletes its record itself, under the lock (FileTokenStore's compare-and-delete)."""

    async def delete(self) -> None: ...


async def arefresh(
    backend: AsyncBackend[LockT],
    is_usable: IsUsable,
    fetch: Callable[[], Awaitable[TokenRecord]],
    waiting: Waiting,
    problems: ProblemLog,
) -> TokenRecord:
    """The usable record of the backend's key: found there, or fetched (once for the fleet) and written there."""
    try:
        settled = await _asettle(backend, is_usable, waiting)
    except StoreUnavailable as problem:
        problems.report(str(problem))
        return await fetch()
    healthy = True  # the store is declared working again only after a whole refresh went through without a problem
    try:
        if settled.found is not None:
            return settled.found
        try:
            record = await fetch()
        except ApiError as error:
            if is_refusal(error.code):
                try:
                    await backend.write(Refusal.after(error, settled.refused, waiting.clock.time()))
                except StoreUnavailable as problem:
                    problems.report(str(problem))
                    healthy = False
            raise
        try:
            await backend.write(record)
        except StoreUnavailable as problem:
            problems.report(str(problem))
            healthy = False
        return record
    finally:
        if settled.lock is not None:
            try:
                await backend.release(settled.lock)
            except StoreUnavailable as problem:
                problems.report(str(problem))
                healthy = False
        if healthy:
            problems.clear()


async def _asettle(backend: AsyncBackend[LockT], is_usable: IsUsable, waiting: Waiting) -> Settled[LockT]:
    """A usable record (with the lock if it was found under it), or the lock to fetch under, or neither (timeout).

    Raises the error of an active refusal found in the store (releasing the lock first if it was found under it).
    """
    clock = waiting.clock
    stored = await backend.read()
    if (found := adoptable(stored, is_usable, clock)) is not None:
        return Settled(found, None)
    deadline = clock.monotonic() + waiting.timeout
    while True:
        lock = await backend.try_lock()
        if lock is not None:
            try:
                stored = await backend.read()  # the double check: the previous holder may have just written one
                found = adoptable(stored, is_usable, clock)
            except BaseException:
                with contextlib.suppress(StoreUnavailable):  # already failing; a lock left behind expires or dies
                    await backend.release(lock)
                raise
            return Settled(found, lock, expired_refusal(stored))
        if clock.monotonic() >= deadline:
            waiting.gave_up()
            return Settled(None, None, expired_refusal(stored))
        await clock.asleep(waiting.pause())
        stored = await backend.read()
        if (found := adoptable(stored, is_usable, clock)) is not None:
            return Settled(found, None)


async def ainvalidate(
    backend: AsyncDeletingBackend[LockT], access_token: str, waiting: Waiting, problems: ProblemLog
) -> None:
    """Delete the record if it still holds ``access_token``, under the lock (compare-and-delete).

    Waits for the lock at most ``waiting.timeout``: a holder is writing a new record anyway, and a process never
    adopts a token it saw refused, so giving up costs at most one token request.
    """
    clock = waiting.clock
    try:
        record = await backend.read()
        if not isinstance(record, TokenRecord) or record.access_token != access_token:
            return
        deadline = clock.monotonic() + waiting.timeout
        while (lock := await backend.try_lock()) is None:
            if clock.monotonic() >= deadline:
                return
            await clock.asleep(waiting.pause())
        try:
            record = await backend.read()
            if isinstance(record, TokenRecord) and record.access_token == access_token:
                await backend.delete()
        finally:
            await backend.release(lock)
    except StoreUnavailable as problem:
        problems.report(str(problem))
