"""The backend of one RedisTokenStore key (the record, and the lock of its single flight) on a redis-py client.

Written once: ``_redis_async.py`` (for asyncio clients) is the source, and ``make generate`` writes
``_redis_sync.py`` (for threads) from it without ``await`` (``codegen/_unasync.py``); ``make check-generated``
fails on drift. What both share is in :mod:`._redis_backend`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._record import Refusal, Stored, TokenRecord, parse_stored
from ._redis_backend import (
    DELETE_RECORD_IF_TOKEN,
    RELEASE_LOCK,
    RedisKey,
    holds_token,
    not_ours,
    record_ttl_ms,
    refused,
    text_of,
    wrong_type,
)

if TYPE_CHECKING:
    import redis.asyncio


class AsyncRedisBackend:
    """The flight's backend for one key (its lock is a random value, freed only by its holder)."""

    def __init__(self, client: redis.asyncio.Redis, key: RedisKey) -> None:
        self._client = client
        self._key = key
        self._lock_checked = False

    async def read(self) -> Stored:
        try:
            value = await self._client.get(self._key.record)
        except self._key.errors as error:
            if not wrong_type(error):
                raise self._key.unavailable(error) from None
            await self._repair(self._key.record, not_ours)
            return None
        return None if value is None else parse_stored(value)  # a foreign value is overwritten later

    async def try_lock(self) -> str | None:
        token = secrets.token_hex(16)
        if await self._call(self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms):
            return token
        if self._lock_checked:
            return None
        self._lock_checked = True  # once per refresh: a lock that never expires is not a holder's
        if not await self._repair(self._key.lock, lambda _kind, ttl: ttl == -1):
            return None
        if await self._call(self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms):
            return token
        return None

    async def release(self, lock: str) -> None:
        if not await self._eval(RELEASE_LOCK, self._key.lock, lock):
            await self._compare_and_delete(self._key.lock, lambda value: value == lock)

    async def write(self, record: TokenRecord | Refusal) -> None:
        ttl = record_ttl_ms(record, self._key.clock.time())
        if ttl > 0:
            await self._call(self._client.set, self._key.record, record.to_json(), px=ttl)

    async def delete_if_token(self, access_token: str) -> None:
        if not await self._eval(DELETE_RECORD_IF_TOKEN, self._key.record, access_token):
            await self._compare_and_delete(self._key.record, holds_token(access_token))

    async def _eval(self, script: str, key: str, argument: str) -> bool:
        """Run a one-key script; False when the server refuses EVAL (the caller then does it without Lua)."""
        if self._key.quirks.no_eval:
            return False
        try:
            await self._client.eval(script, 1, key, argument)
        except self._key.errors as error:
            if self._key.quirks.eval_refused(error, self._key):
                return False
            if not wrong_type(error):
                raise self._key.unavailable(error) from None
            await self._repair(key, not_ours)
        return True

    async def _compare_and_delete(self, key: str, matches: Callable[[str], bool]) -> None:
        """Delete ``key`` if its value ``matches``, atomically without Lua: WATCH, GET, then MULTI/DEL/EXEC."""
        import redis  # noqa: PLC0415

        try:
            pipeline: Any = self._client.pipeline(transaction=True)  # redis-py leaves watch/multi untyped
            async with pipeline as pipe:
                await pipe.watch(key)
                value = await pipe.get(key)
                if value is None or not matches(text_of(value)):
                    return
                pipe.multi()
                pipe.delete(key)
                await pipe.execute()
        except redis.exceptions.WatchError:
            return  # changed meanwhile: no longer the value to delete
        except self._key.errors as error:
            if not wrong_type(error):
                raise self._key.unavailable(error) from None
            await self._repair(key, not_ours)

    async def _repair(self, key: str, foreign: Callable[[str, int], bool]) -> bool:
        """Delete ``key`` if its type and TTL say it is ``foreign`` (checked under WATCH); True if it was deleted.

        A server whose ACL refuses WATCH, TYPE or PTTL gets no repair: the record key is overwritten by the next
        write anyway, and a foreign lock only makes refreshes wait for ``wait_timeout`` as before.
        """
        import redis  # noqa: PLC0415

        try:
            pipeline: Any = self._client.pipeline(transaction=True)
            async with pipeline as pipe:
                await pipe.watch(key)
                kind, ttl = text_of(await pipe.type(key)), int(await pipe.pttl(key))
                if not foreign(kind, ttl):
                    return False
                pipe.multi()
                pipe.delete(key)
                await pipe.execute()
        except redis.exceptions.WatchError:
            return False
        except self._key.errors as error:
            if refused(error):
                return False  # an ACL without these commands: the record is still overwritten by the next write
            raise self._key.unavailable(error) from None
        self._key.repaired(key, kind)
        return True

    async def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except self._key.errors as error:
            raise self._key.unavailable(error) from None
