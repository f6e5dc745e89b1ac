"""The generated Client and AuthenticatedClient (templates/client.py.jinja): what ``with_*`` change, the httpx clients
they build, are given or keep per event loop, their context managers and the settings they refuse; requests go to
a real FakeZuora, whose recorded headers say what was sent."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import CANARY_SECRET
from zuora_oauth import InvalidRequestError
from zuora_oauth.client import DEFAULT_TIMEOUT, AuthenticatedClient, Client, _running_loop
from zuora_oauth.testing import FakeZuora

AnyClient = Client | AuthenticatedClient


def fresh_token(fake: FakeZuora) -> str:
    """A token FakeZuora accepts, fetched with a plain form POST."""
    form = {"grant_type": "client_credentials", "client_id": fake.client_id, "client_secret": CANARY_SECRET}
    with httpx.Client() as client:
        answer = client.post(fake.base_url + "/oauth/token", data=form)
    assert answer.status_code == 200
    token = answer.json()["access_token"]
    assert isinstance(token, str)
    return token


def make(kind: str, fake: FakeZuora, **settings: Any) -> AnyClient:
    if kind == "plain":
        return Client(base_url=fake.base_url, **settings)
    return AuthenticatedClient(base_url=fake.base_url, token=fresh_token(fake), **settings)


def last_headers(fake: FakeZuora, path: str) -> dict[str, str]:
    return [request for request in fake.requests if request.path == path][-1].headers


KINDS = pytest.mark.parametrize("kind", ["plain", "authenticated"])


# -- with_headers / with_cookies / with_timeout --------------------------------------------------------------------


@KINDS
def test_with_headers_before_any_httpx_client_applies_to_the_new_client_only(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake, headers={"X-Base": "1"})
    derived = client.with_headers({"X-Extra": "2"})
    assert derived is not client
    assert type(derived) is type(client)
    derived.get_httpx_client().get("/v1/accounts/A")
    sent = last_headers(fake, "/v1/accounts/A")
    assert sent["x-base"] == "1" and sent["x-extra"] == "2"
    client.get_httpx_client().get("/v1/accounts/B")
    assert "x-extra" not in last_headers(fake, "/v1/accounts/B")
    client.get_httpx_client().close()
    derived.get_httpx_client().close()


@KINDS
def test_with_headers_updates_every_httpx_client_already_built(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)
    sync_client = client.get_httpx_client()
    loopless = client.get_async_httpx_client()  # no running loop here

    async def in_a_loop() -> httpx.AsyncClient:
        per_loop = client.get_async_httpx_client()
        client.with_headers({"X-Late": "yes"})  # while the loop (a weak key of the Client) is alive
        await per_loop.aclose()
        return per_loop

    per_loop = asyncio.run(in_a_loop())
    for built in (sync_client, loopless, per_loop):
        assert built.headers["X-Late"] == "yes"
    sync_client.get("/v1/accounts/late")
    assert last_headers(fake, "/v1/accounts/late")["x-late"] == "yes"
    sync_client.close()
    asyncio.run(loopless.aclose())


@KINDS
def test_with_cookies_sends_them_and_updates_built_clients(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake, cookies={"first": "1"})
    built = client.get_httpx_client()
    derived = client.with_cookies({"second": "2"})
    assert built.cookies.get("second") == "2"  # the client already built got it as well
    fresh = derived.with_cookies({"third": "3"})
    fresh.get_httpx_client().get("/v1/accounts/C")
    cookie = last_headers(fake, "/v1/accounts/C")["cookie"]
    assert sorted(cookie.split("; ")) == ["first=1", "second=2", "third=3"]
    built.close()
    fresh.get_httpx_client().close()


@KINDS
def test_with_timeout_converts_and_updates_built_clients(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)
    built = client.get_httpx_client()
    derived = client.with_timeout(7)
    assert built.timeout == httpx.Timeout(7.0)
    assert derived.get_httpx_client().timeout == httpx.Timeout(7.0)
    explicit = httpx.Timeout(3.0, connect=1.0)
    assert client.with_timeout(explicit).get_httpx_client().timeout == explicit
    built.close()


@KINDS
@pytest.mark.parametrize("timeout", [0, -1, True, "5", float("nan"), httpx.Timeout(None), httpx.Timeout(5, read=None)])
def test_with_timeout_refuses_a_timeout_that_could_wait_forever(kind: str, fake: FakeZuora, timeout: Any) -> None:
    client = make(kind, fake)
    with pytest.raises(InvalidRequestError, match="timeout"):
        client.with_timeout(timeout)


# -- set_/get_httpx_client -----------------------------------------------------------------------------------------


@KINDS
def test_get_httpx_client_builds_one_with_the_settings_and_keeps_it(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake, headers={"User-Agent": "mine/1"}, timeout=9)
    built = client.get_httpx_client()
    assert client.get_httpx_client() is built
    assert str(built.base_url).rstrip("/") == fake.base_url
    assert built.timeout == httpx.Timeout(9.0)
    assert built.follow_redirects is False
    answer = built.get("/v1/accounts/K")
    sent = last_headers(fake, "/v1/accounts/K")
    assert sent["user-agent"] == "mine/1"  # a User-Agent of the caller's replaces the default one
    if kind == "authenticated":
        assert answer.status_code == 200
        assert answer.json()["basicInfo"]["accountNumber"] == "K"
        assert sent["authorization"].startswith("Bearer ****")
    else:
        assert answer.status_code == 401  # no token: FakeZuora refuses, as Zuora does
        assert "authorization" not in sent
    built.close()


@KINDS
def test_set_httpx_client_is_used_instead_of_building_one(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)
    given = httpx.Client(base_url=fake.base_url, headers={"X-Given": "1"})
    assert client.set_httpx_client(given) is client
    assert client.get_httpx_client() is given
    given.get("/v1/accounts/G")
    sent = last_headers(fake, "/v1/accounts/G")
    assert sent["x-given"] == "1"
    assert "authorization" not in sent  # the given client's settings rule, not the Client's
    given.close()


@KINDS
def test_set_async_httpx_client_is_used_on_every_loop_and_without_one(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)
    given = httpx.AsyncClient(base_url=fake.base_url)
    assert client.set_async_httpx_client(given) is client
    assert client.get_async_httpx_client() is given

    async def same_client() -> bool:
        return client.get_async_httpx_client() is given

    assert asyncio.run(same_client())

    async def get() -> int:
        async with client.get_async_httpx_client() as used:
            return (await used.get("/v1/accounts/S")).status_code

    assert asyncio.run(get()) == 401  # the given client carries no token
    assert given.is_closed


def test_authenticated_header_uses_the_prefix_or_the_bare_token(fake: FakeZuora) -> None:
    token = fresh_token(fake)
    bare = AuthenticatedClient(base_url=fake.base_url, token=token, prefix="", auth_header_name="X-Token")
    with bare.get_httpx_client() as built:
        assert built.headers["X-Token"] == token
        assert "Authorization" not in built.headers
    prefixed = AuthenticatedClient(base_url=fake.base_url, token=token, prefix="Zuora")
    assert prefixed.get_async_httpx_client().headers["Authorization"] == f"Zuora {token}"


# -- the AsyncClient per event loop --------------------------------------------------------------------------------


@KINDS
def test_one_async_client_per_loop_rebuilt_once_closed(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)

    async def twice() -> tuple[httpx.AsyncClient, httpx.AsyncClient, int]:
        first = client.get_async_httpx_client()
        status = (await first.get("/v1/accounts/L")).status_code
        same = client.get_async_httpx_client()
        await first.aclose()
        rebuilt = client.get_async_httpx_client()
        assert rebuilt is not first and not rebuilt.is_closed
        await rebuilt.aclose()
        return first, same, status

    first, same, status = asyncio.run(twice())
    assert same is first
    assert status == (200 if kind == "authenticated" else 401)

    async def get_one() -> httpx.AsyncClient:
        return client.get_async_httpx_client()

    closed_loop = asyncio.new_event_loop()  # kept alive here, so the Client's weak entry for it stays
    kept = closed_loop.run_until_complete(get_one())
    closed_loop.close()
    assert client._loop_clients[closed_loop] is kept
    other = asyncio.run(get_one())  # building for a new loop drops the entries of closed loops
    assert other is not kept and other is not first
    assert closed_loop not in client._loop_clients


@KINDS
def test_the_loopless_async_client_is_kept_then_rebuilt_once_closed(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)
    loopless = client.get_async_httpx_client()
    assert client.get_async_httpx_client() is loopless
    asyncio.run(loopless.aclose())
    rebuilt = client.get_async_httpx_client()
    assert rebuilt is not loopless and not rebuilt.is_closed


def test_running_loop_is_none_when_asyncio_was_never_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "asyncio")
    assert _running_loop() is None


def test_running_loop_outside_and_inside_a_loop() -> None:
    assert _running_loop() is None

    async def inside() -> bool:
        return _running_loop() is asyncio.get_running_loop()

    assert asyncio.run(inside())


# -- context managers ----------------------------------------------------------------------------------------------


@KINDS
def test_sync_context_manager_opens_and_closes_the_httpx_client(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)
    with client as entered:
        assert entered is client
        built = client.get_httpx_client()
        status = built.get("/v1/accounts/W").status_code
        assert not built.is_closed
    assert built.is_closed
    assert status == (200 if kind == "authenticated" else 401)


@KINDS
def test_async_context_manager_opens_and_closes_the_loops_client(kind: str, fake: FakeZuora) -> None:
    client = make(kind, fake)

    async def use() -> tuple[httpx.AsyncClient, int]:
        async with client as entered:
            assert entered is client
            built = client.get_async_httpx_client()
            status = (await built.get("/v1/accounts/Y")).status_code
            assert not built.is_closed
        return built, status

    built, status = asyncio.run(use())
    assert built.is_closed
    assert status == (200 if kind == "authenticated" else 401)


# -- settings validation -------------------------------------------------------------------------------------------

BUILDERS: list[Callable[..., AnyClient]] = [
    lambda **settings: Client(base_url="https://rest.zuora.com", **settings),
    lambda **settings: AuthenticatedClient(base_url="https://rest.zuora.com", token="t", **settings),
]


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"timeout": None}, "timeout must be an httpx.Timeout"),
        ({"timeout": httpx.Timeout(5, pool=None)}, "every part of the timeout must be set"),
        ({"deadline": 0}, "deadline must be a positive, finite number"),
        ({"deadline": float("inf")}, "deadline must be a positive, finite number"),
        ({"deadline": True}, "deadline must be a positive, finite number"),
        ({"deadline": "60"}, "deadline must be a positive, finite number"),
        ({"max_response_bytes": 0}, "max_response_bytes must be a whole number"),
        ({"max_response_bytes": True}, "max_response_bytes must be a whole number"),
        ({"max_response_bytes": 1.5}, "max_response_bytes must be a whole number"),
        ({"httpx_args": [("http2", True)]}, "httpx_args must be a dict"),
        ({"httpx_args": {"verify": False}}, "httpx_args must not set 'verify': the Client sets it; pass verify_ssl="),
        ({"httpx_args": {"base_url": "x"}}, "httpx_args must not set 'base_url'"),
    ],
)
def test_bad_settings_raise_invalid_request_error(
    build: Callable[..., AnyClient], settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        build(**settings)
    assert message in str(raised.value)


@pytest.mark.parametrize("build", BUILDERS)
def test_good_settings_are_kept(build: Callable[..., AnyClient]) -> None:
    client = build(timeout=2.5, deadline=5, max_response_bytes=1, httpx_args={"http2": False})
    assert client.deadline == 5.0 and isinstance(client.deadline, float)
    assert client.max_response_bytes == 1
    assert client.with_timeout(httpx.Timeout(1.0)).with_headers({}).deadline == 5.0
    assert build()._timeout == DEFAULT_TIMEOUT


def test_reprs_show_settings_and_mask_the_token(fake: FakeZuora) -> None:
    token = fresh_token(fake)
    authenticated = AuthenticatedClient(base_url=fake.base_url, token=token, headers={"X-Secret": CANARY_SECRET})
    text = repr(authenticated)
    assert text.startswith(f"AuthenticatedClient(base_url={fake.base_url!r}, timeout=")
    assert token not in text and CANARY_SECRET not in text
    assert "token='" in text
    plain = repr(Client(base_url=fake.base_url, cookies={"session": CANARY_SECRET}))
    assert plain.startswith("Client(base_url=") and CANARY_SECRET not in plain and "token" not in plain
