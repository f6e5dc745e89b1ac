"""Spec conformance: FakeZuora answers as openapi.yaml says, and openapi.yaml says what Zuora's own definition says.

1. Schemathesis (its Python API) generates valid and invalid token requests from ``openapi.yaml``, sends them to a
   FakeZuora over a real socket and checks every answer with its built-in checks: the status code is declared,
   the content type and headers are the declared ones, the body matches the schema, no 5xx, invalid requests
   are rejected and valid ones are not, undeclared methods get 405. The coverage phase adds the boundary cases.
2. ``openapi.yaml`` is compared with Zuora's published 2017-11-15 Swagger of ``POST /oauth/token``: the same path,
   method, operation id, form fields, grant type enum and token fields; every other structural difference must be
   one of the deliberate ones listed (and explained) in ``DELIBERATE``, so a new difference fails until documented.

Blank credentials: the spec requires a character other than ASCII whitespace in client_id and client_secret
(``pattern``) because the fake, like Zuora's form handling, answers a blank one with 400 "Missing required
parameter"; a test below pins both sides of that agreement.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.conftest import CANARY_SECRET
from zuora_oauth.testing import CODE_MISSING_PARAMETER, FakeZuora

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "openapi.yaml"
#: Zuora's published definition of the operation (a verbatim copy of the public document, kept with the tests).
ZUORA_SWAGGER = REPO / "tests" / "specs" / "zuora-2017-11-15-oauth-token.swagger.yaml"

CI = bool(os.environ.get("CI"))
#: Examples of schemathesis's fuzzing phase (positive and negative together); the coverage phase adds its own cases.
FUZZ_EXAMPLES = 300
#: Examples of each property test with the right credentials.
VALID_EXAMPLES = 100

schema = schemathesis.openapi.from_path(
    SPEC,
    config=schemathesis.Config.from_dict(
        {"generation": {"max-examples": FUZZ_EXAMPLES, "deterministic": CI, "database": "none"}}
    ),
)
TOKEN_OPERATION = schema["/oauth/token"]["POST"]
HYPOTHESIS = settings(
    max_examples=VALID_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=CI,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# -- 1. the fake against the spec -------------------------------------------------------------------------------


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # one fake serves every case
def test_every_answer_of_the_fake_conforms_to_the_spec(case: Case, fake: FakeZuora) -> None:
    """Examples, coverage and fuzzing phases, positive and negative: random credentials, so 400 and 401 answers."""
    response = case.call(base_url=fake.base_url, timeout=10)
    case.validate_response(response)
    assert fake.handler_errors == []


@HYPOTHESIS
@given(data=st.data())
def test_token_answers_to_valid_requests_conform_to_the_spec(fake: FakeZuora, data: st.DataObject) -> None:
    """The right credentials with every valid combination of the optional headers: a 200 that conforms."""
    body = {"client_id": fake.client_id, "client_secret": CANARY_SECRET, "grant_type": "client_credentials"}
    case = data.draw(TOKEN_OPERATION.as_strategy(generation_mode=GenerationMode.POSITIVE, body=body))
    response = case.call(base_url=fake.base_url, timeout=10)

    assert response.status_code == 200
    case.validate_response(response)
    assert response.json()["access_token"] == fake.issued_tokens[-1]


@HYPOTHESIS
@given(data=st.data())
def test_invalid_optional_headers_get_a_conforming_token_answer(fake: FakeZuora, data: st.DataObject) -> None:
    """The right credentials with optional headers the spec forbids (a Track-Id with ``:``, over-long Entity-Ids).

    Zuora documents these limits for callers but no error for breaking them, so the fake does not enforce them:
    the answer is a 200, and it must still conform in every other respect.
    """
    body = {"client_id": fake.client_id, "client_secret": CANARY_SECRET, "grant_type": "client_credentials"}
    case = data.draw(TOKEN_OPERATION.as_strategy(generation_mode=GenerationMode.NEGATIVE, body=body))
    response = case.call(base_url=fake.base_url, timeout=10)

    assert response.status_code == 200
    case.validate_response(response, excluded_checks=[negative_data_rejection])


@pytest.mark.parametrize("blank", [" ", "\t", "   \n"])
@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_blank_credentials_are_invalid_for_the_spec_and_answered_400_by_the_fake(
    fake: FakeZuora, ours: dict[str, Any], field: str, blank: str
) -> None:
    """Spec and fake agree: a blank credential is schema-invalid, and the fake rejects it as missing."""
    body = {
        "client_id": fake.client_id,
        "client_secret": CANARY_SECRET,
        "grant_type": "client_credentials",
        field: blank,
    }
    form = _our_form(ours)
    properties = {name: _resolve(ours, value) for name, value in form["properties"].items()}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, {**form, "properties": properties})  # schema-invalid ...

    case = TOKEN_OPERATION.Case(body=body, media_type="application/x-www-form-urlencoded")
    response = case.call(base_url=fake.base_url, timeout=10)
    assert response.status_code == 400  # ... and rejected as missing
    assert response.json() == {"code": CODE_MISSING_PARAMETER, "message": f"Missing required parameter: {field}"}
    case.validate_response(response)  # and the 400 itself conforms


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "QUERY"])
def test_every_other_method_on_the_token_path_is_405(fake: FakeZuora, method: str) -> None:
    """TRACE and QUERY were answered 501 by the fake (found by the coverage phase above)."""
    response = httpx.request(method, f"{fake.base_url}/oauth/token", timeout=10)

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert fake.token_requests == 0


# -- 2. the spec against Zuora's published definition ------------------------------------------------------------

#: The spec's pattern for credentials: a character other than ASCII whitespace.
NOT_BLANK = "[^ \\t\\n\\r\\f\\v]"

#: Every structural difference from Zuora's 2017-11-15 Swagger, each chosen on purpose (the README lists them).
DELIBERATE = {
    "format: Swagger 2.0 -> OpenAPI 3.0.3": "openapi-python-client reads OpenAPI 3 only; the form parameters "
    "become a requestBody schema (TokenRequest) with the same fields",
    "tag: OAuth -> oauth": "the generator names the module after the tag; `OAuth` would give `api/o_auth/`",
    "summary: 'Generate an OAuth token' -> 'Create an OAuth token'": "the name of the operation in Zuora's current "
    "API reference",
    "servers: 1 host -> 11 hosts": "every Zuora data centre (US Cloud 1/2, EU, APAC, production and sandboxes, "
    "US Performance Test); rest.zuora.com stays the default",
    "security: none declared -> [] (explicitly none)": "the token call must carry no credentials header",
    "request headers added: Zuora-Entity-Ids, Zuora-Org-Ids, Zuora-Track-Id": "documented by Zuora's current API "
    "reference and SDK for multi-entity, multi-org and tracing",
    "TokenRequest: additionalProperties false": "no field beyond the three is ever sent",
    f"client_id: minLength 1, maxLength 36, pattern {NOT_BLANK}": "Zuora documents client ids of 36 characters; "
    "a blank one is answered 400 as missing",
    f"client_secret: format password, minLength 1, maxLength 42, pattern {NOT_BLANK}": "Zuora documents secrets "
    "of at most 42 characters (a blank one is answered 400 as missing); `password` marks the field as a credential",
    "grant_type: default client_credentials": "the only grant Zuora supports, so callers need not pass it",
    "TokenResponse: required [access_token]": "a 2xx without a token cannot authenticate anything; it is raised as "
    "MalformedResponseError instead of returning an empty object",
    "access_token: format password": "marks the token for masking in reprs",
    "responses added: 400, 401, 403, 429, 5XX, default": "Zuora's documented errors (error guide, zuora-sdk "
    "3.21.0), each raised as its typed ApiError",
    "200 headers added: X-RateLimit-Limit-minute, X-RateLimit-Remaining-minute, Zuora-Request-Id, Zuora-Track-Id": (
        "the headers Zuora documents on the 200"
    ),
}


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.fail(f"{path} is missing: the comparison needs Zuora's published definition from shared/reference")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with a top-level ``$ref`` (``#/a/b``) followed, recursively."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return _load(SPEC)


@pytest.fixture(scope="module")
def zuoras() -> dict[str, Any]:
    return _load(ZUORA_SWAGGER)


def _our_operation(ours: dict[str, Any]) -> dict[str, Any]:
    return ours["paths"]["/oauth/token"]["post"]  # type: ignore[no-any-return]


def _our_form(ours: dict[str, Any]) -> dict[str, Any]:
    body = _resolve(ours, _our_operation(ours)["requestBody"])
    return _resolve(ours, body["content"]["application/x-www-form-urlencoded"]["schema"])  # type: ignore[no-any-return]


def _our_token(ours: dict[str, Any]) -> dict[str, Any]:
    ok = _resolve(ours, _our_operation(ours)["responses"]["200"])
    return _resolve(ours, ok["content"]["application/json"]["schema"])  # type: ignore[no-any-return]


def _zuora_operation(zuoras: dict[str, Any]) -> dict[str, Any]:
    return zuoras["paths"]["/oauth/token"]["post"]  # type: ignore[no-any-return]


def _zuora_token(zuoras: dict[str, Any]) -> dict[str, Any]:
    return _resolve(zuoras, _zuora_operation(zuoras)["responses"][200]["schema"])  # type: ignore[no-any-return]


def test_same_path_method_and_operation(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    assert {path: set(item) for path, item in ours["paths"].items()} == {"/oauth/token": {"post"}}
    assert {path: set(item) for path, item in zuoras["paths"].items()} == {"/oauth/token": {"post"}}
    assert _our_operation(ours)["operationId"] == _zuora_operation(zuoras)["operationId"] == "createToken"
    assert _zuora_operation(zuoras)["consumes"] == ["application/x-www-form-urlencoded"]
    assert list(_resolve(ours, _our_operation(ours)["requestBody"])["content"]) == ["application/x-www-form-urlencoded"]


def test_same_form_fields_types_and_required(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    zuora_fields = {
        parameter["name"]: (parameter["type"], parameter.get("required", False))
        for parameter in _zuora_operation(zuoras)["parameters"]
        if parameter["in"] == "formData"
    }
    form = _our_form(ours)
    our_fields = {
        name: (_resolve(ours, field)["type"], name in form.get("required", []))
        for name, field in form["properties"].items()
    }
    assert (
        our_fields
        == zuora_fields
        == {
            "client_id": ("string", True),
            "client_secret": ("string", True),
            "grant_type": ("string", True),
        }
    )
    assert [param for param in _zuora_operation(zuoras)["parameters"] if param["in"] != "formData"] == []


def test_same_grant_type_enum(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    zuora_grant = next(p for p in _zuora_operation(zuoras)["parameters"] if p["name"] == "grant_type")
    our_grant = _resolve(ours, _our_form(ours)["properties"]["grant_type"])
    assert our_grant["enum"] == zuora_grant["enum"] == ["client_credentials"]


def test_same_token_fields_and_types(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    def fields(schema_: dict[str, Any]) -> dict[str, str]:
        return {name: field["type"] for name, field in schema_["properties"].items()}

    assert (
        fields(_our_token(ours))
        == fields(_zuora_token(zuoras))
        == {
            "access_token": "string",
            "token_type": "string",
            "expires_in": "number",
            "scope": "string",
            "jti": "string",
        }
    )
    assert _our_token(ours).get("additionalProperties", True) is True  # fields Zuora adds later are kept


def test_same_success_example(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    ours_ok = _resolve(ours, _our_operation(ours)["responses"]["200"])["content"]["application/json"]["example"]
    zuora_ok = _zuora_operation(zuoras)["responses"][200]["examples"]["application/json"]
    assert ours_ok == zuora_ok


def structural_differences(ours: dict[str, Any], zuoras: dict[str, Any]) -> set[str]:
    """Every difference between the two definitions that changes what a generated client does or accepts."""
    found: set[str] = set()
    mine, theirs = _our_operation(ours), _zuora_operation(zuoras)
    found.add(f"format: Swagger {zuoras['swagger']} -> OpenAPI {ours['openapi']}")
    if mine["tags"] != theirs["tags"]:
        found.add(f"tag: {', '.join(theirs['tags'])} -> {', '.join(mine['tags'])}")
    if mine["summary"] != theirs["summary"]:
        found.add(f"summary: {theirs['summary']!r} -> {mine['summary']!r}")
    servers = [server["url"] for server in ours.get("servers", [])]
    if servers != [f"https://{zuoras['host']}"]:
        found.add(f"servers: 1 host -> {len(servers)} hosts")
        assert servers[0] == f"https://{zuoras['host']}"
    if "security" in mine or "security" in theirs:
        found.add(f"security: none declared -> {mine.get('security')!r} (explicitly none)")
    headers = sorted(
        _resolve(ours, p)["name"] for p in mine.get("parameters", []) if _resolve(ours, p)["in"] == "header"
    )
    if headers:
        found.add(f"request headers added: {', '.join(headers)}")
    form = _our_form(ours)
    if form.get("additionalProperties", True) is not True:
        found.add(f"TokenRequest: additionalProperties {str(form['additionalProperties']).lower()}")
    zuora_params = {p["name"]: p for p in theirs["parameters"]}
    for name, field in form["properties"].items():
        found |= _field_differences(name, _resolve(ours, field), zuora_params[name])
    token, zuora_token = _our_token(ours), _zuora_token(zuoras)
    if token.get("required", []) != zuora_token.get("required", []):
        found.add(f"TokenResponse: required [{', '.join(token.get('required', []))}]")
    for name, field in token["properties"].items():
        found |= _field_differences(name, field, zuora_token["properties"][name])
    extra = [str(status) for status in mine["responses"] if str(status) not in {str(s) for s in theirs["responses"]}]
    if extra:
        found.add(f"responses added: {', '.join(extra)}")
    ok_headers = sorted(_resolve(ours, mine["responses"]["200"]).get("headers", {}))
    if ok_headers:
        found.add(f"200 headers added: {', '.join(ok_headers)}")
    return found


_COMPARED_KEYWORDS = ("format", "minLength", "maxLength", "pattern", "enum", "default", "minimum", "maximum")


def _field_differences(name: str, mine: dict[str, Any], theirs: dict[str, Any]) -> set[str]:
    changed = [
        f"{keyword} {mine[keyword]}"
        for keyword in _COMPARED_KEYWORDS
        if keyword in mine and mine.get(keyword) != theirs.get(keyword)
    ]
    dropped = [f"no {keyword}" for keyword in _COMPARED_KEYWORDS if keyword in theirs and keyword not in mine]
    if mine.get("type") != theirs.get("type"):
        changed.insert(0, f"type {mine.get('type')}")
    return {f"{name}: {', '.join(changed + dropped)}"} if changed or dropped else set()


def test_every_other_difference_is_deliberate_and_documented(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    differences = structural_differences(ours, zuoras)

    assert differences - set(DELIBERATE) == set(), "undocumented differences from Zuora's definition"
    assert set(DELIBERATE) - differences == set(), "documented differences that no longer exist"


def test_the_comparison_notices_a_new_difference(ours: dict[str, Any], zuoras: dict[str, Any]) -> None:
    """The check above can fail: a new constraint or a changed token field is reported, not absorbed."""
    changed = copy.deepcopy(ours)
    changed["components"]["schemas"]["TokenRequest"]["properties"]["client_id"]["maxLength"] = 40
    changed["components"]["schemas"]["TokenResponse"]["properties"]["expires_in"]["format"] = "int32"

    assert structural_differences(changed, zuoras) - set(DELIBERATE) == {
        f"client_id: minLength 1, maxLength 40, pattern {NOT_BLANK}",
        "expires_in: format int32",
    }
