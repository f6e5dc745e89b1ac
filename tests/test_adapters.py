"""One ZuoraAuth for every HTTP stack: the ZuoraAuth matrix, run through httpx, httpx2, requests and aiohttp.

Each stack (tests/_stacks.py) sends real requests to a FakeZuora over real sockets: single flight for cold
callers, the refresh windows, the 401 replay and its limits, the Zuora headers, the origin check, shared stores,
the event loop left running, the User-Agent; and one ZuoraAuth shared by all of them at once.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import httpx2
import pytest
import requests.auth

from tests._redis_server import RedisServer
from tests._stacks import (
    ASYNC_STACKS,
    STACKS,
    AsyncStack,
    Call,
    Reply,
    Stack,
    bytes_file,
    pipe_file,
)
from tests.conftest import CANARY_SECRET
from zuora_oauth import AuthenticationError, ZuoraAuth
from zuora_oauth.stores import FileTokenStore, RedisTokenStore, TokenStore
from zuora_oauth.testing import FakeZuora

ACCOUNT = "/v1/accounts/A1"
ENTITY = "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"
REFUSED = {"success": False, "reasons": [{"code": 90000011, "message": "Authentication error"}]}

stacks = pytest.mark.parametrize("stack", STACKS, ids=repr)


@pytest.fixture
def auths() -> Iterator[Callable[..., ZuoraAuth]]:
    """Build ZuoraAuths for the test's FakeZuora; each is closed after the test."""
    built: list[ZuoraAuth] = []

    def make(fake: FakeZuora, secret: str = CANARY_SECRET, **options: object) -> ZuoraAuth:
        auth = ZuoraAuth(fake.client_id, secret, base_url=fake.base_url, **options)  # type: ignore[arg-type]
        built.append(auth)
        return auth

    yield make
    for auth in built:
        auth.close()


@pytest.fixture
def other() -> Iterator[FakeZuora]:
    """A second server: another origin, which must never see the first one's token."""
    with FakeZuora(client_secret=CANARY_SECRET) as server:
        yield server


def masked(token: str) -> str:
    """How FakeZuora records a bearer token (its last four characters), written out here."""
    return f"Bearer ****{token[-4:]}"


def sent(fake: FakeZuora, path: str) -> list[str]:
    """The Authorization header of each request to ``path``, as recorded, in order."""
    return [request.headers.get("authorization", "") for request in fake.requests if request.path == path]


def statuses(replies: list[Reply]) -> list[int]:
    return [reply.status for reply in replies]


# -- single flight ----------------------------------------------------------------------------------------------


@stacks
def test_concurrent_cold_callers_make_one_token_request(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    fake.token_delay = 1.0  # every caller arrives while the one token request is in flight
    replies = stack.run(auths(fake), [Call(fake.base_url + ACCOUNT)] * 24)

    assert statuses(replies) == [200] * 24
    assert fake.token_requests == 1
    assert set(sent(fake, ACCOUNT)) == {masked(fake.issued_tokens[0])}


@stacks
def test_a_token_is_reused_until_its_advisory_window(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    auth = auths(fake)
    for _ in range(3):
        assert statuses(stack.run(auth, [Call(fake.base_url + ACCOUNT)] * 2)) == [200, 200]
    assert fake.token_requests == 1


@stacks
def test_the_token_is_refreshed_early_and_never_sent_expired(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    fake.expires_in = 4  # advisory window: the last 2 s; mandatory: the last second
    auth = auths(fake)
    assert statuses(stack.run(auth, [Call(fake.base_url + ACCOUNT)])) == [200]
    first = fake.issued_tokens[0]
    time.sleep(2.5)  # into the advisory window, well before expiry
    assert statuses(stack.run(auth, [Call(fake.base_url + ACCOUNT)])) == [200]

    assert fake.token_requests == 2
    second = fake.issued_tokens[1]
    assert sent(fake, ACCOUNT) == [masked(first), masked(second)]
    info = fake.token_info(first)
    assert info is not None and fake.token_request_log[1].at < info.expires_at  # refreshed before it expired
    assert fake.expired_token_uses == 0


# -- 401: compare-and-invalidate, one refresh, one replay --------------------------------------------------------


@stacks
def test_concurrent_401s_cause_one_refresh_and_each_request_is_replayed_once(
    stack: Stack, fake: FakeZuora, auths: Callable
) -> None:
    auth = auths(fake)
    assert statuses(stack.run(auth, [Call(fake.base_url + ACCOUNT)])) == [200]
    fake.revoke_all()
    fake.clear_records()
    fake.token_delay = 0.5
    replies = stack.run(auth, [Call(fake.base_url + "/v1/echo", method="POST", json={"n": n}) for n in range(16)])

    assert statuses(replies) == [200] * 16
    assert [json.loads(reply.body["body"]) for reply in replies] == [{"n": n} for n in range(16)]  # bodies intact
    assert fake.token_requests == 1
    fresh = masked(fake.issued_tokens[0])
    echoes = sent(fake, "/v1/echo")
    assert echoes.count(fresh) == 16  # each request arrived once with the new token...
    assert len(echoes) - 16 == fake.revoked_token_uses <= 16  # ...after at most one try with the revoked one


@stacks
def test_a_second_401_is_returned_unchanged(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    fake.enqueue(status=401, body=REFUSED, path="/v1/x", times=2)
    (reply,) = stack.run(auths(fake), [Call(fake.base_url + "/v1/x")])

    assert reply.status == 401
    assert reply.body == REFUSED
    assert fake.token_requests == 2  # the first token, then one refresh; no loop
    first, second = fake.issued_tokens
    assert sent(fake, "/v1/x") == [masked(first), masked(second)]


@stacks
def test_a_streamed_body_is_not_replayed(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    auth = auths(fake)
    fake.enqueue(status=401, body=REFUSED, path="/v1/upload")
    (reply,) = stack.run(auth, [Call(fake.base_url + "/v1/upload", method="POST", stream=(b"part-1", b"part-2"))])

    assert reply.status == 401
    assert len(sent(fake, "/v1/upload")) == 1
    assert auth.get_token() == fake.issued_tokens[-1] and fake.token_requests == 2  # the token was still dropped


@stacks
def test_a_replay_redirected_to_another_401_is_not_replayed_again(
    stack: Stack, fake: FakeZuora, auths: Callable
) -> None:
    fake.enqueue(status=401, body=REFUSED, path="/v1/a")
    fake.enqueue(status=302, headers={"Location": fake.base_url + "/v1/b"}, path="/v1/a")  # the replay's answer
    fake.enqueue(status=401, body=REFUSED, path="/v1/b")
    (reply,) = stack.run(auths(fake), [Call(fake.base_url + "/v1/a")])

    tokens = [masked(token) for token in fake.issued_tokens]
    assert sent(fake, "/v1/a") == tokens[:2]
    if stack.authenticates_each_hop:  # aiohttp: each hop is a request of its own, with one replay of its own
        assert reply.status == 200
        assert sent(fake, "/v1/b") == tokens[1:3]
    else:  # one replay for the whole request, redirects included, and they carry the new token
        assert reply.status == 401 and reply.body == REFUSED
        assert sent(fake, "/v1/b") == tokens[1:2] and fake.token_requests == 2


@pytest.mark.parametrize("stack", [stack for stack in STACKS if stack.rewinds_files], ids=repr)
def test_a_file_body_is_rewound_and_replayed_whole(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    fake.enqueue(status=401, body=REFUSED, path="/v1/echo")
    (reply,) = stack.run(auths(fake), [Call(fake.base_url + "/v1/echo", method="POST", file=bytes_file(b"0123456789"))])

    assert reply.status == 200
    assert reply.body["body"] == "0123456789"
    assert len(sent(fake, "/v1/echo")) == 2


@pytest.mark.parametrize("stack", [stack for stack in STACKS if stack.name == "requests"], ids=repr)
def test_a_file_that_cannot_be_rewound_is_not_replayed(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    fake.enqueue(status=401, body=REFUSED, path="/v1/echo")
    (reply,) = stack.run(auths(fake), [Call(fake.base_url + "/v1/echo", method="POST", file=pipe_file(b"once"))])

    assert reply.status == 401
    assert len(sent(fake, "/v1/echo")) == 1


@stacks
def test_refused_credentials_surface_as_authentication_error(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    with pytest.raises(AuthenticationError):
        stack.run(auths(fake, secret="wrong-secret"), [Call(fake.base_url + ACCOUNT)])
    assert fake.token_requests == 1
    assert sent(fake, ACCOUNT) == []


# -- headers and origins ----------------------------------------------------------------------------------------


@stacks
def test_zuora_headers_go_on_resource_requests_unless_set(stack: Stack, fake: FakeZuora, auths: Callable) -> None:
    auth = auths(fake, entity_ids=ENTITY, org_ids=["o1", "o2"], track_id="trace-7")
    replies = stack.run(
        auth,
        [
            Call(fake.base_url + "/v1/accounts/A1"),
            Call(fake.base_url + "/v1/accounts/A2", headers={"Zuora-Track-Id": "own"}),
        ],
    )

    assert statuses(replies) == [200, 200]
    by_path = {request.path: request.headers for request in fake.requests if request.path.startswith("/v1/")}
    for path, track in (("/v1/accounts/A1", "trace-7"), ("/v1/accounts/A2", "own")):
        headers = by_path[path]
        assert headers["authorization"] == masked(fake.issued_tokens[0])
        assert headers["zuora-entity-ids"] == ENTITY
        assert headers["zuora-org-ids"] == "o1,o2"
        assert headers["zuora-track-id"] == track
    assert fake.entity_mismatch_uses == 0


@stacks
def test_the_token_never_goes_to_another_origin(
    stack: Stack, fake: FakeZuora, other: FakeZuora, auths: Callable, caplog: pytest.LogCaptureFixture
) -> None:
    auth = auths(fake)
    with caplog.at_level(logging.WARNING, logger="zuora_oauth"):
        replies = stack.run(auth, [Call(other.base_url + ACCOUNT)] * 2)

    assert statuses(replies) == [401, 401]  # the other server's own answer, left alone...
    assert [request.authorization_present for request in other.requests] == [False, False]  # ...and not replayed
    assert fake.token_requests == 0 and other.token_requests == 0
    warned = [record for record in caplog.records if "without the Zuora OAuth token" in record.getMessage()]
    assert len(warned) == 1 and other.base_url in warned[0].getMessage()


@stacks
def test_a_401_after_a_redirect_to_another_origin_leaves_the_token_alone(
    stack: Stack, fake: FakeZuora, other: FakeZuora, auths: Callable
) -> None:
    auth = auths(fake)
    fake.enqueue(status=302, headers={"Location": other.base_url + ACCOUNT}, path="/v1/moved")
    (reply,) = stack.run(auth, [Call(fake.base_url + "/v1/moved")])

    assert reply.status == 401
    assert sent(fake, "/v1/moved") == [masked(fake.issued_tokens[0])]
    assert [request.authorization_present for request in other.requests] == [False]
    assert auth.get_token() == fake.issued_tokens[0] and fake.token_requests == 1  # still the same token


# -- shared stores ------------------------------------------------------------------------------------------------


@pytest.fixture(params=["file", "redis"])
def shared_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenStore]:
    """A store two ZuoraAuths share. The file store lives outside ``tmp_path``: its record holds a token by design,
    and the suite's canary searches ``tmp_path`` for tokens."""
    if request.param == "file":
        yield FileTokenStore(tmp_path_factory.mktemp("token-store"))
        return
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        store = RedisTokenStore(server.url)
        yield store
        store.close()


@stacks
def test_two_zuora_auths_sharing_a_store_make_one_token_request(
    stack: Stack, fake: FakeZuora, auths: Callable, shared_store: TokenStore
) -> None:
    first, second = auths(fake, store=shared_store), auths(fake, store=shared_store)
    assert statuses(stack.run(first, [Call(fake.base_url + ACCOUNT)] * 4)) == [200] * 4
    assert statuses(stack.run(second, [Call(fake.base_url + ACCOUNT)] * 4)) == [200] * 4

    assert fake.token_requests == 1
    assert set(sent(fake, ACCOUNT)) == {masked(fake.issued_tokens[0])}


# -- the event loop -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ASYNC_STACKS, ids=repr)
def test_waiting_for_the_token_never_blocks_the_event_loop(stack: AsyncStack, fake: FakeZuora, auths: Callable) -> None:
    """While the server holds the token request, the loop still runs: a task resumes before the token answer."""
    fake.token_delay = 2.0
    auth = auths(fake)

    async def main() -> tuple[list[Reply], float]:
        sending = asyncio.create_task(stack.arun(auth, [Call(fake.base_url + ACCOUNT)] * 20))
        await asyncio.to_thread(fake.wait_for_requests, 1, path="/oauth/token", timeout=30.0)
        resumed_at = time.monotonic()
        return await sending, resumed_at

    replies, resumed_at = asyncio.run(main())

    assert statuses(replies) == [200] * 20
    assert fake.token_requests == 1
    assert resumed_at < fake.token_request_log[0].at + fake.token_delay  # a blocked loop resumes only after it


# -- every stack at once ------------------------------------------------------------------------------------------


def test_one_zuora_auth_shared_by_every_stack_at_once_makes_one_token_request(fake: FakeZuora, auths: Callable) -> None:
    """The proof of issue 11: an httpx client, an httpx2 client (sync and async), a requests session and an aiohttp
    session, all cold, all at once, on one ZuoraAuth: FakeZuora counts one token request."""
    fake.token_delay = 1.0
    auth = auths(fake)
    barrier = threading.Barrier(len(STACKS))
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def run(stack: Stack) -> None:
        barrier.wait()
        try:
            results[stack.name] = statuses(stack.run(auth, [Call(fake.base_url + ACCOUNT)] * 4))
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(stack,)) for stack in STACKS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert results == {stack.name: [200] * 4 for stack in STACKS}
    assert fake.token_requests == 1
    assert sent(fake, ACCOUNT) == [masked(fake.issued_tokens[0])] * 4 * len(STACKS)


# -- User-Agent -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS, ids=repr)
def test_the_stacks_default_user_agent_names_zuora_oauth_and_a_chosen_one_is_kept(
    stack: Stack, fake: FakeZuora, other: FakeZuora, auths: Callable
) -> None:
    auth = auths(fake)
    version = importlib.metadata.version("zuora-oauth")
    stack.run(auth, [Call(fake.base_url + "/v1/accounts/A1"), Call(other.base_url + ACCOUNT)])
    stack.run(auth, [Call(fake.base_url + "/v1/accounts/A2", headers={"User-Agent": "my-app/2"})])
    stack.run(auth, [Call(fake.base_url + "/v1/accounts/A3")], headers={"User-Agent": "my-client/3"})

    agents = {request.path: request.headers.get("user-agent") for request in fake.requests}
    assert agents["/v1/accounts/A1"] == f"zuora-oauth/{version} {stack.default_user_agent}"
    assert agents["/v1/accounts/A2"] == "my-app/2"
    assert agents["/v1/accounts/A3"] == "my-client/3"
    assert other.requests[0].headers.get("user-agent") == stack.default_user_agent  # another origin: untouched


# -- the adapters themselves ------------------------------------------------------------------------------------


def test_each_adapter_is_its_stacks_auth_and_its_repr_holds_no_secret(fake: FakeZuora, auths: Callable) -> None:
    auth = auths(fake)
    token = auth.get_token()
    adapters = (auth.httpx2(), auth.requests(), auth.aiohttp())
    assert isinstance(adapters[0], httpx2.Auth)
    assert isinstance(adapters[1], requests.auth.AuthBase)
    assert callable(adapters[2])
    for adapter in adapters:
        assert adapter.zuora_auth is auth
        assert repr(adapter).endswith(f"({auth!r})")
        assert CANARY_SECRET not in repr(adapter) and token not in repr(adapter)


@pytest.mark.parametrize(("method", "module"), [("httpx2", "httpx2"), ("requests", "requests"), ("aiohttp", "aiohttp")])
def test_an_adapter_without_its_extra_names_the_extra(method: str, module: str) -> None:
    code = (
        "import sys\n"
        f"sys.modules[{module!r}] = None  # as if the extra were not installed\n"
        "from zuora_oauth import InvalidRequestError, ZuoraAuth\n"
        "auth = ZuoraAuth('id', 'not-the-canary')\n"
        "try:\n"
        f"    auth.{method}()\n"
        "except InvalidRequestError as exc:\n"
        "    print(exc)\n"
        "else:\n"
        "    raise SystemExit('no InvalidRequestError')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    assert f"pip install 'zuora-oauth[{module}]'" in result.stdout


def test_importing_zuora_oauth_imports_no_other_http_stack() -> None:
    code = (
        "import sys\n"
        "import zuora_oauth, zuora_oauth.auth\n"
        "from zuora_oauth import ZuoraAuth\n"
        "ZuoraAuth('id', 'not-the-canary')\n"
        "print(sorted(name for name in ('httpx2', 'requests', 'aiohttp') if name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
