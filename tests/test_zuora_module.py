"""A Zuora-like multi-tag module end to end: tests/specs/zuora/billing.yaml generated with ``zuora-oauth generate``,
called through ZuoraAuth (tokens from FakeZuora) against a local server that answers like Zuora's REST API
(tests/_billing_server.py): nulls and JSON-number amounts, unknown enum values and fields, ``"success": false``
with HTTP 200, 502s, answers slower than the read timeout, ``nextPage`` chains, 401s for revoked tokens."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import zuora_oauth
from tests._billing_server import BillingServer, FakeZuoraTokens, Recorded, Reply
from tests._generation import ROOT, mypy_strict, shared_module
from tests.conftest import CANARY_SECRET
from zuora_oauth import ZuoraAuth
from zuora_oauth._retry import RetryPolicy, may_repeat
from zuora_oauth.runtime import (
    ApiConnectionError,
    ApiTimeoutError,
    BusinessError,
    MalformedResponseError,
    ServerError,
    Unset,
    business_failures_allowed,
    is_known,
)
from zuora_oauth.testing import FakeZuora

SPEC = ROOT / "tests" / "specs" / "zuora" / "billing.yaml"
#: Both ways of calling an operation; the async one goes through ``asend``/``aiter_pages``.
MODES = ["sync", "async"]

#: A read timeout the slow answers below (SLOW seconds) clearly exceed: counts are asserted, never durations. 1 s,
#: not less: the prompt answers must still arrive within it on 2 busy cores (the suite runs on 4 xdist workers).
READ_TIMEOUT = 1.0
SLOW = 3.0

CARD_NUMBER = "4111111111111111"
SECURITY_CODE = "8642"
BANK_ACCOUNT_NUMBER = "000123456789"

# Zuora's data as sent: decimals as JSON numbers (written here as text, so "10.10" stays "10.10" on the wire),
# nulls in optional fields, an enum value the definition does not list, fields it does not declare.
ACCOUNT_JSON = """{
  "success": true,
  "processId": null,
  "reasons": null,
  "basicInfo": {
    "id": "8ad0823f8f1e3c2a018f1e7b5a9c0001", "accountNumber": "A00000123", "name": "Acme Corp",
    "status": "PendingReview", "balance": 10.10, "currency": "USD", "billCycleDay": 1,
    "invoiceTemplateId": null, "notes": null, "Region__c": "EMEA"
  },
  "billToContact": {
    "firstName": "Ada", "lastName": "Lovelace", "workEmail": null, "workPhone": null, "address1": null,
    "city": "London", "state": null, "country": "United Kingdom", "zipCode": null
  },
  "soldToContact": null,
  "metrics": {
    "balance": 12345678901234567.89, "totalInvoiceBalance": 0, "creditBalance": 0.00, "contractedMrr": 1.5E+3
  },
  "externalSystemId": "CRM-77"
}"""

PAYMENT_JSON = """{
  "success": true, "processId": null, "reasons": null,
  "id": "8ad0823f8f1e3c2a018f1e7d00000020", "number": "P-00000077", "accountId": "8ad0823f8f1e3c2a018f1e7b5a9c0001",
  "amount": 10.10, "appliedAmount": 10.10, "unappliedAmount": 0.00, "currency": "USD",
  "effectiveDate": "2024-06-01", "status": "Settling", "type": "Electronic",
  "comment": null, "referenceId": null, "gatewayResponse": null
}"""

FAILURE = {
    "success": False,
    "processId": "8F3B1C2D4E5F6A70",
    "reasons": [{"code": 53100020, "message": "The account A00000404 is not active."}],
}

BAD_GATEWAY = Reply(502, "<html><body>502 Bad Gateway</body></html>", content_type="text/html")


# -- fixtures -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def billing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """``zuora_billing``, generated once per session with the product command (the one place to change how it is
    made), shared by the xdist workers."""
    extra = {"content_type_overrides": {"application/pdf": "application/octet-stream"}}
    project = shared_module(tmp_path_factory, SPEC, "zuora_billing", extra).folder
    sys.path.insert(0, str(project))
    try:
        yield importlib.import_module("zuora_billing")
    finally:
        sys.path.remove(str(project))
        for name in [name for name in sys.modules if name.startswith("zuora_billing")]:
            del sys.modules[name]


@pytest.fixture
def server(fake: FakeZuora) -> Iterator[BillingServer]:
    """The resource server; it accepts exactly the bearer tokens the test's FakeZuora would accept now."""
    with BillingServer(authorize=FakeZuoraTokens(fake)) as running:
        yield running
        assert running.errors == []


@pytest.fixture
def make_client(billing: ModuleType, fake: FakeZuora, server: BillingServer) -> Callable[..., Any]:
    """``zuora_billing.Client`` for ``server``, authenticated by a ZuoraAuth that gets its tokens from ``fake``."""

    def make(*, timeout: float = 10.0, max_retries: int = 2, **httpx_args: Any) -> Any:
        # The resource server is another origin than the token endpoint's: it gets the token only when listed.
        auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url, extra_origins=[server.base_url])
        return billing.Client(
            base_url=server.base_url,
            timeout=httpx.Timeout(timeout),
            max_retries=max_retries,
            httpx_args={"auth": auth, **httpx_args},
        )

    return make


def call(mode: str, billing: ModuleType, client: Any, tag: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """``<Tag>Api(client).<method>(...)``, or its ``Async<Tag>Api`` twin awaited in a fresh event loop."""
    if mode == "sync":
        return getattr(getattr(billing, f"{tag}Api")(client), method)(*args, **kwargs)

    async def main() -> Any:
        return await getattr(getattr(billing, f"Async{tag}Api")(client), method)(*args, **kwargs)

    return asyncio.run(main())


def payment_body(billing: ModuleType) -> Any:
    from zuora_billing.models import CreatePaymentType, PaymentType  # type: ignore[import-not-found]

    del billing  # imported through the fixture's sys.path
    return CreatePaymentType(amount="10.10", currency="USD", type_=PaymentType.ELECTRONIC, account_id="A00000123")


def keys_of(requests: list[Recorded]) -> list[str | None]:
    return [request.headers.get("idempotency-key") for request in requests]


# -- credentials --------------------------------------------------------------------------------------------------


def test_resource_requests_carry_a_bearer_token_from_fake_zuora(
    billing: ModuleType, fake: FakeZuora, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    """The spec's global ``security`` covers every operation: each one sends ZuoraAuth's token."""
    server.script("GET", "/v1/accounts/A00000123", Reply(200, ACCOUNT_JSON))
    server.script("POST", "/v1/payments", Reply(200, PAYMENT_JSON))
    client = make_client()
    try:
        billing.AccountsApi(client).get_account("A00000123")
        billing.PaymentsApi(client).create_payment(payment_body(billing))
    finally:
        for request in server.requests:
            assert request.bearer is not None, f"{request.method} {request.path} was sent without Authorization"
            assert request.bearer in fake.issued_tokens
    assert len(server.requests) == 2 and fake.token_requests == 1


# -- data as Zuora sends it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_nulls_decimals_unknown_enums_and_fields_parse(
    mode: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    from zuora_billing.models import AccountStatus, GETAccountResponseType

    server.script("GET", "/v1/accounts/A00000123", Reply(200, ACCOUNT_JSON))
    account = call(mode, billing, make_client(), "Accounts", "get_account", "A00000123")

    assert isinstance(account, GETAccountResponseType) and account.success is True
    # nulls in fields no schema calls nullable read as absent
    assert isinstance(account.process_id, Unset) and isinstance(account.reasons, Unset)
    assert isinstance(account.sold_to_contact, Unset)
    assert isinstance(account.basic_info.invoice_template_id, Unset) and isinstance(account.basic_info.notes, Unset)
    assert isinstance(account.bill_to_contact.work_email, Unset) and account.bill_to_contact.city == "London"
    # decimals sent as JSON numbers keep their exact text, never through a float
    amounts = {
        "basicInfo.balance": account.basic_info.balance,
        "metrics.balance": account.metrics.balance,
        "metrics.totalInvoiceBalance": account.metrics.total_invoice_balance,
        "metrics.creditBalance": account.metrics.credit_balance,
        "metrics.contractedMrr": account.metrics.contracted_mrr,
    }
    assert amounts == {
        "basicInfo.balance": "10.10",
        "metrics.balance": "12345678901234567.89",
        "metrics.totalInvoiceBalance": "0",
        "metrics.creditBalance": "0.00",
        "metrics.contractedMrr": "1.5E+3",
    }
    assert all(type(value) is str for value in amounts.values())
    # an enum value added after the definition was published is kept, and marked unknown
    status = account.basic_info.status
    assert isinstance(status, AccountStatus) and status.value == "PendingReview"
    assert not is_known(status) and is_known(AccountStatus.ACTIVE)
    assert account.to_dict()["basicInfo"]["status"] == "PendingReview"
    # undeclared fields land in additional_properties, at every level
    assert account.additional_properties == {"externalSystemId": "CRM-77"}
    assert account.basic_info.additional_properties == {"Region__c": "EMEA"}


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("billToContact", '[{"firstName": "Ada", "lastName": "Lovelace"}]', "GETAccountResponseType.billToContact"),
        ("basicInfo", '{"billCycleDay": "first"}', "GETAccountResponseType.basicInfo.billCycleDay"),
        ("basicInfo", '{"status": 7}', "GETAccountResponseType.basicInfo.status"),
    ],
)
def test_a_parse_failure_names_the_field_path(
    field: str, value: str, path: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("GET", "/v1/accounts/A-1", Reply(200, f'{{"success": true, "{field}": {value}}}'))
    with pytest.raises(MalformedResponseError) as info:
        billing.AccountsApi(make_client()).get_account("A-1")

    assert path in str(info.value)
    assert "first" not in str(info.value)  # the path and the problem, never the value
    assert info.value.code == 200
    assert len(server.requests) == 1  # a body of the wrong shape is not retried


# -- "success": false with HTTP 200 -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_success_false_with_http_200_raises_business_error(
    mode: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    from zuora_billing.models import GETAccountResponseType

    server.script("GET", "/v1/accounts/A00000404", Reply(200, FAILURE))
    client = make_client()
    with pytest.raises(zuora_oauth.BusinessError) as info:
        call(mode, billing, client, "Accounts", "get_account", "A00000404")

    error = info.value
    from zuora_billing.errors import BusinessError as BillingBusinessError  # type: ignore[import-not-found]

    assert BillingBusinessError is zuora_oauth.BusinessError is BusinessError
    assert isinstance(error, zuora_oauth.ApiError)
    assert error.code == 200
    assert error.reasons[0].code == 53100020
    assert error.reasons[0].message == "The account A00000404 is not active."
    assert "The account A00000404 is not active." in str(error)
    assert error.process_id == "8F3B1C2D4E5F6A70"
    (request,) = server.requests  # 53100020 is not a transient reason: no retry
    assert error.request_id == request.request_id
    assert isinstance(error.parsed, GETAccountResponseType)
    assert error.parsed.success is False and error.parsed.reasons[0].code == 53100020
    assert not error.transient

    with business_failures_allowed():
        answer = call(mode, billing, client, "Accounts", "get_account", "A00000404")
    assert isinstance(answer, GETAccountResponseType)
    assert answer.success is False and answer.reasons[0].code == 53100020
    assert answer.process_id == "8F3B1C2D4E5F6A70"
    with pytest.raises(BusinessError):  # only inside the block
        call(mode, billing, client, "Accounts", "get_account", "A00000404")


# -- writes are never duplicated ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_post_retried_after_502s_sends_one_generated_key(
    mode: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("POST", "/v1/payments", BAD_GATEWAY, BAD_GATEWAY, Reply(200, PAYMENT_JSON))
    payment = call(mode, billing, make_client(), "Payments", "create_payment", payment_body(billing))

    assert payment.number == "P-00000077" and payment.amount == "10.10" and payment.unapplied_amount == "0.00"
    assert not is_known(payment.status) and payment.status.value == "Settling"
    requests = server.requests_to("POST", "/v1/payments")
    assert len(requests) == 3
    keys = keys_of(requests)
    assert keys[0] is not None and keys == [keys[0]] * 3
    assert str(uuid.UUID(keys[0])) == keys[0]
    assert len({request.body for request in requests}) == 1
    assert requests[0].json()["amount"] == "10.10"


def test_a_caller_supplied_idempotency_key_is_sent_on_every_attempt(
    billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("POST", "/v1/payments", BAD_GATEWAY, BAD_GATEWAY, Reply(200, PAYMENT_JSON))
    billing.PaymentsApi(make_client()).create_payment(payment_body(billing), idempotency_key="pay-2024-06-01-0001")

    assert keys_of(server.requests_to("POST", "/v1/payments")) == ["pay-2024-06-01-0001"] * 3


def test_a_key_set_as_a_client_header_is_sent_and_keeps_the_retries(
    billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    """The runtime lets a default header of the client be the key (``Client.with_headers``); it is a key all the
    same, so the keyed retries of the table apply."""
    server.script("POST", "/v1/payments", BAD_GATEWAY, Reply(200, PAYMENT_JSON))
    client = make_client().with_headers({"Idempotency-Key": "batch-7-payment-1"})
    with contextlib.suppress(ServerError):  # asserted below, by what reached the server
        billing.PaymentsApi(client).create_payment(payment_body(billing))

    assert keys_of(server.requests_to("POST", "/v1/payments")) == ["batch-7-payment-1"] * 2


@pytest.mark.parametrize("mode", MODES)
def test_a_post_that_timed_out_is_retried_with_the_same_key(
    mode: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("POST", "/v1/payments", Reply(200, PAYMENT_JSON, delay=SLOW), Reply(200, PAYMENT_JSON))
    payment = call(
        mode, billing, make_client(timeout=READ_TIMEOUT), "Payments", "create_payment", payment_body(billing)
    )

    assert payment.amount == "10.10"
    keys = keys_of(server.requests_to("POST", "/v1/payments"))
    assert len(keys) == 2 and keys[0] is not None and keys[0] == keys[1]


def _drop_idempotency_key(request: httpx.Request) -> None:
    """An httpx request hook that takes the key off every request, after the SDK added it."""
    request.headers.pop("Idempotency-Key", None)


@pytest.mark.parametrize("failure", ["timeout", "502"])
def test_a_post_without_a_key_is_not_retried_after_it_was_sent(
    failure: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    first = Reply(200, PAYMENT_JSON, delay=SLOW) if failure == "timeout" else BAD_GATEWAY
    server.script("POST", "/v1/payments", first, Reply(200, PAYMENT_JSON))
    client = make_client(timeout=READ_TIMEOUT, event_hooks={"request": [_drop_idempotency_key]})
    outcome: object
    try:
        outcome = billing.PaymentsApi(client).create_payment(payment_body(billing))
    except zuora_oauth.ApiError as error:
        outcome = error

    requests = server.requests_to("POST", "/v1/payments")
    assert keys_of(requests) == [None], "a POST without an Idempotency-Key was sent again"  # exactly one, unkeyed
    assert isinstance(outcome, ApiTimeoutError if failure == "timeout" else ServerError)


def test_the_retry_table_never_repeats_an_unkeyed_write_after_sending() -> None:
    sent = [ApiTimeoutError(), ApiConnectionError("reset"), ServerError(code=502), ServerError(code=504)]
    policy = RetryPolicy(max_retries=2)
    for error in sent:
        for method in ("POST", "PATCH"):
            assert not may_repeat(error, method=method, idempotency_key=False)
            assert policy.delay_before_retry(error, 0, 0.0, method=method, idempotency_key=False) is None
            assert may_repeat(error, method=method, idempotency_key=True)
        assert may_repeat(error, method="GET", idempotency_key=False)
        assert may_repeat(error, method="PUT", idempotency_key=False)
    never_sent = ApiConnectionError("refused", request_sent=False)
    assert may_repeat(never_sent, method="POST", idempotency_key=False)  # it cannot have reached the server


def test_put_sends_no_idempotency_key_and_patch_does(
    billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    from zuora_billing.models import PUTAccountType, UpdatePaymentType

    server.script("PUT", "/v1/accounts/A00000123", BAD_GATEWAY, Reply(200, {"success": True, "processId": None}))
    server.script("PATCH", "/v1/payments/P-1", Reply(200, PAYMENT_JSON))
    client = make_client()
    answer = billing.AccountsApi(client).update_account("A00000123", PUTAccountType(notes="VIP", credit_limit="500.00"))
    billing.PaymentsApi(client).update_payment("P-1", UpdatePaymentType(comment="Paid by wire"))

    assert answer.success is True
    puts = server.requests_to("PUT", "/v1/accounts/A00000123")
    assert keys_of(puts) == [None, None]  # PUT is idempotent: retried after the 502, and never keyed
    assert puts[0].json() == {"notes": "VIP", "creditLimit": "500.00"}
    (patch,) = server.requests_to("PATCH", "/v1/payments/P-1")
    key = patch.headers.get("idempotency-key")
    assert key is not None and str(uuid.UUID(key)) == key


@pytest.mark.parametrize("mode", MODES)
def test_a_401_on_a_post_is_replayed_once_with_the_same_key(
    mode: str, billing: ModuleType, fake: FakeZuora, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("POST", "/v1/payments", Reply(200, PAYMENT_JSON))
    server.script("GET", "/v1/accounts/A-1", Reply(200, ACCOUNT_JSON))
    client = make_client()
    call(mode, billing, client, "Accounts", "get_account", "A-1")
    fake.revoke_all()
    call(mode, billing, client, "Payments", "create_payment", payment_body(billing))

    requests = server.requests_to("POST", "/v1/payments")
    assert len(requests) == 2
    assert requests[0].bearer != requests[1].bearer
    assert keys_of(requests)[0] is not None and keys_of(requests)[0] == keys_of(requests)[1]
    assert fake.token_requests == 2 and fake.revoked_token_uses == 1


# -- GETs are retried ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("max_retries", [0, 2])
def test_a_get_that_keeps_failing_is_tried_max_retries_plus_one_times(
    max_retries: int, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("GET", "/v1/accounts/A-1", BAD_GATEWAY)
    with pytest.raises(ServerError) as info:
        billing.AccountsApi(make_client(max_retries=max_retries)).get_account("A-1")

    assert info.value.code == 502
    requests = server.requests_to("GET", "/v1/accounts/A-1")
    assert len(requests) == max_retries + 1
    assert info.value.request_id == requests[-1].request_id  # the error of the last attempt


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("failure", ["502", "timeout"])
def test_a_get_succeeds_after_two_failures(
    mode: str, failure: str, billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    bad = BAD_GATEWAY if failure == "502" else Reply(200, ACCOUNT_JSON, delay=SLOW)
    server.script("GET", "/v1/accounts/A-1", bad, bad, Reply(200, ACCOUNT_JSON))
    account = call(mode, billing, make_client(timeout=READ_TIMEOUT), "Accounts", "get_account", "A-1")

    assert account.basic_info.balance == "10.10"
    requests = server.requests_to("GET", "/v1/accounts/A-1")
    assert len(requests) == 3
    assert keys_of(requests) == [None] * 3  # a GET carries no Idempotency-Key


# -- nextPage -----------------------------------------------------------------------------------------------------


def _pages(server: BillingServer) -> Callable[[Recorded], Reply]:
    """``GET /v1/accounts``: five accounts, two a page, each page but the last naming the next one's full URL."""
    accounts = [f"A-{n}" for n in range(1, 6)]

    def answer(request: Recorded) -> Reply:
        page = int(request.params.get("page", ["1"])[0])
        size = int(request.params["pageSize"][0])
        chunk = accounts[(page - 1) * size : page * size]
        body: dict[str, Any] = {
            "success": True,
            "accounts": [{"accountNumber": number, "balance": 1.25, "parentId": None} for number in chunk],
        }
        if page * size < len(accounts):
            body["nextPage"] = server.url(f"/v1/accounts?page={page + 1}&pageSize={size}")
        return Reply(200, body)

    return answer


@pytest.mark.parametrize("how", ["AccountsApi", "sync_pages", "AsyncAccountsApi", "asyncio_pages"])
def test_next_page_urls_are_followed_with_the_same_headers_and_token(
    how: str, billing: ModuleType, fake: FakeZuora, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    from zuora_billing.api.accounts import list_accounts  # type: ignore[import-not-found]

    server.script("GET", "/v1/accounts", _pages(server))
    client = make_client()
    arguments = {"page_size": 2, "zuora_version": "211.0", "zuora_track_id": "trk-7"}

    if how == "AccountsApi":
        pages = list(billing.AccountsApi(client).list_accounts_pages(**arguments))
    elif how == "sync_pages":
        pages = list(list_accounts.sync_pages(client=client, **arguments))
    else:

        async def walk() -> list[Any]:
            if how == "AsyncAccountsApi":
                iterator = billing.AsyncAccountsApi(client).list_accounts_pages(**arguments)
            else:
                iterator = list_accounts.asyncio_pages(client=client, **arguments)
            return [page async for page in iterator]

        pages = asyncio.run(walk())

    assert [[account.account_number for account in page.accounts] for page in pages] == [
        ["A-1", "A-2"],
        ["A-3", "A-4"],
        ["A-5"],
    ]
    assert pages[0].next_page == server.url("/v1/accounts?page=2&pageSize=2")
    assert isinstance(pages[2].next_page, Unset)
    assert pages[2].accounts[0].balance == "1.25" and isinstance(pages[2].accounts[0].parent_id, Unset)
    requests = server.requests_to("GET", "/v1/accounts")
    assert [request.query for request in requests] == ["pageSize=2", "page=2&pageSize=2", "page=3&pageSize=2"]
    for request in requests:
        assert request.headers.get("zuora-version") == "211.0"
        assert request.headers.get("zuora-track-id") == "trk-7"
        assert request.bearer is not None and request.bearer == fake.issued_tokens[0]
    assert fake.token_requests == 1


def test_pages_are_requested_only_as_they_are_read(
    billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("GET", "/v1/accounts", _pages(server))
    pages = billing.AccountsApi(make_client()).list_accounts_pages(page_size=2)
    assert server.requests == []
    first = next(iter(pages))
    assert [account.account_number for account in first.accounts] == ["A-1", "A-2"]
    assert len(server.requests) == 1


# -- card data stays out of reprs and error texts -----------------------------------------------------------------


def _card(billing: ModuleType) -> Any:
    from zuora_billing.models import CreditCard, CreditCardCardType

    del billing
    return CreditCard(
        card_type=CreditCardCardType.VISA,
        card_number=CARD_NUMBER,
        expiration_month=12,
        expiration_year=2030,
        security_code=SECURITY_CODE,
    )


def _account_body(billing: ModuleType) -> Any:
    from zuora_billing.models import BankTransfer, BankTransferBankAccountType, Contact, POSTAccountType

    return POSTAccountType(
        name="Acme Corp",
        currency="USD",
        bill_to_contact=Contact(first_name="Ada", last_name="Lovelace"),
        credit_card=_card(billing),
        bank_transfer=BankTransfer(
            bank_account_number=BANK_ACCOUNT_NUMBER, bank_account_type=BankTransferBankAccountType.CHECKING
        ),
    )


def test_card_number_and_security_code_are_not_in_reprs(billing: ModuleType) -> None:
    card = _card(billing)
    body = _account_body(billing)
    for text in (repr(card), repr(body), str(card)):
        assert CARD_NUMBER not in text and SECURITY_CODE not in text
    assert BANK_ACCOUNT_NUMBER not in repr(body)
    assert "expiration_year=2030" in repr(card)  # the rest is shown
    assert card.to_dict()["cardNumber"] == CARD_NUMBER  # what is sent is unchanged


def _echo_card_data(status: int) -> Callable[[Recorded], Reply]:
    """A failure whose reason quotes the request body, card data and all (as some gateways' messages do)."""

    def echo(request: Recorded) -> Reply:
        reason = {"code": 53100020, "message": f"Invalid payment method in {request.body.decode()}"}
        return Reply(status, {"success": False, "processId": "1A2B3C4D5E6F7080", "reasons": [reason]})

    return echo


def _card_data_in(text: str) -> bool:
    return CARD_NUMBER in text or SECURITY_CODE in text or BANK_ACCOUNT_NUMBER in text


@pytest.mark.parametrize("status", [400, 200])
def test_card_data_echoed_by_the_server_is_not_in_the_error(
    status: int,
    billing: ModuleType,
    server: BillingServer,
    make_client: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.script("POST", "/v1/accounts", _echo_card_data(status))
    with pytest.raises(zuora_oauth.ApiError) as info:
        billing.AccountsApi(make_client()).create_account(_account_body(billing))

    error = info.value
    assert isinstance(error, BusinessError if status == 200 else zuora_oauth.BadRequestError)
    (request,) = server.requests
    assert CARD_NUMBER in request.body.decode()  # the server did receive and echo it
    texts = [str(error), repr(error), error.message, error.response_body, repr(error.reasons), caplog.text]
    texts += [repr(arg) for arg in error.args]
    assert [text for text in texts if _card_data_in(text)] == []
    assert "Invalid payment method" in str(error)


def test_card_data_echoed_in_a_business_failure_is_not_in_its_parsed_model(
    billing: ModuleType, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    """``BusinessError.parsed`` is part of the error: printing or logging it must not show the card either."""
    server.script("POST", "/v1/accounts", _echo_card_data(200))
    with pytest.raises(BusinessError) as info:
        billing.AccountsApi(make_client()).create_account(_account_body(billing))

    parsed = info.value.parsed
    assert parsed is not None
    in_repr, in_reasons = _card_data_in(repr(parsed)), _card_data_in(repr(parsed.reasons))
    assert not in_repr, "repr(BusinessError.parsed) shows the card data the server echoed"
    assert not in_reasons, "BusinessError.parsed.reasons hold the echoed card data"


# -- 401 refresh and replay ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_revoked_token_is_refreshed_and_the_request_replayed_once(
    mode: str, billing: ModuleType, fake: FakeZuora, server: BillingServer, make_client: Callable[..., Any]
) -> None:
    server.script("GET", "/v1/accounts/A-1", Reply(200, ACCOUNT_JSON))
    server.script("GET", "/v1/accounts/A-2", Reply(200, ACCOUNT_JSON))
    client = make_client()
    call(mode, billing, client, "Accounts", "get_account", "A-1")
    fake.revoke_all()
    account = call(mode, billing, client, "Accounts", "get_account", "A-2")

    assert account.basic_info.account_number == "A00000123"
    first, second = fake.issued_tokens
    requests = server.requests_to("GET", "/v1/accounts/A-2")
    assert [request.bearer for request in requests] == [first, second]  # refused once, replayed once
    assert fake.token_requests == 2 and fake.revoked_token_uses == 1


# -- typing -------------------------------------------------------------------------------------------------------


def test_the_generated_module_passes_mypy_strict(billing: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> None:
    result = mypy_strict(tmp_path_factory, Path(billing.__file__).parent)
    assert result.returncode == 0, result.stdout
