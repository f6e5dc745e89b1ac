"""RedisTokenStore: every process of every host with the same identity shares one token through Redis."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .._clock import SYSTEM_CLOCK, Clock
from .._exceptions import InvalidRequestError
from . import _flight_async, _flight_sync
from ._flight import StoreUnavailable, Waiting
from ._problems import ProblemLog
from ._protocol import IsUsable
from ._record import TokenRecord
from ._redis_async import AsyncRedisBackend
from ._redis_backend import RedisKey, RedisQuirks
from ._redis_clients import RedisClients
from ._redis_sync import RedisBackend

if TYPE_CHECKING:
    import redis
    import redis.asyncio

DEFAULT_PREFIX = "zuora-oauth:"

#: Lifetime of the refresh lock: far above a normal token request, low enough that a dead holder is soon replaced.
DEFAULT_LOCK_TIMEOUT = 30.0

#: How often a waiting process re-reads the record and tries the lock.
DEFAULT_POLL_INTERVAL = 0.05

#: Socket connect and read timeout of the clients the store builds, so an outage costs little time per refresh.
DEFAULT_SOCKET_TIMEOUT = 1.0


class RedisTokenStore:
    """Shares tokens between processes and hosts through Redis (``pip install 'zuora-oauth[redis]'``).

    ``client`` is a ``redis://``/``rediss://``/``unix://`` URL (the store builds its own clients, with
    ``socket_timeout`` for connecting and reading), a ``redis.Redis`` or a ``redis.asyncio.Redis`` (used as
    given: configure its timeouts and retries; the other flavour is built from its connection settings).

    The record of an identity is the JSON of :class:`TokenRecord` at ``prefix + key`` (the key is a hash; the
    client secret never reaches the store), with a TTL that ends just before the token expires. A refresh re-reads
    it and, when it is not usable, takes the lock ``prefix + key + ":lock"`` (``SET NX PX``, a random value,
    ``lock_timeout`` seconds, freed by compare-and-delete), re-reads, fetches and writes. Other processes poll
    every ``poll_interval`` seconds for the record or the lock (a dead holder's lock expires) and, after
    ``wait_timeout`` (default: twice ``lock_timeout``), fetch on their own. When Zuora refuses the credentials,
    a refusal marker takes the record's place for the back-off, so the whole fleet waits it out.

    A server that refuses ``EVAL`` (an ACL without ``+eval``) gets the compare-and-deletes as WATCH/GET/MULTI/DEL/
    EXEC; a value of another type at the record key is deleted and replaced. Each is said once.

    If Redis cannot be used (down, unreachable, refusing commands), refreshes fetch directly and the in-process
    copy in ZuoraAuth carries on; one warning per outage on the ``zuora_oauth`` logger, one info when it is back.
    Waits, polls and record TTLs go by ``clock`` (the real one unless a test gives another).
    """

    def __init__(
        self,
        client: str | redis.Redis | redis.asyncio.Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        wait_timeout: float | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not isinstance(prefix, str):
            raise InvalidRequestError("prefix must be a string")
        lock_timeout = _seconds("lock_timeout", lock_timeout)
        wait_timeout = 2 * lock_timeout if wait_timeout is None else _seconds("wait_timeout", wait_timeout)
        poll_interval = _seconds("poll_interval", poll_interval)
        socket_timeout = _seconds("socket_timeout", socket_timeout)
        self._clients = RedisClients(client, socket_timeout=socket_timeout)
        import redis  # noqa: PLC0415  (present: RedisClients checked)

        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self.wait_timeout = wait_timeout
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)
        self._clock = clock
        self._waiting = Waiting(timeout=wait_timeout, poll_interval=poll_interval, clock=clock)
        where = self._clients.location
        self._problems = ProblemLog(
            consequence="this process fetches its own tokens until Redis is back",
            ended=f"RedisTokenStore reaches Redis at {where} again; sharing tokens",
        )
        # A client that cannot be built is a configuration problem, not an outage: said once, never "over".
        self._client_problems = ProblemLog(consequence="callers of that flavour fetch their own tokens")
        self._quirks = RedisQuirks()  # EVAL refused, values of another type: repaired, said once

    def refresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], TokenRecord]) -> TokenRecord:
        """The usable record of ``key`` from Redis, or one fetched under the fleet-wide lock and stored there."""
        try:
            client = self._clients.sync()
        except StoreUnavailable as problem:
            self._client_problems.report(str(problem))
            return fetch()
        backend = RedisBackend(client, self._key(key))
        return _flight_sync.refresh(backend, is_usable, fetch, self._waiting, self._problems)

    async def arefresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], Awaitable[TokenRecord]]) -> TokenRecord:
        """:meth:`refresh` for asyncio callers, on a ``redis.asyncio`` client."""
        try:
            async with self._clients.asyncio() as client:
                backend = AsyncRedisBackend(client, self._key(key))
                return await _flight_async.arefresh(backend, is_usable, fetch, self._waiting, self._problems)
        except StoreUnavailable as problem:  # only from building the client: the flight handles its own
            self._client_problems.report(str(problem))
            return await fetch()

    def invalidate(self, key: str, access_token: str) -> None:
        """Delete the record of ``key`` if it still holds ``access_token`` (compare-and-delete in one script)."""
        try:
            client = self._clients.sync()
        except StoreUnavailable as problem:
            self._client_problems.report(str(problem))
            return
        try:
            RedisBackend(client, self._key(key)).delete_if_token(access_token)
        except StoreUnavailable as problem:
            self._problems.report(str(problem))

    async def ainvalidate(self, key: str, access_token: str) -> None:
        """:meth:`invalidate` for asyncio callers."""
        try:
            async with self._clients.asyncio() as client:
                try:
                    await AsyncRedisBackend(client, self._key(key)).delete_if_token(access_token)
                except StoreUnavailable as problem:
                    self._problems.report(str(problem))
        except StoreUnavailable as problem:
            self._client_problems.report(str(problem))

    def record_key(self, key: str) -> str:
        """The Redis key of the record of ``key`` (its lock is this plus ``":lock"``)."""
        return self.prefix + key

    def close(self) -> None:
        """Close the connections of the synchronous client the store built (not those of a client it was given)."""
        self._clients.close()

    def _key(self, key: str) -> RedisKey:
        return RedisKey(
            record=self.record_key(key),
            lock=self.record_key(key) + ":lock",
            lock_ms=max(1, round(self.lock_timeout * 1000)),
            location=self._clients.location,
            secrets=self._clients.secrets,
            errors=self._errors,
            quirks=self._quirks,
            clock=self._clock,
        )

    def __repr__(self) -> str:
        return f"RedisTokenStore({self._clients.location!r}, prefix={self.prefix!r})"


def _seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or not math.isfinite(value):
        raise InvalidRequestError(f"{name} must be a finite number of seconds > 0")
    return float(value)
