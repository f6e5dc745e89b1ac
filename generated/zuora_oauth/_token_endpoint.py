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
from ._masking import mask
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
    ``allow_insecure_http`` lets the secret go to a remote ``http://`` base URL (the caller has asked for it).
    Answers are read up to 1 MiB, a token request never follows a redirect, and the secret is never in an error.
    """

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        headers: dict[str, str],
        max_retries: int,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None,
        async_transport: httpx.AsyncBaseTransport | None,
        http_client: httpx.Client | None,
        async_http_client: httpx.AsyncClient | None,
        deadline: float = DEFAULT_DEADLINE,
        allow_insecure_http: bool = False,
    ) -> None:
        self._url = base_url.rstrip("/") + "/oauth/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._headers = headers
        self._timeout = timeout
        self._async_transport = async_transport
        self._async_http_client = async_http_client
        self._ssl_context: ssl.SSLContext | None = None  # one for every async refresh, built once
        httpx_args: dict[str, Any] = {"transport": transport} if transport is not None else {}
        self._client = Client(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            deadline=deadline,
            allow_insecure_http=allow_insecure_http,
            httpx_args=httpx_args,
        )
        if http_client is not None:
            self._client.set_httpx_client(http_client)
        self._owns_http_client = http_client is None
        self._sync_used = False  # close() must not build a connection pool only to close it

    def fetch(self) -> TokenRecord:
        """Request a new token (with retries) or raise the typed error of the last attempt."""
        issued_at = time.time()
        self._sync_used = True
        response, token = _runtime.send(self._client, self._kwargs(), create_token.OPERATION)
        return self._record(response, token, issued_at)

    async def afetch(self) -> TokenRecord:
        """:meth:`fetch` for asyncio callers."""
        issued_at = time.time()
        if self._async_http_client is not None:
            client = _AsyncClientAdapter(self._async_http_client, self._client)
            response, token = await _runtime.asend(client, self._kwargs(), create_token.OPERATION)
        else:
            if self._ssl_context is None:  # loading the CA bundle takes ~20 ms: not on the event loop
                import asyncio  # noqa: PLC0415

                self._ssl_context = await asyncio.to_thread(httpx.create_ssl_context)
            async with httpx.AsyncClient(
                timeout=self._timeout, verify=self._ssl_context, transport=self._async_transport
            ) as http:
                client = _AsyncClientAdapter(http, self._client)
                response, token = await _runtime.asend(client, self._kwargs(), create_token.OPERATION)
        return self._record(response, token, issued_at)

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

    def _kwargs(self) -> dict[str, Any]:
        body = TokenRequest(
            client_id=self._client_id, client_secret=self._client_secret, grant_type=GrantType.CLIENT_CREDENTIALS
        )
        kwargs = create_token.OPERATION.build(body=body)
        kwargs["url"] = self._url  # absolute, so a given http_client's own base_url cannot redirect the secret
        kwargs["headers"].update(self._headers)
        return kwargs

    def _record(self, response: httpx.Response, token: TokenResponse, issued_at: float) -> TokenRecord:
        """Check what a bearer header needs (the spec's types alone allow an empty token or a negative lifetime)."""
        secrets = (self._client_secret,)
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
