# Generated from templates/runtime/stores/_file_io.py by make generate: edit that file, not this copy.
"""The file system side of FileTokenStore: a private directory, atomic record files, and flock-based locks.

One key has two files in the directory: ``<key>.json`` (the record, replaced atomically, so readers never see half
a write) and ``<key>.lock`` (empty, never replaced: a lock on a file that ``os.replace`` swaps out would lock the
old inode). ``flock`` locks belong to an open file description, so they also separate threads and ZuoraAuth
instances of one process, and the kernel drops them when their holder dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import stat
import tempfile
import threading

from .._fork import reset_in_forked_children
from ._flight import StoreUnavailable
from ._problems import ProblemLog
from ._record import Refusal, Stored, TokenRecord, parse_stored

try:
    import fcntl
except ModuleNotFoundError:  # Windows: say why, rather than "No module named 'fcntl'"
    raise ImportError("FileTokenStore needs POSIX file locks; use RedisTokenStore on Windows") from None

#: Far more than any record; a bigger file is not one of ours and is not read into memory.
MAX_RECORD_BYTES = 64 * 1024

_PRIVATE = 0o700
_OTHERS = 0o077  # group and other permission bits
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # NONBLOCK: a FIFO planted there
_LOCK_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class FileBackend:
    """One key's record and lock files (the :class:`~._flight_sync.DeletingBackend` of FileTokenStore)."""

    def __init__(self, directory: str, stem: str, notices: ProblemLog) -> None:
        self._directory = directory
        self._stem = stem
        self._data = os.path.join(directory, stem + ".json")
        self._lock = os.path.join(directory, stem + ".lock")
        self._notices = notices

    def read(self) -> Stored:
        """The record (or refusal) on disk; None if there is none or it cannot be trusted (it is then rewritten)."""
        ensure_private_directory(self._directory)
        try:
            fd = os.open(self._data, _READ_FLAGS)
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                self._ignore("is a symbolic link")
                return None
            raise StoreUnavailable(f"FileTokenStore cannot read {self._data}: {error.strerror}") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                self._ignore("is not a regular file")
                return None
            if info.st_uid != os.geteuid() or info.st_mode & _OTHERS:
                self._ignore(f"has unsafe ownership or permissions (mode {stat.S_IMODE(info.st_mode):04o})")
                return None
            data = _read_at_most(fd, MAX_RECORD_BYTES + 1)
        except OSError as error:
            raise StoreUnavailable(f"FileTokenStore cannot read {self._data}: {error.strerror}") from None
        finally:
            os.close(fd)
        record = parse_stored(data) if len(data) <= MAX_RECORD_BYTES else None
        if record is None:
            self._ignore("is not a token record (corrupt or truncated)")
            return None
        self._notices.clear()
        return record

    def try_lock(self) -> int | None:
        """Open the lock file and lock it without waiting: the locked descriptor, or None if another holder has it."""
        try:
            fd = os.open(self._lock, _LOCK_FLAGS, 0o600)
        except OSError as error:
            raise StoreUnavailable(f"FileTokenStore cannot open the lock file {self._lock}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError as error:
            os.close(fd)
            raise StoreUnavailable(f"FileTokenStore cannot lock {self._lock}: {error.strerror}") from None
        _HELD.add(fd)
        return fd

    @staticmethod
    def release(fd: int) -> None:
        """Unlock explicitly, then close: a child forked meanwhile holds a copy of the descriptor, and the lock of
        an open file description lasts while any copy of it is open."""
        _HELD.discard(fd)
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        with contextlib.suppress(OSError):
            os.close(fd)

    def write(self, record: TokenRecord | Refusal) -> None:
        """Replace the record atomically: a 0600 temporary file, fsync, ``os.replace``, fsync of the directory."""
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{self._stem}.", suffix=".tmp", dir=self._directory)
        except OSError as error:
            raise StoreUnavailable(f"FileTokenStore cannot write in {self._directory}: {error.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(record.to_json().encode())
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self._data)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(error, OSError):
                raise StoreUnavailable(f"FileTokenStore cannot write {self._data}: {error.strerror}") from None
            raise
        _fsync_directory(self._directory)

    def delete(self) -> None:
        """Remove the record file, if any."""
        try:
            os.unlink(self._data)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise StoreUnavailable(f"FileTokenStore cannot remove {self._data}: {error.strerror}") from None

    def _ignore(self, problem: str) -> None:
        self._notices.report(f"FileTokenStore is ignoring {self._data}, which {problem}; it will be replaced")


class AsyncFileBackend:
    """:class:`FileBackend` for asyncio (an :class:`~._flight_async.AsyncDeletingBackend`): file I/O runs in worker
    threads, so the event loop never waits on a disk."""

    def __init__(self, backend: FileBackend) -> None:
        self._backend = backend

    async def read(self) -> Stored:
        return await asyncio.to_thread(self._backend.read)

    async def try_lock(self) -> int | None:
        """Takes the lock in a thread; if the caller is cancelled meanwhile, a lock taken after all is let go."""
        future = asyncio.get_running_loop().run_in_executor(None, self._backend.try_lock)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(_release_result)
            raise

    async def release(self, fd: int) -> None:
        FileBackend.release(fd)

    async def write(self, record: TokenRecord | Refusal) -> None:
        await asyncio.to_thread(self._backend.write, record)

    async def delete(self) -> None:
        await asyncio.to_thread(self._backend.delete)


class _HeldLocks:
    """The lock descriptors this process holds; a forked child closes its copies (without unlocking: the locks are
    the parent's), so that a holder that dies still loses its lock at once."""

    def __init__(self) -> None:
        self._fds: set[int] = set()
        self._guard = threading.Lock()
        reset_in_forked_children(self)

    def add(self, fd: int) -> None:
        with self._guard:
            self._fds.add(fd)

    def discard(self, fd: int) -> None:
        with self._guard:
            self._fds.discard(fd)

    def _after_fork(self) -> None:
        self._guard = threading.Lock()
        fds, self._fds = self._fds, set()
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


_HELD = _HeldLocks()


def ensure_private_directory(directory: str) -> None:
    """Create ``directory`` 0700 if it is missing; refuse one that is not a directory of ours closed to others.

    Others able to write there could plant a token or swap the lock file; able to read, they could copy tokens.
    """
    try:
        info = os.stat(directory)
    except FileNotFoundError:
        info = _create_private_directory(directory)
    except OSError as error:
        raise StoreUnavailable(f"FileTokenStore cannot use the directory {directory}: {error.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise StoreUnavailable(f"FileTokenStore cannot use {directory}: it is not a directory")
    if info.st_uid != os.geteuid():
        raise StoreUnavailable(
            f"FileTokenStore will not use {directory}: it belongs to user id {info.st_uid}, not to this process"
        )
    if info.st_mode & _OTHERS:
        raise StoreUnavailable(
            f"FileTokenStore will not use {directory}: other users have access to it "
            f"(mode {stat.S_IMODE(info.st_mode):04o}); run 'chmod 700 {directory}'"
        )


def _create_private_directory(directory: str) -> os.stat_result:
    try:
        os.makedirs(os.path.dirname(directory), exist_ok=True)
        try:
            os.mkdir(directory, _PRIVATE)
        except FileExistsError:
            pass  # another process was first; the checks that follow apply to its directory as well
        else:
            os.chmod(directory, _PRIVATE)  # a umask such as 0277 would otherwise leave it unusable
        return os.stat(directory)
    except OSError as error:
        raise StoreUnavailable(f"FileTokenStore cannot create the directory {directory}: {error.strerror}") from None


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable; best effort (some file systems refuse to fsync a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _release_result(future: asyncio.Future[int | None]) -> None:
    if not future.cancelled() and future.exception() is None:
        fd = future.result()
        if fd is not None:
            FileBackend.release(fd)
