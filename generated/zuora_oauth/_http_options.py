# Generated from templates/runtime/_http_options.py by make generate: edit that file, not this copy.
"""``verify``, ``cert``, ``proxy`` and ``trust_env`` for ZuoraAuth's own token requests, taken as httpx takes them.

They are checked when ZuoraAuth is built (a missing CA bundle or client certificate is an InvalidRequestError then,
not on the first request) and turned into what every httpx from 0.26 to 0.28 accepts without a DeprecationWarning:
one ``ssl.SSLContext`` (httpx 0.28 deprecates ``cert=`` and ``verify=<path>``), and ``proxy=`` (httpx 0.26 and
later, the lowest we support).
"""

from __future__ import annotations

import importlib.util
import os
import ssl
from typing import Any

import attrs
import httpx

from ._exceptions import InvalidRequestError

#: ``True`` (the CA bundle httpx uses), ``False`` (no verification: tests only), a CA bundle file or directory, or
#: an ``ssl.SSLContext``.
VerifyTypes = bool | str | os.PathLike[str] | ssl.SSLContext
#: A client certificate: a PEM file with the key, or ``(certfile, keyfile)`` or ``(certfile, keyfile, password)``.
CertTypes = str | os.PathLike[str] | tuple[str, str] | tuple[str, str, str]
#: An ``http://``, ``https://`` or ``socks5://`` proxy URL (it may carry ``user:password@``), or an ``httpx.Proxy``.
ProxyTypes = str | httpx.URL | httpx.Proxy


@attrs.frozen(repr=False)
class HttpOptions:
    """The checked options: ``verify`` None means httpx's default context, built where it is needed."""

    verify: ssl.SSLContext | None = None
    proxy: httpx.Proxy | None = None
    trust_env: bool = True

    def client_args(self) -> dict[str, Any]:
        """Arguments for ``httpx.Client``/``httpx.AsyncClient`` other than ``verify``."""
        args: dict[str, Any] = {"trust_env": self.trust_env}
        if self.proxy is not None:
            args["proxy"] = self.proxy
        return args

    def __repr__(self) -> str:
        return "HttpOptions(...)"  # a proxy URL may hold a password


def http_options(
    verify: VerifyTypes | None, cert: CertTypes | None, proxy: ProxyTypes | None, trust_env: bool | None
) -> HttpOptions:
    """Check the four options (None: not given) and build the SSL context they describe."""
    if trust_env is not None and not isinstance(trust_env, bool):
        raise InvalidRequestError("trust_env must be True or False")
    trust = True if trust_env is None else trust_env
    context = _ssl_context(True if verify is None else verify, cert, trust)
    return HttpOptions(verify=context, proxy=_proxy(proxy), trust_env=trust)


def _ssl_context(verify: VerifyTypes, cert: CertTypes | None, trust_env: bool) -> ssl.SSLContext | None:
    if verify is True and cert is None:
        return None  # httpx's own default, loaded lazily (reading the CA bundle takes ~20 ms)
    if isinstance(verify, ssl.SSLContext):
        if cert is not None:
            raise InvalidRequestError("with verify=<SSLContext>, load the client certificate into that context")
        return verify
    context = _new_context(verify, trust_env)
    if isinstance(context, str):
        raise InvalidRequestError(context)
    if cert is not None:
        _load_cert(context, cert)
    return context


def _new_context(verify: object, trust_env: bool) -> ssl.SSLContext | str:
    """The context ``verify`` asks for, or what is wrong with it."""
    if verify is True:
        return httpx.create_ssl_context(trust_env=trust_env)
    if verify is False:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if not isinstance(verify, str | os.PathLike):
        return "verify must be True, False, the path of a CA bundle, or an ssl.SSLContext"
    path = os.fspath(verify)
    try:
        if os.path.isdir(path):
            return ssl.create_default_context(capath=path)
        return ssl.create_default_context(cafile=path)
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        return f"verify: cannot load the CA certificates in {path!r}: {_reason(exc)}"


def _load_cert(context: ssl.SSLContext, cert: CertTypes) -> None:
    parts: tuple[Any, ...] = (cert,) if isinstance(cert, str | os.PathLike) else cert
    if (
        not isinstance(parts, tuple)
        or not 1 <= len(parts) <= 3
        or not all(isinstance(part, str | os.PathLike) for part in parts)
    ):
        raise InvalidRequestError("cert must be a PEM file, (certfile, keyfile) or (certfile, keyfile, password)")
    problem: str | None = None
    try:
        context.load_cert_chain(*parts)
    except (OSError, ValueError) as exc:  # never the password: only the kind of failure
        problem = f"cert: cannot load the client certificate: {_reason(exc)}"
    if problem is not None:
        raise InvalidRequestError(problem)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return exc.reason or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _proxy(proxy: ProxyTypes | None) -> httpx.Proxy | None:
    if proxy is None or isinstance(proxy, httpx.Proxy):
        return proxy
    problem: str | None = None
    built: httpx.Proxy | None = None
    if not isinstance(proxy, str | httpx.URL):
        problem = "proxy must be a URL (http://, https:// or socks5://) or an httpx.Proxy"
    else:
        try:
            built = httpx.Proxy(proxy)
        except (ValueError, TypeError, httpx.InvalidURL):  # the text would quote the URL and its password
            problem = "proxy must be an http://, https:// or socks5:// URL"
    if built is None:
        raise InvalidRequestError(problem or "proxy must be a URL")
    if built.url.scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
        raise InvalidRequestError("a socks5:// proxy needs httpx's socks extra: pip install 'httpx[socks]'")
    return built
