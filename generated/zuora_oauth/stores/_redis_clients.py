# Generated from templates/runtime/stores/_redis_clients.py by make generate: edit that file, not this copy.
"""The redis-py clients of a RedisTokenStore: imported only when one is built, in both flavours, with short timeouts.

From a URL the store builds its own clients: a synchronous one kept for the life of the store, and an asyncio one
per async refresh (an asyncio client's connections belong to the event loop that opened them, and one ZuoraAuth
may serve several loops; a refresh is rare, a new connection for it is cheap). Given one client, the store builds
the other flavour from that client's connection settings (host, port, database, credentials, TLS files, timeouts)
when it first needs it; a custom connection class (Sentinel, Cluster, a subclass) cannot be copied that way.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .._exceptions import InvalidRequestError
from .._fork import reset_in_forked_children
from .._masking import redact
from ._flight import StoreUnavailable

if TYPE_CHECKING:
    import redis
    import redis.asyncio

INSTALL_HINT = "RedisTokenStore needs redis-py 5.0 or later: pip install 'zuora-oauth[redis]'"

#: Connection settings that mean the same to both flavours of client; the rest (retry policy, event hooks,
#: parsers) are objects of one flavour, or internals of one redis-py version.
_PORTABLE_SETTINGS = (
    "host",
    "port",
    "path",
    "db",
    "username",
    "password",
    "credential_provider",
    "client_name",
    "protocol",
    "socket_timeout",
    "socket_connect_timeout",
    "socket_keepalive",
    "socket_keepalive_options",
    "ssl_keyfile",
    "ssl_certfile",
    "ssl_password",
    "ssl_cert_reqs",
    "ssl_ca_certs",
    "ssl_ca_path",
    "ssl_ca_data",
    "ssl_check_hostname",
    "ssl_min_version",
    "ssl_ciphers",
)

#: The connection classes whose settings can be copied to the other flavour (same name in both modules).
_COPYABLE_CONNECTIONS = ("Connection", "SSLConnection", "UnixDomainSocketConnection")


def import_redis() -> None:
    """Import redis-py, or raise the error that says how to install it."""
    try:
        import redis  # noqa: PLC0415  (an optional extra: ``import zuora_oauth`` must work without it)
        import redis.asyncio  # noqa: PLC0415
    except ImportError:
        raise InvalidRequestError(INSTALL_HINT) from None
    major = redis.__version__.split(".", 1)[0]
    if not major.isdigit() or int(major) < 5:
        raise InvalidRequestError(f"{INSTALL_HINT} (found redis-py {redis.__version__})")


class RedisClients:
    """The clients of one store; builds what it needs on first use and closes only what it built."""

    def __init__(self, client: object, *, socket_timeout: float) -> None:
        import_redis()
        import redis  # noqa: PLC0415
        import redis.asyncio  # noqa: PLC0415

        self._socket_timeout = socket_timeout
        self._lock = threading.Lock()
        self._url: str | None = None
        self._sync: redis.Redis | None = None
        self._owns_sync = False
        self._async: redis.asyncio.Redis | None = None
        self._settings: dict[str, Any] = {}
        self._connection: str | None = None  # class name of the given client's connections, if copyable
        if isinstance(client, str):
            try:
                settings: Mapping[str, Any] = redis.asyncio.connection.parse_url(client)
            except ValueError as error:
                secrets = [client, *_url_passwords(client)]
                raise InvalidRequestError(f"not a usable Redis URL: {redact(str(error), secrets)}") from None
            self._url = client
            self._settings = {"host": "localhost", **settings}
            self._settings.pop("connection_class", None)
        elif isinstance(client, redis.Redis):
            self._sync = client
            self._adopt_settings(client.connection_pool)
        elif isinstance(client, redis.asyncio.Redis):
            self._async = client
            self._adopt_settings(client.connection_pool)
        else:
            raise InvalidRequestError(
                "RedisTokenStore needs a redis:// (rediss://, unix://) URL, a redis.Redis or a redis.asyncio.Redis"
            )
        self.location = _location(self._settings)
        password = self._settings.get("password")
        self.secrets: tuple[str, ...] = (password,) if isinstance(password, str) and password else ()
        reset_in_forked_children(self)

    def _after_fork(self) -> None:
        """A new lock in a forked child (redis-py's pools notice the fork themselves and reconnect)."""
        self._lock = threading.Lock()

    def sync(self) -> redis.Redis:
        """The synchronous client (built on first use when the store was given a URL or an asyncio client)."""
        with self._lock:
            if self._sync is None:
                self._sync = self._build_sync()
                self._owns_sync = True
            return self._sync

    @contextlib.asynccontextmanager
    async def asyncio(self) -> AsyncIterator[redis.asyncio.Redis]:
        """An asyncio client for one refresh: the given one, or one built for this event loop and closed after."""
        if self._async is not None:
            yield self._async
            return
        client = self._build_async()
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                await client.aclose(close_connection_pool=True)

    def close(self) -> None:
        """Close the synchronous client if the store built it (a given client belongs to the caller)."""
        with self._lock:
            if not self._owns_sync or self._sync is None:
                return
            client, self._sync, self._owns_sync = self._sync, None, False
        client.close()

    def _adopt_settings(self, pool: Any) -> None:
        settings: Mapping[str, Any] = getattr(pool, "connection_kwargs", {})
        self._settings = {name: settings[name] for name in _PORTABLE_SETTINGS if name in settings}
        connection = getattr(pool, "connection_class", None)
        module = getattr(connection, "__module__", "")
        name = getattr(connection, "__name__", "")
        if module in ("redis.connection", "redis.asyncio.connection") and name in _COPYABLE_CONNECTIONS:
            self._connection = name

    def _build_sync(self) -> redis.Redis:
        import redis  # noqa: PLC0415
        from redis.backoff import NoBackoff  # noqa: PLC0415
        from redis.retry import Retry  # noqa: PLC0415

        retry = Retry(NoBackoff(), 0)  # an outage must cost one short timeout, not a back-off of seconds
        if self._url is not None:
            timeout = self._socket_timeout
            return redis.Redis.from_url(self._url, retry=retry, socket_timeout=timeout, socket_connect_timeout=timeout)
        connection_class = getattr(redis.connection, self._copyable_connection("redis.Redis"))
        settings = _accepted(connection_class, self._settings)
        pool = redis.ConnectionPool(connection_class=connection_class, retry=retry, **settings)
        return redis.Redis(connection_pool=pool)

    def _build_async(self) -> redis.asyncio.Redis:
        import redis.asyncio  # noqa: PLC0415
        from redis.asyncio.retry import Retry  # noqa: PLC0415
        from redis.backoff import NoBackoff  # noqa: PLC0415

        retry = Retry(NoBackoff(), 0)
        if self._url is not None:
            timeout = self._socket_timeout
            return redis.asyncio.Redis.from_url(
                self._url, retry=retry, socket_timeout=timeout, socket_connect_timeout=timeout
            )
        connection_class = getattr(redis.asyncio.connection, self._copyable_connection("redis.asyncio.Redis"))
        settings = _accepted(connection_class, self._settings)
        pool = redis.asyncio.ConnectionPool(connection_class=connection_class, retry=retry, **settings)
        return redis.asyncio.Redis(connection_pool=pool)

    def _copyable_connection(self, wanted: str) -> str:
        if self._connection is None:
            raise StoreUnavailable(
                f"RedisTokenStore cannot build a {wanted} client from the given client's custom connections; "
                "pass a URL (or a client of that flavour) instead"
            )
        return self._connection


def _url_passwords(url: str) -> list[str]:
    """The password of a Redis URL, raw and percent-decoded, so an error text cannot show it either way."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return []
    return [password, unquote(password)] if password else []


def _accepted(connection_class: type, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings this redis-py version's connection class takes (older versions lack some TLS options)."""
    names: set[str] = set()
    for cls in connection_class.__mro__:
        init = cls.__dict__.get("__init__")
        if init is not None:
            names.update(inspect.signature(init).parameters)
    return {name: value for name, value in settings.items() if name in names}


def _location(settings: Mapping[str, Any]) -> str:
    """Where the store's Redis is, for log records: host, port and database, never credentials."""
    if settings.get("path"):
        return f"unix:{settings['path']}/{settings.get('db', 0)}"
    if "host" in settings or "port" in settings:
        return f"{settings.get('host', 'localhost')}:{settings.get('port', 6379)}/{settings.get('db', 0)}"
    return "the given client's server"
