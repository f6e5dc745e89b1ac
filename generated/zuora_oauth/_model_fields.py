"""Strict reading of model fields: generated ``from_dict`` methods reject what the schema does not allow.

The stock generator trusts the server (``cast(str, d.pop("x"))``); a 2xx body with a wrong type would then become a
"successful" result. These helpers raise :class:`FieldError` instead, which endpoints turn into
MalformedResponseError. Messages name the field and the type seen, never the value (it may be a credential).
"""

from __future__ import annotations

import math
from typing import Any


class FieldError(ValueError):
    """A field of a JSON object is missing or has a type its schema does not allow."""


def required(data: dict[str, Any], key: str, model: str) -> Any:
    """Pop a required field, naming the model and field when it is missing."""
    try:
        return data.pop(key)
    except KeyError:
        raise FieldError(f"{model}.{key} is missing") from None


def check_str(value: Any, where: str) -> Any:
    """A string."""
    if isinstance(value, str):
        return value
    raise FieldError(f"{where} must be a string, not {_json_type(value)}")


def check_int(value: Any, where: str) -> Any:
    """An integer; JSON numbers with an integral value such as ``3.0`` are accepted, booleans are not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise FieldError(f"{where} must be an integer, not {_json_type(value)}")


def check_float(value: Any, where: str) -> Any:
    """A JSON number as a finite float; booleans are not numbers here.

    JSON has no NaN or infinity, but Python's parser reads ``NaN``, ``Infinity`` and ``1e999`` (as inf); and an
    integer of hundreds of digits does not fit a float at all (``float()`` raises OverflowError).
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise FieldError(f"{where} must be a number a float can hold, not an integer that large") from None
        if math.isfinite(number):
            return number
        raise FieldError(f"{where} must be a finite number")
    raise FieldError(f"{where} must be a number, not {_json_type(value)}")


def check_bool(value: Any, where: str) -> Any:
    """A boolean."""
    if isinstance(value, bool):
        return value
    raise FieldError(f"{where} must be a boolean, not {_json_type(value)}")


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
