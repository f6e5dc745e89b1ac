"""Soak: many threads and asyncio tasks authenticate through one ZuoraAuth while tokens expire and get revoked.

    .venv/bin/python bench/soak.py              # 60 s (make soak)
    .venv/bin/python bench/soak.py --short      # 8 s, as CI runs it (tests/test_soak_short.py)

A FakeZuora runs in a child process (its own interpreter, so the server does not compete with the clients for
one GIL) with tokens that live ``--lifetime`` seconds (4), and a thread there revokes a live token every
``--revoke-every`` seconds (2) times a jitter in [0.5, 1.5], in turn the token in use and a random older one still
alive. Revocations about as often as refreshes: some tokens are revoked in use, some reach their refresh age first,
some are revoked after being replaced (with a revocation every second or faster, no token would reach its refresh
age and expiry handling would go untested).

In this process, ``--threads`` threads and ``--tasks`` asyncio tasks, each with its own ``httpx.Client`` /
``httpx.AsyncClient``, call ``GET /v1/accounts/...`` until the deadline, pausing ``--think`` seconds on average
between calls, all through the same ZuoraAuth. The fake counts what the clients sent; this script prints a
markdown table and exits 1 if any request failed (not 200 after ZuoraAuth's one replay, unless the replay carried
a new token that the revoker revoked too while it travelled, which the server confirms: on a loaded machine a replay
can take longer than revocations are apart), any request carried an expired or unknown token, or the number of
token requests is far from what the refresh design predicts.

Why paced, and why one AsyncClient per task: the soak checks the token lifecycle under sustained concurrency, not
peak throughput (``make bench`` measures that). Saturating two cores drives latencies towards a second, which
is the whole margin between a 4-second token's last use (its mandatory refresh, L/4 before expiry) and its
expiry, and about the time between two revocations, so requests would be late for reasons no client controls.
And 200 tasks sharing one httpx.AsyncClient queue in its connection pool for seconds (httpx issue #3215: the
async pool degrades with concurrency), so each task has its own client, as each thread has.

Expected token requests: a token of lifetime L is refreshed when its advisory window opens, min(300, L/2) before
expiry, i.e. at L/2 of age; a revocation of the token in use makes the next request get a 401, which refreshes it
at once (compare-and-invalidate: one refresh however many requests saw the 401) and restarts that clock.
Revoking an older, still unexpired token costs a replay but no refresh. So, from the revocation times the fake
reports: 1 + (revocations of the current token) + (the L/2 periods that passed between them).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import ssl
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import httpx

from zuora_oauth.auth import ZuoraAuth
from zuora_oauth.testing import FakeZuora

SHORT_SECONDS = 8.0
DEFAULT_SECONDS = 60.0
#: One TLS context for every client: building one per client loads the CA bundle each time (about 20 ms).
_TLS = ssl.create_default_context()


# -- the server side (child process) ------------------------------------------------------------------------------


def serve(pipe: Connection, lifetime: float, revoke_every: float, seed: int) -> None:
    """Run FakeZuora and the revoker until told to stop, then report what the fake counted."""
    rng = random.Random(seed)
    revocations: list[tuple[float, bool]] = []  # (seconds since start, was it the newest token)
    stop = threading.Event()
    with FakeZuora(expires_in=lifetime) as fake:
        pipe.send((fake.base_url, fake.client_id, fake.client_secret))
        pipe.recv()  # "go"
        started = time.monotonic()

        def revoke() -> None:
            """Every other revocation hits the token in use; the others a random older token still alive, if any."""
            while not stop.wait(revoke_every * rng.uniform(0.5, 1.5)):
                now = time.monotonic()
                issued = fake.issued_tokens
                live = [token for token in issued if _alive(fake, token, now) and token not in revoked]
                older = [token for token in live if token != issued[-1]]
                if not live:
                    continue
                token = rng.choice(older) if older and len(revocations) % 2 else live[-1]
                fake.revoke(token)
                revoked.add(token)
                revocations.append((now - started, token == issued[-1]))

        revoked: set[str] = set()
        revoker = threading.Thread(target=revoke, name="revoker", daemon=True)
        revoker.start()
        _, revoked_twice = pipe.recv()  # ("stop", the replays answered 401 again)
        stop.set()
        revoker.join()
        # A second 401 is the revoker's doing when the replay carried another token that the revoker revoked too.
        explained = sum(1 for first, replay in revoked_twice if replay != first and replay in revoked)
        pipe.send(
            {
                "token_requests": fake.token_requests,
                "issued": len(fake.issued_tokens),
                "requests": len(fake.requests) - fake.token_requests,
                "expired_token_uses": fake.expired_token_uses,
                "revoked_token_uses": fake.revoked_token_uses,
                "unknown_token_uses": fake.unknown_token_uses,
                "handler_errors": len(fake.handler_errors),
                "revocations": revocations,
                "revoked_twice": len(revoked_twice),
                "revoked_twice_explained": explained,
                "elapsed": time.monotonic() - started,
            }
        )


def _alive(fake: FakeZuora, token: str, now: float) -> bool:
    info = fake.token_info(token)
    return info is not None and info.expires_at > now


# -- the client side ----------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one kind of worker saw; merged under a lock by the threads."""

    requests: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    #: Replays answered 401 again: (the refused token, the token of the replay). Not a failure of ZuoraAuth when the
    #: replay's token was another one and the revoker revoked it too while the replay was on its way (the server
    #: checks that), which a loaded machine makes likely: replays then take longer than revocations are apart.
    revoked_twice: list[tuple[str, str]] = field(default_factory=list)

    def record(self, outcome: httpx.Response | str, seconds: float, sent: list[str]) -> None:
        """``sent``: the token of each request the call sent (a request event hook), the replay's second."""
        self.requests += 1
        self.latencies.append(seconds)
        if isinstance(outcome, str):
            self.failures[outcome] += 1
        elif outcome.status_code == 401 and len(sent) == 2:
            self.revoked_twice.append((sent[0], sent[1]))
        elif outcome.status_code != 200:
            self.failures[str(outcome.status_code)] += 1

    def add(self, other: Tally) -> None:
        self.requests += other.requests
        self.failures.update(other.failures)
        self.latencies += other.latencies
        self.revoked_twice += other.revoked_twice


def _token(request: httpx.Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ")


def _recorder(sent: list[str]) -> Callable[[httpx.Request], None]:
    return lambda request: sent.append(_token(request))


def _async_recorder(sent: list[str]) -> Callable[[httpx.Request], Awaitable[None]]:
    async def record(request: httpx.Request) -> None:
        sent.append(_token(request))

    return record


def thread_worker(
    auth: ZuoraAuth, settings: argparse.Namespace, number: int, into: Tally, lock: threading.Lock
) -> None:
    """One thread: its own httpx.Client with the shared ZuoraAuth, a call after each pause until the deadline."""
    mine, pause, sent = Tally(), random.Random(number).uniform, []
    hooks = {"request": [_recorder(sent)]}
    with httpx.Client(base_url=settings.base_url, auth=auth, timeout=30, verify=_TLS, event_hooks=hooks) as http:
        while time.monotonic() < settings.deadline:
            time.sleep(pause(0, 2 * settings.think))
            sent.clear()
            started = time.perf_counter()
            try:
                outcome: httpx.Response | str = http.get(f"/v1/accounts/T{number:03d}-{mine.requests:08d}")
            except Exception as error:  # an ApiError raised by a failed refresh, or a transport error
                outcome = type(error).__name__
            mine.record(outcome, time.perf_counter() - started, sent)
    with lock:
        into.add(mine)


async def async_workers(auth: ZuoraAuth, settings: argparse.Namespace) -> Tally:
    """The asyncio tasks, each with its own httpx.AsyncClient and the shared ZuoraAuth."""
    tally = Tally()

    async def worker(number: int) -> None:
        pause, sent = random.Random(-1 - number).uniform, []
        hooks = {"request": [_async_recorder(sent)]}
        async with httpx.AsyncClient(
            base_url=settings.base_url, auth=auth, timeout=30, verify=_TLS, event_hooks=hooks
        ) as http:
            while time.monotonic() < settings.deadline:
                await asyncio.sleep(pause(0, 2 * settings.think))
                sent.clear()
                started = time.perf_counter()
                try:
                    outcome: httpx.Response | str = await http.get(f"/v1/accounts/A{number:03d}-{tally.requests:08d}")
                except Exception as error:
                    outcome = type(error).__name__
                tally.record(outcome, time.perf_counter() - started, sent)

    await asyncio.gather(*(worker(number) for number in range(settings.tasks)))
    return tally


def expected_token_requests(
    revocations: list[tuple[float, bool]], duration: float, lifetime: float
) -> tuple[int, int, int]:
    """(first token, refreshes after a revocation of the token in use, refreshes at L/2 of age): see the docstring."""
    refresh_age = lifetime - min(300.0, lifetime / 2)
    aged, revoked, issued = 0, 0, 0.0
    for at in [*sorted(at for at, current in revocations if current), duration]:
        while issued + refresh_age < at:
            issued += refresh_age
            aged += 1
        if at < duration:
            issued = at
            revoked += 1
    return 1, revoked, aged


@dataclass
class Result:
    duration: float
    threads: Tally
    tasks: Tally
    server: dict[str, Any]
    model: tuple[int, int, int]
    args: argparse.Namespace

    @property
    def expected(self) -> int:
        return sum(self.model)

    @property
    def failed(self) -> int:
        """Requests that failed through ZuoraAuth's fault: all but the replays the revoker refused again."""
        unexplained = self.server["revoked_twice"] - self.server["revoked_twice_explained"]
        return sum(self.threads.failures.values()) + sum(self.tasks.failures.values()) + unexplained

    @property
    def total(self) -> int:
        return self.threads.requests + self.tasks.requests

    def problems(self) -> list[str]:
        found = []
        if self.failed:
            found.append(f"{self.failed} failed requests")
        for key in ("expired_token_uses", "unknown_token_uses", "handler_errors"):
            if self.server[key]:
                found.append(f"{self.server[key]} {key.replace('_', ' ')}")
        observed, expected = self.server["token_requests"], self.expected
        if not expected * 0.5 - 2 <= observed <= expected * 1.5 + 2:
            found.append(f"{observed} token requests where about {expected} were expected")
        # Every request that met a revoked token was replayed once, except the replays refused again.
        if self.server["requests"] != self.total + self.server["revoked_token_uses"] - self.server["revoked_twice"]:
            found.append("the fake counted a different number of requests than the clients sent")
        return found

    def table(self) -> str:
        latencies = sorted(self.threads.latencies + self.tasks.latencies)
        revocations = self.server["revocations"]
        current = sum(1 for _, newest in revocations if newest)
        lifetime = self.args.lifetime
        rows = [
            ("duration", f"{self.duration:.1f} s"),
            (
                "clients",
                f"{self.args.threads} threads + {self.args.tasks} asyncio tasks, each with its own httpx client, "
                f"one ZuoraAuth; {self.args.think * 1000:g} ms mean pause between calls",
            ),
            ("token lifetime (expires_in)", f"{lifetime:g} s (refreshed at {lifetime - min(300, lifetime / 2):g} s)"),
            (
                "revocations",
                f"{len(revocations)} ({current} of the token in use), every "
                f"{self.args.revoke_every * 0.5:g}-{self.args.revoke_every * 1.5:g} s",
            ),
            ("requests", f"{self.total} ({self.threads.requests} threads, {self.tasks.requests} tasks)"),
            ("throughput", f"{self.total / self.duration:.0f} requests/s"),
            (
                "failed requests",
                f"{self.failed}" + (f" {dict(self.threads.failures + self.tasks.failures)}" if self.failed else ""),
            ),
            (
                "replays answered 401 again (the revoker revoked the new token too)",
                f"{self.server['revoked_twice_explained']} of {self.server['revoked_twice']}",
            ),
            ("requests with an expired token", f"{self.server['expired_token_uses']}"),
            ("requests with an unknown token", f"{self.server['unknown_token_uses']}"),
            ("requests with a revoked token (401, replayed)", f"{self.server['revoked_token_uses']}"),
            ("token requests", f"{self.server['token_requests']}"),
            (
                "token requests expected",
                f"{self.expected} (1 first, {self.model[1]} after revocations, {self.model[2]} at "
                f"{lifetime - min(300, lifetime / 2):g} s of age)",
            ),
            ("duration / (lifetime / 2)", f"{self.duration / (lifetime / 2):.1f}"),
            ("latency p50 / p99 / max", " / ".join(f"{value * 1000:.1f} ms" for value in _percentiles(latencies))),
        ]
        lines = ["| soak | result |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
        return "\n".join(lines)


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98], values[-1]


def run(args: argparse.Namespace) -> Result:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(child, args.lifetime, args.revoke_every, args.seed), daemon=True)
    server.start()
    try:
        args.base_url, client_id, client_secret = parent.recv()
        with ZuoraAuth(client_id, client_secret, base_url=args.base_url) as auth:
            threads_tally, lock = Tally(), threading.Lock()
            parent.send("go")
            started = time.monotonic()
            args.deadline = started + args.duration
            threads = [
                threading.Thread(target=thread_worker, args=(auth, args, number, threads_tally, lock))
                for number in range(args.threads)
            ]
            for thread in threads:
                thread.start()
            tasks_tally = asyncio.run(async_workers(auth, args))
            for thread in threads:
                thread.join()
            duration = time.monotonic() - started
        parent.send(("stop", threads_tally.revoked_twice + tasks_tally.revoked_twice))
        stats = parent.recv()
    finally:
        server.join(timeout=30)
        if server.is_alive():
            server.terminate()
    model = expected_token_requests(stats["revocations"], stats["elapsed"], args.lifetime)
    return Result(duration, threads_tally, tasks_tally, stats, model, args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, help=f"seconds (default {DEFAULT_SECONDS:g}, --short {SHORT_SECONDS:g})"
    )
    parser.add_argument("--short", action="store_true", help="the short run CI makes")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--lifetime", type=float, default=4.0, help="expires_in of the tokens, seconds")
    parser.add_argument("--revoke-every", type=float, default=2.0, help="mean seconds between revocations")
    parser.add_argument("--think", type=float, default=0.2, help="mean seconds each worker pauses between calls")
    parser.add_argument("--seed", type=int, default=20251130)
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = SHORT_SECONDS if args.short else DEFAULT_SECONDS

    result = run(args)
    print(result.table())
    problems = result.problems()
    print()
    print("FAILED: " + "; ".join(problems) if problems else "OK: no failed request, no expired or unknown token")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
