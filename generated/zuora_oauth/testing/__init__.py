# Generated from templates/runtime/testing/__init__.py by make generate: edit that file, not this copy.
"""A real local Zuora-compatible HTTP server for testing OAuth clients, standard library only.

``FakeZuora`` serves ``POST /oauth/token`` and a token-protected ``/v1`` API on ``127.0.0.1``, records what
clients send (with the secret masked) and can be scripted to fail, drop or hang::

    with FakeZuora() as fake:
        fake.enqueue(status=503)
        ...  # point the client at fake.base_url with fake.client_id / fake.client_secret
"""

from ._cli import run_fake_server
from ._constants import (
    CODE_ENTITY_NOT_FOUND,
    CODE_INVALID_CREDENTIALS,
    CODE_INVALID_GRANT_TYPE,
    CODE_MALFORMED_REQUEST,
    CODE_MISSING_PARAMETER,
    CODE_UNSUPPORTED_CONTENT_TYPE,
    WWW_AUTHENTICATE,
)
from ._fake import FakeZuora
from ._recording import RecordedRequest
from ._script import DropWhen, ScriptedAction, ScriptedDrop, ScriptedHang, ScriptedResponse
from ._tokens import IssuedToken

__all__ = [
    "CODE_ENTITY_NOT_FOUND",
    "CODE_INVALID_CREDENTIALS",
    "CODE_INVALID_GRANT_TYPE",
    "CODE_MALFORMED_REQUEST",
    "CODE_MISSING_PARAMETER",
    "CODE_UNSUPPORTED_CONTENT_TYPE",
    "WWW_AUTHENTICATE",
    "DropWhen",
    "FakeZuora",
    "IssuedToken",
    "RecordedRequest",
    "ScriptedAction",
    "ScriptedDrop",
    "ScriptedHang",
    "ScriptedResponse",
    "run_fake_server",
]
