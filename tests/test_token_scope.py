"""Where the token goes and who gets it: only the Zuora origin it was issued for (issue 10, items 2 and 4), only
holders of the same secret share it through a store (item 6), and a wrong secret cannot hammer the token endpoint
(item 9). Real sockets (FakeZuora, a raw recording server), real worker processes and a real redis-server."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests._fleet_worker import SECRET_VARIABLE, token_digest
from tests._redis_server import RedisServer
from tests._scope_worker import hammer
from tests.conftest import CANARY_SECRET
from tests.rawhttp import RawConnection, RawHttpServer
from zuora_oauth import ApiError, AuthenticationError, InvalidRequestError, PermissionDeniedError, ZuoraAuth
from zuora_oauth.testing import FakeZuora

ROOT = Path(__file__).resolve().parent.parent

#: A secret FakeZuora refuses (the fleet's is the canary secret).
WRONG_SECRET = "wrong+secret/for-this-client-0123456="

ENTITY = "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"

#: Token requests 32 threads may make in 5 s with a wrong secret: the back-off after the n-th refusal in a row is
#: 2^(n-1) s (1, 2, 4...), so the requests go out at 0 s, >= 1 s, >= 3 s, and the next not before 7 s.
MAX_REFUSED_REQUESTS_IN_5_S = 3


def make_auth(fake: FakeZuora, secret: str = CANARY_SECRET, **options: Any) -> ZuoraAuth:
    return ZuoraAuth(fake.client_id, secret, base_url=fake.base_url, **options)


@pytest.fixture
def other() -> Iterator[FakeZuora]:
    """A second server on another port: another origin, which must never see the first one's token."""
    with FakeZuora(client_secret=CANARY_SECRET) as server:
        yield server


class Recorder:
    """A raw server that answers every request 200 and keeps the request heads (to look for headers)."""

    def __init__(self) -> None:
        self.heads: list[str] = []
        self._lock = threading.Lock()
        self.server = RawHttpServer(self._handle)

    def _handle(self, connection: RawConnection) -> None:
        request = connection.read_request()
        if request is not None:
            with self._lock:
                self.heads.append(request.partition(b"\r\n\r\n")[0].decode("latin-1").lower())
            connection.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        connection.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recording = Recorder()
    with recording.server:
        yield recording


def origin_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "without the Zuora OAuth token" in r.getMessage()]


def send(auth: ZuoraAuth, flavour: str, urls: list[str], **client: Any) -> list[httpx.Response]:
    """GET each URL through one httpx client (sync or async) authenticated by ``auth``."""
    if flavour == "sync":
        with httpx.Client(auth=auth, **client) as http:
            return [http.get(url) for url in urls]

    async def main() -> list[httpx.Response]:
        async with httpx.AsyncClient(auth=auth, **client) as http:
            return [await http.get(url) for url in urls]

    return asyncio.run(main())


# -- item 4: the token goes to its own origin only -------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_requests_to_another_origin_go_out_without_the_token(
    fake: FakeZuora, other: FakeZuora, recorder: Recorder, caplog: pytest.LogCaptureFixture, flavour: str
) -> None:
    caplog.set_level(logging.WARNING, logger="zuora_oauth")
    auth = make_auth(fake, entity_ids=ENTITY, track_id="trace-7")
    third = recorder.server.base_url + "/v1/accounts/C"
    urls = [fake.base_url + "/v1/accounts/A", other.base_url + "/v1/accounts/B", other.base_url + "/v1/x", third]
    responses = send(auth, flavour, urls)

    assert [r.status_code for r in responses] == [200, 401, 401, 200]  # the other Zuora-like server: no token, 401
    assert fake.requests[-1].authorization_present
    assert [r.authorization_present for r in other.requests] == [False, False]
    for recorded in other.requests:
        assert "zuora-entity-ids" not in recorded.headers and "zuora-track-id" not in recorded.headers
    assert "authorization" not in recorder.heads[0] and "zuora-entity-ids" not in recorder.heads[0]
    assert fake.token_requests == 1  # their 401s did not make the token look refused
    warned = origin_warnings(caplog)
    assert len(warned) == 2  # once per origin
    assert other.base_url in warned[0] and recorder.server.base_url in warned[1]
    assert all(fake.base_url in text and fake.issued_tokens[0] not in text for text in warned)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_extra_origins_get_the_token_and_the_zuora_headers(
    fake: FakeZuora, recorder: Recorder, caplog: pytest.LogCaptureFixture, flavour: str
) -> None:
    caplog.set_level(logging.WARNING, logger="zuora_oauth")
    auth = make_auth(fake, entity_ids=ENTITY, extra_origins=[recorder.server.base_url + "/"])
    responses = send(auth, flavour, [recorder.server.base_url + "/v1/accounts/A"])

    assert [r.status_code for r in responses] == [200]
    head = recorder.heads[0]
    assert f"authorization: bearer {fake.issued_tokens[0]}" in head
    assert f"zuora-entity-ids: {ENTITY}" in head
    assert origin_warnings(caplog) == []


@pytest.mark.parametrize(
    "extra",
    [
        "https://rest.test.zuora.com",  # a bare string, not a list of origins
        ["https://rest.test.zuora.com/v1"],  # a path
        ["https://user:pw@rest.test.zuora.com"],  # credentials
        ["https://rest.test.zuora.com?x=1"],
        ["http://rest.test.zuora.com"],  # plain http to a remote host would expose the token
        ["ftp://rest.test.zuora.com"],
        ["not a url"],
        [5],
    ],
)
def test_extra_origins_are_checked(extra: object) -> None:
    with pytest.raises(InvalidRequestError):
        ZuoraAuth("id", CANARY_SECRET, extra_origins=extra)  # type: ignore[arg-type]


def test_the_port_and_the_scheme_are_part_of_the_origin() -> None:
    auth = ZuoraAuth("id", CANARY_SECRET, extra_origins=["https://rest.test.zuora.com"])
    allowed = ["https://rest.zuora.com/v1/x", "https://rest.zuora.com:443/v1/x", "https://REST.test.zuora.com/v1"]
    refused = ["http://rest.zuora.com/v1/x", "https://rest.zuora.com:8443/v1/x", "https://rest.zuora.com.evil.io/"]
    assert [auth._allows(httpx.URL(url)) for url in allowed] == [True] * 3
    assert [auth._allows(httpx.URL(url)) for url in refused] == [False] * 3


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_redirect_to_another_origin_carries_no_token_and_its_401_leaves_the_token_alone(
    fake: FakeZuora, other: FakeZuora, flavour: str
) -> None:
    """httpx follows redirects below the auth flow (which never sees the redirected request) and drops
    Authorization across origins; the flow must not take the other origin's 401 for a refusal of the token."""
    fake.enqueue(status=307, headers={"Location": other.base_url + "/v1/accounts/B"}, path="/v1/accounts/A")
    auth = make_auth(fake)
    responses = send(auth, flavour, [fake.base_url + "/v1/accounts/A"], follow_redirects=True)

    assert [r.status_code for r in responses] == [401]  # the other origin's answer, returned as it is
    assert str(responses[0].request.url) == other.base_url + "/v1/accounts/B"
    assert [r.authorization_present for r in other.requests] == [False]
    assert fake.token_requests == 1  # not invalidated, not refreshed...
    assert len([r for r in fake.requests if r.path == "/v1/accounts/A"]) == 1  # ...and not replayed
    assert auth.get_token() == fake.issued_tokens[0]


# -- item 6: a store shares the token only between holders of the same secret -----------------------------------


def run_workers(
    directory: Path,
    fake: FakeZuora,
    secret: str,
    store: dict[str, Any],
    *,
    count: int = 1,
    mode: str = "one",
    threads: int = 1,
    seconds: float = 0.0,
) -> list[dict[str, Any]]:
    """Start ``count`` worker processes (tests/_scope_worker.py), release them together, return their reports."""
    directory.mkdir(parents=True, exist_ok=True)
    go = directory / "go"
    spec: dict[str, Any] = {"base_url": fake.base_url, "client_id": fake.client_id, "store": store, "go": str(go)}
    spec |= {"mode": mode, "threads": threads, "seconds": seconds}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests._scope_worker", json.dumps({**spec, "ready": str(directory / f"ready-{i}")})],
            cwd=ROOT,
            env={**os.environ, SECRET_VARIABLE: secret},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(count)
    ]
    try:
        deadline = time.monotonic() + 90
        while not all((directory / f"ready-{i}").exists() for i in range(count)):
            assert all(process.poll() is None for process in processes), "a worker exited before it was ready"
            assert time.monotonic() < deadline, "the workers were not ready in time"
            time.sleep(0.01)
        go.touch()
        reports = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
            reports.append(json.loads(stdout))
        return reports
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()


@pytest.fixture(params=["file", "redis"])
def shared_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The spec of a shared store for worker processes: a private directory (outside ``tmp_path``, whose files the
    secret canary searches for tokens) or a redis-server of the test's own."""
    if request.param == "file":
        yield {"kind": "file", "directory": str(tmp_path_factory.mktemp("token-store"))}
        return
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield {"kind": "redis", "url": server.url}


def test_another_secret_never_gets_the_fleets_token(
    fake: FakeZuora, shared_store: dict[str, Any], tmp_path: Path
) -> None:
    [first] = run_workers(tmp_path / "first", fake, CANARY_SECRET, shared_store)
    assert first == {"token": token_digest(fake.issued_tokens[0])} and fake.token_requests == 1

    [wrong] = run_workers(tmp_path / "wrong", fake, WRONG_SECRET, shared_store)
    assert wrong == {"error": "AuthenticationError", "code": 401}  # asked Zuora itself, and was refused
    assert fake.token_requests == 2

    [same] = run_workers(tmp_path / "same", fake, CANARY_SECRET, shared_store)
    assert same == first and fake.token_requests == 2  # the same secret still shares the token


def test_the_store_key_depends_on_the_secret_but_never_shows_it() -> None:
    from zuora_oauth.stores import store_key

    one = store_key("https://rest.zuora.com", "id", None, None, client_secret=CANARY_SECRET)
    assert one == store_key("https://rest.zuora.com/", "id", None, None, client_secret=CANARY_SECRET)
    assert one != store_key("https://rest.zuora.com", "id", None, None, client_secret=WRONG_SECRET)
    assert len(one) == 64 and CANARY_SECRET not in one


# -- item 9: a wrong secret backs off, per process and per fleet ---------------------------------------------------


def test_32_threads_with_a_wrong_secret_make_a_handful_of_token_requests_in_5_s(
    fake: FakeZuora, caplog: pytest.LogCaptureFixture
) -> None:
    auth = make_auth(fake, secret=WRONG_SECRET)
    outcomes = hammer(auth, threads=32, seconds=5.0)

    assert set(outcomes) == {"AuthenticationError 401"}  # every call, every caller: the typed error
    assert outcomes["AuthenticationError 401"] > 1000  # callers were not held up: the error came at once
    assert 2 <= fake.token_requests <= MAX_REFUSED_REQUESTS_IN_5_S
    gaps = [b.at - a.at for a, b in zip(fake.token_request_log, fake.token_request_log[1:], strict=False)]
    assert gaps[0] >= 1.0 and all(gap >= 2.0 for gap in gaps[1:])
    refused = [r.getMessage() for r in caplog.records if "refused the client credentials" in r.getMessage()]
    assert len(refused) == fake.token_requests


@pytest.mark.parametrize(("status", "error_type"), [(401, AuthenticationError), (403, PermissionDeniedError)])
def test_the_back_off_doubles_while_refusals_repeat_and_a_success_resets_it(
    fake: FakeZuora, status: int, error_type: type[ApiError]
) -> None:
    fake.enqueue(status=status, body={"code": 90000011, "message": "refused"}, times=2)
    auth = make_auth(fake)

    def next_outcome() -> ApiError | str:
        try:
            return auth.get_token()
        except ApiError as error:
            return error

    first = next_outcome()
    assert isinstance(first, error_type) and first.message == "refused"
    again = next_outcome()  # within the back-off: the same error, no request
    assert type(again) is error_type and str(again) == str(first) and again is not first
    assert fake.token_requests == 1

    deadline = time.monotonic() + 30
    outcomes = []
    while fake.token_requests < 3 and time.monotonic() < deadline:
        outcomes.append(next_outcome())
        time.sleep(0.05)
    assert isinstance(outcomes[-1], str) and outcomes[-1] == fake.issued_tokens[0]  # the third request succeeded
    log = fake.token_request_log
    assert log[1].at - log[0].at >= 1.0 and log[2].at - log[1].at >= 2.0  # 1 s, then 2 s

    fake.enqueue(status=status, body={"code": 90000011, "message": "refused"})
    assert auth.invalidate(fake.issued_tokens[0])
    assert isinstance(next_outcome(), error_type)
    while fake.token_requests < 5 and time.monotonic() < deadline:
        next_outcome()
        time.sleep(0.05)
    log = fake.token_request_log
    assert 1.0 <= log[4].at - log[3].at < 3.5  # the success reset the count: 1 s again, not 4 s


def test_a_fleet_with_a_wrong_secret_backs_off_together(
    fake: FakeZuora, shared_store: dict[str, Any], tmp_path: Path
) -> None:
    reports = run_workers(
        tmp_path / "fleet", fake, WRONG_SECRET, shared_store, count=4, mode="hammer", threads=8, seconds=5.0
    )
    outcomes: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report["outcomes"])
    assert set(outcomes) == {"AuthenticationError 401"}
    assert 1 <= fake.token_requests <= MAX_REFUSED_REQUESTS_IN_5_S  # for the 4 processes together
