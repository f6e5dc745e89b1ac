"""ZuoraAuth's token requests: the generated create_token operation, its retry policy, and a sanity check."""

from __future__ import annotations

import logging
import math
import re
import ssl
import time
from typing import Any

import attrs
import httpx

from . import runtime as _runtime
from ._exceptions import malformed_response
from ._http_options import HttpOptions
from ._masking import mask
from ._secret_source import SecretSource, read_secret
from ._version import user_agent
from .api.oauth import create_token
from .client import DEFAULT_DEADLINE, Client
from .models.grant_type import GrantType
from .models.token_request import TokenRequest
from .models.token_response import TokenResponse
from .stores._record import TokenRecord
from .types import UNSET, Unset

logger = logging.getLogger("zuora_oauth")

#: Zuora documents one-hour tokens; used when an answer leaves ``expires_in`` out.
DEFAULT_LIFETIME = 3600.0

#: Longest lifetime believed, so an absurd ``expires_in`` cannot keep a token cached for ever.
MAX_LIFETIME = 86400.0

#: What an HTTP header can carry as a bearer token: visible US-ASCII, no spaces.
_TOKEN = re.compile(r"[!-~]+")

#: What token requests say they are; a given http_client's own User-Agent (other than httpx's default) wins.
USER_AGENT = user_agent(f"python-httpx/{httpx.__version__}")
_HTTPX_USER_AGENT = f"python-httpx/{httpx.__version__}"


class _AsyncClientAdapter:
    """Gives the transport a fixed httpx.AsyncClient (the generated Client keeps one per event loop), with the
    settings of the endpoint's Client."""

    __slots__ = ("allow_insecure_http", "deadline", "http", "max_response_bytes", "max_retries")

    def __init__(self, http: httpx.AsyncClient, settings: Client) -> None:
        self.http = http
        self.max_retries = settings.max_retries
        self.deadline = settings.deadline
        self.max_response_bytes = settings.max_response_bytes
        self.allow_insecure_http = settings.allow_insecure_http

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self.http


class TokenEndpoint:
    """Sends token requests for one OAuth client and turns each answer into a :class:`TokenRecord`.

    Requests go through the same transport and retry policy as ``OAuthApi.create_token``. Async requests use a
    short-lived ``httpx.AsyncClient`` per refresh (unless one is given), because an AsyncClient's pooled
    connections belong to the event loop that opened them and a ZuoraAuth may serve several loops.

    ``deadline`` bounds each fetch as a whole (connects, reads, retries and back-off), in seconds;
    ``allow_insecure_http`` lets the secret go to a remote ``http://`` base URL (the caller has asked for it);
    ``http_options`` (verify, cert, proxy, trust_env) configure the connections the endpoint opens itself.
    ``client_secret`` may be a callable: it is read for every request (off the event loop for async ones).
    Answers are read up to 1 MiB, a token request never follows a redirect, and the secret is never in an error.
    """

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: SecretSource,
        headers: dict[str, str],
        max_retries: int,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None,
        async_transport: httpx.AsyncBaseTransport | None,
        http_client: httpx.Client | None,
        async_http_client: httpx.AsyncClient | None,
        deadline: float = DEFAULT_DEADLINE,
        allow_insecure_http: bool = False,
        http_options: HttpOptions | None = None,
    ) -> None:
        self._url = base_url.rstrip("/") + "/oauth/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._headers = headers
        self._timeout = timeout
        self._async_transport = async_transport
        self._async_http_client = async_http_client
        self._options = http_options if http_options is not None else HttpOptions()
        # One for every async refresh, built once (a given verify/cert is one already).
        self._ssl_context: ssl.SSLContext | None = self._options.verify
        httpx_args: dict[str, Any] = self._options.client_args()
        if transport is not None:
            httpx_args["transport"] = transport
        self._client = Client(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            deadline=deadline,
            allow_insecure_http=allow_insecure_http,
            verify_ssl=True if self._options.verify is None else self._options.verify,
            httpx_args=httpx_args,
        )
        if http_client is not None:
            self._client.set_httpx_client(http_client)
        self._owns_http_client = http_client is None
        self._sync_used = False  # close() must not build a connection pool only to close it

    def fetch(self) -> TokenRecord:
        """Request a new token (with retries) or raise the typed error of the last attempt."""
        secret = read_secret(self._client_secret)
        issued_at = time.time()
        self._sync_used = True
        kwargs = self._kwargs(secret, self._client.get_httpx_client().headers)
        response, token = _runtime.send(self._client, kwargs, create_token.OPERATION)
        return self._record(response, token, issued_at, secret)

    async def afetch(self) -> TokenRecord:
        """:meth:`fetch` for asyncio callers."""
        if isinstance(self._client_secret, str):
            secret = self._client_secret
        else:  # a secrets manager or a file: not on the event loop
            import asyncio  # noqa: PLC0415

            secret = await asyncio.to_thread(read_secret, self._client_secret)
        issued_at = time.time()
        if self._async_http_client is not None:
            client = _AsyncClientAdapter(self._async_http_client, self._client)
            kwargs = self._kwargs(secret, self._async_http_client.headers)
            response, token = await _runtime.asend(client, kwargs, create_token.OPERATION)
        else:
            if self._ssl_context is None:  # loading the CA bundle takes ~20 ms: not on the event loop
                import asyncio  # noqa: PLC0415

                trust_env = self._options.trust_env
                self._ssl_context = await asyncio.to_thread(httpx.create_ssl_context, trust_env=trust_env)
            async with httpx.AsyncClient(
                timeout=self._timeout,
                verify=self._ssl_context,
                transport=self._async_transport,
                headers={"User-Agent": USER_AGENT},
                **self._options.client_args(),
            ) as http:
                client = _AsyncClientAdapter(http, self._client)
                response, token = await _runtime.asend(
                    client, self._kwargs(secret, http.headers), create_token.OPERATION
                )
        return self._record(response, token, issued_at, secret)

    def close(self) -> None:
        """Close the connection pool this endpoint created (not one it was given)."""
        if self._owns_http_client and self._sync_used:
            self._client.get_httpx_client().close()

    def after_fork(self) -> None:
        """In a forked child: drop the connection pool this endpoint created, without closing it.

        Its sockets are shared with the parent: requests from both would interleave on them and answers cross, and
        closing them could end the parent's TLS sessions. The child opens its own connections on its next request.
        (A given ``http_client`` or transport belongs to the caller, who must build a new one in the child.)
        """
        if self._owns_http_client:
            self._client = attrs.evolve(self._client)  # the same settings, no httpx.Client yet
            self._sync_used = False

    def _kwargs(self, secret: str, client_headers: httpx.Headers) -> dict[str, Any]:
        body = TokenRequest(client_id=self._client_id, client_secret=secret, grant_type=GrantType.CLIENT_CREDENTIALS)
        kwargs = create_token.OPERATION.build(body=body)
        kwargs["url"] = self._url  # absolute, so a given http_client's own base_url cannot redirect the secret
        kwargs["headers"].update(self._headers)
        if client_headers.get("user-agent") in (None, _HTTPX_USER_AGENT):
            kwargs["headers"]["User-Agent"] = USER_AGENT
        return kwargs

    def _record(self, response: httpx.Response, token: TokenResponse, issued_at: float, secret: str) -> TokenRecord:
        """Check what a bearer header needs (the spec's types alone allow an empty token or a negative lifetime)."""
        secrets = (secret,)
        if not _TOKEN.fullmatch(token.access_token):
            raise malformed_response(response, "access_token is empty or not a visible ASCII string", secrets)
        token_type = token.token_type if isinstance(token.token_type, str) else "bearer"
        if token_type.lower() != "bearer":
            raise malformed_response(response, "token_type is not bearer", secrets)
        lifetime = DEFAULT_LIFETIME if isinstance(token.expires_in, Unset) else token.expires_in
        if not (math.isfinite(lifetime) and lifetime > 0):
            raise malformed_response(response, "expires_in is not a positive number of seconds", secrets)
        lifetime = min(lifetime, MAX_LIFETIME)
        logger.info(
            "Fetched a Zuora OAuth token %s for client %s, valid for %.0f s (Zuora-Request-Id: %s)",
            mask(token.access_token),
            self._client_id,
            lifetime,
            response.headers.get("zuora-request-id"),
        )
        return TokenRecord(
            access_token=token.access_token,
            expires_at=issued_at + lifetime,
            issued_at=issued_at,
            token_type="bearer",
            scope=None if token.scope is UNSET else str(token.scope),
        )
