"""The fleet-wide single flight of the shared stores, written once: double-checked locking with a bounded wait.

A store supplies a backend for one key (read the record, try the lock without waiting, release it, write the
record); this module decides what to do with them. The backend raises :class:`StoreUnavailable` when its engine
cannot be used, and the refresh then fetches the token itself: a broken store costs sharing, never a token.

When the token endpoint refuses the credentials (401, 403), the process that asked files a :class:`Refusal` under
the key instead of a token; until it runs out, every process of the fleet raises that error without asking Zuora
(the key holds a fingerprint of the secret, so only processes with the same credentials see it).
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

from .._exceptions import ApiError
from .._schedule import is_refusal
from ._problems import ProblemLog
from ._protocol import IsUsable
from ._record import Refusal, Stored, TokenRecord

logger = logging.getLogger("zuora_oauth")

LockT = TypeVar("LockT")


class StoreUnavailable(Exception):
    """The shared store cannot be used now (engine down, directory unsafe...); the text is safe to log."""


class Backend(Protocol[LockT]):
    """One key of a shared store, for threads. Every method may raise :class:`StoreUnavailable`."""

    def read(self) -> Stored: ...

    def try_lock(self) -> LockT | None: ...

    def release(self, lock: LockT) -> None: ...

    def write(self, record: TokenRecord | Refusal) -> None: ...


class AsyncBackend(Protocol[LockT]):
    """:class:`Backend` for asyncio callers; no method blocks the event loop."""

    async def read(self) -> Stored: ...

    async def try_lock(self) -> LockT | None: ...

    async def release(self, lock: LockT) -> None: ...

    async def write(self, record: TokenRecord | Refusal) -> None: ...


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
    """What the wait ended with: a usable record, the lock to fetch under, both (found under the lock) or neither.

    ``refused`` is an expired refusal seen last, whose count a new refusal continues.
    """

    found: TokenRecord | None
    lock: LockT | None
    refused: Refusal | None = None


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
        try:
            record = fetch()
        except ApiError as error:
            if is_refusal(error.code):
                try:
                    backend.write(Refusal.after(error, settled.refused))
                except StoreUnavailable as problem:
                    problems.report(str(problem))
                    healthy = False
            raise
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
        try:
            record = await fetch()
        except ApiError as error:
            if is_refusal(error.code):
                try:
                    await backend.write(Refusal.after(error, settled.refused))
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


def _settle(backend: Backend[LockT], is_usable: IsUsable, waiting: Waiting) -> _Settled[LockT]:
    """A usable record (with the lock if it was found under it), or the lock to fetch under, or neither (timeout).

    Raises the error of an active refusal found in the store (releasing the lock first if it was found under it).
    """
    stored = backend.read()
    if (found := _adoptable(stored, is_usable)) is not None:
        return _Settled(found, None)
    deadline = time.monotonic() + waiting.timeout
    while True:
        lock = backend.try_lock()
        if lock is not None:
            try:
                stored = backend.read()  # the double check: the previous holder may have just written one
                found = _adoptable(stored, is_usable)
            except BaseException:
                _release_quietly(backend, lock)
                raise
            return _Settled(found, lock, _expired_refusal(stored))
        if time.monotonic() >= deadline:
            _log_gave_up(waiting)
            return _Settled(None, None, _expired_refusal(stored))
        time.sleep(waiting.pause())
        stored = backend.read()
        if (found := _adoptable(stored, is_usable)) is not None:
            return _Settled(found, None)


async def _asettle(backend: AsyncBackend[LockT], is_usable: IsUsable, waiting: Waiting) -> _Settled[LockT]:
    """:func:`_settle` for asyncio callers."""
    stored = await backend.read()
    if (found := _adoptable(stored, is_usable)) is not None:
        return _Settled(found, None)
    deadline = time.monotonic() + waiting.timeout
    while True:
        lock = await backend.try_lock()
        if lock is not None:
            try:
                stored = await backend.read()
                found = _adoptable(stored, is_usable)
            except BaseException:
                await _arelease_quietly(backend, lock)
                raise
            return _Settled(found, lock, _expired_refusal(stored))
        if time.monotonic() >= deadline:
            _log_gave_up(waiting)
            return _Settled(None, None, _expired_refusal(stored))
        await asyncio.sleep(waiting.pause())
        stored = await backend.read()
        if (found := _adoptable(stored, is_usable)) is not None:
            return _Settled(found, None)


def _adoptable(stored: Stored, is_usable: IsUsable) -> TokenRecord | None:
    """The token in ``stored`` if it can be adopted; raises the error of an active refusal (the fleet backs off)."""
    if isinstance(stored, Refusal):
        if stored.active():
            raise stored.error()
        return None
    return stored if stored is not None and is_usable(stored) else None


def _expired_refusal(stored: Stored) -> Refusal | None:
    return stored if isinstance(stored, Refusal) else None


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
