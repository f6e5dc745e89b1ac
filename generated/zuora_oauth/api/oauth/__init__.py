"""Contains endpoint functions for accessing the API, and the OAuthApi and AsyncOAuthApi classes"""

from typing import TypeVar

from zuora_oauth._arguments import enum_argument
from zuora_oauth.environments import DEFAULT_BASE_URL

from ...client import AuthenticatedClient, Client
from ...models.grant_type import GrantType
from ...models.token_request import TokenRequest
from ...models.token_response import TokenResponse
from ...types import UNSET, Response, Unset
from . import create_token as _create_token

_T = TypeVar("_T")


def _unset_if_none(value: _T | None) -> _T | Unset:
    return UNSET if value is None else value


class OAuthApi:
    """The Zuora SDK's call shape for the oauth operations.

    ``OAuthApi()`` talks to Zuora's US production host (``DEFAULT_BASE_URL``); pass a
    ``Client`` for another environment, a timeout or retries. Every method raises a ``zuora_oauth.ApiError``
    subclass for any outcome other than a usable 2xx answer.
    """

    def __init__(self, client: AuthenticatedClient | Client | None = None) -> None:
        self.client = client if client is not None else Client(base_url=DEFAULT_BASE_URL)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self.client!r})"

    def create_token(
        self,
        client_id: str,
        client_secret: str,
        grant_type: GrantType | str = "client_credentials",
        *,
        zuora_track_id: str | None = None,
        zuora_entity_ids: str | None = None,
        zuora_org_ids: str | None = None,
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
        zuora_track_id: str | None = None,
        zuora_entity_ids: str | None = None,
        zuora_org_ids: str | None = None,
    ) -> Response[TokenResponse]:
        """Create an OAuth token: the parsed answer with its status code and headers."""
        return _create_token.sync_detailed(
            client=self.client,
            body=TokenRequest(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=enum_argument(GrantType, grant_type, "grant_type"),
            ),
            zuora_track_id=_unset_if_none(zuora_track_id),
            zuora_entity_ids=_unset_if_none(zuora_entity_ids),
            zuora_org_ids=_unset_if_none(zuora_org_ids),
        )


class AsyncOAuthApi:
    """The Zuora SDK's call shape for the oauth operations, for asyncio.

    ``AsyncOAuthApi()`` talks to Zuora's US production host (``DEFAULT_BASE_URL``); pass a
    ``Client`` for another environment, a timeout or retries. Every method raises a ``zuora_oauth.ApiError``
    subclass for any outcome other than a usable 2xx answer.
    """

    def __init__(self, client: AuthenticatedClient | Client | None = None) -> None:
        self.client = client if client is not None else Client(base_url=DEFAULT_BASE_URL)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self.client!r})"

    async def create_token(
        self,
        client_id: str,
        client_secret: str,
        grant_type: GrantType | str = "client_credentials",
        *,
        zuora_track_id: str | None = None,
        zuora_entity_ids: str | None = None,
        zuora_org_ids: str | None = None,
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
        zuora_track_id: str | None = None,
        zuora_entity_ids: str | None = None,
        zuora_org_ids: str | None = None,
    ) -> Response[TokenResponse]:
        """Create an OAuth token: the parsed answer with its status code and headers."""
        return await _create_token.asyncio_detailed(
            client=self.client,
            body=TokenRequest(
                client_id=client_id,
                client_secret=client_secret,
                grant_type=enum_argument(GrantType, grant_type, "grant_type"),
            ),
            zuora_track_id=_unset_if_none(zuora_track_id),
            zuora_entity_ids=_unset_if_none(zuora_entity_ids),
            zuora_org_ids=_unset_if_none(zuora_org_ids),
        )
