"""Contains endpoint functions for accessing the API, and the OAuthApi and AsyncOAuthApi classes"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from zuora_oauth import runtime as _zr

from ...client import AuthenticatedClient, Client
from ...types import UNSET, Response, Unset

if TYPE_CHECKING:
    from ...models.grant_type import GrantType
    from ...models.token_response import TokenResponse


_T = TypeVar("_T")


def _given(value: _T | None) -> _T | Unset:
    """None means "not given", like UNSET: the parameter is not sent."""
    return UNSET if value is None else value


class OAuthApi:
    """The Zuora SDK's call shape for the oauth operations.

    ``OAuthApi()`` talks to Zuora's US production host (``DEFAULT_BASE_URL``); pass a
    ``Client`` for another environment, a timeout, retries or ZuoraAuth (``httpx_args={"auth": auth}``). Every
    method raises a ``zuora_oauth.ApiError`` subclass for any outcome other than a usable 2xx answer.
    """

    def __init__(self, client: AuthenticatedClient | Client | None = None) -> None:
        self._client = client if client is not None else Client(base_url=_zr.DEFAULT_BASE_URL)

    @property
    def client(self) -> AuthenticatedClient | Client:
        """The client every call of this object goes through."""
        return self._client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self._client!r})"

    def create_token(
        self,
        client_id: str,
        client_secret: str,
        grant_type: GrantType | str = "client_credentials",
        *,
        zuora_track_id: str | Unset | None = UNSET,
        zuora_entity_ids: str | Unset | None = UNSET,
        zuora_org_ids: str | Unset | None = UNSET,
    ) -> TokenResponse:
        """Create an OAuth token.

        Returns the parsed answer; see ``create_token_with_http_info`` for the status code and headers too.
        """
        return (
            self.create_token_with_http_info(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=grant_type,
                zuora_track_id=zuora_track_id,
                zuora_entity_ids=zuora_entity_ids,
                zuora_org_ids=zuora_org_ids,
            )
        ).parsed

    def create_token_with_http_info(
        self,
        client_id: str,
        client_secret: str,
        grant_type: GrantType | str = "client_credentials",
        *,
        zuora_track_id: str | Unset | None = UNSET,
        zuora_entity_ids: str | Unset | None = UNSET,
        zuora_org_ids: str | Unset | None = UNSET,
    ) -> Response[TokenResponse]:
        """Create an OAuth token: the parsed answer with its status code and headers."""
        from ...models.grant_type import GrantType
        from ...models.token_request import TokenRequest
        from . import create_token as _operation

        return _operation.sync_detailed(
            client=self._client,
            body=TokenRequest(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=_zr.enum_argument(GrantType, grant_type, "grant_type"),
            ),
            zuora_track_id=_given(zuora_track_id),
            zuora_entity_ids=_given(zuora_entity_ids),
            zuora_org_ids=_given(zuora_org_ids),
        )


class AsyncOAuthApi:
    """The Zuora SDK's call shape for the oauth operations, for asyncio.

    ``AsyncOAuthApi()`` talks to Zuora's US production host (``DEFAULT_BASE_URL``); pass a
    ``Client`` for another environment, a timeout, retries or ZuoraAuth (``httpx_args={"auth": auth}``). Every
    method raises a ``zuora_oauth.ApiError`` subclass for any outcome other than a usable 2xx answer.
    """

    def __init__(self, client: AuthenticatedClient | Client | None = None) -> None:
        self._client = client if client is not None else Client(base_url=_zr.DEFAULT_BASE_URL)

    @property
    def client(self) -> AuthenticatedClient | Client:
        """The client every call of this object goes through."""
        return self._client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self._client!r})"

    async def create_token(
        self,
        client_id: str,
        client_secret: str,
        grant_type: GrantType | str = "client_credentials",
        *,
        zuora_track_id: str | Unset | None = UNSET,
        zuora_entity_ids: str | Unset | None = UNSET,
        zuora_org_ids: str | Unset | None = UNSET,
    ) -> TokenResponse:
        """Create an OAuth token.

        Returns the parsed answer; see ``create_token_with_http_info`` for the status code and headers too.
        """
        return (
            await self.create_token_with_http_info(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=grant_type,
                zuora_track_id=zuora_track_id,
                zuora_entity_ids=zuora_entity_ids,
                zuora_org_ids=zuora_org_ids,
            )
        ).parsed

    async def create_token_with_http_info(
        self,
        client_id: str,
        client_secret: str,
        grant_type: GrantType | str = "client_credentials",
        *,
        zuora_track_id: str | Unset | None = UNSET,
        zuora_entity_ids: str | Unset | None = UNSET,
        zuora_org_ids: str | Unset | None = UNSET,
    ) -> Response[TokenResponse]:
        """Create an OAuth token: the parsed answer with its status code and headers."""
        from ...models.grant_type import GrantType
        from ...models.token_request import TokenRequest
        from . import create_token as _operation

        return await _operation.asyncio_detailed(
            client=self._client,
            body=TokenRequest(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=_zr.enum_argument(GrantType, grant_type, "grant_type"),
            ),
            zuora_track_id=_given(zuora_track_id),
            zuora_entity_ids=_given(zuora_entity_ids),
            zuora_org_ids=_given(zuora_org_ids),
        )
