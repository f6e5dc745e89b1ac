# Generated from templates/runtime/_httpx2_auth.py by make generate: edit that file, not this copy.
"""``auth.httpx2()``: a ZuoraAuth's token cache as an ``httpx2.Auth`` (httpx2 is a fork of httpx with its own types).

The flows are :meth:`ZuoraAuth.sync_auth_flow` and :meth:`~ZuoraAuth.async_auth_flow` over httpx2's types: the
token, the origin check and the Zuora headers are the ZuoraAuth's own, so every stack shares one token.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING

import httpx2

from ._version import user_agent

if TYPE_CHECKING:
    from .auth import ZuoraAuth

#: The User-Agent an httpx2 client sends unless told otherwise (httpx2's own default, built the way it builds it).
DEFAULT_USER_AGENT = f"python-httpx2/{httpx2.__version__}"
_USER_AGENT = user_agent(DEFAULT_USER_AGENT)


class ZuoraHttpx2Auth(httpx2.Auth):
    """httpx2 authentication with a :class:`~zuora_oauth.ZuoraAuth`'s token, for ``httpx2.Client`` and
    ``httpx2.AsyncClient`` alike; it holds no state of its own, so any number of them share one token."""

    requires_request_body = False
    requires_response_body = False

    def __init__(self, auth: ZuoraAuth) -> None:
        self.zuora_auth = auth

    def __repr__(self) -> str:
        return f"ZuoraHttpx2Auth({self.zuora_auth!r})"

    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        """Send with the current token; on a 401, drop that token and resend once with a new one."""
        auth = self.zuora_auth
        if not auth._allows_origin(_origin(request.url)):
            yield request
            return
        token = auth.get_token()
        _authorize(auth, request, token)
        response = yield request
        if response.status_code != 401 or not auth._allows_origin(_origin(response.request.url)):
            return
        auth.invalidate(token)
        if not _replayable(request):
            return
        fresh = auth.get_token()
        if fresh != token:
            _authorize(auth, request, fresh)
            yield request

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        """:meth:`sync_auth_flow` for ``httpx2.AsyncClient``; waits for a token without blocking the event loop."""
        auth = self.zuora_auth
        if not auth._allows_origin(_origin(request.url)):
            yield request
            return
        token = await auth.aget_token()
        _authorize(auth, request, token)
        response = yield request
        if response.status_code != 401 or not auth._allows_origin(_origin(response.request.url)):
            return
        await auth.ainvalidate(token)
        if not _replayable(request):
            return
        fresh = await auth.aget_token()
        if fresh != token:
            _authorize(auth, request, fresh)
            yield request


def _origin(url: httpx2.URL) -> tuple[str, str, int | None]:
    """httpx2 normalises URLs as httpx does (lower case, IDNA decoded, default port None)."""
    return url.scheme, url.host, url.port


def _authorize(auth: ZuoraAuth, request: httpx2.Request, token: str) -> None:
    auth._authorize(request, token)
    if request.headers.get("User-Agent") == DEFAULT_USER_AGENT:  # one the caller chose is theirs
        request.headers["User-Agent"] = _USER_AGENT


def _replayable(request: httpx2.Request) -> bool:
    """Whether the body is in memory (bytes, form, JSON) rather than a stream that was consumed by sending it."""
    try:
        request.content  # noqa: B018
    except httpx2.RequestNotRead:
        return False
    return True
