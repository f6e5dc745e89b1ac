"""One key of RedisTokenStore: the record with a TTL, and a lock taken with SET NX PX and freed by compare-and-delete.

This module holds what both flavours share; the backend itself is written once, for ``redis.asyncio``, in
``_redis_async.py``, and ``make generate`` writes ``_redis_sync.py`` from it without ``await``
(``codegen/_unasync.py``).

Every Redis failure (connection refused or reset, timeouts, a server that refuses a command) becomes
:class:`~._flight.StoreUnavailable`, whose text names the server but never a password or a token. Two things are
not failures but repaired at once, and said once: a server that refuses ``EVAL`` (an ACL without ``+eval``, or the
command renamed away) gets the compare-and-deletes as ``WATCH``/``GET``/``MULTI``/``DEL``/``EXEC`` instead; a value of
another type at the record key (a list, a hash...), or a key without expiry where the lock goes, is not one of ours
and is deleted, so the store works again instead of failing every refresh.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import attrs

from .._clock import Clock
from .._fork import reset_in_forked_children
from .._masking import redact
from .._schedule import RefreshSchedule
from ._flight import StoreUnavailable
from ._record import Refusal, TokenRecord

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
    clock: Clock

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


def record_ttl_ms(record: TokenRecord | Refusal, now: float) -> int:
    """Milliseconds the record stays in Redis: until just before no process would send the token any more."""
    if isinstance(record, Refusal):
        return int(record.keep_for(now) * 1000)
    end = record.expires_at - RefreshSchedule.expiry_safety(record.lifetime)
    return int((end - now) * 1000)


def wrong_type(error: BaseException) -> bool:
    """Whether Redis answered that the key holds a value of another type (not one of ours)."""
    return "WRONGTYPE" in str(error)


def not_ours(kind: str, _ttl: int) -> bool:
    """Whether a value of this type at the record key is foreign (ours are strings)."""
    return kind not in ("string", "none")


def refused(error: BaseException) -> bool:
    """Whether the server refused the command itself (an ACL, a renamed command) rather than failed."""
    import redis  # noqa: PLC0415

    return isinstance(error, redis.exceptions.NoPermissionError) or "unknown command" in str(error).lower()


def text_of(value: Any) -> str:
    """A Redis reply as text, from a client that decodes responses or one that does not."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def holds_token(access_token: str) -> Callable[[str], bool]:
    """Whether a record value holds ``access_token`` (the compare of the compare-and-delete without Lua)."""

    def matches(value: str) -> bool:
        record = TokenRecord.from_json(value)
        return record is not None and record.access_token == access_token

    return matches
