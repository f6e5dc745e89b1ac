"""A cold herd in a fresh process: ``python herd_worker.py threads|tasks CLIENT COUNT``.

COUNT threads (behind a barrier) or asyncio tasks (all created at once) share one client with no token yet and
each make one authenticated request; the token server counts how many token requests that cost. Prints one JSON
line: ``ok`` (2xx answers), ``statuses``, ``errors`` (first few), ``wall`` seconds and, for tasks, ``stall_ms``:
the longest time the event loop could not run anything else. Run with COUNT 1, that is the time a client's cold
token fetch freezes every other coroutine of the program (with 1,000 tasks it is dominated by httpx's pool).

The async clients' pools are capped at ``ASYNC_CONNECTIONS``: httpcore's async pool spends CPU quadratic in the
number of queued requests (1,000 requests through the default 100 connections take ~25 s on 2 cores, with a
static header as much as with any auth), which would only slow the run down, not change a token count.
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _clients import ACCOUNT_PATH, authlib_async_client, authlib_client, httpx_auth_for_zuora
from _common import read_credentials

Outcome = collections.Counter[str]
ASYNC_CONNECTIONS = 20


def _sync_get(kind: str, base_url: str, client_id: str, secret: str) -> Callable[[str], Any]:
    import httpx

    if kind == "zuora-oauth":
        from zuora_oauth.auth import ZuoraAuth

        return httpx.Client(auth=ZuoraAuth(client_id, secret, base_url=base_url), timeout=60).get
    if kind == "httpx-auth":
        return httpx.Client(auth=httpx_auth_for_zuora(base_url, client_id, secret), timeout=60).get
    if kind == "authlib":
        return authlib_client(base_url, client_id, secret).get  # type: ignore[no-any-return]
    raise ValueError(kind)


def _async_get(kind: str, base_url: str, client_id: str, secret: str) -> Callable[[str], Awaitable[Any]]:
    import httpx

    limits = httpx.Limits(max_connections=ASYNC_CONNECTIONS)
    if kind == "zuora-oauth":
        from zuora_oauth.auth import ZuoraAuth

        auth: Any = ZuoraAuth(client_id, secret, base_url=base_url)
        return httpx.AsyncClient(auth=auth, timeout=60, limits=limits).get
    if kind == "httpx-auth":  # its flow is sync only: the token request blocks the event loop
        auth = httpx_auth_for_zuora(base_url, client_id, secret)
        return httpx.AsyncClient(auth=auth, timeout=60, limits=limits).get
    if kind == "authlib":
        return authlib_async_client(base_url, client_id, secret, limits=limits).get  # type: ignore[no-any-return]
    raise ValueError(kind)


def _record(outcome: Outcome, errors: list[str], lock: threading.Lock, response: Any, error: Exception | None) -> None:
    with lock:
        if error is not None:
            outcome["error"] += 1
            if len(errors) < 3:
                errors.append(f"{type(error).__name__}: {error}"[:200])
        else:
            outcome[str(response.status_code)] += 1


def run_threads(kind: str, count: int) -> tuple[Outcome, list[str]]:
    base_url, client_id, secret = read_credentials()
    get = _sync_get(kind, base_url, client_id, secret)
    url = base_url + ACCOUNT_PATH
    barrier = threading.Barrier(count)
    outcome: Outcome = collections.Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait()
        try:
            response = get(url)
        except Exception as exc:
            _record(outcome, errors, lock, None, exc)
        else:
            _record(outcome, errors, lock, response, None)

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome, errors


def run_tasks(kind: str, count: int) -> tuple[Outcome, list[str], float]:
    base_url, client_id, secret = read_credentials()
    outcome: Outcome = collections.Counter()
    errors: list[str] = []
    lock = threading.Lock()
    stall = 0.0
    done = asyncio.Event()

    async def watch_loop() -> None:
        """Tick every millisecond; a late tick is time the loop was blocked."""
        nonlocal stall
        tick = 0.001
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(tick)
            stall = max(stall, time.perf_counter() - before - tick)

    async def main() -> None:
        import httpx

        # httpx loads its async backend (anyio, httpcore's async pool) on the first async request: one
        # unauthenticated request first, so the stall below is the client's own and not that one-time import.
        async with httpx.AsyncClient() as warm_up:
            await warm_up.get(base_url + "/v1/accounts/warm-up")
        get = _async_get(kind, base_url, client_id, secret)  # building a client is not part of the stall
        url = base_url + ACCOUNT_PATH
        watcher = asyncio.create_task(watch_loop())
        await asyncio.sleep(0)

        async def one() -> None:
            try:
                response = await get(url)
            except Exception as exc:
                _record(outcome, errors, lock, None, exc)
            else:
                _record(outcome, errors, lock, response, None)

        await asyncio.gather(*(one() for _ in range(count)))
        done.set()
        await watcher

    asyncio.run(main())
    return outcome, errors, stall


def main() -> int:
    mode, kind, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    start = time.perf_counter()
    stall = None
    if mode == "threads":
        outcome, errors = run_threads(kind, count)
    else:
        outcome, errors, stall = run_tasks(kind, count)
    ok = sum(number for status, number in outcome.items() if status.startswith("2"))
    result = {"ok": ok, "statuses": dict(outcome), "errors": errors, "wall": time.perf_counter() - start}
    if stall is not None:
        result["stall_ms"] = stall * 1000
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
