# Generated from templates/runtime/codegen/_security.py by make generate: edit that file, not this copy.
"""Every operation's effective ``security`` made explicit, because the templates can only see an operation's own.

openapi-python-client tells a template only whether an operation declares a non-empty ``security`` of its own. Our
templates send credentials (the client's Authorization header or httpx auth, e.g. ZuoraAuth) unless the spec says
``security: []``, so the two cases it cannot tell apart — "declares nothing" and "declares none" — are told apart
here: an operation that declares nothing inherits the document's ``security`` (copied onto it), and when the
document declares none at all (as Zuora's definitions often do) it gets a bearer requirement, so it still sends
them. An explicit ``security: []``, on the operation or the document, is left alone: nothing is sent.
"""

from __future__ import annotations

import copy
from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: The scheme added to a document that declares no security at all.
IMPLIED_SCHEME = "zuoraOAuthBearer"


def normalise_security(document: dict[str, Any]) -> list[str]:
    """Fix ``document`` in place; one report line per kind of fix applied."""
    inherited = document.get("security")
    if isinstance(inherited, list) and not inherited:
        return []  # the document says: no credentials, unless an operation says otherwise
    implicit = [
        operation
        for item in (document.get("paths") or {}).values()
        if isinstance(item, dict)
        for method in METHODS
        if isinstance(operation := item.get(method), dict) and "security" not in operation
    ]
    if not implicit:
        return []
    if isinstance(inherited, list):
        for operation in implicit:
            operation["security"] = copy.deepcopy(inherited)
        line = (
            f"normalised: {len(implicit)} operation(s) inherit the document's security: made explicit on each, so "
            f"they send the client's credentials"
        )
        return [line]
    components = document.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {}) if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return []
    schemes.setdefault(
        IMPLIED_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "Added by zuora-oauth generate: a Zuora OAuth token."},
    )
    for operation in implicit:
        operation["security"] = [{IMPLIED_SCHEME: []}]
    line = (
        f"normalised: the document declares no security: {len(implicit)} operation(s) marked to send the client's "
        f"credentials (bearer scheme {IMPLIED_SCHEME}); write 'security: []' on an operation that must send none"
    )
    return [line]
