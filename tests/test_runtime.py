"""zuora_oauth.runtime, the API generated modules use: the retry table, Idempotency-Key, Zuora's data, masking.

Pure decisions are tested as tables; sending goes through httpx.MockTransport only where the point is what the
runtime puts on the request (the socket-level proofs are in tests/test_zuora_module.py).
"""

from __future__ import annotations

import enum
import json
import pickle
import uuid
from typing import Any

import attrs
import httpx
import pytest

from zuora_oauth import runtime
from zuora_oauth.runtime import (
    UNSET,
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BusinessError,
    FieldError,
    MalformedResponseError,
    Operation,
    ServerError,
)

# -- the retry table ----------------------------------------------------------------------------------------------

NEVER_SENT = ApiConnectionError("refused", request_sent=False)
RESET = ApiConnectionError("reset")
TIMEOUT = ApiTimeoutError()
CONNECT_TIMEOUT = ApiTimeoutError(request_sent=False)
E502 = ServerError(code=502)
E429 = ApiError(code=429)
E409 = ApiError(code=409)
E400 = ApiError(code=400)

#: (failure, method, has key) -> may the request be sent again. Written out from the table in the README.
TABLE = [
    (NEVER_SENT, "POST", False, True),
    (CONNECT_TIMEOUT, "PATCH", False, True),
    (E429, "POST", False, True),
    (E429, "GET", False, True),
    (E502, "GET", False, True),
    (E502, "PUT", False, True),
    (E502, "DELETE", False, True),
    (E502, "HEAD", False, True),
    (E502, "OPTIONS", False, True),
    (TIMEOUT, "GET", False, True),
    (RESET, "DELETE", False, True),
    (E502, "POST", False, False),
    (TIMEOUT, "POST", False, False),
    (RESET, "PATCH", False, False),
    (E502, "POST", True, True),
    (TIMEOUT, "PATCH", True, True),
    (RESET, "POST", True, True),
    (E409, "POST", True, True),
    (E409, "POST", False, False),
    (E409, "GET", False, False),
    (E409, "PUT", True, False),  # Zuora refuses keys on PUT: a key there is not the first attempt's
]


@pytest.mark.parametrize(("error", "method", "keyed", "allowed"), TABLE)
def test_the_retry_table_never_repeats_a_write_without_a_key(
    error: ApiError, method: str, keyed: bool, allowed: bool
) -> None:
    policy = runtime_policy(max_retries=2)
    delay = policy.delay_before_retry(error, 0, 0.0, method=method, idempotency_key=keyed)
    assert (delay is not None) is allowed


def test_statuses_another_try_cannot_fix_are_never_retried() -> None:
    policy = runtime_policy(max_retries=2)
    for method in ("GET", "POST"):
        for keyed in (False, True):
            assert policy.delay_before_retry(E400, 0, 0.0, method=method, idempotency_key=keyed) is None


def test_a_replay_safe_post_keeps_the_retries_of_reads() -> None:
    policy = runtime_policy(max_retries=2)
    assert policy.delay_before_retry(E502, 0, 0.0, method="POST", replay_safe=True) is not None
    assert policy.delay_before_retry(E502, 0, 0.0, method="POST") is None


def runtime_policy(max_retries: int) -> Any:
    from zuora_oauth import RetryPolicy

    return RetryPolicy(max_retries=max_retries)


# -- Idempotency-Key and security, on the request ------------------------------------------------------------------


class _Client:
    """What the transport needs from a generated Client."""

    def __init__(self, handler: Any, headers: dict[str, str] | None = None, max_retries: int = 2) -> None:
        self.max_retries = max_retries
        self.http = httpx.Client(
            base_url="https://zuora.test",
            transport=httpx.MockTransport(handler),
            headers=headers or {},
            auth=_StaticBearer(),
        )

    def get_httpx_client(self) -> httpx.Client:
        return self.http


class _StaticBearer(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = "Bearer static-token"
        yield request


def _operation(method: str, *, sends_credentials: bool = True) -> Operation[Any]:
    def build(**headers: str) -> dict[str, Any]:
        return {"method": method.lower(), "url": "/v1/payments", "json": {"amount": 1}, "headers": dict(headers)}

    return Operation(method, "/v1/payments", build, runtime.json_body, sends_credentials=sends_credentials)


def _recorder(statuses: list[int]) -> tuple[list[httpx.Request], Any]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses[len(seen) - 1] if len(seen) <= len(statuses) else 200
        return httpx.Response(status, json={"success": True}, headers={"Retry-After": "0"})

    return seen, handler


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_write_carries_one_fresh_key_on_every_attempt(method: str) -> None:
    keys: set[str] = set()
    for _ in range(2):
        seen, handler = _recorder([502, 502])
        operation = _operation(method)
        runtime.send(_Client(handler), operation.build(), operation)
        assert len(seen) == 3
        (key,) = {request.headers["idempotency-key"] for request in seen}
        assert uuid.UUID(key).version == 4
        keys.add(key)
    assert len(keys) == 2  # a new call, a new key


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_no_key_on_other_methods(method: str) -> None:
    seen, handler = _recorder([])
    operation = _operation(method)
    runtime.send(_Client(handler), operation.build(), operation)
    assert "idempotency-key" not in seen[0].headers


def test_the_callers_key_wins_as_a_parameter_or_a_client_header() -> None:
    seen, handler = _recorder([503])
    operation = _operation("POST")
    runtime.send(_Client(handler), operation.build(**{"Idempotency-Key": "mine-1"}), operation)
    assert [request.headers["idempotency-key"] for request in seen] == ["mine-1", "mine-1"]

    seen, handler = _recorder([])
    runtime.send(_Client(handler, headers={"Idempotency-Key": "client-2"}), operation.build(), operation)
    assert seen[0].headers.get_list("idempotency-key") == ["client-2"]


def test_security_none_sends_no_credentials_whatever_the_client_has() -> None:
    seen, handler = _recorder([])
    operation = _operation("GET", sends_credentials=False)
    client = _Client(handler, headers={"apiAccessKeyId": "k", "apiSecretAccessKey": "s"})
    runtime.send(client, operation.build(), operation)
    assert not {"authorization", "apiaccesskeyid", "apisecretaccesskey"} & set(seen[0].headers)

    seen, handler = _recorder([])
    operation = _operation("GET")
    runtime.send(_Client(handler), operation.build(), operation)
    assert seen[0].headers["authorization"] == "Bearer static-token"


# -- Zuora's HTTP-200 failures ---------------------------------------------------------------------------------------

FAILURE = {
    "success": False,
    "processId": "5F3C9E0A6D1B4C8E",
    "reasons": [{"code": 53100020, "message": "Account number is duplicated"}],
}


def _answer(body: Any, content_type: str = "application/json") -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=json.dumps(body), headers={"Content-Type": content_type, "Zuora-Request-Id": "r-1"}
        )

    return handler


def test_success_false_raises_a_business_error_with_zuoras_reasons() -> None:
    operation = _operation("GET")
    with pytest.raises(BusinessError) as info:
        runtime.send(_Client(_answer(FAILURE)), operation.build(), operation)
    error = info.value
    assert error.code == 200
    assert [(reason.code, reason.message) for reason in error.reasons] == [(53100020, "Account number is duplicated")]
    assert error.process_id == "5F3C9E0A6D1B4C8E"
    assert error.request_id == "r-1"
    assert error.parsed == FAILURE  # the operation's parse of the answer
    assert "Account number is duplicated" in str(error) and "processId: 5F3C9E0A6D1B4C8E" in str(error)
    assert not error.transient
    assert pickle.loads(pickle.dumps(error)).process_id == "5F3C9E0A6D1B4C8E"


def test_business_failures_allowed_returns_the_answer_for_that_block_only() -> None:
    operation = _operation("GET")
    with runtime.business_failures_allowed():
        _, parsed = runtime.send(_Client(_answer(FAILURE)), operation.build(), operation)
    assert parsed == FAILURE
    with pytest.raises(BusinessError):
        runtime.send(_Client(_answer(FAILURE)), operation.build(), operation)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [({"success": True}, "application/json"), ({"success": "false"}, "application/json"), (FAILURE, "text/plain")],
)
def test_only_a_json_success_false_is_a_failure(body: Any, content_type: str) -> None:
    operation = Operation("GET", "/x", _operation("GET").build, lambda response: response.content)
    _, parsed = runtime.send(_Client(_answer(body, content_type)), operation.build(), operation)
    assert json.loads(parsed) == body


@pytest.mark.parametrize(
    ("code", "transient"), [(53100050, True), (53100061, True), (50000070, True), (53100099, True), (53100020, False)]
)
def test_transient_reason_codes(code: int, transient: bool) -> None:
    body = json.dumps({"success": False, "reasons": [{"code": code, "message": "m"}]})
    error = BusinessError(code=200, response_body=body)
    assert error.transient is transient


# -- Zuora's data ---------------------------------------------------------------------------------------------------


def _json(text: str) -> Any:
    return runtime.json_body(httpx.Response(200, content=text.encode()))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("10.10", "10.10"),
        ("1e2", "1e2"),
        ("-0.000001", "-0.000001"),
        ("12", "12"),
        ("123456789.123456789012", "123456789.123456789012"),
    ],
)
def test_a_number_in_a_string_field_keeps_its_exact_text(sent: str, kept: str) -> None:
    assert runtime.read_str(_json(f'{{"amount": {sent}}}')["amount"]) == kept


def test_numbers_stay_numbers_for_number_fields() -> None:
    data = _json('{"a": 10.10, "b": 3.0}')
    assert runtime.read_float(data["a"]) == 10.1 and type(runtime.read_float(data["a"])) is float
    assert runtime.read_int(data["b"]) == 3


@pytest.mark.parametrize(
    ("reader", "value", "problem"),
    [
        (runtime.read_str, True, "must be a string, not a boolean"),
        (runtime.read_str, None, "must be a string, not null"),
        (runtime.read_str, [], "must be a string, not an array"),
        (runtime.read_int, 1.5, "must be an integer, not a number"),
        (runtime.read_float, "1.5", "must be a number, not a string"),
        (runtime.read_bool, "true", "must be a boolean, not a string"),
    ],
)
def test_what_no_leniency_covers_is_refused(reader: Any, value: Any, problem: str) -> None:
    with pytest.raises(FieldError, match=problem):
        reader(value)


def test_null_in_an_optional_field_reads_as_absent() -> None:
    data = {"a": None}
    assert runtime.optional(data, "a") is UNSET
    assert runtime.optional({}, "b") is UNSET
    assert runtime.optional({"c": 0}, "c") == 0


class Status(enum.StrEnum):
    ACTIVE = "Active"
    DRAFT = "Draft"


class Level(enum.IntEnum):
    ONE = 1


def test_an_enum_value_the_definition_does_not_know_is_kept() -> None:
    known = runtime.enum_value(Status, "Active")
    assert known is Status.ACTIVE and runtime.is_known(known)
    kept = runtime.enum_value(Status, "Suspended")
    assert isinstance(kept, Status) and kept.value == "Suspended" and not runtime.is_known(kept)
    assert "Suspended" not in Status.__members__.values() and list(Status) == [Status.ACTIVE, Status.DRAFT]
    assert runtime.enum_value(Level, 7).value == 7
    with pytest.raises(ValueError, match="Suspended"):
        Status("Suspended")  # the caller's own use of the class stays strict
    with pytest.raises(FieldError):
        runtime.enum_value(Status, 3)
    with pytest.raises(FieldError):
        runtime.enum_value(Level, True)


def test_field_errors_name_the_path_from_the_outer_model() -> None:
    inner = runtime.field_error(FieldError("must be a string, not an array"), "BillToContact", "country")
    outer = runtime.field_error(inner, "Account", "billToContact")
    assert str(outer) == "Account.billToContact.country: must be a string, not an array"
    other = runtime.field_error(ValueError("Invalid isoformat string: '2024-13-01'"), "Invoice", "dueDate")
    assert str(other) == "Invoice.dueDate: cannot be read (ValueError)"  # never the value
    assert str(pickle.loads(pickle.dumps(outer))) == str(outer)


def test_fields_remember_the_key_read_last() -> None:
    fields = runtime.fields({"a": 1, "b": 2}, "M")
    fields.pop("b")
    assert fields.key == "b"
    with pytest.raises(FieldError, match=r"^M: must be a JSON object, not an array$"):
        runtime.fields([], "M")


def test_a_malformed_answer_names_the_field() -> None:
    def parse(response: httpx.Response) -> Any:
        data = runtime.fields(runtime.json_body(response), "Account")
        try:
            return runtime.read_str(runtime.required(data, "name"))
        except runtime.READ_ERRORS as error:
            raise runtime.field_error(error, "Account", data.key) from error

    operation = Operation("GET", "/x", _operation("GET").build, parse)
    with pytest.raises(MalformedResponseError, match=r"Account\.name: must be a string, not an object"):
        runtime.send(_Client(_answer({"name": {}})), operation.build(), operation)


# -- masking --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("cardNumber", True),
        ("creditCardNumber", True),
        ("card_number", True),
        ("securityCode", True),
        ("cardSecurityCode", True),
        ("cvv", True),
        ("bankAccountNumber", True),
        ("iban", True),
        ("password", True),
        ("apiSecretAccessKey", True),
        ("client_secret", True),
        ("access_token", True),
        ("paymentMethodToken", True),
        ("accountNumber", False),
        ("token_type", False),
        ("cardHolderName", False),
        ("expirationMonth", False),
    ],
)
def test_secret_field_names(name: str, secret: bool) -> None:
    assert runtime.is_secret_name(name) is secret


@attrs.define
class CreditCard:
    card_number: str
    security_code: int
    card_holder_name: str
    pin: str
    additional_properties: dict[str, Any] = attrs.field(factory=dict)


def test_model_reprs_mask_card_data_by_name_and_format_password() -> None:
    card = CreditCard("4111111111111111", 737, "Ada Lovelace", "9876543210987654")
    card.additional_properties["bankAccountNumber"] = "DE89370400440532013000"
    text = runtime.masked_repr(card, ("pin",))
    for secret in ("4111111111111111", "737", "9876543210987654", "DE89370400440532013000"):
        assert secret not in text
    assert "card_number='****1111'" in text and "security_code=****" in text and "Ada Lovelace" in text
