# Generated from templates/runtime/_fork.py by make generate: edit that file, not this copy.
"""Fork safety: objects that hold locks, connections or refreshes in flight reset them in a forked child.

After ``os.fork()`` (multiprocessing's "fork" start method, gunicorn or celery prefork workers) the child has a
copy of every object of the parent but only the thread that forked: a lock another thread held stays locked for
ever, a refresh another thread was making never finishes, and a pooled keep-alive socket is shared with the parent,
so answers cross between the processes. Each object registered here gets its ``_after_fork()`` called in the child,
right after the fork and before anything else runs there.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Protocol


class ForkAware(Protocol):
    """Something that must reset its locks, connections and flights in a forked child."""

    def _after_fork(self) -> None: ...


_LIVE: weakref.WeakSet[ForkAware] = weakref.WeakSet()
_REGISTRY_LOCK = threading.Lock()


def reset_in_forked_children(obj: ForkAware) -> None:
    """Call ``obj._after_fork()`` in every child this process forks while ``obj`` is alive (held weakly)."""
    with _REGISTRY_LOCK:
        _LIVE.add(obj)


def _after_fork_in_child() -> None:
    global _REGISTRY_LOCK  # noqa: PLW0603 (another thread may have held it at the fork)
    _REGISTRY_LOCK = threading.Lock()
    for obj in list(_LIVE):
        obj._after_fork()  # each only builds new locks and forgets state: nothing here raises


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)
