# Generated from templates/runtime/_cookies.py by make generate: edit that file, not this copy.
"""The cookie jar of a generated Client (its own module: building a Client must not import the transport)."""

from __future__ import annotations

import http.cookiejar
from collections.abc import Mapping
from typing import Any

import httpx


class _SendableCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Keeps from answers only the cookies httpx can send back.

    httpx stores a ``Set-Cookie`` whose name or value is not ASCII, then cannot encode it into the ``Cookie``
    header of any later request: a single odd answer would make every later call of the client fail.
    """

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        if not (cookie.name.isascii() and (cookie.value or "").isascii()):
            return False
        return bool(super().set_ok(cookie, request))


def cookie_jar(cookies: Mapping[str, str]) -> http.cookiejar.CookieJar:
    """The cookie jar of a generated Client: ``cookies`` to send, and only sendable cookies kept from answers."""
    jar = http.cookiejar.CookieJar(policy=_SendableCookiePolicy())
    httpx.Cookies(jar).update(dict(cookies))  # wraps the jar itself, so the policy stays
    return jar
