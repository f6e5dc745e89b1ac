# Generated from templates/runtime/stores/_flight.py by make generate: edit that file, not this copy.
"""The fleet-wide single flight of the shared stores: double-checked locking with a bounded wait, decided here.

A store supplies a backend for one key (read the record, try the lock without waiting, release it, write the
record); :mod:`._flight_async` (and its copy without ``await``, :mod:`._flight_sync`) does the I/O with them, and
this module holds what both decide with. The backend raises :class:`StoreUnavailable` when its engine cannot be
used, and the refresh then fetches the token itself: a broken store costs sharing, never a token.

When the token endpoint refuses the credentials (401, 403), the process that asked files a :class:`Refusal` under
the key instead of a token; until it runs out, every process of the fleet raises that error without asking Zuora
(the key holds a fingerprint of the secret, so only processes with the same credentials see it).
"""

from __future__ import annotations

import logging
import random
from typing import Generic, TypeVar

import attrs

from .._clock import SYSTEM_CLOCK, Clock
from ._protocol import IsUsable
from ._record import Refusal, Stored, TokenRecord

logger = logging.getLogger("zuora_oauth")

LockT = TypeVar("LockT")


class StoreUnavailable(Exception):
    """The shared store cannot be used now (engine down, directory unsafe...); the text is safe to log."""


@attrs.frozen
class Waiting:
    """How long a process waits for another one's refresh before fetching on its own, how often it looks, and the
    clock it does both by."""

    timeout: float
    poll_interval: float
    clock: Clock = SYSTEM_CLOCK

    def pause(self) -> float:
        """The next poll interval, with jitter so a fleet of waiters does not poll in lockstep."""
        return self.poll_interval * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not cryptography)

    def gave_up(self) -> None:
        """Say that the wait ran out (the caller then fetches a token without the lock)."""
        logger.warning(
            "Another process has been refreshing the shared Zuora OAuth token for over %.1f s; fetching one directly",
            self.timeout,
        )


@attrs.frozen
class Settled(Generic[LockT]):
    """What the wait ended with: a usable record, the lock to fetch under, both (found under the lock) or neither.

    ``refused`` is an expired refusal seen last, whose count a new refusal continues.
    """

    found: TokenRecord | None
    lock: LockT | None
    refused: Refusal | None = None


def adoptable(stored: Stored, is_usable: IsUsable, clock: Clock) -> TokenRecord | None:
    """The token in ``stored`` if it can be adopted; raises the error of an active refusal (the fleet backs off)."""
    if isinstance(stored, Refusal):
        if stored.active(clock.time()):
            raise stored.error()
        return None
    return stored if stored is not None and is_usable(stored) else None


def expired_refusal(stored: Stored) -> Refusal | None:
    """The refusal in ``stored`` (one :func:`adoptable` let through has run out), whose count a new one continues."""
    return stored if isinstance(stored, Refusal) else None
