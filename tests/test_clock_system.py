"""The real clock every runtime object uses unless given another: the clocks and sleeps of ``time`` and asyncio."""

from __future__ import annotations

import asyncio
import time

from zuora_oauth._clock import SYSTEM_CLOCK


def test_the_system_clock_reads_real_time() -> None:
    before_monotonic, before_wall = time.monotonic(), time.time()
    monotonic, wall = SYSTEM_CLOCK.monotonic(), SYSTEM_CLOCK.time()
    assert before_monotonic <= monotonic <= time.monotonic()
    assert before_wall <= wall <= time.time()
    assert repr(SYSTEM_CLOCK) == "SYSTEM_CLOCK"


def test_the_system_clock_sleeps_real_time_in_threads_and_tasks() -> None:
    started = time.monotonic()
    SYSTEM_CLOCK.sleep(0.02)
    assert time.monotonic() - started >= 0.02

    async def main() -> float:
        started = asyncio.get_running_loop().time()
        await SYSTEM_CLOCK.asleep(0.02)
        return asyncio.get_running_loop().time() - started

    assert asyncio.run(main()) >= 0.02
