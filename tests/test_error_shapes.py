"""Two more of Zuora's error shapes read into ``code``/``message``/``reasons`` (issue 11): ``{"FaultCode",
"FaultMessage"}`` and ``{"error": {"code", "message"}}``, through real HTTP answers on every path that raises.

Each is answered by FakeZuora (scripted) or a raw-socket server, and reaches the caller through ``create_token``
(sync and async), ZuoraAuth's own token request, and an operation of a second generated Zuora module.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from tests._generation import ROOT, shared_module
from tests.conftest import CANARY_SECRET
from tests.rawhttp import RawHttpServer, answer_once
from zuora_oauth import (
    ApiError,
    AsyncOAuthApi,
    BadRequestError,
    Client,
    ErrorReason,
    NotFoundError,
    OAuthApi,
    PermissionDeniedError,
    ServerError,
    ZuoraAuth,
)
from zuora_oauth._error_body import parse_reasons
from zuora_oauth.testing import FakeZuora

FAULT = {"FaultCode": "MALFORMED_QUERY", "FaultMessage": "You have an error in your ZOQL syntax"}
NESTED = {"error": {"code": 50000040, "message": "Cannot find entity by key: 'A-404'."}}

#: Each shape, the status it comes with here, the exception the status gives and the one reason it must read as.
SHAPES = {
    "fault": (FAULT, 400, BadRequestError, ErrorReason("MALFORMED_QUERY", "You have an error in your ZOQL syntax")),
    "nested": (NESTED, 404, NotFoundError, ErrorReason(50000040, "Cannot find entity by key: 'A-404'.")),
}


# -- the parser alone --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reasons"),
    [
        ({"FaultCode": "INVALID_VALUE", "FaultMessage": "bad"}, [ErrorReason("INVALID_VALUE", "bad")]),
        ({"FaultMessage": "no code"}, [ErrorReason(None, "no code")]),
        ({"FaultCode": "INVALID_VALUE"}, []),  # no message, no reason
        ({"FaultCode": ["x"], "FaultMessage": "odd code"}, [ErrorReason(None, "odd code")]),
        ({"error": {"code": "E1", "message": "nested"}}, [ErrorReason("E1", "nested")]),
        ({"error": {"message": "no code"}}, [ErrorReason(None, "no code")]),
        ({"error": {"code": 7}}, []),
        ({"error": {"code": True, "message": "bool code"}}, [ErrorReason(None, "bool code")]),
        ({"error": "invalid_client", "error_description": "RFC 6749"}, [ErrorReason("invalid_client", "RFC 6749")]),
        ({"reasons": [{"code": 1, "message": "first"}], "FaultMessage": "ignored"}, [ErrorReason(1, "first")]),
    ],
)
def test_parse_reasons_reads_the_new_shapes_like_the_others(body: dict[str, Any], reasons: list[ErrorReason]) -> None:
    assert parse_reasons(json.dumps(body)) == reasons


# -- over HTTP -----------------------------------------------------------------------------------------------------


def create_token(client: Client, fake: FakeZuora) -> Any:
    return OAuthApi(client).create_token(fake.client_id, CANARY_SECRET)


def acreate_token(client: Client, fake: FakeZuora) -> Any:
    return asyncio.run(AsyncOAuthApi(client).create_token(fake.client_id, CANARY_SECRET))


def zuora_auth_token(client: Client, fake: FakeZuora) -> Any:
    with ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url, max_retries=0) as auth:
        return auth.get_token()


CALLS: dict[str, Callable[[Client, FakeZuora], Any]] = {
    "create_token": create_token,
    "async create_token": acreate_token,
    "ZuoraAuth": zuora_auth_token,
}


def raised(call: Callable[[], Any]) -> ApiError:
    with pytest.raises(ApiError) as info:
        call()
    return info.value


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("path", list(CALLS))
def test_token_requests_read_the_shape(fake: FakeZuora, shape: str, path: str) -> None:
    body, status, error_class, reason = SHAPES[shape]
    fake.enqueue(status=status, body=body, headers={"Zuora-Request-Id": "req-7"})
    with Client(base_url=fake.base_url, max_retries=0) as client:
        error = raised(lambda: CALLS[path](client, fake))

    assert type(error) is error_class and error.code == status
    assert error.reasons == [reason]
    assert error.message == reason.message
    assert str(error) == f"{status} {error.reason_phrase}: {reason.message} (Zuora-Request-Id: req-7)"
    assert json.loads(error.response_body) == body


def test_a_secret_echoed_in_either_shape_is_masked_in_the_reasons(fake: FakeZuora) -> None:
    fake.enqueue(status=403, body={"FaultCode": "DENIED", "FaultMessage": f"secret {CANARY_SECRET} refused"})
    fake.enqueue(status=500, body={"error": {"code": CANARY_SECRET, "message": f"echo {CANARY_SECRET}"}})
    with Client(base_url=fake.base_url, max_retries=0) as client:
        denied = raised(lambda: create_token(client, fake))
        failed = raised(lambda: create_token(client, fake))

    assert type(denied) is PermissionDeniedError and type(failed) is ServerError
    for error in (denied, failed):
        assert CANARY_SECRET not in repr(error.reasons) + error.message + str(error) + error.response_body
    assert denied.reasons[0].code == "DENIED" and denied.reasons[0].message.startswith("secret ")


def test_a_raw_answer_with_a_charset_reads_the_same() -> None:
    body = json.dumps(FAULT).encode()
    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
    )
    with RawHttpServer(answer_once(answer)) as server, Client(base_url=server.base_url) as client:
        error = raised(lambda: OAuthApi(client).create_token("id", CANARY_SECRET))

    assert type(error) is BadRequestError
    assert error.reasons == [SHAPES["fault"][3]]


# -- a generated operation of another module -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def accounts_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """``zuora_accounts``, generated from tests/specs/accounts.yaml with our templates, as another module would be
    (once per session, shared with test_second_module.py)."""
    folder = shared_module(tmp_path_factory, ROOT / "tests" / "specs" / "accounts.yaml", "zuora_accounts").folder
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("zuora_accounts")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith("zuora_accounts")]:
            del sys.modules[name]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_an_operation_of_a_generated_module_reads_the_shape(
    accounts_module: ModuleType, fake: FakeZuora, shape: str
) -> None:
    body, status, error_class, reason = SHAPES[shape]
    fake.enqueue(status=status, body=body, path="/v1/accounts/A-404")
    with ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url) as auth:
        client = accounts_module.Client(base_url=fake.base_url, httpx_args={"auth": auth}, max_retries=0)
        with client:
            error = raised(lambda: accounts_module.AccountsApi(client).get_account("A-404"))
            sync_reasons = list(error.reasons)
            fake.enqueue(status=status, body=body, path="/v1/accounts/A-404")
            aerror = raised(lambda: asyncio.run(accounts_module.AsyncAccountsApi(client).get_account("A-404")))

    for got in (error, aerror):
        assert type(got) is error_class and got.code == status
        assert got.message == reason.message
    assert sync_reasons == aerror.reasons == [reason]
    (v1_agent,) = {request.headers["user-agent"] for request in fake.requests}  # token and /v1 requests alike
    assert v1_agent.startswith("zuora-oauth/")
