"""Hostile servers and the secret (issue 10, items 1, 2, 3 and 5), over real loopback sockets.

1. No object reachable from a raised error holds the client secret: not ``__cause__``/``__context__`` (httpx's
   exceptions hold the request, whose form body is ``client_secret=...``), not any attribute of any attribute, and not
   a pickled copy. The walk below follows every reference an object has (``gc.get_referents``), except into code,
   modules, classes and the traceback's frames (whose locals are the caller's own variables, the secret among them).
2. The token request never follows a redirect, whatever the client's ``follow_redirects``: a 307/308 would re-POST
   the secret wherever the server points. The 3xx is raised as an ApiError with its status.
3. A client secret is never sent to a remote plain ``http://`` host unless the Client allows it
   (``allow_insecure_http=True``); loopback hosts are allowed. A proxy on 127.0.0.1 stands in for the remote host:
   it proves that nothing reached the wire.
5. No full token in a text: ``Response``'s repr, ``MalformedResponseError.response_body`` of a refused 2xx, and
   ``testing.IssuedToken``'s repr mask it.
"""

from __future__ import annotations

import gc
import pickle
import types
import weakref
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from tests._servers import closed_port
from tests._token_paths import CLIENT_ID, PATHS, async_api, auth_async, auth_sync, sync_api
from tests.conftest import CANARY_SECRET
from tests.rawhttp import RawConnection, RawHttpServer, answer_once
from zuora_oauth import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    Client,
    InvalidRequestError,
    MalformedResponseError,
    OAuthApi,
    runtime,
)
from zuora_oauth.auth import ZuoraAuth
from zuora_oauth.testing import FakeZuora

TOKEN = "c652cbc0ea384b9f81856a93a2a74538"
TOKEN_BODY = b'{"access_token":"%s","token_type":"bearer","expires_in":3599}' % TOKEN.encode()
TOKEN_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
    % len(TOKEN_BODY)
    + TOKEN_BODY
)
#: The secret as a request or a log would hold it: as is, percent- and form-encoded, JSON-escaped.
SPELLINGS = (
    CANARY_SECRET,
    quote(CANARY_SECRET, safe=""),
    quote_plus(CANARY_SECRET),
    CANARY_SECRET.replace("/", "\\/"),
)

# -- the four token paths ------------------------------------------------------------------------------------------


def raised(call: Callable[[], Any]) -> ApiError:
    """The ApiError ``call`` raises (anything else, or nothing, fails the test)."""
    with pytest.raises(ApiError) as info:
        call()
    return info.value


# -- 1. the secret is not reachable from an error -----------------------------------------------------------------

#: Objects whose references are not the error's data: code, modules, classes, frames (the caller's own locals).
_OPAQUE = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.CodeType,
    types.FrameType,
    types.TracebackType,
    weakref.ReferenceType,
)
_MAX_OBJECTS = 200_000


def secret_paths(root: object) -> list[str]:
    """Where the secret is reachable from ``root``: each hit as the chain of types that leads to it."""
    hits: list[str] = []
    seen: set[int] = set()
    keep: list[object] = []  # keeps every visited object alive, so that no id is reused during the walk
    stack: list[tuple[object, str]] = [(root, type(root).__name__)]
    while stack:
        obj, path = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        keep.append(obj)
        assert len(seen) < _MAX_OBJECTS, "the error's object graph is unexpectedly large"
        if isinstance(obj, str | bytes | bytearray | memoryview):
            text = obj if isinstance(obj, str) else bytes(obj).decode("latin-1")
            if any(spelling in text for spelling in SPELLINGS):
                hits.append(path)
            continue
        if isinstance(obj, _OPAQUE):
            continue
        extra = [obj.__cause__, obj.__context__] if isinstance(obj, BaseException) else []
        for child in [*gc.get_referents(obj), *extra]:
            if child is not None and not isinstance(child, int | float | bool):
                stack.append((child, f"{path} -> {type(child).__name__}"))
    return hits


def assert_secret_unreachable(error: ApiError, where: str) -> None:
    assert secret_paths(error) == [], f"{where}: the secret is reachable from the error"
    assert error.__cause__ is None and error.__context__ is None, f"{where}: {error.__cause__!r} {error.__context__!r}"
    data = pickle.dumps(error)
    assert not any(spelling.encode() in data for spelling in SPELLINGS), f"{where}: the secret is in the pickle"
    copy = pickle.loads(data)
    assert secret_paths(copy) == [], f"{where}: the secret is reachable from the pickled copy"


def _reset(connection: RawConnection) -> None:
    if connection.read_request() is not None:
        connection.reset()


def _stall(connection: RawConnection) -> None:
    if connection.read_request() is not None:
        connection.hold(30)


def _reset_mid_body(connection: RawConnection) -> None:
    if connection.read_request() is not None:
        connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
        connection.reset()


#: Each failure kind: the raw server's handler (None: a refused port) and the error it must end in.
FAILURES: dict[str, tuple[Callable[[RawConnection], None] | None, type[ApiError]]] = {
    "refused": (None, ApiConnectionError),
    "reset": (_reset, ApiConnectionError),
    "stall": (_stall, ApiTimeoutError),
    "illegal status line": (answer_once(b"HTTP/1.1 2x0 Nonsense\r\n\r\n"), ApiConnectionError),
    "reset mid-body": (_reset_mid_body, ApiConnectionError),
    "undecodable gzip": (
        answer_once(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot gzip!"
        ),
        MalformedResponseError,
    ),
    # json.JSONDecodeError keeps the whole document, unredacted, in .doc: here an echo of the secret.
    "invalid JSON echoing the secret": (
        answer_once(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
            % (len(CANARY_SECRET) + 9)
            + b'{"echo": '
            + CANARY_SECRET.encode()
        ),
        MalformedResponseError,
    ),
}


@pytest.fixture
def fake() -> Iterator[FakeZuora]:
    """A FakeZuora for this module's client id and the canary secret."""
    with FakeZuora(client_id=CLIENT_ID, client_secret=CANARY_SECRET) as server:
        yield server


@pytest.fixture
def raw() -> Iterator[RawHttpServer]:
    with RawHttpServer() as server:
        yield server


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("failure", list(FAILURES))
def test_no_object_reachable_from_an_error_holds_the_secret(raw: RawHttpServer, failure: str, path: str) -> None:
    handler, expected = FAILURES[failure]
    if handler is None:
        base_url = f"http://127.0.0.1:{closed_port()}"
    else:
        raw.handler = handler
        base_url = raw.base_url
    error = raised(lambda: PATHS[path](base_url, max_retries=0, timeout=0.5))

    assert type(error) is expected, f"{failure} / {path}: {error!r}"
    assert_secret_unreachable(error, f"{failure} / {path}")
    assert secret_paths(_old_style_error()), "the walk must find a secret behind an httpx exception"


@pytest.mark.parametrize("path", list(PATHS))
def test_the_error_after_retries_holds_no_secret_either(path: str) -> None:
    """The last attempt's error is raised after the others were handled: none of them is chained to it."""
    error = raised(lambda: PATHS[path](f"http://127.0.0.1:{closed_port()}", max_retries=1, timeout=0.5))

    assert type(error) is ApiConnectionError
    assert_secret_unreachable(error, path)


def _old_style_error() -> ApiError:
    """What the errors were (``raise ... from exc``): the secret at ``__cause__.request``. The walk must find it."""
    request = httpx.Request("POST", "https://x/oauth/token", data={"client_secret": CANARY_SECRET})
    error = ApiConnectionError("Connection failed")
    error.__cause__ = httpx.ConnectError("refused", request=request)
    return error


# -- 2. the token request never follows a redirect ----------------------------------------------------------------


@pytest.fixture
def thief() -> Iterator[RawHttpServer]:
    """Where a redirect points: it answers a token, and counts what reached it."""
    with RawHttpServer(answer_once(TOKEN_ANSWER)) as server:
        yield server


def _redirect_to(target: str, status: int) -> Callable[[RawConnection], None]:
    return answer_once(
        b"HTTP/1.1 %d Moved\r\nLocation: %s/oauth/token\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        % (status, target.encode())
    )


REDIRECTING_PATHS: dict[str, Callable[[str], Any]] = {
    "OAuthApi": lambda url: sync_api(url, follow_redirects=True, max_retries=0),
    "AsyncOAuthApi": lambda url: async_api(url, follow_redirects=True, max_retries=0),
    "ZuoraAuth http_client": lambda url: auth_sync(url, max_retries=0, http_client=httpx.Client(follow_redirects=True)),
    "ZuoraAuth async_http_client": lambda url: auth_async(
        url, max_retries=0, async_http_client=httpx.AsyncClient(follow_redirects=True)
    ),
}


@pytest.mark.parametrize("path", list(REDIRECTING_PATHS))
@pytest.mark.parametrize("status", [307, 308, 302])
def test_the_token_request_never_follows_a_redirect(
    raw: RawHttpServer, thief: RawHttpServer, status: int, path: str
) -> None:
    raw.handler = _redirect_to(thief.base_url, status)
    error = raised(lambda: REDIRECTING_PATHS[path](raw.base_url))

    assert type(error) is ApiError and error.code == status, repr(error)
    assert error.response_headers["Location"] == f"{thief.base_url}/oauth/token"
    assert thief.connections == 0  # the secret went nowhere else
    assert raw.requests == 1  # and a 3xx is not retried


class _Adapter:
    """A client for zuora_oauth.runtime.send around a given httpx.Client (what a generated Client offers)."""

    max_retries = 0

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def get_httpx_client(self) -> httpx.Client:
        return self.http


def _json_answer(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
        % len(body)
        + body
    )


def test_other_requests_keep_the_clients_redirect_setting_but_not_with_a_secret_in_the_body(
    raw: RawHttpServer, thief: RawHttpServer
) -> None:
    """Only requests that carry a secret are kept from redirects: a plain GET follows as the client says."""
    thief.handler = answer_once(_json_answer(b'{"id": "A-1"}'))
    raw.handler = _redirect_to(thief.base_url, 307)
    get = runtime.Operation("GET", "/x", lambda: {"method": "get", "url": "/x"}, lambda answer: answer.json())
    post = runtime.Operation(
        "POST", "/x", lambda: {"method": "post", "url": "/x", "json": {"password": CANARY_SECRET}}, lambda answer: None
    )
    with httpx.Client(base_url=raw.base_url, follow_redirects=True) as http:
        _, parsed = runtime.send(_Adapter(http), get.build(), get)
        assert parsed == {"id": "A-1"}
        assert thief.requests == 1

        error = raised(lambda: runtime.send(_Adapter(http), post.build(), post))
    assert error.code == 307
    assert thief.requests == 1  # the password did not follow


# -- 3. no client secret in clear to a remote host ----------------------------------------------------------------

REMOTE = "http://zuora.example.com"


class Proxy(RawHttpServer):
    """A plain-http proxy on loopback: whatever a client sends to the remote host arrives here (and gets a token)."""

    def __init__(self) -> None:
        super().__init__(self._answer)
        self.request_lines: list[bytes] = []

    def _answer(self, connection: RawConnection) -> None:
        request = connection.read_request()
        if request is not None:
            self.request_lines.append(request.split(b"\r\n", 1)[0])
            connection.send(TOKEN_ANSWER)
        connection.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy() as server:
        yield server


@pytest.mark.parametrize("asynchronous", [False, True], ids=["OAuthApi", "AsyncOAuthApi"])
def test_a_secret_is_not_sent_to_a_remote_plain_http_host(proxy: Proxy, asynchronous: bool) -> None:
    call = async_api if asynchronous else sync_api
    error = raised(lambda: call(REMOTE, httpx_args={"proxy": proxy.base_url}))

    assert type(error) is InvalidRequestError and error.code == 0
    assert "allow_insecure_http=True" in error.message and "zuora.example.com" in error.message
    assert proxy.connections == 0  # refused before anything was sent


def test_loopback_hosts_stay_allowed_and_only_requests_with_a_secret_are_refused(fake: FakeZuora, proxy: Proxy) -> None:
    port = fake.base_url.rsplit(":", 1)[1]
    for host in ("127.0.0.1", "localhost"):
        assert sync_api(f"http://{host}:{port}").access_token == fake.issued_tokens[-1]
    get = runtime.Operation("GET", "/v1/x", lambda: {"method": "get", "url": "/v1/x"}, lambda answer: answer.json())
    post = runtime.Operation(
        "POST", "/v1/x", lambda: {"method": "post", "url": "/v1/x", "json": {"cardNumber": "4111"}}, lambda a: None
    )
    with Client(base_url=REMOTE, max_retries=0, httpx_args={"proxy": proxy.base_url}) as client:
        runtime.send(client, get.build(), get)  # nothing secret in it: sent (the proxy answers a token's JSON)
        error = raised(lambda: runtime.send(client, post.build(), post))
    assert type(error) is InvalidRequestError
    assert proxy.request_lines == [b"GET http://zuora.example.com/v1/x HTTP/1.1"]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["OAuthApi", "AsyncOAuthApi"])
def test_allow_insecure_http_is_the_explicit_opt_in(proxy: Proxy, asynchronous: bool) -> None:
    call = async_api if asynchronous else sync_api
    token = call(REMOTE, allow_insecure_http=True, httpx_args={"proxy": proxy.base_url})

    assert token.access_token == TOKEN
    # ZuoraAuth already refused a remote http:// base_url without its own allow_insecure_http; given it, it passes
    # the opt-in on to its token requests.
    with (
        httpx.Client(proxy=proxy.base_url) as http,
        ZuoraAuth(CLIENT_ID, CANARY_SECRET, base_url=REMOTE, allow_insecure_http=True, http_client=http) as auth,
    ):
        assert auth.get_token() == TOKEN
    assert proxy.request_lines == [b"POST http://zuora.example.com/oauth/token HTTP/1.1"] * 2


# -- 5. no full token in a text -----------------------------------------------------------------------------------


def test_the_repr_of_an_answer_with_http_info_shows_no_token(fake: FakeZuora) -> None:
    answer = OAuthApi(Client(base_url=fake.base_url)).create_token_with_http_info(CLIENT_ID, CANARY_SECRET)
    token = answer.parsed.access_token
    text = repr(answer)

    assert token not in text and token.encode() not in answer.headers.get("set-cookie", "").encode()
    assert text.startswith("Response(status_code=200, headers=[")
    assert "'zuora-request-id'" in text and answer.headers["zuora-request-id"] not in text  # names, not values
    assert f"content=<{len(answer.content)} bytes>" in text
    assert f"access_token='****{token[-4:]}'" in text  # the parsed model, masked
    assert answer.content.decode().count(token) == 1  # the data itself is untouched


#: 2xx token answers each path refuses (create_token returns a wrong token_type or lifetime as parsed, ZuoraAuth
#: cannot use them: README, Decisions worth knowing).
REFUSED = [
    ("ZuoraAuth.get_token", {"access_token": TOKEN, "token_type": "mac", "expires_in": 3600}),
    ("ZuoraAuth.aget_token", {"access_token": TOKEN, "token_type": "bearer", "expires_in": -1}),
    ("ZuoraAuth.get_token", {"access_token": TOKEN, "token_type": "bearer", "expires_in": "3600"}),
    ("OAuthApi", {"access_token": TOKEN, "token_type": "bearer", "expires_in": "3600"}),
    ("AsyncOAuthApi", {"access_token": TOKEN, "token_type": "bearer", "expires_in": [3600]}),
]


@pytest.mark.parametrize(("path", "body"), REFUSED, ids=[f"{path}-{i}" for i, (path, _) in enumerate(REFUSED)])
def test_a_refused_2xx_keeps_no_live_token_in_the_error(fake: FakeZuora, path: str, body: dict[str, Any]) -> None:
    fake.enqueue(status=200, body=body)
    error = raised(lambda: PATHS[path](fake.base_url, max_retries=0))

    assert type(error) is MalformedResponseError
    assert TOKEN not in error.response_body and TOKEN not in str(error) and TOKEN not in repr(error.reasons)
    assert f'"access_token":"****{TOKEN[-4:]}"' in error.response_body
    assert '"token_type"' in error.response_body  # the rest of the body is as answered


@pytest.mark.parametrize(
    "body",
    [
        f'{{"access_token": "{TOKEN}", "expires_in": 36',  # truncated
        f'{{"\\u0061ccess_token": "{TOKEN}", "expires_in": true}}',  # an escaped key
        f"access_token={TOKEN}&token_type=bearer",  # a form
        f'{{"data": {{"access_token": "{TOKEN}"}}, "success": "yes"}}',
    ],
    ids=["truncated", "escaped-key", "form", "nested"],
)
def test_a_token_in_any_spelling_of_an_unusable_2xx_is_masked(fake: FakeZuora, body: str) -> None:
    fake.enqueue(status=200, body=body)
    error = raised(lambda: sync_api(fake.base_url, max_retries=0))

    assert type(error) is MalformedResponseError
    assert TOKEN not in error.response_body
    assert error.response_body  # the body is kept, masked


def test_issued_token_reprs_mask_the_token(fake: FakeZuora) -> None:
    token = sync_api(fake.base_url).access_token
    info = fake.token_info(token)

    assert info is not None and info.access_token == token
    assert token not in repr(info) and f"access_token='****{token[-4:]}'" in repr(info)
