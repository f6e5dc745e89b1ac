"""No secret in any repr or str of clients, models and errors; errors survive pickling across processes."""

from __future__ import annotations

import pickle

import httpx
import pytest

from tests.conftest import CANARY_SECRET
from zuora_oauth import (
    ApiError,
    AuthenticatedClient,
    AuthenticationError,
    Client,
    InvalidRequestError,
    OAuthApi,
    ZuoraAuth,
)
from zuora_oauth.models import GrantType, TokenRequest, TokenResponse
from zuora_oauth.testing import FakeZuora

TOKEN = "c652cbc0ea384b9f81856a93a2a74538"


def test_client_reprs_hide_headers_and_token() -> None:
    client = Client(base_url="https://rest.zuora.com", headers={"Authorization": f"Bearer {TOKEN}"})
    authenticated = AuthenticatedClient(base_url="https://rest.zuora.com", token=TOKEN)

    assert repr(client).startswith("Client(base_url='https://rest.zuora.com', timeout=Timeout(")
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(authenticated) and "token='****4538'" in repr(authenticated)
    assert TOKEN not in repr(OAuthApi(client))


def test_client_timeouts_are_explicit() -> None:
    # Reads wait up to 120 s, as long as Zuora lets a request run before its gateway answers 504.
    assert Client(base_url="https://x").get_httpx_client().timeout == httpx.Timeout(30.0, connect=10.0, read=120.0)
    assert Client(base_url="https://x", timeout=5).get_httpx_client().timeout == httpx.Timeout(5.0)
    for never in (None, 0, -1, httpx.Timeout(None)):
        with pytest.raises(InvalidRequestError):  # like ZuoraAuth (issue 10): a typed error, not a TypeError
            Client(base_url="https://x", timeout=never)  # type: ignore[arg-type]


def test_model_reprs_mask_credentials() -> None:
    token = TokenResponse.from_dict({"access_token": TOKEN, "expires_in": 3599, "refresh_token": TOKEN[::-1]})
    request = TokenRequest(client_id="id", client_secret=CANARY_SECRET, grant_type=GrantType.CLIENT_CREDENTIALS)

    assert repr(token).startswith("TokenResponse(access_token='****4538', token_type=UNSET, expires_in=3599.0")
    assert TOKEN not in repr(token) and TOKEN[::-1] not in repr(token) and TOKEN not in str(token)
    assert CANARY_SECRET not in repr(request)
    assert token.to_dict()["access_token"] == TOKEN  # masking is for display only


def test_errors_pickle_with_all_their_attributes(fake: FakeZuora) -> None:
    with pytest.raises(AuthenticationError) as info:
        OAuthApi(Client(base_url=fake.base_url)).create_token(fake.client_id, "wrong")
    error = info.value
    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is AuthenticationError
    assert (copy.code, copy.message, copy.request_id, copy.reasons) == (
        error.code,
        error.message,
        error.request_id,
        error.reasons,
    )
    assert copy.response_headers == error.response_headers and copy.response_body == error.response_body
    assert str(copy) == str(error)


def test_zuora_auth_repr(fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    token = auth.get_token()
    assert CANARY_SECRET not in repr(auth) and token not in repr(auth)
    assert (
        repr(auth) == f"ZuoraAuth(client_id={fake.client_id!r}, base_url={fake.base_url!r}, store=InMemoryTokenStore())"
    )


def test_a_plain_api_error_reads_like_the_ruby_sdk() -> None:
    error = ApiError(code=418, response_headers={"Zuora-Request-Id": "r-1"}, response_body="short and stout")
    assert (error.code, error.message, error.reasons, error.request_id) == (418, "I'm a Teapot", [], "r-1")
    assert str(error) == "418 I'm a Teapot (Zuora-Request-Id: r-1)"
    assert str(ApiError(code=520)) == "520 Server Error"
    assert str(ApiError("Connection timed out")) == "Connection timed out"
