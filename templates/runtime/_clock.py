"""Time as the runtime reads it: one object for both clocks and both sleeps, so tests can put their own in.

The token cache, the refresh schedule's users, the shared stores and the transport never call ``time`` or
``asyncio.sleep`` themselves: they are given a :class:`Clock` (the real one, :data:`SYSTEM_CLOCK`, unless a test
passes another), so that their decisions can be checked exactly, without waiting for real time to pass.
"""

from __future__ import annotations

import time as _time  # the name time is a method below
from typing import Protocol


class Clock(Protocol):
    """Monotonic time for deadlines and windows, wall time for what crosses processes, and the two sleeps."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (``time.monotonic``): deadlines, windows, back-offs."""
        ...

    def time(self) -> float:
        """Wall-clock epoch seconds (``time.time``): token expiries shared with other processes."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Suspend the calling task for ``seconds``, the event loop running meanwhile."""
        ...


class SystemClock:
    """The real clocks and sleeps."""

    __slots__ = ()

    monotonic = staticmethod(_time.monotonic)
    time = staticmethod(_time.time)
    sleep = staticmethod(_time.sleep)

    @staticmethod
    async def asleep(seconds: float) -> None:
        import asyncio  # noqa: PLC0415  (only async programs pay for importing asyncio)

        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SYSTEM_CLOCK"


#: What every runtime object uses unless it is given another clock.
SYSTEM_CLOCK: Clock = SystemClock()
