"""The fleet-wide single flight of the shared stores, written once: double-checked locking with a bounded wait.

A store supplies a backend for one key (read the record, try the lock without waiting, release it, write the
record); this module decides what to do with them. The backend raises :class:`StoreUnavailable` when its engine
cannot be used, and the refresh then fetches the token itself: a broken store costs sharing, never a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

import attrs

from ._problems import ProblemLog
from ._protocol import IsUsable
from ._record import TokenRecord

logger = logging.getLogger("zuora_oauth")

LockT = TypeVar("LockT")


class StoreUnavailable(Exception):
    """The shared store cannot be used now (engine down, directory unsafe...); the text is safe to log."""


class Backend(Protocol[LockT]):
    """One key of a shared store, for threads. Every method may raise :class:`StoreUnavailable`."""

    def read(self) -> TokenRecord | None: ...

    def try_lock(self) -> LockT | None: ...

    def release(self, lock: LockT) -> None: ...

    def write(self, record: TokenRecord) -> None: ...


class AsyncBackend(Protocol[LockT]):
    """:class:`Backend` for asyncio callers; no method blocks the event loop."""

    async def read(self) -> TokenRecord | None: ...

    async def try_lock(self) -> LockT | None: ...

    async def release(self, lock: LockT) -> None: ...

    async def write(self, record: TokenRecord) -> None: ...


@attrs.frozen
class Waiting:
    """How long a process waits for another one's refresh before fetching on its own, and how often it looks."""

    timeout: float
    poll_interval: float

    def pause(self) -> float:
        """The next poll interval, with jitter so a fleet of waiters does not poll in lockstep."""
        return self.poll_interval * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not cryptography)


@attrs.frozen
class _Settled(Generic[LockT]):
    """What the wait ended with: a usable record, the lock to fetch under, both (found under the lock) or neither."""

    found: TokenRecord | None
    lock: LockT | None


def refresh(
    backend: Backend[LockT],
    is_usable: IsUsable,
    fetch: Callable[[], TokenRecord],
    waiting: Waiting,
    problems: ProblemLog,
) -> TokenRecord:
    """The usable record of the backend's key: found there, or fetched (once for the fleet) and written there."""
    try:
        settled = _settle(backend, is_usable, waiting)
    except StoreUnavailable as problem:
        problems.report(str(problem))
        return fetch()
    healthy = True  # the store is declared working again only after a whole refresh went through without a problem
    try:
        if settled.found is not None:
            return settled.found
        record = fetch()
        try:
            backend.write(record)
        except StoreUnavailable as problem:
            problems.report(str(problem))
            healthy = False
        return record
    finally:
        if settled.lock is not None:
            try:
                backend.release(settled.lock)
            except StoreUnavailable as problem:
                problems.report(str(problem))
                healthy = False
        if healthy:
            problems.clear()


async def arefresh(
    backend: AsyncBackend[LockT],
    is_usable: IsUsable,
    fetch: Callable[[], Awaitable[TokenRecord]],
    waiting: Waiting,
    problems: ProblemLog,
) -> TokenRecord:
    """:func:`refresh` for asyncio callers."""
    try:
        settled = await _asettle(backend, is_usable, waiting)
    except StoreUnavailable as problem:
        problems.report(str(problem))
        return await fetch()
    healthy = True
    try:
        if settled.found is not None:
            return settled.found
        record = await fetch()
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


def _settle(backend: Backend[LockT], is_usable: IsUsable, waiting: Waiting) -> _Settled[LockT]:
    """A usable record (with the lock if it was found under it), or the lock to fetch under, or neither (timeout)."""
    record = backend.read()
    if record is not None and is_usable(record):
        return _Settled(record, None)
    deadline = time.monotonic() + waiting.timeout
    while True:
        lock = backend.try_lock()
        if lock is not None:
            try:
                record = backend.read()  # the double check: the previous holder may have just written one
            except BaseException:
                _release_quietly(backend, lock)
                raise
            return _Settled(record if record is not None and is_usable(record) else None, lock)
        if time.monotonic() >= deadline:
            _log_gave_up(waiting)
            return _Settled(None, None)
        time.sleep(waiting.pause())
        record = backend.read()
        if record is not None and is_usable(record):
            return _Settled(record, None)


async def _asettle(backend: AsyncBackend[LockT], is_usable: IsUsable, waiting: Waiting) -> _Settled[LockT]:
    """:func:`_settle` for asyncio callers."""
    record = await backend.read()
    if record is not None and is_usable(record):
        return _Settled(record, None)
    deadline = time.monotonic() + waiting.timeout
    while True:
        lock = await backend.try_lock()
        if lock is not None:
            try:
                record = await backend.read()
            except BaseException:
                await _arelease_quietly(backend, lock)
                raise
            return _Settled(record if record is not None and is_usable(record) else None, lock)
        if time.monotonic() >= deadline:
            _log_gave_up(waiting)
            return _Settled(None, None)
        await asyncio.sleep(waiting.pause())
        record = await backend.read()
        if record is not None and is_usable(record):
            return _Settled(record, None)


def _release_quietly(backend: Backend[LockT], lock: LockT) -> None:
    """For a caller already failing with a first problem; a lock left behind expires or dies with its holder."""
    with contextlib.suppress(StoreUnavailable):
        backend.release(lock)


async def _arelease_quietly(backend: AsyncBackend[LockT], lock: LockT) -> None:
    with contextlib.suppress(StoreUnavailable):
        await backend.release(lock)


def _log_gave_up(waiting: Waiting) -> None:
    logger.warning(
        "Another process has been refreshing the shared Zuora OAuth token for over %.1f s; fetching one directly",
        waiting.timeout,
    )
