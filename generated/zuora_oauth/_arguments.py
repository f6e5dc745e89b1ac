# Generated from templates/runtime/_arguments.py by make generate: edit that file, not this copy.
"""Turn the flat arguments of the ``<Tag>Api`` methods into what the generated functions take."""

from __future__ import annotations

import enum
from typing import TypeVar

from ._exceptions import InvalidRequestError

E = TypeVar("E", bound=enum.Enum)


def enum_argument(enum_type: type[E], value: E | str, name: str) -> E:
    """``value`` as a member of ``enum_type``, or InvalidRequestError naming the allowed values (nothing is sent)."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in enum_type)
        raise InvalidRequestError(f"{name} must be one of {allowed}") from None
