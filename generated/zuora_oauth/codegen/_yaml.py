# Generated from templates/runtime/codegen/_yaml.py by make generate: edit that file, not this copy.
"""YAML read the way the generator reads it (ruamel.yaml, safe, YAML 1.2), keeping the text of what YAML types.

The generator's loader turns ``version: 2025-08-12`` into a date and ``version: 1.10`` into the float 1.1, and the
generator then rejects the document (OpenAPI wants strings there). To put back exactly what was written, numbers
keep their source text (``SourceInt``/``SourceFloat``, still numbers everywhere else) and dates stay the text
written (``DateText``, a ``str``): JSON, and so OpenAPI, has no dates, so a date-like value is a string wherever it
is. Booleans cannot be subclassed and have only one spelling in YAML 1.2, so they stay ``bool``.

ruamel.yaml is imported by the function that needs it: it comes with the ``codegen`` extra only.
"""

from __future__ import annotations

from typing import Any, Self


class SourceInt(int):
    """An integer YAML read from ``source`` (``200``, ``0x10``, ``1_000``)."""

    source: str

    def __new__(cls, value: int, source: str) -> Self:
        number = super().__new__(cls, value)
        number.source = source
        return number


class SourceFloat(float):
    """A float YAML read from ``source`` (``1.10`` is 1.1 with the source "1.10")."""

    source: str

    def __new__(cls, value: float, source: str) -> Self:
        number = super().__new__(cls, value)
        number.source = source
        return number


class DateText(str):
    """A scalar YAML would have read as a date or timestamp, kept as the text written."""

    __slots__ = ()


def source_text(value: object) -> str:
    """The text a scalar was written with: YAML's own spelling for numbers, ``true``/``false`` for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, SourceInt | SourceFloat):
        return value.source
    if value is None:
        return "null"
    return str(value)


def load_yaml(text: str) -> Any:
    """Parse ``text`` like the generator, but with source-keeping numbers and dates; raises ruamel's errors."""
    from ruamel.yaml import YAML  # noqa: PLC0415  (codegen extra only)

    parser = YAML(typ="safe", pure=True)
    parser.Constructor = _constructor_class()
    return parser.load(text)


def _constructor_class() -> type:
    from ruamel.yaml.constructor import SafeConstructor  # noqa: PLC0415  (codegen extra only)

    class SourceKeepingConstructor(SafeConstructor):
        def construct_source_int(self, node: Any) -> SourceInt:
            return SourceInt(SafeConstructor.construct_yaml_int(self, node), str(node.value))

        def construct_source_float(self, node: Any) -> SourceFloat:
            return SourceFloat(SafeConstructor.construct_yaml_float(self, node), str(node.value))

        def construct_date_text(self, node: Any) -> DateText:
            return DateText(node.value)

    SourceKeepingConstructor.add_constructor("tag:yaml.org,2002:int", SourceKeepingConstructor.construct_source_int)
    SourceKeepingConstructor.add_constructor("tag:yaml.org,2002:float", SourceKeepingConstructor.construct_source_float)
    SourceKeepingConstructor.add_constructor(
        "tag:yaml.org,2002:timestamp", SourceKeepingConstructor.construct_date_text
    )
    return SourceKeepingConstructor
