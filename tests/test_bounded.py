"""Bounded in memory and in time against hostile servers (issue 10, items 7 and 8), over real loopback sockets.

7. A body is read up to a cap, then the call raises: MalformedResponseError for a 2xx, the status's own class
   otherwise. Token answers are read up to 1 MiB; other operations up to ``Client(max_response_bytes=...)``
   (64 MiB by default). The memory proof runs in a subprocess against a server that sends an endless chunked
   body (it stops after 600 MB, so that an unbounded client ends too), and reads the subprocess's peak RSS.
8. Every call has a deadline covering connects, reads, retries and back-off (``Client(deadline=...)``,
   ``ZuoraAuth(deadline=...)``): a server dripping one byte every 0.5 s, each byte well inside the read timeout,
   cannot stretch a call past it. Bounds are the deadline plus generous slack, never a sub-second margin.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests._token_paths import CLIENT_ID, PATHS, sync_api
from tests.conftest import CANARY_SECRET
from tests.rawhttp import RawConnection, RawHttpServer, answer_once
from zuora_oauth import (
    ApiError,
    ApiTimeoutError,
    Client,
    MalformedResponseError,
    ServerError,
    runtime,
)
from zuora_oauth.auth import ZuoraAuth

MIB = 1024 * 1024
#: The caps the README documents.
TOKEN_CAP = MIB
DEFAULT_CAP = 64 * MIB
#: Slack on every time bound: they prove a call cannot hang, not how fast a machine is.
SLACK = 3.0

# -- servers -----------------------------------------------------------------------------------------------------


class Endless:
    """Answers every request with ``status`` and a chunked body that goes on until ``limit`` bytes (then drops).

    ``sent`` is the most one connection managed to write before the client left.
    """

    def __init__(self, status: int, limit: int = 64 * MIB) -> None:
        self.status = status
        self.limit = limit
        self.sent = 0
        self._lock = threading.Lock()

    def __call__(self, connection: RawConnection) -> None:
        if connection.read_request() is None:
            return
        head = b"HTTP/1.1 %d Whatever\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        data = b"a" * 65536
        piece = b"%x\r\n%s\r\n" % (len(data), data)
        opening = b'{"access_token": "'
        sent = 0
        if connection.send(head % self.status + b"%x\r\n%s\r\n" % (len(opening), opening)):
            while sent < self.limit and connection.send(piece):
                sent += len(piece)
        with self._lock:
            self.sent = max(self.sent, sent)
        connection.close()


def drip(head: bytes, body: bytes) -> Callable[[RawConnection], None]:
    """Send ``head`` at once, then ``body`` one byte every 0.5 s: each byte well inside any read timeout."""

    def handler(connection: RawConnection) -> None:
        if connection.read_request() is None or not connection.send(head):
            return
        for byte in body:
            connection.hold(0.5)
            if connection._server.stopping.is_set() or not connection.send(bytes([byte])):
                return

    return handler


TOKEN_BODY = b'{"access_token":"c652cbc0ea384b9f81856a93a2a74538","token_type":"bearer","expires_in":3599}'
#: A complete answer, whose body comes one byte every 0.5 s (46 s in all).
BODY_DRIP = drip(
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(TOKEN_BODY), TOKEN_BODY
)
#: The same answer with its status line and headers dripped too.
HEAD_DRIP = drip(b"", b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(TOKEN_BODY) + TOKEN_BODY)


@pytest.fixture
def raw() -> Iterator[RawHttpServer]:
    with RawHttpServer() as server:
        yield server


# -- the token paths ---------------------------------------------------------------------------------------------


def on_every_path(names: tuple[str, ...], call: Callable[[Callable[..., Any]], Any]) -> dict[str, tuple[Any, float]]:
    """``call(path)`` for each named path at once, each in its own thread: (the result or ApiError, seconds)."""
    results: dict[str, tuple[Any, float]] = {}

    def run(name: str) -> None:
        started = time.monotonic()
        try:
            result: Any = call(PATHS[name])
        except ApiError as error:
            result = error
        except BaseException as error:  # reported below
            result = AssertionError(f"{type(error).__name__} escaped: {error!r}")
        results[name] = (result, time.monotonic() - started)

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(results) == set(names), "a path did not finish"
    for name, (result, _) in results.items():
        assert not isinstance(result, AssertionError), f"{name}: {result}"
    return results


# -- 7. bodies are read up to a cap ------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "error_type"), [(200, MalformedResponseError), (503, ServerError)])
def test_an_endless_token_answer_is_cut_at_1_mib_with_the_typed_error(
    raw: RawHttpServer, status: int, error_type: type[ApiError]
) -> None:
    endless = Endless(status)
    raw.handler = endless
    outcomes = on_every_path(tuple(PATHS), lambda path: path(raw.base_url, max_retries=0))

    for name, (error, _) in outcomes.items():
        assert type(error) is error_type and error.code == status, f"{name}: {error!r}"
        assert f"larger than {TOKEN_CAP} bytes" in error.message, name
        assert error.response_body == ""  # nothing of the oversized body is kept
    assert raw.requests == 4  # not retried: max_retries=0
    assert endless.sent < 16 * MIB  # each client stopped reading soon after the cap (the rest: socket buffers)


def _answer_of(size: int, status: int = 200) -> bytes:
    body = json.dumps({"access_token": "c652cbc0ea384b9f81856a93a2a74538", "padding": "x" * size}).encode()
    return (
        b"HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
        % (status, len(body))
        + body
    )


EXPORT = runtime.Operation("GET", "/v1/export", lambda: {"method": "get", "url": "/v1/export"}, lambda a: a.json())


def test_other_operations_read_up_to_the_clients_max_response_bytes(raw: RawHttpServer) -> None:
    raw.handler = answer_once(_answer_of(2 * MIB))
    with Client(base_url=raw.base_url, max_retries=0) as client:
        assert client.max_response_bytes == DEFAULT_CAP
        _, parsed = runtime.send(client, EXPORT.build(), EXPORT)  # 2 MiB: more than a token answer may be
    assert len(parsed["padding"]) == 2 * MIB

    with Client(base_url=raw.base_url, max_retries=0, max_response_bytes=MIB) as client:
        with pytest.raises(MalformedResponseError, match=f"larger than {MIB} bytes"):
            runtime.send(client, EXPORT.build(), EXPORT)

    async def run() -> None:
        async with Client(base_url=raw.base_url, max_retries=0, max_response_bytes=MIB) as client:
            with pytest.raises(MalformedResponseError, match=f"larger than {MIB} bytes"):
                await runtime.asend(client, EXPORT.build(), EXPORT)

    asyncio.run(run())


def test_a_smaller_cap_applies_to_the_token_request_too(raw: RawHttpServer) -> None:
    raw.handler = answer_once(_answer_of(20_000))
    assert sync_api(raw.base_url, max_response_bytes=30_000).access_token.startswith("c652")
    with pytest.raises(MalformedResponseError, match="larger than 10000 bytes"):
        sync_api(raw.base_url, max_response_bytes=10_000)


#: Run in a subprocess: one call against the endless server; prints what it raised, when, and the peak RSS.
MEMORY_PROBE = """
import json, resource, sys, time
from zuora_oauth import ApiError, Client, OAuthApi, runtime

base_url, kind = sys.argv[1], sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # an unbounded client fails here, not the machine
export = runtime.Operation("GET", "/v1/export", lambda: {"method": "get", "url": "/v1/export"}, lambda a: a.json())
started = time.monotonic()
try:
    with Client(base_url=base_url, max_retries=0, timeout=30) as client:
        if kind == "token":
            OAuthApi(client).create_token("id", "not-the-canary-secret")
        else:
            runtime.send(client, export.build(), export)
    outcome = "no error"
except ApiError as error:
    outcome = type(error).__name__ + ": " + str(error)
except MemoryError:
    outcome = "MemoryError"
seconds = time.monotonic() - started
# getrusage's ru_maxrss carries the high-water mark of the process that forked this one (Linux keeps it across
# exec): the peak of this process alone is VmHWM, where the kernel has it.
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    pass
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mib": peak}))
"""


@pytest.mark.parametrize(("kind", "cap"), [("token", TOKEN_CAP), ("operation", DEFAULT_CAP)])
def test_an_endless_body_keeps_the_process_memory_bounded(raw: RawHttpServer, kind: str, cap: int) -> None:
    raw.handler = Endless(200, limit=600 * 1000 * 1000)
    command = [sys.executable, "-c", MEMORY_PROBE, raw.base_url, kind]
    process = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-2000:]
    result = json.loads(process.stdout)

    assert result["outcome"].startswith("MalformedResponseError") and f"larger than {cap} bytes" in result["outcome"]
    assert result["peak_mib"] < 200, result
    assert result["seconds"] < 60, result
    seconds, peak = result["seconds"], result["peak_mib"]
    print(f"endless body, {kind}: {result['outcome']!r} after {seconds:.2f} s, peak {peak:.0f} MiB")


# -- 8. every call has a deadline --------------------------------------------------------------------------------


def test_a_body_dripped_byte_by_byte_cannot_outlive_the_deadline(raw: RawHttpServer) -> None:
    raw.handler = BODY_DRIP
    outcomes = on_every_path(tuple(PATHS), lambda path: path(raw.base_url, deadline=3, timeout=1, max_retries=2))

    for name, (error, seconds) in outcomes.items():
        assert type(error) is ApiTimeoutError and error.code == 0, f"{name}: {error!r}"
        assert "deadline of 3 s" in error.message, name
        assert seconds < 3 + SLACK, f"{name}: {seconds:.1f} s"
    assert raw.requests == 4  # no retry once the deadline has passed


def test_a_call_is_cut_at_the_deadline_even_while_the_status_line_and_headers_drip(raw: RawHttpServer) -> None:
    """Synchronous calls too: every socket read of a call waits at most for what is left of its deadline."""
    raw.handler = HEAD_DRIP
    outcomes = on_every_path(tuple(PATHS), lambda path: path(raw.base_url, deadline=3, timeout=1, max_retries=2))

    for name, (error, seconds) in outcomes.items():
        assert type(error) is ApiTimeoutError, f"{name}: {error!r}"
        assert "deadline of 3 s" in error.message, name
        assert seconds < 3 + SLACK, f"{name}: {seconds:.1f} s"


def test_retries_and_their_back_off_stay_within_the_deadline(raw: RawHttpServer) -> None:
    """A retry whose wait would end past the deadline is not made: the last error is raised at once."""
    raw.handler = answer_once(
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    outcomes = on_every_path(tuple(PATHS), lambda path: path(raw.base_url, deadline=3, max_retries=5))

    for name, (error, seconds) in outcomes.items():
        assert type(error) is ServerError and error.code == 503, f"{name}: {error!r}"
        assert 2 <= seconds < 3 + SLACK, f"{name}: {seconds:.1f} s"  # one wait of 2 s; the second would pass 3 s
    assert raw.requests == 8  # 2 attempts per path, not 6


def test_other_requests_through_the_same_pool_keep_their_own_timeouts(raw: RawHttpServer) -> None:
    """The deadline holds for the SDK's calls only: a request of the caller's own through the httpx client it gave
    ZuoraAuth may take longer than ZuoraAuth's deadline."""

    def answer(connection: RawConnection) -> None:
        while (request := connection.read_request()) is not None:
            if b"/oauth/token" not in request.split(b"\r\n", 1)[0]:
                connection.hold(2.5)  # a slow resource: longer than the 1 s deadline of the token requests
            body = TOKEN_BODY
            connection.send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    raw.handler = answer
    with httpx.Client(base_url=raw.base_url, timeout=10) as http:
        auth = ZuoraAuth(CLIENT_ID, CANARY_SECRET, base_url=raw.base_url, deadline=1, http_client=http)
        assert auth.get_token().startswith("c652")
        assert http.get("/v1/slow").status_code == 200


def test_the_deadline_is_on_by_default() -> None:
    assert Client(base_url="https://rest.zuora.com").deadline == 120.0
