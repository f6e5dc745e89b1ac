# Generated from templates/runtime/_masking.py by make generate: edit that file, not this copy.
"""Keep secrets out of reprs, logs and error texts: show at most the last four characters."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import attrs

#: Field names whose values are credentials; their values never appear whole in a repr.
SECRET_FIELD_NAMES = frozenset(
    {"access_token", "client_secret", "refresh_token", "id_token", "password", "secret", "token"}
)

#: Endings of field names (lower case, letters and digits only) that hold credentials or card data: card numbers,
#: security codes, bank account numbers, passwords, secrets and tokens (``creditCardNumber``, ``cardSecurityCode``,
#: ``bankAccountNumber``, ``apiSecretAccessKey``, ``paymentMethodToken`` ...). ``token_type`` or ``accountNumber``
#: (a Zuora account's public number) end otherwise.
SECRET_NAME_ENDINGS = (
    "cardnumber",
    "securitycode",
    "cvv",
    "cvv2",
    "cvc",
    "bankaccountnumber",
    "iban",
    "password",
    "passphrase",
    "secret",
    "token",
    "secretaccesskey",
    "privatekey",
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


def mask_secret_fields(text: str) -> str:
    """``text`` with the value of every secret-named field masked: ``"access_token": "c652…"`` becomes
    ``"access_token": "****4538"``, and ``client_secret=…`` in a form or a message likewise.

    For the bodies kept by errors: a 2xx token answer that was refused (a wrong ``token_type``, a field of the wrong
    type) still holds a live token, and an error reporter must not receive it. Field names are recognised by
    :func:`is_secret_name`. The text is kept as it was apart from the masked values, also when it is not valid JSON
    (a truncated answer); a JSON body that spells a secret field with escapes the patterns miss
    (``"\\u0061ccess_token"``) is written out again with those values masked.
    """
    if not text or not _MAY_HOLD_SECRET.search(text):
        return text
    masked = _JSON_PAIR.sub(_masked_json_pair, text)
    masked = _FORM_PAIR.sub(_masked_form_pair, masked)
    if masked.lstrip()[:1] not in ("{", "["):
        return masked
    try:
        data = json.loads(masked)
    except (ValueError, RecursionError):
        return masked
    if not _has_clear_secret(data):
        return masked
    return json.dumps(_masked_json(data))


#: A cheap first look: no field name :func:`is_secret_name` accepts can occur in a text without one of these.
_MAY_HOLD_SECRET = re.compile(r"token|secret|pass|number|code|cvv|cvc|iban|key|\\u", re.IGNORECASE)
#: ``"name": "value"`` or ``"name": 123`` in JSON, also inside a truncated or otherwise invalid document.
_JSON_PAIR = re.compile(r'"((?:[^"\\\n]|\\.){1,200})"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)')
#: ``name=value`` in a form body, a query string or a message (``client_secret=abc&grant_type=...``).
_FORM_PAIR = re.compile(r"(?<![A-Za-z0-9_.%-])([A-Za-z][A-Za-z0-9_.-]{0,199})=([^&\s;,\"'<>]+)")


def _masked_json_pair(match: re.Match[str]) -> str:
    name, colon, value = match.group(1), match.group(2), match.group(3)
    if not is_secret_name(name):
        return match.group(0)
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = value[1:-1]
        if not isinstance(decoded, str) or not _is_clear(decoded):
            return match.group(0)
        shown = json.dumps(mask(decoded))
    else:
        shown = json.dumps(_HIDDEN)
    return f'"{name}"{colon}{shown}'


def _masked_form_pair(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    if not is_secret_name(name) or value.startswith(_HIDDEN):
        return match.group(0)
    return f"{name}={mask(value)}"


def _has_clear_secret(data: Any) -> bool:
    """Whether a decoded JSON document still holds an unmasked value under a secret name (walked without recursion,
    since JSON may nest deeper than Python's recursion limit allows a recursive walk)."""
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, secret = stack.pop()
        if isinstance(value, dict):
            stack.extend(
                (item, secret or (isinstance(key, str) and is_secret_name(key))) for key, item in value.items()
            )
        elif isinstance(value, list):
            stack.extend((item, secret) for item in value)
        elif secret and _is_clear(value):
            return True
    return False


def _is_clear(value: Any) -> bool:
    if isinstance(value, str):
        return value != "" and not value.startswith(_HIDDEN)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _masked_json(data: Any) -> Any:
    """A copy of ``data`` with every value under a secret name masked (iteratively, like :func:`_has_clear_secret`)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, bool, list[Any] | dict[str, Any], Any]] = [(data, False, root, 0)]
    while stack:
        value, secret, parent, slot = stack.pop()
        if isinstance(value, dict):
            copy: dict[str, Any] = {}
            parent[slot] = copy
            for key, item in value.items():
                stack.append((item, secret or (isinstance(key, str) and is_secret_name(key)), copy, key))
        elif isinstance(value, list):
            items: list[Any] = [None] * len(value)
            parent[slot] = items
            stack.extend((item, secret, items, index) for index, item in enumerate(value))
        elif secret and _is_clear(value):
            parent[slot] = mask(value) if isinstance(value, str) else _HIDDEN
        else:
            parent[slot] = value
    return root[0]


@functools.lru_cache(maxsize=1024)
def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` (any spelling: ``card_number``, ``cardNumber``, ``Card-Number``) is secret.

    Cached: the transport asks it for every field name of every request body, and the names repeat."""
    folded = "".join(char for char in name.lower() if char.isalnum())
    return folded in _FOLDED_NAMES or folded.endswith(SECRET_NAME_ENDINGS)


_FOLDED_NAMES = frozenset(name.replace("_", "") for name in SECRET_FIELD_NAMES)


def masked_repr(instance: Any, secret_fields: Iterable[str] = ()) -> str:
    """An attrs-style repr of a generated model with every secret field masked.

    A field is secret when its name says so (:func:`is_secret_name`) or it is in ``secret_fields`` (the
    ``format: password`` fields of its schema, which the template passes). Masking a whole value, not only a
    string: a card number may arrive as a JSON number.
    """
    given = frozenset(secret_fields)
    parts = []
    for attribute in attrs.fields(type(instance)):
        name = attribute.name
        value = getattr(instance, name)
        if name == "additional_properties" and isinstance(value, dict):
            value = {key: _masked_value(key, item, given) for key, item in value.items()}
            parts.append(f"{name}={value!r}")
        else:
            parts.append(f"{name}={_masked_value(name, value, given)!r}")
    return f"{type(instance).__name__}({', '.join(parts)})"


class _Masked(str):
    """A masked value, shown without quotes so it cannot be mistaken for the value itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _masked_value(name: object, value: Any, given: frozenset[str]) -> Any:
    if not isinstance(name, str) or not (name in given or is_secret_name(name)):
        return value
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _Masked(_HIDDEN)
    return value
