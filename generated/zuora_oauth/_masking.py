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


def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` (any spelling: ``card_number``, ``cardNumber``, ``Card-Number``) is secret."""
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
