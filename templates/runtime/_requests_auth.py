"""``auth.requests()``: a ZuoraAuth's token cache as a ``requests`` auth.

requests applies an auth once, when it prepares a request, and has no auth flow: a 401 is seen by a response hook,
which replays the request through the session's adapter the way requests' own ``HTTPDigestAuth`` does (a copy of
the prepared request, the first response read and closed, its cookies kept, and in the replay's history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import requests.auth
import requests.cookies
import requests.exceptions
import requests.utils

from ._version import user_agent

if TYPE_CHECKING:
    from requests.models import PreparedRequest, Response

    from .auth import ZuoraAuth

#: The User-Agent a requests session sends unless told otherwise.
DEFAULT_USER_AGENT = requests.utils.default_user_agent()
_USER_AGENT = user_agent(DEFAULT_USER_AGENT)


class ZuoraRequestsAuth(requests.auth.AuthBase):
    """requests authentication with a :class:`~zuora_oauth.ZuoraAuth`'s token (``session.auth = auth.requests()``);
    it holds no state of its own, so any number of them, and the ZuoraAuth's other adapters, share one token."""

    def __init__(self, auth: ZuoraAuth) -> None:
        self.zuora_auth = auth

    def __repr__(self) -> str:
        return f"ZuoraRequestsAuth({self.zuora_auth!r})"

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        """Add the token to a request for Zuora, and a hook that replays it once if Zuora answers 401."""
        auth = self.zuora_auth
        if not _allows(auth, request.url):
            return request
        token = auth.get_token()
        auth._authorize(request, token)
        if request.headers.get("User-Agent") == DEFAULT_USER_AGENT:  # one the caller chose is theirs
            request.headers["User-Agent"] = _USER_AGENT
        request.register_hook("response", _ReplayOn401(auth, token))
        return request


class _ReplayOn401:
    """The response hook of one request: on a 401 from Zuora, drop ``token`` and resend once with a new one."""

    __slots__ = ("auth", "token")

    def __init__(self, auth: ZuoraAuth, token: str) -> None:
        self.auth = auth
        self.token = token

    def __call__(self, response: Response, **kwargs: Any) -> Response:
        request = response.request
        if response.status_code != 401 or not _allows(self.auth, request.url):
            return response
        self.auth.invalidate(self.token)
        adapter = getattr(response, "connection", None)  # set by requests' HTTPAdapter; a custom adapter may not
        if adapter is None or not _rewound(request):
            return response
        fresh = self.auth.get_token()
        if fresh == self.token:
            return response
        response.content  # noqa: B018  (read it, so the connection goes back to the pool for the replay)
        response.close()
        # requests builds the redirects of the replay's answer from copies of this very request: they must carry
        # the new token, and must not replay again (a new dict: requests is iterating over the old one).
        self.auth._authorize(request, fresh)
        request.hooks = {event: [hook for hook in hooks if hook is not self] for event, hooks in request.hooks.items()}
        replay = request.copy()
        if replay._cookies is not None:
            requests.cookies.extract_cookies_to_jar(replay._cookies, request, response.raw)
            replay.prepare_cookies(replay._cookies)
        replayed: Response = adapter.send(replay, **kwargs)
        replayed.history.append(response)
        replayed.request = replay
        return replayed


def _allows(auth: ZuoraAuth, url: str | None) -> bool:
    """ZuoraAuth's origin check, on the URL as httpx parses it (so every stack normalises origins alike)."""
    if url is None:
        return False
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return auth._allows(parsed)


def _rewound(request: PreparedRequest) -> bool:
    """Whether the body can be sent again: in memory, or a file that requests could rewind to where it started.

    requests records where a file body started (``_body_position``, as for redirects); a generator has no such
    position and an unseekable file a failed one, so neither is replayed.
    """
    body = request.body
    if body is None or isinstance(body, bytes | str):
        return True
    if request._body_position is None:
        return False
    try:
        requests.utils.rewind_body(request)
    except requests.exceptions.UnrewindableBodyError:
        return False
    return True
