# Generated from templates/runtime/_model_fields.py by make generate: edit that file, not this copy.
"""Reading model fields from JSON the way Zuora sends it: strict about shape, lenient where Zuora is sloppy.

The stock generator trusts the server (``cast(str, d.pop("x"))``): a 2xx body of the wrong shape then becomes a
"successful" result, or a bare ``ValueError`` with no field name. Generated ``from_dict`` methods use these helpers
instead. They accept what Zuora really sends although its definitions do not say so — ``null`` in optional fields
(no definition says ``nullable``), JSON numbers in ``type: string`` decimal fields (kept as their exact text, never
through a float), enum values added after a definition was published — and refuse the rest with a
:class:`FieldError` that names the field path (``Account.billToContact.country: ...``), never the value (it may be
a credential).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from ._unset import UNSET, Unset

E = TypeVar("E", bound=enum.Enum)

#: What reading one field can raise besides FieldError: the generator's own constructs (``fromisoformat``,
#: ``UUID(...)``, ``Enum(...)``, ``.from_dict`` of a nested model) raise these on values of the wrong shape.
READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


class FieldError(ValueError):
    """A field of a JSON object is missing or holds what its schema does not allow.

    ``model`` is the outermost model being read and ``path`` the JSON keys from it down to the field;
    ``problem`` says what is wrong, without the value.
    """

    def __init__(self, problem: str, *, model: str = "", path: tuple[str, ...] = ()) -> None:
        self.problem = problem
        self.model = model
        self.path = path
        super().__init__(problem)

    def __str__(self) -> str:
        where = ".".join((self.model, *self.path)) if self.model else ".".join(self.path)
        return f"{where}: {self.problem}" if where else self.problem

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_field_error, (self.problem, self.model, self.path))


def _rebuild_field_error(problem: str, model: str, path: tuple[str, ...]) -> FieldError:
    return FieldError(problem, model=model, path=path)


class JsonNumber(float):
    """A JSON number with a fraction or exponent, as a float that remembers the exact text it was read from.

    Zuora declares amounts ``type: string`` but sends them as JSON numbers; a string field keeps ``text``
    (``"10.10"`` stays ``"10.10"``, not ``"10.1"``), while float fields get an ordinary float.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Self:
        number = super().__new__(cls, text)
        number.text = text
        return number


class Fields(dict[str, Any]):
    """The JSON object a ``from_dict`` reads, remembering the key it read last so an error can name it."""

    __slots__ = ("key",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.key = ""

    def pop(self, key: str, *default: Any) -> Any:
        self.key = key
        return super().pop(key, *default)


def fields(data: Any, model: str) -> Fields:
    """``data`` as the fields of ``model``; anything but a JSON object is refused."""
    if not isinstance(data, Mapping):
        raise FieldError(f"must be a JSON object, not {json_type(data)}", model=model)
    return Fields(data)


def field_error(error: Exception, model: str, key: str) -> FieldError:
    """The error of reading field ``key`` of ``model``, with the full path when it came from a nested model."""
    if isinstance(error, FieldError):
        return FieldError(error.problem, model=model, path=(key, *error.path) if key else error.path)
    return FieldError(f"cannot be read ({type(error).__name__})", model=model, path=(key,) if key else ())


def required(data: dict[str, Any], key: str) -> Any:
    """Pop a required field."""
    try:
        return data.pop(key)
    except KeyError:
        raise FieldError("is missing") from None


def optional(data: dict[str, Any], key: str) -> Any:
    """Pop an optional field of a schema that does not allow null; Zuora's ``null`` there reads as absent."""
    value = data.pop(key, UNSET)
    return UNSET if value is None else value


def read_str(value: Any) -> str:
    """A string; a JSON number (Zuora's decimal amounts) becomes its exact text."""
    if isinstance(value, str):
        return value
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if isinstance(value, int) else repr(value)
    raise FieldError(f"must be a string, not {json_type(value)}")


def read_int(value: Any) -> int:
    """An integer; JSON numbers with an integral value such as ``3.0`` are accepted, booleans are not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise FieldError(f"must be an integer, not {json_type(value)}")


def read_float(value: Any) -> float:
    """A JSON number as a finite float; booleans are not numbers here.

    JSON has no NaN or infinity, but Python's parser reads ``NaN``, ``Infinity`` and ``1e999`` (as inf); and an
    integer of hundreds of digits does not fit a float at all (``float()`` raises OverflowError).
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise FieldError("must be a number a float can hold, not an integer that large") from None
        if math.isfinite(number):
            return number
        raise FieldError("must be a finite number")
    raise FieldError(f"must be a number, not {json_type(value)}")


def read_bool(value: Any) -> bool:
    """A boolean."""
    if isinstance(value, bool):
        return value
    raise FieldError(f"must be a boolean, not {json_type(value)}")


def enum_value(enum_type: type[E], value: Any) -> E:
    """``value`` as a member of ``enum_type``; a value of the right type that the definition does not know is kept.

    Zuora adds enum values after a definition is published. An unknown value becomes a member that is not one of
    the class's declared members (``enum_type.__members__`` does not list it), with the value as its name, so it
    is typed like any member and written back unchanged by ``to_dict``. ``enum_type(value)`` in caller code still
    refuses unknown values.
    """
    if isinstance(value, bool):  # JSON true is not the integer 1
        raise FieldError(f"is not a value of {enum_type.__name__} (a boolean)")
    try:
        return enum_type(value)
    except ValueError:
        pass
    member: Any
    if issubclass(enum_type, str) and isinstance(value, str):
        member = str.__new__(enum_type, value)
    elif issubclass(enum_type, int) and isinstance(value, int) and not isinstance(value, bool):
        member = int.__new__(enum_type, value)
    else:
        raise FieldError(f"is not a value of {enum_type.__name__} ({json_type(value)})")
    member._name_ = str(value)
    member._value_ = value
    return cast(E, member)


def is_known(member: enum.Enum) -> bool:
    """Whether ``member`` is one of its class's declared members (not a value kept by :func:`enum_value`)."""
    return type(member).__members__.get(member.name) is member


def json_type(value: Any) -> str:
    """The JSON name of ``value``'s type, for messages that must not show the value itself."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


__all__ = [
    "READ_ERRORS",
    "UNSET",
    "FieldError",
    "Fields",
    "JsonNumber",
    "Unset",
    "enum_value",
    "field_error",
    "fields",
    "is_known",
    "json_type",
    "optional",
    "read_bool",
    "read_float",
    "read_int",
    "read_str",
    "required",
]
