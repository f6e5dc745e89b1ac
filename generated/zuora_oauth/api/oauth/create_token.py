from typing import Any

import httpx

from zuora_oauth import runtime as _zr

from ...client import AuthenticatedClient, Client
from ...models.token_request import TokenRequest
from ...models.token_response import TokenResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TokenRequest,
    zuora_track_id: str | Unset = UNSET,
    zuora_entity_ids: str | Unset = UNSET,
    zuora_org_ids: str | Unset = UNSET,
) -> dict[str, Any]:
    _headers: dict[str, Any] = {}
    if not isinstance(zuora_track_id, Unset):
        _headers["Zuora-Track-Id"] = zuora_track_id

    if not isinstance(zuora_entity_ids, Unset):
        _headers["Zuora-Entity-Ids"] = zuora_entity_ids

    if not isinstance(zuora_org_ids, Unset):
        _headers["Zuora-Org-Ids"] = zuora_org_ids

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/oauth/token",
    }

    _kwargs["data"] = body.to_dict()
    _headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = _headers
    return _kwargs


def _parse_response(response: httpx.Response) -> TokenResponse:
    """Read a 2xx answer: the transport has raised an ApiError for every other status already."""
    response_200 = TokenResponse.from_dict(_zr.json_body(response))

    return response_200


#: This operation for zuora_oauth.runtime: how to build its request and read its answer, and the spec's facts.
OPERATION = _zr.Operation(
    "POST",
    "/oauth/token",
    _get_kwargs,
    _parse_response,
    sends_credentials=False,
    replay_safe=True,
)


def _build_response(response: httpx.Response, parsed: TokenResponse) -> Response[TokenResponse]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    zuora_track_id: str | Unset = UNSET,
    zuora_entity_ids: str | Unset = UNSET,
    zuora_org_ids: str | Unset = UNSET,
) -> Response[TokenResponse]:
    """Create an OAuth token

     Creates a bearer token that enables an OAuth client to authenticate with the Zuora REST API. The
    OAuth client must have been created using the Zuora UI. Tokens expire after one hour; use each token
    until it expires rather than generating many tokens in a short period: this endpoint is rate limited
    by IP address and answers 429 when callers request tokens too often.

    **Note:** When using this operation, do not set any authentication headers such as `Authorization`,
    `apiAccessKeyId`, or `apiSecretAccessKey`.

    Args:
        zuora_track_id (str | Unset): A custom identifier for tracing the API call, echoed back in
            the response (at most 64 US-ASCII characters, none of `: ; " '`).
        zuora_entity_ids (str | Unset): An entity ID (36 characters); only for Multi-entity
            tenants.
        zuora_org_ids (str | Unset): Comma-separated IDs of the orgs the call applies to; only for
            Multi-Org tenants.
        body (TokenRequest): The form body of a token request. Zuora supports only the client
            credentials grant.

    Raises:
        zuora_oauth.ApiError: for every outcome other than a usable 2xx answer (a subclass per status, BusinessError
            for Zuora's "success": false, ApiConnectionError/ApiTimeoutError without an answer, MalformedResponseError
            for a body that does not fit), after the shared retry policy.

    Returns:
        Response[TokenResponse]
    """

    _request = _get_kwargs(
        body=body,
        zuora_track_id=zuora_track_id,
        zuora_entity_ids=zuora_entity_ids,
        zuora_org_ids=zuora_org_ids,
    )

    _response, _parsed = _zr.send(client, _request, OPERATION)
    return _build_response(_response, _parsed)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    zuora_track_id: str | Unset = UNSET,
    zuora_entity_ids: str | Unset = UNSET,
    zuora_org_ids: str | Unset = UNSET,
) -> TokenResponse:
    """Create an OAuth token

     Creates a bearer token that enables an OAuth client to authenticate with the Zuora REST API. The
    OAuth client must have been created using the Zuora UI. Tokens expire after one hour; use each token
    until it expires rather than generating many tokens in a short period: this endpoint is rate limited
    by IP address and answers 429 when callers request tokens too often.

    **Note:** When using this operation, do not set any authentication headers such as `Authorization`,
    `apiAccessKeyId`, or `apiSecretAccessKey`.

    Args:
        zuora_track_id (str | Unset): A custom identifier for tracing the API call, echoed back in
            the response (at most 64 US-ASCII characters, none of `: ; " '`).
        zuora_entity_ids (str | Unset): An entity ID (36 characters); only for Multi-entity
            tenants.
        zuora_org_ids (str | Unset): Comma-separated IDs of the orgs the call applies to; only for
            Multi-Org tenants.
        body (TokenRequest): The form body of a token request. Zuora supports only the client
            credentials grant.

    Raises:
        zuora_oauth.ApiError: for every outcome other than a usable 2xx answer (a subclass per status, BusinessError
            for Zuora's "success": false, ApiConnectionError/ApiTimeoutError without an answer, MalformedResponseError
            for a body that does not fit), after the shared retry policy.

    Returns:
        TokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        zuora_track_id=zuora_track_id,
        zuora_entity_ids=zuora_entity_ids,
        zuora_org_ids=zuora_org_ids,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    zuora_track_id: str | Unset = UNSET,
    zuora_entity_ids: str | Unset = UNSET,
    zuora_org_ids: str | Unset = UNSET,
) -> Response[TokenResponse]:
    """Create an OAuth token

     Creates a bearer token that enables an OAuth client to authenticate with the Zuora REST API. The
    OAuth client must have been created using the Zuora UI. Tokens expire after one hour; use each token
    until it expires rather than generating many tokens in a short period: this endpoint is rate limited
    by IP address and answers 429 when callers request tokens too often.

    **Note:** When using this operation, do not set any authentication headers such as `Authorization`,
    `apiAccessKeyId`, or `apiSecretAccessKey`.

    Args:
        zuora_track_id (str | Unset): A custom identifier for tracing the API call, echoed back in
            the response (at most 64 US-ASCII characters, none of `: ; " '`).
        zuora_entity_ids (str | Unset): An entity ID (36 characters); only for Multi-entity
            tenants.
        zuora_org_ids (str | Unset): Comma-separated IDs of the orgs the call applies to; only for
            Multi-Org tenants.
        body (TokenRequest): The form body of a token request. Zuora supports only the client
            credentials grant.

    Raises:
        zuora_oauth.ApiError: for every outcome other than a usable 2xx answer (a subclass per status, BusinessError
            for Zuora's "success": false, ApiConnectionError/ApiTimeoutError without an answer, MalformedResponseError
            for a body that does not fit), after the shared retry policy.

    Returns:
        Response[TokenResponse]
    """

    _request = _get_kwargs(
        body=body,
        zuora_track_id=zuora_track_id,
        zuora_entity_ids=zuora_entity_ids,
        zuora_org_ids=zuora_org_ids,
    )

    _response, _parsed = await _zr.asend(client, _request, OPERATION)
    return _build_response(_response, _parsed)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    zuora_track_id: str | Unset = UNSET,
    zuora_entity_ids: str | Unset = UNSET,
    zuora_org_ids: str | Unset = UNSET,
) -> TokenResponse:
    """Create an OAuth token

     Creates a bearer token that enables an OAuth client to authenticate with the Zuora REST API. The
    OAuth client must have been created using the Zuora UI. Tokens expire after one hour; use each token
    until it expires rather than generating many tokens in a short period: this endpoint is rate limited
    by IP address and answers 429 when callers request tokens too often.

    **Note:** When using this operation, do not set any authentication headers such as `Authorization`,
    `apiAccessKeyId`, or `apiSecretAccessKey`.

    Args:
        zuora_track_id (str | Unset): A custom identifier for tracing the API call, echoed back in
            the response (at most 64 US-ASCII characters, none of `: ; " '`).
        zuora_entity_ids (str | Unset): An entity ID (36 characters); only for Multi-entity
            tenants.
        zuora_org_ids (str | Unset): Comma-separated IDs of the orgs the call applies to; only for
            Multi-Org tenants.
        body (TokenRequest): The form body of a token request. Zuora supports only the client
            credentials grant.

    Raises:
        zuora_oauth.ApiError: for every outcome other than a usable 2xx answer (a subclass per status, BusinessError
            for Zuora's "success": false, ApiConnectionError/ApiTimeoutError without an answer, MalformedResponseError
            for a body that does not fit), after the shared retry policy.

    Returns:
        TokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            zuora_track_id=zuora_track_id,
            zuora_entity_ids=zuora_entity_ids,
            zuora_org_ids=zuora_org_ids,
        )
    ).parsed
