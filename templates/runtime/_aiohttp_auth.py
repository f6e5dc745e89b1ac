"""``auth.aiohttp()``: a ZuoraAuth's token cache as an aiohttp client middleware (aiohttp 3.12 and later).

aiohttp runs a session's middlewares for every request it sends, redirects included (each hop is a request of
its own), and a middleware may send the request again by calling the handler twice, as aiohttp's own
``DigestAuthMiddleware`` does. So the flow is :meth:`ZuoraAuth.async_auth_flow`'s: the token, a 401 from Zuora
compared and invalidated, one refresh, one replay, all awaited without blocking the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp.http
import aiohttp.payload
import httpx

from ._version import user_agent

if TYPE_CHECKING:
    from aiohttp import ClientRequest, ClientResponse
    from aiohttp.client_middlewares import ClientHandlerType

    from .auth import ZuoraAuth

#: The User-Agent an aiohttp session sends unless told otherwise.
DEFAULT_USER_AGENT = aiohttp.http.SERVER_SOFTWARE
_USER_AGENT = user_agent(DEFAULT_USER_AGENT)


class ZuoraAiohttpMiddleware:
    """aiohttp authentication with a :class:`~zuora_oauth.ZuoraAuth`'s token
    (``aiohttp.ClientSession(middlewares=[auth.aiohttp()])``); it holds no state of its own, so any number of
    them, and the ZuoraAuth's other adapters, share one token."""

    __slots__ = ("zuora_auth",)

    def __init__(self, auth: ZuoraAuth) -> None:
        self.zuora_auth = auth

    def __repr__(self) -> str:
        return f"ZuoraAiohttpMiddleware({self.zuora_auth!r})"

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        """Send with the current token; on a 401, drop that token and resend once with a new one."""
        auth = self.zuora_auth
        if not _allows(auth, request):
            return await handler(request)
        token = await auth.aget_token()
        _authorize(auth, request, token)
        response = await handler(request)
        if response.status != 401:  # the response of this very request: a redirect is a request of its own
            return response
        await auth.ainvalidate(token)
        body = request.body
        if isinstance(body, aiohttp.payload.Payload) and body.consumed:  # a stream that sending used up
            return response
        fresh = await auth.aget_token()
        if fresh == token:
            return response
        await response.read()  # so the connection goes back to the pool for the replay
        response.release()
        _authorize(auth, request, fresh)
        return await handler(request)


def _allows(auth: ZuoraAuth, request: ClientRequest) -> bool:
    """ZuoraAuth's origin check, on the URL as httpx parses it (so every stack normalises origins alike)."""
    try:
        url = httpx.URL(str(request.url))
    except httpx.InvalidURL:
        return False
    return auth._allows(url)


def _authorize(auth: ZuoraAuth, request: ClientRequest, token: str) -> None:
    auth._authorize(request, token)
    if request.headers.get("User-Agent") == DEFAULT_USER_AGENT:  # one the caller chose is theirs
        request.headers["User-Agent"] = _USER_AGENT
