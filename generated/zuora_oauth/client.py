import math
import ssl
import sys
import threading
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx
from attrs import define, evolve, field

from zuora_oauth.runtime import InvalidRequestError, cookie_jar, mask, user_agent

if TYPE_CHECKING:
    import asyncio

#: Used when no timeout is given: never "no timeout", so a dead server cannot hang a caller forever. Reads wait
#: up to 120 s, as long as Zuora lets a request run before its gateway answers 504.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0, read=120.0)

#: Retries of a failed call (429, 5xx, connection errors, timeouts) before its error is raised.
DEFAULT_MAX_RETRIES = 2

#: Seconds a whole call may take, connects, reads, retries and back-off included (Zuora's gateway gives up on a
#: request after 120 s); past it the call raises zuora_oauth.ApiTimeoutError.
DEFAULT_DEADLINE = 120.0

#: The most a call reads of an answer's body (64 MiB); a larger answer raises an ApiError instead of filling
#: memory. Token requests read at most 1 MiB whatever this says.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

#: Sent on every request unless the Client's headers set a User-Agent of their own.
USER_AGENT = user_agent(f"python-httpx/{httpx.__version__}")

#: What the Client passes to httpx itself: httpx_args must not repeat them (httpx would raise a TypeError).
_CLIENT_SETTINGS = {
    "base_url": "base_url",
    "cookies": "cookies",
    "headers": "headers",
    "timeout": "timeout",
    "verify": "verify_ssl",
    "follow_redirects": "follow_redirects",
}


def _running_loop() -> "asyncio.AbstractEventLoop | None":
    """The running event loop, if any; asyncio is not imported for sync-only programs."""
    if "asyncio" not in sys.modules:
        return None
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _as_timeout(value: httpx.Timeout | float) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        if None in (value.connect, value.read, value.write, value.pool):
            raise InvalidRequestError("every part of the timeout must be set: a request must not wait forever")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidRequestError("timeout must be an httpx.Timeout or a positive number of seconds")
    return httpx.Timeout(float(value))


def _as_deadline(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (value > 0 and math.isfinite(value)):
        raise InvalidRequestError("deadline must be a positive, finite number of seconds")
    return float(value)


def _default_headers(headers: dict[str, str]) -> httpx.Headers:
    """``headers`` over the default User-Agent (case-insensitively: a given "user-agent" replaces it)."""
    merged = httpx.Headers({"User-Agent": USER_AGENT})
    merged.update(headers)
    return merged


def _check_max_response_bytes(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRequestError("max_response_bytes must be a whole number of bytes >= 1")


def _check_httpx_args(_instance: object, _attribute: object, value: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        raise InvalidRequestError("httpx_args must be a dict of httpx.Client arguments")
    for key in value:
        if key in _CLIENT_SETTINGS:
            option = _CLIENT_SETTINGS[key]
            raise InvalidRequestError(
                f"httpx_args must not set {key!r}: the Client sets it; pass {option}= to the Client"
            )


@define
class Client:
    """A class for keeping track of data related to the API

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: httpx's timeouts: connecting, each read, each write and waiting for a pooled connection
        each take at most this long (default DEFAULT_TIMEOUT; never None). API functions will raise
        zuora_oauth.ApiTimeoutError if one is exceeded. These are per operation; ``deadline`` bounds the call.

        ``deadline``: seconds a whole call may take, connects, reads, retries and back-off included (default
        DEFAULT_DEADLINE, 120 s); past it, zuora_oauth.ApiTimeoutError. Each page of a paginated list is a call.

        ``max_response_bytes``: the most a call reads of an answer's body (default DEFAULT_MAX_RESPONSE_BYTES,
        64 MiB; token requests read at most 1 MiB). A larger answer raises MalformedResponseError for a 2xx, the
        status's own ApiError subclass otherwise.

        ``allow_insecure_http``: whether a request whose body holds a secret (the token request's client secret, a
        password, a card number) may go to a remote plain ``http://`` host; loopback hosts are always allowed.
        Without it such a request raises zuora_oauth.InvalidRequestError before anything is sent.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False. A request whose body holds a
        secret (the token request's) never follows one: its 3xx is raised as zuora_oauth.ApiError.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor
        (not the ones the Client sets itself: base_url, cookies, headers, timeout, verify, follow_redirects).


    Attributes:
        max_retries: How many times a call that failed with 429, 5xx, a connection error or a timeout is
            retried (exponential backoff with jitter, honouring Retry-After); 0 makes a single attempt.
    """

    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    _timeout: httpx.Timeout = field(default=DEFAULT_TIMEOUT, converter=_as_timeout, kw_only=True, alias="timeout")
    deadline: float = field(default=DEFAULT_DEADLINE, converter=_as_deadline, kw_only=True)
    max_response_bytes: int = field(
        default=DEFAULT_MAX_RESPONSE_BYTES, validator=_check_max_response_bytes, kw_only=True
    )
    allow_insecure_http: bool = field(default=False, kw_only=True)
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, validator=_check_httpx_args, kw_only=True, alias="httpx_args")
    _client: httpx.Client | None = field(default=None, init=False)
    # Set by set_async_httpx_client: used on every loop. Otherwise one AsyncClient per event loop, built on demand.
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)
    _loop_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]" = field(
        factory=weakref.WeakKeyDictionary, init=False, eq=False
    )
    _loopless_client: httpx.AsyncClient | None = field(default=None, init=False, eq=False)
    _loop_clients_lock: threading.Lock = field(factory=threading.Lock, init=False, eq=False)

    def with_headers(self, headers: dict[str, str]) -> "Client":
        """Get a new client matching this one with additional headers"""
        for client in self._httpx_clients():
            client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "Client":
        """Get a new client matching this one with additional cookies"""
        for client in self._httpx_clients():
            client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout | float) -> "Client":
        """Get a new client matching this one with a new timeout configuration"""
        timeout = _as_timeout(timeout)
        for client in self._httpx_clients():
            client.timeout = timeout
        return evolve(self, timeout=timeout)

    def _httpx_clients(self) -> "list[httpx.Client | httpx.AsyncClient]":
        """Every httpx client this one has built or been given so far."""
        with self._loop_clients_lock:
            built: list[httpx.Client | httpx.AsyncClient] = list(self._loop_clients.values())
        for client in (self._client, self._async_client, self._loopless_client):
            if client is not None:
                built.append(client)
        return built

    def __repr__(self) -> str:
        """Settings only: headers and cookies may carry credentials."""
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, timeout={self._timeout!r}, "
            f"max_retries={self.max_retries!r}, deadline={self.deadline!r}, verify_ssl={self._verify_ssl!r}"
            ")"
        )

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self._base_url,
                cookies=cookie_jar(self._cookies),
                headers=_default_headers(self._headers),
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **self._httpx_args,
            )
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(exc_type, exc_value, traceback)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient of the running event loop, constructing it if not previously set

        An AsyncClient's pooled connections belong to the event loop that opened them, so this client keeps one per
        event loop (several threads may each run their own loop with the same Client at the same time), and
        rebuilds it once it or its loop has been closed (each ``asyncio.run()`` has its own loop). One given with
        set_async_httpx_client is used on every loop.
        """
        if self._async_client is not None:
            return self._async_client
        loop = _running_loop()
        with self._loop_clients_lock:
            if loop is None:
                client = self._loopless_client
                if client is None or client.is_closed:
                    client = self._loopless_client = self._new_async_client()
                return client
            client = self._loop_clients.get(loop)
            if client is None or client.is_closed:
                for closed in [other for other in self._loop_clients if other.is_closed()]:
                    del self._loop_clients[closed]
                client = self._loop_clients[loop] = self._new_async_client()
            return client

    def _new_async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self._base_url,
            cookies=cookie_jar(self._cookies),
            headers=_default_headers(self._headers),
            timeout=self._timeout,
            verify=self._verify_ssl,
            follow_redirects=self._follow_redirects,
            **self._httpx_args,
        )

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(exc_type, exc_value, traceback)


@define
class AuthenticatedClient:
    """A Client which has been authenticated for use on secured endpoints

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: httpx's timeouts: connecting, each read, each write and waiting for a pooled connection
        each take at most this long (default DEFAULT_TIMEOUT; never None). API functions will raise
        zuora_oauth.ApiTimeoutError if one is exceeded. These are per operation; ``deadline`` bounds the call.

        ``deadline``: seconds a whole call may take, connects, reads, retries and back-off included (default
        DEFAULT_DEADLINE, 120 s); past it, zuora_oauth.ApiTimeoutError. Each page of a paginated list is a call.

        ``max_response_bytes``: the most a call reads of an answer's body (default DEFAULT_MAX_RESPONSE_BYTES,
        64 MiB; token requests read at most 1 MiB). A larger answer raises MalformedResponseError for a 2xx, the
        status's own ApiError subclass otherwise.

        ``allow_insecure_http``: whether a request whose body holds a secret (the token request's client secret, a
        password, a card number) may go to a remote plain ``http://`` host; loopback hosts are always allowed.
        Without it such a request raises zuora_oauth.InvalidRequestError before anything is sent.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False. A request whose body holds a
        secret (the token request's) never follows one: its 3xx is raised as zuora_oauth.ApiError.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor
        (not the ones the Client sets itself: base_url, cookies, headers, timeout, verify, follow_redirects).


    Attributes:
        max_retries: How many times a call that failed with 429, 5xx, a connection error or a timeout is
            retried (exponential backoff with jitter, honouring Retry-After); 0 makes a single attempt.
        token: The token to use for authentication
        prefix: The prefix to use for the Authorization header
        auth_header_name: The name of the Authorization header
    """

    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    _timeout: httpx.Timeout = field(default=DEFAULT_TIMEOUT, converter=_as_timeout, kw_only=True, alias="timeout")
    deadline: float = field(default=DEFAULT_DEADLINE, converter=_as_deadline, kw_only=True)
    max_response_bytes: int = field(
        default=DEFAULT_MAX_RESPONSE_BYTES, validator=_check_max_response_bytes, kw_only=True
    )
    allow_insecure_http: bool = field(default=False, kw_only=True)
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, validator=_check_httpx_args, kw_only=True, alias="httpx_args")
    _client: httpx.Client | None = field(default=None, init=False)
    # Set by set_async_httpx_client: used on every loop. Otherwise one AsyncClient per event loop, built on demand.
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)
    _loop_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]" = field(
        factory=weakref.WeakKeyDictionary, init=False, eq=False
    )
    _loopless_client: httpx.AsyncClient | None = field(default=None, init=False, eq=False)
    _loop_clients_lock: threading.Lock = field(factory=threading.Lock, init=False, eq=False)

    token: str
    prefix: str = "Bearer"
    auth_header_name: str = "Authorization"

    def with_headers(self, headers: dict[str, str]) -> "AuthenticatedClient":
        """Get a new client matching this one with additional headers"""
        for client in self._httpx_clients():
            client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "AuthenticatedClient":
        """Get a new client matching this one with additional cookies"""
        for client in self._httpx_clients():
            client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout | float) -> "AuthenticatedClient":
        """Get a new client matching this one with a new timeout configuration"""
        timeout = _as_timeout(timeout)
        for client in self._httpx_clients():
            client.timeout = timeout
        return evolve(self, timeout=timeout)

    def _httpx_clients(self) -> "list[httpx.Client | httpx.AsyncClient]":
        """Every httpx client this one has built or been given so far."""
        with self._loop_clients_lock:
            built: list[httpx.Client | httpx.AsyncClient] = list(self._loop_clients.values())
        for client in (self._client, self._async_client, self._loopless_client):
            if client is not None:
                built.append(client)
        return built

    def __repr__(self) -> str:
        """Settings only: headers and cookies may carry credentials, and the token is masked."""
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, timeout={self._timeout!r}, "
            f"max_retries={self.max_retries!r}, deadline={self.deadline!r}, verify_ssl={self._verify_ssl!r}"
            f", token={mask(self.token)!r}"
            ")"
        )

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._headers[self.auth_header_name] = f"{self.prefix} {self.token}" if self.prefix else self.token
            self._client = httpx.Client(
                base_url=self._base_url,
                cookies=cookie_jar(self._cookies),
                headers=_default_headers(self._headers),
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **self._httpx_args,
            )
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(exc_type, exc_value, traceback)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient of the running event loop, constructing it if not previously set

        An AsyncClient's pooled connections belong to the event loop that opened them, so this client keeps one per
        event loop (several threads may each run their own loop with the same Client at the same time), and
        rebuilds it once it or its loop has been closed (each ``asyncio.run()`` has its own loop). One given with
        set_async_httpx_client is used on every loop.
        """
        if self._async_client is not None:
            return self._async_client
        loop = _running_loop()
        with self._loop_clients_lock:
            if loop is None:
                client = self._loopless_client
                if client is None or client.is_closed:
                    client = self._loopless_client = self._new_async_client()
                return client
            client = self._loop_clients.get(loop)
            if client is None or client.is_closed:
                for closed in [other for other in self._loop_clients if other.is_closed()]:
                    del self._loop_clients[closed]
                client = self._loop_clients[loop] = self._new_async_client()
            return client

    def _new_async_client(self) -> httpx.AsyncClient:
        self._headers[self.auth_header_name] = f"{self.prefix} {self.token}" if self.prefix else self.token
        return httpx.AsyncClient(
            base_url=self._base_url,
            cookies=cookie_jar(self._cookies),
            headers=_default_headers(self._headers),
            timeout=self._timeout,
            verify=self._verify_ssl,
            follow_redirects=self._follow_redirects,
            **self._httpx_args,
        )

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(exc_type, exc_value, traceback)
