"""One client in one long-lived process, timed on demand: ``python cpu_worker.py token|cached CLIENT``.

The harness starts one worker per client, then interleaves their rounds (ours, floor, peer, ours, floor, peer,
...) so a burst of load elsewhere on the machine hits every client alike. After a warm-up (connection open,
token cached, lazy imports done) the worker prints ``{"ready": true}`` and then answers one JSON line per
stdin command:

- ``run N``: N calls; client CPU seconds (``time.process_time``: this process only, every thread, user and
  system; the token server's CPU is in another process) and wall seconds.
- ``profile N PATH``: N calls under pyinstrument, its text report written to PATH.
"""

from __future__ import annotations

import json
import sys
import time

from _clients import CACHED_CLIENTS, TOKEN_CLIENTS, Call
from _common import read_credentials

WARM_UP_CALLS = 30


def measure(call: Call, count: int) -> dict[str, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        call()
    return {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "calls": count}


def profile(call: Call, count: int, path: str) -> dict[str, object]:
    from pyinstrument import Profiler  # type: ignore[import-not-found,unused-ignore]

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(count):
        call()
    profiler.stop()
    with open(path, "w", encoding="utf-8") as out:
        # Wall-clock samples: the waits for the server show up as socket reads, the rest is client CPU.
        out.write(profiler.output_text(unicode=False, color=False, show_all=False))
        out.write("\n\n=== flat, self time ===\n")
        out.write(profiler.output_text(unicode=False, color=False, flat=True, flat_time="self"))
    return {"profile": path}


def main() -> int:
    scenario, kind = sys.argv[1], sys.argv[2]
    factories = TOKEN_CLIENTS if scenario == "token" else CACHED_CLIENTS
    call = factories[kind](*read_credentials())
    for _ in range(WARM_UP_CALLS):
        call()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command, *arguments = line.split()
        if command == "run":
            answer: dict[str, object] = dict(measure(call, int(arguments[0])))
        elif command == "profile":
            answer = profile(call, int(arguments[0]), arguments[1])
        else:
            break
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
