"""A clock for tests (a ``zuora_oauth._clock.Clock``): time moves only when a test advances it or code sleeps on it.

Every sleep is recorded and advances both clocks at once, so a retry loop or a lock wait runs instantly and its
waits can be compared exactly. Threads may share one (a lock guards it). Kept in tests/, not in
``zuora_oauth.testing``: the runtime reads real time through sockets too (httpx timeouts, FakeZuora's token
expiry), so a fake clock is for tests of the runtime's own decisions, not for an application's tests.
"""

from __future__ import annotations

import asyncio
import threading
import time

#: 2023-11-14T22:13:20Z: a round wall-clock start, so expected expiries can be written out.
WALL_START = 1_700_000_000.0


class FakeClock:
    """Monotonic and wall time that move together, by :meth:`advance` or by sleeping; sleeps are recorded.

    ``reads`` counts the readings of the monotonic clock, so a test can tell that a waiter has looked again.
    """

    def __init__(self, *, wall: float = WALL_START, monotonic: float = 10_000.0) -> None:
        self._lock = threading.Lock()
        self._wall = wall
        self._monotonic = monotonic
        self.sleeps: list[float] = []
        self.reads = 0

    @classmethod
    def at_real_time(cls) -> FakeClock:
        """A fake clock whose wall time starts now: for tests whose tokens come from a real server."""
        return cls(wall=time.time())

    def monotonic(self) -> float:
        with self._lock:
            self.reads += 1
            return self._monotonic

    def time(self) -> float:
        with self._lock:
            return self._wall

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass on both clocks."""
        assert seconds >= 0, "a monotonic clock never goes back"
        with self._lock:
            self._monotonic += seconds
            self._wall += seconds

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)  # still a suspension point: other tasks run, as they would during a real sleep

    def wait_for_reads(self, count: int, timeout: float = 10.0) -> None:
        """Return once the monotonic clock has been read ``count`` more times (by other threads)."""
        target = self.reads + count
        pause = threading.Event()
        deadline = time.monotonic() + timeout
        while self.reads < target:
            assert time.monotonic() < deadline, f"the clock was read {self.reads - target + count} of {count} times"
            pause.wait(0.001)

    @property
    def slept(self) -> float:
        """The seconds slept so far, in all."""
        with self._lock:
            return sum(self.sleeps)

    def __repr__(self) -> str:
        return f"FakeClock(monotonic={self.monotonic()!r}, wall={self.time()!r})"
