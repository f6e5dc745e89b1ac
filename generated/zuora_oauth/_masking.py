"""Keep secrets out of reprs, logs and error texts: show at most the last four characters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import attrs

#: Field names whose values are credentials; their values never appear whole in a repr.
SECRET_FIELD_NAMES = frozenset(
    {"access_token", "client_secret", "refresh_token", "id_token", "password", "secret", "token"}
)

_HIDDEN = "****"


def mask(secret: str | None) -> str:
    """``'****'`` plus the last four characters, and those only when the secret is long enough to spare them."""
    if not secret:
        return _HIDDEN
    return _HIDDEN + secret[-4:] if len(secret) >= 16 else _HIDDEN


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` by its mask (for server texts that echo a secret).

    A server echoes a secret the way it received or re-serialised it, so the spellings of :func:`spellings` are
    masked too: a form-encoded echo of the request body is as much a leak as the secret itself.
    """
    for secret in secrets:
        if not secret:
            continue
        for spelling in spellings(secret):
            if spelling in text:
                text = text.replace(spelling, mask(secret))
    return text


def spellings(secret: str) -> tuple[str, ...]:
    """``secret`` as sent, percent-encoded (``quote``, ``quote_plus``) and JSON-escaped (``\\/``), longest first."""
    variants = {secret, quote(secret, safe=""), quote_plus(secret, safe=""), secret.replace("/", "\\/")}
    return tuple(sorted(variants, key=len, reverse=True))


def masked_repr(instance: Any) -> str:
    """An attrs-style repr of a generated model with every credential-named field masked."""
    parts = []
    for attribute in attrs.fields(type(instance)):
        name = attribute.name
        value = getattr(instance, name)
        if name == "additional_properties" and isinstance(value, dict):
            value = {key: _masked_value(key, item) for key, item in value.items()}
            parts.append(f"{name}={value!r}")
        else:
            parts.append(f"{name}={_masked_value(name, value)!r}")
    return f"{type(instance).__name__}({', '.join(parts)})"


def _masked_value(name: object, value: Any) -> Any:
    if isinstance(name, str) and name.lower() in SECRET_FIELD_NAMES and isinstance(value, str):
        return mask(value)
    return value
