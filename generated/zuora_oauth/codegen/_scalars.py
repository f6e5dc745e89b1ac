# Generated from templates/runtime/codegen/_scalars.py by make generate: edit that file, not this copy.
"""Fixes for what YAML typing does to real-world documents: numbers, booleans and dates where OpenAPI wants text.

Each fix returns the lines that report it. Typical sources: ``responses: {200: ...}`` (the key is the integer
200, which the generator rejects), ``version: 2025-08-12`` (a date), ``version: 1.10`` (the float 1.1),
``enum: [true, false]`` under ``type: string`` (booleans, which the generator cannot make a string enum of) and
``enum: [1, 2]`` under ``type: string`` (which it silently turns into an IntEnum: the server sends "1").
"""

from __future__ import annotations

from typing import Any

from ._errors import CodegenError
from ._walk import Location, all_containers, dotted, openapi_objects
from ._yaml import DateText, SourceFloat, SourceInt, source_text

#: OpenAPI (and JSON Schema) keywords whose value is always a string.
STRING_FIELDS = frozenset(
    {
        "openapi",
        "jsonSchemaDialect",
        "version",
        "title",
        "summary",
        "description",
        "termsOfService",
        "email",
        "url",
        "identifier",
        "name",
        "in",
        "style",
        "operationId",
        "operationRef",
        "$ref",
        "$id",
        "$schema",
        "$anchor",
        "$comment",
        "format",
        "pattern",
        "contentType",
        "contentMediaType",
        "contentEncoding",
        "propertyName",
        "externalValue",
        "scheme",
        "bearerFormat",
        "authorizationUrl",
        "tokenUrl",
        "refreshUrl",
        "openIdConnectUrl",
    }
)
#: Keywords whose value, when a list, is a list of strings (``required`` of a parameter is a boolean instead).
STRING_LIST_FIELDS = frozenset({"tags", "required"})
#: How many examples a summary line names.
_SHOWN = 3


def normalise_scalars(document: dict[str, Any]) -> list[str]:
    """Apply every scalar fix to ``document`` in place; one report line per fix (or per kind, when many)."""
    report = fix_keys(document)
    for node, path in openapi_objects(document):
        report += fix_string_fields(node, path)
        report += fix_string_enum(node, path)
    report += fix_remaining_dates(document)
    return report


def fix_keys(document: dict[str, Any]) -> list[str]:
    """Mapping keys YAML read as numbers or booleans (``200:``) become the text written: JSON keys are strings."""
    fixed: list[tuple[str, str, str]] = []  # (where, what YAML read, the key now)
    for node, path in all_containers(document):
        if not isinstance(node, dict) or all(isinstance(key, str) for key in node):
            continue
        items = list(node.items())
        node.clear()
        for key, value in items:
            text = key if isinstance(key, str) else source_text(key)
            if text in node:
                raise CodegenError(
                    f"the key {text!r} appears twice at {dotted(path)} (once quoted, once parsed as "
                    f"{_kind(key)}): remove one"
                )
            node[text] = value
            if not isinstance(key, str):
                fixed.append((dotted((*path, text)), _kind(key), text))
    if not fixed:
        return []
    if len(fixed) == 1:
        where, kind, text = fixed[0]
        return [f"normalised: the key {where} was parsed as {kind}: now the string {text!r}"]
    shown = ", ".join(where for where, _, _ in fixed[:_SHOWN])
    return [
        f"normalised: {len(fixed)} keys parsed as numbers or booleans (e.g. {shown}): now strings, as JSON keys are"
    ]


def fix_string_fields(node: dict[str, Any], path: Location) -> list[str]:
    """``version: 2025-08-12``, ``version: 1.10``, ``title: 2024`` and the like become the text written."""
    report: list[str] = []
    server_variable = len(path) >= 2 and path[-2] == "variables"  # its default and enum are strings too
    for key in sorted(STRING_FIELDS | ({"default"} if server_variable else set())):
        value = node.get(key)
        if _needs_text(value):
            node[key] = source_text(value)
            report.append(
                f"normalised: {dotted((*path, key))} {source_text(value)} was parsed as {_kind(value)}: "
                f"now the string {node[key]!r}"
            )
    list_keys = STRING_LIST_FIELDS | ({"enum"} if server_variable else set())
    for key in sorted(list_keys):
        values = node.get(key)
        if isinstance(values, list) and any(_needs_text(item) for item in values):
            node[key] = [source_text(item) if _needs_text(item) else item for item in values]
            report.append(
                f"normalised: {dotted((*path, key))} had items parsed as numbers, booleans or dates: "
                f"now the strings {', '.join(repr(item) for item in node[key])}"
            )
    return report


def fix_string_enum(node: dict[str, Any], path: Location) -> list[str]:
    """``type: string`` with ``enum: [true, false]`` or ``[1, 2]``: the values become "true"/"false", "1"/"2"."""
    enum = node.get("enum")
    kind = node.get("type")
    is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
    if not is_string or not isinstance(enum, list) or not any(_typed(item) for item in enum):
        return []
    node["enum"] = [source_text(item) if _typed(item) else item for item in enum]
    typed = [item for item in enum if _typed(item)]
    written = ", ".join(source_text(item) for item in typed)
    strings = ", ".join(repr(source_text(item)) for item in typed)
    line = f"normalised: the enum of the string schema {dotted(path)} had {_kinds(typed)} ({written}): now the strings"
    report = [f"{line} {strings}"]
    default = node.get("default")
    if _typed(default):
        node["default"] = source_text(default)
        report.append(f"normalised: the default of {dotted(path)} is now the string {node['default']!r} as well")
    return report


def fix_remaining_dates(document: dict[str, Any]) -> list[str]:
    """Date-like values elsewhere (examples, defaults) are kept as written: reported once, as a group."""
    found: list[str] = []
    for node, path in all_containers(document):
        entries = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(entries):
            if isinstance(value, DateText):
                node[key] = str(value)
                found.append(dotted((*path, key)))
    if not found:
        return []
    shown = ", ".join(found[:_SHOWN])
    line = (
        f"normalised: {len(found)} date-like value(s) (e.g. {shown}) kept as the text written; YAML reads them as "
        f"dates, which JSON and OpenAPI do not have"
    )
    return [line]


def _typed(value: object) -> bool:
    """A boolean or a number (what YAML made of an unquoted ``true`` or ``1``)."""
    return isinstance(value, bool | int | float)


def _needs_text(value: object) -> bool:
    return _typed(value) or isinstance(value, DateText)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, DateText):
        return "a date"
    if isinstance(value, int | float | SourceInt | SourceFloat):
        return "a number"
    return f"a {type(value).__name__}"


def _kinds(values: list[Any]) -> str:
    kinds = sorted({"booleans" if isinstance(value, bool) else "numbers" for value in values})
    return " and ".join(kinds)
