"""The generated error models read Zuora's token-endpoint error bodies: CommonErrorResponse (400/403) and
UnauthorizedResponse (401), from literal bodies shaped like Zuora's and from FakeZuora's answers over a socket."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import CANARY_SECRET
from zuora_oauth.models.common_error_response import CommonErrorResponse
from zuora_oauth.models.unauthorized_response import UnauthorizedResponse
from zuora_oauth.runtime import FieldError
from zuora_oauth.testing import FakeZuora
from zuora_oauth.types import UNSET

#: A 400 of POST /oauth/token as Zuora sends it (ZUORA-OAUTH.md: code and message, nothing else).
ZUORA_400 = '{"code":90000011,"message":"this resource is protected, please sign in first"}'
#: The 401 of POST /oauth/token: a message and no code.
ZUORA_401 = '{"message":"Authentication error"}'


# -- CommonErrorResponse -------------------------------------------------------------------------------------------


def test_common_error_reads_zuoras_400_body() -> None:
    error = CommonErrorResponse.from_dict(json.loads(ZUORA_400))
    assert error.code == 90000011
    assert error.message == "this resource is protected, please sign in first"
    assert error.additional_properties == {}
    assert error.additional_keys == []


def test_common_error_round_trips_with_unknown_fields_kept() -> None:
    body = {"code": 90000011, "message": "invalid grant", "reasons": [{"code": 1}], "processId": "ABC"}
    error = CommonErrorResponse.from_dict(body)
    assert error.additional_keys == ["reasons", "processId"]
    assert error["processId"] == "ABC"
    assert "reasons" in error
    assert error.to_dict() == body
    assert CommonErrorResponse.from_dict(error.to_dict()) == error


def test_common_error_from_dict_leaves_the_callers_mapping_alone() -> None:
    body = {"code": 1, "message": "m", "extra": True}
    CommonErrorResponse.from_dict(body)
    assert body == {"code": 1, "message": "m", "extra": True}


def test_common_error_item_access_edits_the_additional_properties() -> None:
    error = CommonErrorResponse(code=403, message="forbidden")
    error["trace"] = "t-1"
    assert error.to_dict() == {"trace": "t-1", "code": 403, "message": "forbidden"}
    del error["trace"]
    assert "trace" not in error
    assert error.to_dict() == {"code": 403, "message": "forbidden"}
    with pytest.raises(KeyError):
        del error["trace"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {}),
        ({"code": None, "message": None}, {}),  # Zuora's null in a non-nullable field reads as absent
        ({"code": 7}, {"code": 7}),
        ({"code": 7.0}, {"code": 7}),  # an integral JSON number is an integer
        ({"message": "only a message"}, {"message": "only a message"}),
        ({"message": 42}, {"message": "42"}),  # a number where text is expected is read as its text
    ],
)
def test_common_error_optional_fields(body: dict[str, object], expected: dict[str, object]) -> None:
    error = CommonErrorResponse.from_dict(body)
    assert error.to_dict() == expected
    assert (error.code is UNSET) == ("code" not in expected)
    assert (error.message is UNSET) == ("message" not in expected)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"code": "90000011"}, "CommonErrorResponse.code: must be an integer, not a string"),
        ({"code": True}, "CommonErrorResponse.code: must be an integer, not a boolean"),
        ({"code": 1.5}, "CommonErrorResponse.code: must be an integer"),
        ({"message": ["a"]}, "CommonErrorResponse.message: must be a string, not an array"),
        ([{"code": 1}], "CommonErrorResponse: must be a JSON object, not an array"),
        ("Authentication error", "CommonErrorResponse: must be a JSON object, not a string"),
    ],
)
def test_common_error_bad_input_raises_field_error(body: object, text: str) -> None:
    with pytest.raises(FieldError) as raised:
        CommonErrorResponse.from_dict(body)  # type: ignore[arg-type]
    assert str(raised.value).startswith(text)
    assert raised.value.model == "CommonErrorResponse"


def test_common_error_repr_names_the_fields() -> None:
    error = CommonErrorResponse.from_dict({"code": 90000011, "message": "bad", "extra": 1})
    assert repr(error) == "CommonErrorResponse(code=90000011, message='bad', additional_properties={'extra': 1})"
    assert repr(CommonErrorResponse()) == "CommonErrorResponse(code=UNSET, message=UNSET, additional_properties={})"


def test_common_error_repr_masks_a_secret_echoed_in_an_unknown_field() -> None:
    error = CommonErrorResponse.from_dict({"code": 1, "message": "m", "client_secret": CANARY_SECRET})
    assert CANARY_SECRET not in repr(error)
    assert "client_secret" in repr(error)
    assert error["client_secret"] == CANARY_SECRET  # the value itself is kept; only its repr is masked


# -- UnauthorizedResponse ------------------------------------------------------------------------------------------


def test_unauthorized_reads_zuoras_401_body() -> None:
    error = UnauthorizedResponse.from_dict(json.loads(ZUORA_401))
    assert error.message == "Authentication error"
    assert error.to_dict() == {"message": "Authentication error"}
    assert repr(error) == "UnauthorizedResponse(message='Authentication error', additional_properties={})"


def test_unauthorized_round_trips_with_unknown_fields_kept() -> None:
    body = {"message": "Failed to get user info", "path": "/oauth/token", "status": 401}
    error = UnauthorizedResponse.from_dict(body)
    assert error.message == "Failed to get user info"
    assert error.additional_keys == ["path", "status"]
    assert error["status"] == 401
    assert "path" in error and "message" not in error
    assert error.to_dict() == body
    assert UnauthorizedResponse.from_dict(error.to_dict()) == error


def test_unauthorized_empty_and_null_message() -> None:
    for body in ({}, {"message": None}):
        error = UnauthorizedResponse.from_dict(body)
        assert error.message is UNSET
        assert error.to_dict() == {}
    assert repr(UnauthorizedResponse()) == "UnauthorizedResponse(message=UNSET, additional_properties={})"


def test_unauthorized_item_access_edits_the_additional_properties() -> None:
    error = UnauthorizedResponse(message="Authentication error")
    error["hint"] = "check the client id"
    assert error.to_dict() == {"hint": "check the client id", "message": "Authentication error"}
    del error["hint"]
    assert error.additional_keys == []


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"message": {"text": "x"}}, "UnauthorizedResponse.message: must be a string, not an object"),
        ({"message": False}, "UnauthorizedResponse.message: must be a string, not a boolean"),
        (None, "UnauthorizedResponse: must be a JSON object, not null"),
        (401, "UnauthorizedResponse: must be a JSON object, not a number"),
    ],
)
def test_unauthorized_bad_input_raises_field_error(body: object, text: str) -> None:
    with pytest.raises(FieldError) as raised:
        UnauthorizedResponse.from_dict(body)  # type: ignore[arg-type]
    assert str(raised.value).startswith(text)
    assert raised.value.model == "UnauthorizedResponse"


def test_unauthorized_repr_masks_a_token_in_an_unknown_field() -> None:
    token = "0123456789abcdef0123456789abcdef"
    error = UnauthorizedResponse.from_dict({"message": "Authentication error", "access_token": token})
    assert token not in repr(error)
    assert "access_token" in repr(error)


# -- FakeZuora's answers, over a real socket -----------------------------------------------------------------------


def test_fake_zuoras_401_parses_as_unauthorized_response(fake: FakeZuora) -> None:
    form = {"grant_type": "client_credentials", "client_id": fake.client_id, "client_secret": "wrong-secret"}
    with httpx.Client() as client:
        answer = client.post(fake.base_url + "/oauth/token", data=form)
    assert answer.status_code == 401
    error = UnauthorizedResponse.from_dict(answer.json())
    assert error.message == "Authentication error"
    assert error.additional_keys == []


def test_fake_zuoras_400_parses_as_common_error_response(fake: FakeZuora) -> None:
    with httpx.Client() as client:  # a JSON body where Zuora requires a form: its 400 with a code
        answer = client.post(fake.base_url + "/oauth/token", json={"grant_type": "client_credentials"})
    assert answer.status_code == 400
    error = CommonErrorResponse.from_dict(answer.json())
    assert isinstance(error.code, int) and error.code > 0
    assert isinstance(error.message, str) and "Content-Type" in error.message
    assert error.additional_keys == []
    assert error.to_dict() == answer.json()


def test_fake_zuoras_400_for_a_missing_grant_type(fake: FakeZuora) -> None:
    form = {"client_id": fake.client_id, "client_secret": "irrelevant"}
    with httpx.Client() as client:
        answer = client.post(fake.base_url + "/oauth/token", data=form)
    assert answer.status_code == 400
    error = CommonErrorResponse.from_dict(answer.json())
    assert error.code is not UNSET and error.message is not UNSET
    assert CommonErrorResponse.from_dict(error.to_dict()) == error
