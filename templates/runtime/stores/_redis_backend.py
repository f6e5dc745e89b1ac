"""One key of RedisTokenStore: the record with a TTL, and a lock taken with SET NX PX and freed by compare-and-delete.

Every Redis failure (connection refused or reset, timeouts, a server that refuses a command) becomes
:class:`~._flight.StoreUnavailable`, whose text names the server but never a password or a token.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

import attrs

from .._masking import redact
from .._schedule import RefreshSchedule
from ._flight import StoreUnavailable
from ._record import TokenRecord

if TYPE_CHECKING:
    import redis
    import redis.asyncio

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


@attrs.frozen
class RedisKey:
    """The Redis keys of one store key, and how to describe failures of the server behind them."""

    record: str
    lock: str
    lock_ms: int
    location: str
    secrets: tuple[str, ...]
    errors: tuple[type[BaseException], ...]

    def unavailable(self, error: BaseException) -> StoreUnavailable:
        """The StoreUnavailable for a redis-py error, with any password masked."""
        text = redact(f"{type(error).__name__}: {error}", self.secrets)
        return StoreUnavailable(f"RedisTokenStore cannot use Redis at {self.location} ({text})")


def record_ttl_ms(record: TokenRecord) -> int:
    """Milliseconds the record stays in Redis: until just before no process would send the token any more."""
    end = record.expires_at - RefreshSchedule.expiry_safety(record.lifetime)
    return int((end - time.time()) * 1000)


class RedisBackend:
    """The :class:`~._flight.Backend` of one key, on a synchronous client."""

    def __init__(self, client: redis.Redis, key: RedisKey) -> None:
        self._client = client
        self._key = key

    def read(self) -> TokenRecord | None:
        value = self._call(self._client.get, self._key.record)
        return None if value is None else TokenRecord.from_json(value)  # a foreign value is overwritten later

    def try_lock(self) -> str | None:
        token = secrets.token_hex(16)
        taken = self._call(self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms)
        return token if taken else None

    def release(self, lock: str) -> None:
        self._call(self._client.eval, RELEASE_LOCK, 1, self._key.lock, lock)

    def write(self, record: TokenRecord) -> None:
        ttl = record_ttl_ms(record)
        if ttl > 0:
            self._call(self._client.set, self._key.record, record.to_json(), px=ttl)

    def delete_if_token(self, access_token: str) -> None:
        self._call(self._client.eval, DELETE_RECORD_IF_TOKEN, 1, self._key.record, access_token)

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

    async def read(self) -> TokenRecord | None:
        value = await self._call(self._client.get, self._key.record)
        return None if value is None else TokenRecord.from_json(value)

    async def try_lock(self) -> str | None:
        token = secrets.token_hex(16)
        taken = await self._call(self._client.set, self._key.lock, token, nx=True, px=self._key.lock_ms)
        return token if taken else None

    async def release(self, lock: str) -> None:
        await self._call(self._client.eval, RELEASE_LOCK, 1, self._key.lock, lock)

    async def write(self, record: TokenRecord) -> None:
        ttl = record_ttl_ms(record)
        if ttl > 0:
            await self._call(self._client.set, self._key.record, record.to_json(), px=ttl)

    async def delete_if_token(self, access_token: str) -> None:
        await self._call(self._client.eval, DELETE_RECORD_IF_TOKEN, 1, self._key.record, access_token)

    async def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except self._key.errors as error:
            raise self._key.unavailable(error) from None
