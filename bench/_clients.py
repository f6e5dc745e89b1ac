"""How each client under test makes one call, written the way its own documentation shows.

Every factory takes the token server's base URL and credentials and returns a zero-argument callable that makes
one call; the imports are inside the factories so a child process loads only the client it measures (and a peer
that is not installed fails only its own rows). Peers' real APIs, read from their installed source:

- zuora-sdk 3.21.0: ``OAuthApi(ApiClient(Configuration(host=...))).create_token(client_id, client_secret,
  grant_type)`` (pydantic validates a 36-character client id and a secret of at most 42).
- zuora-swagger-client 1.2.0: ``Configuration().host = ...``; ``OAuthApi(ApiClient(configuration))
  .create_token(client_id, client_secret, grant_type)``.
- authlib 1.9.6: ``OAuth2Client(client_id, client_secret, token_endpoint_auth_method="client_secret_post")
  .fetch_token(url, grant_type="client_credentials")``. For an authenticated request with no token yet, authlib
  needs a token to start from: it is given an already expired one plus ``token_endpoint`` and
  ``grant_type="client_credentials"``, so its own ``ensure_active_token`` fetches (its documented auto-refresh).
- httpx-auth 0.23.1: ``OAuth2ClientCredentials(token_url, client_id, client_secret)`` always sends the
  credentials as HTTP Basic, which Zuora's token endpoint refuses (it wants them in the form body), so
  :func:`httpx_auth_for_zuora` moves them into the body: the smallest change a Zuora user would have to make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[[], object]
ACCOUNT_PATH = "/v1/accounts/A00000001"
GRANT = "client_credentials"

# -- one create_token call on a keep-alive connection ----------------------------------------------------------


def token_zuora_oauth(base_url: str, client_id: str, client_secret: str) -> Call:
    from zuora_oauth import Client, OAuthApi

    api = OAuthApi(Client(base_url=base_url))
    return lambda: api.create_token(client_id, client_secret)


def token_raw_httpx(base_url: str, client_id: str, client_secret: str) -> Call:
    """The floor: what any httpx-based client has to spend to post the form and decode the JSON answer."""
    import httpx

    http = httpx.Client()
    url = base_url + "/oauth/token"
    form = {"grant_type": GRANT, "client_id": client_id, "client_secret": client_secret}
    return lambda: http.post(url, data=form).json()


def token_zuora_sdk(base_url: str, client_id: str, client_secret: str) -> Call:
    from zuora_sdk import ApiClient, Configuration  # type: ignore[import-not-found,attr-defined,unused-ignore]
    from zuora_sdk.api.o_auth_api import OAuthApi  # type: ignore[import-not-found,unused-ignore]

    api = OAuthApi(ApiClient(Configuration(host=base_url)))
    return lambda: api.create_token(client_id, client_secret, GRANT)


def token_swagger_client(base_url: str, client_id: str, client_secret: str) -> Call:
    import swagger_client  # type: ignore[import-not-found,import-untyped,unused-ignore]

    configuration = swagger_client.Configuration()
    configuration.host = base_url
    api = swagger_client.OAuthApi(swagger_client.ApiClient(configuration))
    return lambda: api.create_token(client_id, client_secret, GRANT)


def token_authlib(base_url: str, client_id: str, client_secret: str) -> Call:
    from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-not-found,import-untyped,unused-ignore]

    client = OAuth2Client(client_id, client_secret, token_endpoint_auth_method="client_secret_post")
    url = base_url + "/oauth/token"
    return lambda: client.fetch_token(url, grant_type=GRANT)


TOKEN_CLIENTS: dict[str, Callable[[str, str, str], Call]] = {
    "zuora-oauth": token_zuora_oauth,
    "httpx (raw)": token_raw_httpx,
    "zuora-sdk": token_zuora_sdk,
    "zuora-swagger-client": token_swagger_client,
    "authlib": token_authlib,
}

# -- one authenticated GET with a cached token ----------------------------------------------------------------


def cached_zuora_auth(base_url: str, client_id: str, client_secret: str) -> Call:
    import httpx

    from zuora_oauth.auth import ZuoraAuth

    http = httpx.Client(auth=ZuoraAuth(client_id, client_secret, base_url=base_url))
    url = base_url + ACCOUNT_PATH
    return lambda: http.get(url)


def cached_static_header(base_url: str, client_id: str, client_secret: str) -> Call:
    """The floor: a token fetched once by hand and pasted into a default header (no expiry, no refresh)."""
    import httpx

    form = {"grant_type": GRANT, "client_id": client_id, "client_secret": client_secret}
    token = httpx.post(base_url + "/oauth/token", data=form).json()["access_token"]
    http = httpx.Client(headers={"Authorization": f"Bearer {token}"})
    url = base_url + ACCOUNT_PATH
    return lambda: http.get(url)


def cached_httpx_auth(base_url: str, client_id: str, client_secret: str) -> Call:
    import httpx

    http = httpx.Client(auth=httpx_auth_for_zuora(base_url, client_id, client_secret))
    url = base_url + ACCOUNT_PATH
    return lambda: http.get(url)


def cached_authlib(base_url: str, client_id: str, client_secret: str) -> Call:
    client = authlib_client(base_url, client_id, client_secret)
    url = base_url + ACCOUNT_PATH
    return lambda: client.get(url)


CACHED_CLIENTS: dict[str, Callable[[str, str, str], Call]] = {
    "ZuoraAuth": cached_zuora_auth,
    "static header": cached_static_header,
    "httpx-auth": cached_httpx_auth,
    "authlib": cached_authlib,
}

# -- the peers' authenticated clients, shared with the concurrency figures ------------------------------------


def httpx_auth_for_zuora(base_url: str, client_id: str, client_secret: str) -> Any:
    """httpx-auth's client-credentials flow with the credentials in the form body, where Zuora wants them."""
    import httpx_auth  # type: ignore[import-not-found,import-untyped,unused-ignore]

    class _BodyCredentials(httpx_auth.OAuth2ClientCredentials):  # type: ignore[misc,unused-ignore]
        def _configure_client(self, client: object) -> None:
            """httpx-auth sets HTTP Basic here; the credentials are already in ``self.data`` instead."""

    auth = _BodyCredentials(base_url + "/oauth/token", client_id=client_id, client_secret=client_secret)
    auth.data.update(client_id=client_id, client_secret=client_secret)
    return auth


def _expired_token() -> dict[str, object]:
    return {"access_token": "expired", "token_type": "bearer", "expires_at": 1}


def authlib_client(base_url: str, client_id: str, client_secret: str) -> Any:
    """authlib's sync client set up to fetch (and later refresh) its client-credentials token by itself."""
    from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-not-found,import-untyped,unused-ignore]

    return OAuth2Client(
        client_id,
        client_secret,
        token_endpoint_auth_method="client_secret_post",
        token_endpoint=base_url + "/oauth/token",
        grant_type=GRANT,
        token=_expired_token(),
        timeout=60,
    )


def authlib_async_client(base_url: str, client_id: str, client_secret: str, **httpx_args: Any) -> Any:
    """:func:`authlib_client` for asyncio (``AsyncOAuth2Client``, whose refresh holds an anyio lock)."""
    from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-not-found,import-untyped,unused-ignore]

    return AsyncOAuth2Client(
        client_id,
        client_secret,
        token_endpoint_auth_method="client_secret_post",
        token_endpoint=base_url + "/oauth/token",
        grant_type=GRANT,
        token=_expired_token(),
        timeout=60,
        **httpx_args,
    )
