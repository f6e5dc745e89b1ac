# Generated from templates/runtime/codegen/_content.py by make generate: edit that file, not this copy.
"""Answers the generator cannot read (PDF, CSV as application/csv, XML, ZIP...) are kept as bytes, not dropped.

openapi-python-client reads JSON (and ``+json``), ``text/*`` and ``application/octet-stream`` answers; for any other
content type it drops the response with a warning (a failure under ``--fail-on-warning``), so a PDF invoice
download would have no 2xx answer at all. A response whose content types are all of that kind gets
``application/octet-stream`` without a schema instead, which our templates read into ``bytes``. Only responses
change: a request body's content type is sent on the wire, so it is never rewritten. A response that also offers
a readable content type is left alone (the generator uses that one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._security import METHODS

BINARY = "application/octet-stream"


def readable(content_type: str, overrides: Mapping[str, str] | None = None) -> bool:
    """Whether openapi-python-client 0.29 reads a response of this content type (its ``_source_by_content_type``),
    after the configuration's ``content_type_overrides`` (which the generator applies first, by exact name)."""
    content_type = (overrides or {}).get(content_type, content_type)
    base = content_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base.startswith("text/") or base == BINARY


def normalise_response_content(document: dict[str, Any], overrides: Mapping[str, str] | None = None) -> list[str]:
    """Fix ``document`` in place; one report line naming the content types that are now read as bytes. A content
    type the caller maps with ``content_type_overrides`` is read as that mapping says, so it is left alone."""
    changed: set[str] = set()
    count = 0
    for response in _responses(document):
        content = response.get("content")
        if not isinstance(content, dict) or not content or any(readable(str(kind), overrides) for kind in content):
            continue
        changed.update(str(kind) for kind in content)
        response["content"] = {BINARY: {}}
        count += 1
    if not count:
        return []
    kinds = ", ".join(sorted(changed))
    return [f"normalised: {count} response(s) of content the generator cannot read ({kinds}) are read as bytes"]


def _responses(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in (document.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and isinstance(operation.get("responses"), dict):
                found.extend(value for value in operation["responses"].values() if isinstance(value, dict))
    components = document.get("components")
    shared = components.get("responses") if isinstance(components, dict) else None
    if isinstance(shared, dict):
        found.extend(value for value in shared.values() if isinstance(value, dict))
    return found
