"""FileTokenStore: the processes of one host share one token per identity through a private directory."""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Awaitable, Callable

from .._clock import SYSTEM_CLOCK, Clock
from .._exceptions import InvalidRequestError
from . import _flight_async, _flight_sync
from ._file_io import AsyncFileBackend, FileBackend
from ._flight import Waiting
from ._problems import ProblemLog
from ._protocol import IsUsable
from ._record import TokenRecord

#: How long a process waits by default for another one's refresh before it fetches a token on its own.
DEFAULT_LOCK_TIMEOUT = 30.0

#: How often a waiting process tries the lock and re-reads the record.
POLL_INTERVAL = 0.025

#: How long an invalidation waits for the lock. A holder is writing a new record anyway, and a process never
#: adopts a token it saw refused, so giving up costs at most one token request.
INVALIDATE_WAIT = 1.0

_HASH_KEY = re.compile(r"[0-9a-f]{64}")


class FileTokenStore:
    """Shares tokens between the processes of one host (gunicorn or celery workers) through files.

    ``directory`` (default ``$XDG_CACHE_HOME/zuora-oauth``, else ``~/.cache/zuora-oauth``) is created 0700 when
    missing and must belong to the user of the process and be closed to other users; each identity has a record
    file ``<key>.json`` (mode 0600, the token record and nothing else: never the client secret) and an empty lock
    file ``<key>.lock``. A refresh takes an ``flock`` lock (polled, never a blocking call), re-reads the record and
    fetches only if it is still not usable; a process whose lock holder takes longer than ``lock_timeout`` seconds
    fetches on its own, and a holder that dies loses its lock at once (the kernel drops it).

    Invalid arguments raise :class:`~zuora_oauth.InvalidRequestError`. Everything found on disk is handled without
    raising: a corrupt, truncated or unsafe record file is ignored and rewritten; an unusable directory (not
    creatable, not writable, too open, someone else's) makes refreshes fetch directly, with one warning on the
    ``zuora_oauth`` logger until it is fixed. Use a local file system (``flock`` is not shared by all NFS setups).
    Waits and polls go by ``clock`` (the real one unless a test gives another).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.directory = _directory(directory)
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, int | float) or not lock_timeout > 0:
            raise InvalidRequestError("lock_timeout must be a number of seconds > 0")
        if not math.isfinite(lock_timeout):
            raise InvalidRequestError("lock_timeout must be finite: a lock holder that hangs must not stop others")
        self.lock_timeout = float(lock_timeout)
        self._waiting = Waiting(timeout=self.lock_timeout, poll_interval=POLL_INTERVAL, clock=clock)
        self._invalidate_waiting = Waiting(min(self.lock_timeout, INVALIDATE_WAIT), POLL_INTERVAL, clock)
        self._problems = ProblemLog(
            consequence="this process fetches its own tokens until that is fixed",
            ended=f"FileTokenStore can use {self.directory} again; sharing tokens",
        )
        self._notices = ProblemLog()

    def refresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], TokenRecord]) -> TokenRecord:
        """The usable record of ``key`` from the file, or one fetched under the lock and written there."""
        return _flight_sync.refresh(self._backend(key), is_usable, fetch, self._waiting, self._problems)

    async def arefresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], Awaitable[TokenRecord]]) -> TokenRecord:
        """:meth:`refresh` for asyncio callers: file I/O in worker threads, the fetch awaited on the loop."""
        backend = AsyncFileBackend(self._backend(key))
        return await _flight_async.arefresh(backend, is_usable, fetch, self._waiting, self._problems)

    def invalidate(self, key: str, access_token: str) -> None:
        """Remove the record of ``key`` if it still holds ``access_token``, under the lock (compare-and-delete)."""
        _flight_sync.invalidate(self._backend(key), access_token, self._invalidate_waiting, self._problems)

    async def ainvalidate(self, key: str, access_token: str) -> None:
        """:meth:`invalidate` for asyncio callers."""
        backend = AsyncFileBackend(self._backend(key))
        await _flight_async.ainvalidate(backend, access_token, self._invalidate_waiting, self._problems)

    def path_of(self, key: str) -> str:
        """The record file of ``key`` (its lock file is the same name ending in ``.lock``)."""
        return os.path.join(self.directory, _stem(key) + ".json")

    def _backend(self, key: str) -> FileBackend:
        return FileBackend(self.directory, _stem(key), self._notices)

    def __repr__(self) -> str:
        return f"FileTokenStore({self.directory!r})"


def _stem(key: str) -> str:
    """File name of a key: ZuoraAuth's keys are already hashes; anything else is hashed, so it cannot be a path."""
    return key if _HASH_KEY.fullmatch(key) else hashlib.sha256(key.encode()).hexdigest()


def _directory(directory: str | os.PathLike[str] | None) -> str:
    if directory is None:
        cache = os.environ.get("XDG_CACHE_HOME")
        if not cache or not os.path.isabs(cache):
            try:
                cache = os.path.join(os.path.expanduser("~"), ".cache")
            except RuntimeError:  # pragma: no cover - no home directory to expand
                cache = ""
        if not os.path.isabs(cache):
            raise InvalidRequestError("FileTokenStore found no home directory: pass the directory to use")
        return os.path.join(cache, "zuora-oauth")
    try:
        path = os.fspath(directory)
    except TypeError:
        raise InvalidRequestError("directory must be a path (str or os.PathLike)") from None
    if not isinstance(path, str) or not path or "\0" in path:
        raise InvalidRequestError("directory must be a non-empty path without NUL characters")
    return os.path.abspath(os.path.expanduser(path))
