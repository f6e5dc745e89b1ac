# Generated from templates/runtime/codegen/_walk.py by make generate: edit that file, not this copy.
"""The OpenAPI objects of a document, found by structure, so that a fix touches OpenAPI keywords and never data.

``title: 2024`` is a keyword to fix in a schema, but the property called ``title`` (a key of ``properties``) and
the field of an ``example`` are names and data: the walk knows which keys hold maps of user-chosen names
(``properties``, ``responses``, ``paths``, ...) and which hold free-form values (``example``, ``default``,
``const``, ``enum``, ``x-*`` extensions), and yields only the objects where keys are OpenAPI keywords.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Location = tuple[Any, ...]

#: Keys whose value is arbitrary data, not OpenAPI objects (``enum`` has its own fix).
FREE_FORM = frozenset({"example", "default", "const", "enum", "value"})
#: Keys whose value, when a mapping, maps names chosen by the author to OpenAPI objects.
NAME_MAPS = frozenset(
    {
        "paths",
        "webhooks",
        "pathItems",
        "properties",
        "patternProperties",
        "dependentSchemas",
        "definitions",
        "$defs",
        "schemas",
        "responses",
        "parameters",
        "headers",
        "content",
        "encoding",
        "links",
        "callbacks",
        "securitySchemes",
        "requestBodies",
        "examples",
        "variables",
        "mapping",
        "scopes",
    }
)


def openapi_objects(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Location]]:
    """Every mapping of ``document`` whose keys are OpenAPI keywords, with its path, each once (YAML aliases may
    share an object between places, or even make it contain itself)."""
    seen: set[int] = set()
    stack: list[tuple[Any, Location, bool]] = [(document, (), False)]
    while stack:
        node, path, names = stack.pop()
        if isinstance(node, list):
            stack.extend((item, (*path, index), False) for index, item in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if names:
            stack.extend((value, (*path, key), False) for key, value in reversed(list(node.items())))
            continue
        yield node, path
        for key, value in reversed(list(node.items())):
            if not isinstance(key, str) or key in FREE_FORM or key.startswith("x-"):
                continue
            if key == "examples" and not isinstance(value, dict):
                continue  # JSON Schema's (3.1) list of example values
            stack.append((value, (*path, key), key in NAME_MAPS))


def all_containers(document: Any) -> Iterator[tuple[dict[Any, Any] | list[Any], Location]]:
    """Every mapping and list of ``document``, data included, each once."""
    seen: set[int] = set()
    stack: list[tuple[Any, Location]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node, path
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((value, (*path, key)) for key, value in reversed(list(items)))


def dotted(path: Location) -> str:
    """``components.schemas.Account.properties.status``; the document itself is ``(document)``."""
    return ".".join(str(part) for part in path) or "(document)"
