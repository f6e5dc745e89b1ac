"""One key of RedisTokenStore: the record with a TTL, and a lock taken with SET NX PX and freed by compare-and-delete.

Every Redis failure (connection refused or reset, timeouts, a server that refuses a command) becomes
:class:`~._flight.StoreUnavailable`, whose text names the server but never a password or a token. Two things are
not failures but repaired at once, and said once: a server that refuses ``EVAL`` (an ACL without ``+eval``, or the
command renamed away) gets the compare-and-deletes as ``WATCH``/``GET``/``MULTI``/``DEL``/``EXEC`` instead; a value of
another type at the record key (a list, a hash...), or a key without expiry where the lock goes, is not one of ours
and is deleted, so the store works again instead of failing every refresh.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from .._fork import reset_in_forked_children
from .._masking import redact
from .._schedule import RefreshSchedule
from ._flight import StoreUnavailable
from ._record import Refusal, Stored, TokenRecord, parse_stored

if TYPE_CHECKING:
    import redis
    import redis.asyncio

logger = logging.getLogger("zuora_oauth")

#: Deletes the lock only if it still holds our random value: after our lock expired and another process took
#: it, a plain DEL would free that process's lock.
RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

#: Deletes the record only if it still holds the given access token (a 401 must not drop a newer token).
DELETE_RECORD_IF_TOKEN = """
local value = redis.call('GET', KEYS[1])
if not value then
    return 0
end
local ok, record = pcall(cjson.decode, value)
if ok and type(record) == 'table' and record['access_token'] == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisQuirks:
    """What one store learned about its server, each thing said once on the ``zuora_oauth`` logger."""

    def __init__(self) -> None:
        self.no_eval = False  # the server refuses EVAL: compare-and-delete with WATCH/MULTI/EXEC
        self._said: set[str] = set()
        self._lock = threading.Lock()
        reset_in_forked_children(self)

    def eval_refused(self, error: BaseException, key: RedisKey) -> bool:
        """Whether ``error`` says EVAL itself is refused (then remembered, and said once); False for other errors."""
        import redis  # noqa: PLC0415  (installed: the store was built)

        text = str(error)
        lowered = text.lower()
        denied = isinstance(error, redis.exceptions.NoPermissionError) and "'eval'" in lowered
        unknown = isinstance(error, redis.exceptions.ResponseError) and "unknown command 'eval'" in lowered
        if not (denied or unknown):
            return False
        self.no_eval = True
        self.say_once(
            "eval",
            f"Redis at {key.location} refuses EVAL ({redact(f'{type(error).__name__}: {text}', key.secrets)}); "
            "RedisTokenStore releases its lock and deletes refused tokens with WATCH/GET/MULTI/DEL/EXEC instead",
        )
        return True

    def say_once(self, topic: str, message: str) -> None:
        with self._lock:
            if topic in self._said:
                return
            self._said.add(topic)
        logger.warning("%s", message)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()


@attrs.frozen
class RedisKey:
    """The Redis keys of one store key, and how to describe failures of the server behind them."""

    record: str
    lock: str
    lock_ms: int
    location: str
    secrets: tuple[str, ...]
    errors: tuple[type[BaseException], ...]
    quirks: RedisQuirks

    def unavailable(self, error: BaseException) -> StoreUnavailable:
        """The StoreUnavailable for a redis-py error, with any password masked."""
        text = redact(f"{type(error).__name__}: {error}", self.secrets)
        return StoreUnavailable(f"RedisTokenStore cannot use Redis at {self.location} ({text})")

    def repaired(self, key: str, kind: str) -> None:
        """Say once that a value that was not ours was deleted from ``key``."""
        if key == self.record:
            what = f"a {kind}, not a token record, at {key} (WRONGTYPE)"
        else:
            what = f"a {kind} without expiry at {key}, not a lock of ours"
        self.quirks.say_once(f"repaired {key}", f"RedisTokenStore found {what}; deleted it")


def record_ttl_ms(record: TokenRecord | Refusal) -> int:
    """Milliseconds the record stays in Redis: until just before no process would send the token any more."""
    if isinstance(record, Refusal):
        return int(record.keep_for() * 1000)
    end = record.expires_at - RefreshSchedule.expiry_safety(record.lifetime)
    return int((end - time.time()) * 1000)


def _wrong_type(error: BaseException) -> bool:
    return "WRONGTYPE" in str(error)


def _refused(error: BaseException) -> bool:
    """Whether the server refused the command itself (an ACL, a renamed command) rather than failed."""
    import redis  # noqa: PLC0415

    return isinstance(error, redis.exceptions.NoPermissionError) or "unknown command" in str(error).lower()


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _holds_token(access_token: str) -> Callable[[str], bool]:
    def matches(value: str) -> bool:
        record = TokenRecord.from_json(value)
        return record is not None and record.access_token == access_token

    return matches


class RedisBackend:
    """The :class:`~._flight.Backend` of one key, on a synchronous client."""

    def __init__(self, client: redis.Redis, key: RedisKey) -> None:
        self._client = client
        self._key = key
        self._lock_checked = False

    def read(self) -> Stored:
        try:
            value = self._client.get(self._key.record)
        except self._key.errors as error:
            if not _wrong_type(error):
                raise self._key.unavailable(error) from None
            self._repair(self._key.record, lambda kind, _ttl: kind not in ("string", "none"))
            return None
        return None if value is None else parse_stored(value)  # a foreign value is overwritten later

    def try_lock(self) -> str | None:
        token = secrets.token_hex(16)
        if self._call(self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms):
            return token
        if self._lock_checked:
            return None
        self._lock_checked = True  # once per refresh: a lock that never expires is not a holder's
        if self._repair(self._key.lock, lambda _kind, ttl: ttl == -1) and self._call(
            self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms
        ):
            return token
        return None

    def release(self, lock: str) -> None:
        if not self._eval(RELEASE_LOCK, self._key.lock, lock):
            self._compare_and_delete(self._key.lock, lambda value: value == lock)

    def write(self, record: TokenRecord | Refusal) -> None:
        ttl = record_ttl_ms(record)
        if ttl > 0:
            self._call(self._client.set, self._key.record, record.to_json(), px=ttl)

    def delete_if_token(self, access_token: str) -> None:
        if not self._eval(DELETE_RECORD_IF_TOKEN, self._key.record, access_token):
            self._compare_and_delete(self._key.record, _holds_token(access_token))

    def _eval(self, script: str, key: str, argument: str) -> bool:
        """Run a one-key script; False when the server refuses EVAL (the caller then does it without Lua)."""
        if self._key.quirks.no_eval:
            return False
        try:
            self._client.eval(script, 1, key, argument)
        except self._key.errors as error:
            if self._key.quirks.eval_refused(error, self._key):
                return False
            if not _wrong_type(error):
                raise self._key.unavailable(error) from None
            self._repair(key, lambda kind, _ttl: kind not in ("string", "none"))
        return True

    def _compare_and_delete(self, key: str, matches: Callable[[str], bool]) -> None:
        """Delete ``key`` if its value ``matches``, atomically without Lua: WATCH, GET, then MULTI/DEL/EXEC."""
        import redis  # noqa: PLC0415

        try:
            pipeline: Any = self._client.pipeline(transaction=True)  # redis-py leaves watch/multi untyped
            with pipeline as pipe:
                pipe.watch(key)
                value = pipe.get(key)
                if value is None or not matches(_text(value)):
                    return
                pipe.multi()
                pipe.delete(key)
                pipe.execute()
        except redis.exceptions.WatchError:
            return  # changed meanwhile: no longer the value to delete
        except self._key.errors as error:
            if not _wrong_type(error):
                raise self._key.unavailable(error) from None
            self._repair(key, lambda kind, _ttl: kind not in ("string", "none"))

    def _repair(self, key: str, foreign: Callable[[str, int], bool]) -> bool:
        """Delete ``key`` if its type and TTL say it is ``foreign`` (checked under WATCH); True if it was deleted.

        A server whose ACL refuses WATCH, TYPE or PTTL gets no repair: the record key is overwritten by the next
        write anyway, and a foreign lock only makes refreshes wait for ``wait_timeout`` as before.
        """
        import redis  # noqa: PLC0415

        try:
            pipeline: Any = self._client.pipeline(transaction=True)  # redis-py leaves watch/multi untyped
            with pipeline as pipe:
                pipe.watch(key)
                kind, ttl = _text(pipe.type(key)), int(pipe.pttl(key))
                if not foreign(kind, ttl):
                    return False
                pipe.multi()
                pipe.delete(key)
                pipe.execute()
        except redis.exceptions.WatchError:
            return False
        except self._key.errors as error:
            if _refused(error):
                return False  # an ACL without these commands: the record is still overwritten by the next write
            raise self._key.unavailable(error) from None
        self._key.repaired(key, kind)
        return True

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except self._key.errors as error:
            raise self._key.unavailable(error) from None


class AsyncRedisBackend:
    """:class:`RedisBackend` on a ``redis.asyncio`` client."""

    def __init__(self, client: redis.asyncio.Redis, key: RedisKey) -> None:
        self._client = client
        self._key = key
        self._lock_checked = False

    async def read(self) -> Stored:
        try:
            value = await self._client.get(self._key.record)
        except self._key.errors as error:
            if not _wrong_type(error):
                raise self._key.unavailable(error) from None
            await self._repair(self._key.record, lambda kind, _ttl: kind not in ("string", "none"))
            return None
        return None if value is None else parse_stored(value)

    async def try_lock(self) -> str | None:
        token = secrets.token_hex(16)
        if await self._call(self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms):
            return token
        if self._lock_checked:
            return None
        self._lock_checked = True
        if await self._repair(self._key.lock, lambda _kind, ttl: ttl == -1) and await self._call(
            self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms
        ):
            return token
        return None

    async def release(self, lock: str) -> None:
        if not await self._eval(RELEASE_LOCK, self._key.lock, lock):
            await self._compare_and_delete(self._key.lock, lambda value: value == lock)

    async def write(self, record: TokenRecord | Refusal) -> None:
        ttl = record_ttl_ms(record)
        if ttl > 0:
            await self._call(self._client.set, self._key.record, record.to_json(), px=ttl)

    async def delete_if_token(self, access_token: str) -> None:
        if not await self._eval(DELETE_RECORD_IF_TOKEN, self._key.record, access_token):
            await self._compare_and_delete(self._key.record, _holds_token(access_token))

    async def _eval(self, script: str, key: str, argument: str) -> bool:
        if self._key.quirks.no_eval:
            return False
        try:
            await self._client.eval(script, 1, key, argument)
        except self._key.errors as error:
            if self._key.quirks.eval_refused(error, self._key):
                return False
            if not _wrong_type(error):
                raise self._key.unavailable(error) from None
            await self._repair(key, lambda kind, _ttl: kind not in ("string", "none"))
        return True

    async def _compare_and_delete(self, key: str, matches: Callable[[str], bool]) -> None:
        import redis  # noqa: PLC0415

        try:
            pipeline: Any = self._client.pipeline(transaction=True)
            async with pipeline as pipe:
                await pipe.watch(key)
                value = await pipe.get(key)
                if value is None or not matches(_text(value)):
                    return
                pipe.multi()
                pipe.delete(key)
                await pipe.execute()
        except redis.exceptions.WatchError:
            return
        except self._key.errors as error:
            if not _wrong_type(error):
                raise self._key.unavailable(error) from None
            await self._repair(key, lambda kind, _ttl: kind not in ("string", "none"))

    async def _repair(self, key: str, foreign: Callable[[str, int], bool]) -> bool:
        import redis  # noqa: PLC0415

        try:
            pipeline: Any = self._client.pipeline(transaction=True)
            async with pipeline as pipe:
                await pipe.watch(key)
                kind, ttl = _text(await pipe.type(key)), int(await pipe.pttl(key))
                if not foreign(kind, ttl):
                    return False
                pipe.multi()
                pipe.delete(key)
                await pipe.execute()
        except redis.exceptions.WatchError:
            return False
        except self._key.errors as error:
            if _refused(error):
                return False  # an ACL without these commands: the record is still overwritten by the next write
            raise self._key.unavailable(error) from None
        self._key.repaired(key, kind)
        return True

    async def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except self._key.errors as error:
            raise self._key.unavailable(error) from None
