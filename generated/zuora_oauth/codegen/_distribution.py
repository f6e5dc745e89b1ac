# Generated from templates/runtime/codegen/_distribution.py by make generate: edit that file, not this copy.
"""What the installed ``zuora-oauth`` distribution says about itself: its version and its requirements.

The generated project's dependencies and the generator/ruff pins are read from the installed metadata rather than
written down here a second time, so they cannot drift from pyproject.toml: a wheel and an editable install both
carry exactly what pyproject.toml declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

from ._errors import CodegenError

DISTRIBUTION = "zuora-oauth"

_REQUIREMENT = re.compile(r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<spec>[^;]*?)\s*(;\s*(?P<marker>.*))?")
_EXTRA = re.compile(r"""extra\s*==\s*["'](?P<extra>[^"']+)["']""")
_RELEASE = re.compile(r"(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Requirement:
    """One ``Requires-Dist`` line, split into its parts (enough of PEP 508 for our own metadata)."""

    name: str
    specifier: str
    extra: str | None
    has_marker: bool

    @property
    def normalized_name(self) -> str:
        return re.sub(r"[-_.]+", "-", self.name).lower()


def parse_requirement(line: str) -> Requirement:
    """Split ``httpx<0.29.0,>=0.23.1`` or ``ruff==0.17.6; extra == 'codegen'``."""
    match = _REQUIREMENT.fullmatch(line)
    if match is None:
        raise CodegenError(f"cannot read the requirement {line!r} of the installed {DISTRIBUTION} metadata")
    marker = match["marker"]
    extra = _EXTRA.search(marker) if marker else None
    return Requirement(
        name=match["name"],
        specifier=match["spec"].replace(" ", ""),
        extra=extra["extra"] if extra else None,
        has_marker=bool(marker),
    )


def requirements() -> list[Requirement]:
    """Every requirement of the installed distribution (base and extras)."""
    try:
        lines = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise _not_installed() from None
    return [parse_requirement(line) for line in lines]


def version() -> str:
    """The installed version of zuora-oauth (``1.0.0``)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise _not_installed() from None


def runtime_requirement(installed_version: str) -> str:
    """``zuora-oauth>=X.Y,<X+1``: the generated code imports zuora_oauth's runtime modules, which follow semantic
    versioning; X.Y is the earliest release whose runtime matches the templates that wrote the code."""
    match = _RELEASE.match(installed_version)
    if match is None:
        raise CodegenError(f"cannot read the installed {DISTRIBUTION} version {installed_version!r}")
    major, minor = int(match[1]), int(match[2] or 0)
    return f"{DISTRIBUTION}>={major}.{minor},<{major + 1}"


def base_requirement(name: str, available: list[Requirement]) -> str:
    """``httpx>=0.23.1,<0.29.0``: our own unconditional requirement on ``name``, lower bounds first."""
    for requirement in available:
        if requirement.normalized_name == name and not requirement.has_marker:
            parts = sorted(filter(None, requirement.specifier.split(",")), key=lambda part: not part.startswith(">"))
            return requirement.name + ",".join(parts)
    raise CodegenError(f"the installed {DISTRIBUTION} metadata does not require {name}: reinstall {DISTRIBUTION}")


def pinned_version(name: str, available: list[Requirement], *, extra: str = "codegen") -> str | None:
    """The exact version ``extra`` pins ``name`` to (``0.29.1`` for ``openapi-python-client==0.29.1``), if any."""
    for requirement in available:
        exact = requirement.specifier.startswith("==") and "," not in requirement.specifier
        if requirement.normalized_name == name and requirement.extra == extra and exact:
            return requirement.specifier[2:]
    return None


def _not_installed() -> CodegenError:
    return CodegenError(
        f"the {DISTRIBUTION} distribution is not installed (no metadata): install it, e.g. "
        f"pip install '{DISTRIBUTION}[codegen]', or 'make install' in a checkout"
    )
