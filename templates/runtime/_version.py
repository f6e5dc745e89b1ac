"""The package version: the one source of the distribution's metadata (hatch reads it), ``__version__`` and the
User-Agent every request sends."""

from __future__ import annotations

__version__ = "1.1.0"


def user_agent(stack: str) -> str:
    """``zuora-oauth/<version> <stack>``; ``stack`` is the HTTP stack's own product token (``python-httpx/0.28.1``)."""
    return f"zuora-oauth/{__version__} {stack}"
