from typing import Any

import httpx

from zuora_oauth import _transport

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
    headers: dict[str, Any] = {}
    if not isinstance(zuora_track_id, Unset):
        headers["Zuora-Track-Id"] = zuora_track_id

    if not isinstance(zuora_entity_ids, Unset):
        headers["Zuora-Entity-Ids"] = zuora_entity_ids

    if not isinstance(zuora_org_ids, Unset):
        headers["Zuora-Org-Ids"] = zuora_org_ids

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/oauth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> TokenResponse:
    """Read a 2xx answer: the transport has raised an ApiError for every other status already."""
    response_200 = TokenResponse.from_dict(response.json())

    return response_200


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
        errors.ApiError: For every answer other than a usable 2xx, after the retries of Client.max_retries: a subclass
            per status (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
            ServerError), MalformedResponseError for an unusable 2xx body, ApiConnectionError (code 0) when no answer
            came, ApiTimeoutError when it came too late, InvalidRequestError when the arguments cannot be sent.

    Returns:
        Response[TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        zuora_track_id=zuora_track_id,
        zuora_entity_ids=zuora_entity_ids,
        zuora_org_ids=zuora_org_ids,
    )

    response, parsed = _transport.send(client, kwargs, _parse_response)
    return _build_response(response, parsed)


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
        errors.ApiError: For every answer other than a usable 2xx, after the retries of Client.max_retries: a subclass
            per status (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
            ServerError), MalformedResponseError for an unusable 2xx body, ApiConnectionError (code 0) when no answer
            came, ApiTimeoutError when it came too late, InvalidRequestError when the arguments cannot be sent.

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
        errors.ApiError: For every answer other than a usable 2xx, after the retries of Client.max_retries: a subclass
            per status (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
            ServerError), MalformedResponseError for an unusable 2xx body, ApiConnectionError (code 0) when no answer
            came, ApiTimeoutError when it came too late, InvalidRequestError when the arguments cannot be sent.

    Returns:
        Response[TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        zuora_track_id=zuora_track_id,
        zuora_entity_ids=zuora_entity_ids,
        zuora_org_ids=zuora_org_ids,
    )

    response, parsed = await _transport.asend(client, kwargs, _parse_response)
    return _build_response(response, parsed)


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
        errors.ApiError: For every answer other than a usable 2xx, after the retries of Client.max_retries: a subclass
            per status (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
            ServerError), MalformedResponseError for an unusable 2xx body, ApiConnectionError (code 0) when no answer
            came, ApiTimeoutError when it came too late, InvalidRequestError when the arguments cannot be sent.

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
