# Generated from templates/runtime/_unset.py by make generate: edit that file, not this copy.
"""The one "not given" marker of every module generated with these templates.

Each generated package's ``types.UNSET`` is this object, so values cross modules (and the runtime's field readers
can return it) without one package's ``isinstance(x, Unset)`` missing another's marker.
"""

from __future__ import annotations

from typing import Literal


class Unset:
    """The type of :data:`UNSET`: a field or argument that was not given (as opposed to ``None``, JSON null)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        return "UNSET"


UNSET: Unset = Unset()
