# Generated from templates/runtime/codegen/_options.py by make generate: edit that file, not this copy.
"""What ``zuora-oauth generate`` was asked to do, checked before anything is read or written."""

from __future__ import annotations

import argparse
import keyword
import re
from dataclasses import dataclass
from pathlib import Path

from ._errors import EXIT_USAGE, CodegenError

#: PEP 508 project names (the ``name`` of pyproject.toml).
_PROJECT_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
#: PEP 440 versions in their normal form (``1.2.0``, ``2.0.0rc1``, ``1.0.post1``, ``1.0.dev3``, ``1.0+local``):
#: strict enough that a typo fails here rather than in ``pip install``, without a dependency on ``packaging``.
_VERSION = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9]+(\.[a-z0-9]+)*)?")

DEFAULT_VERSION = "0.1.0"


@dataclass(frozen=True)
class GenerateOptions:
    """The command's arguments, validated. ``project_name``/``version`` are ``None`` when not given, so that a
    ``--config`` file's ``project_name_override``/``package_version_override`` can still supply them."""

    spec: Path
    package: str
    output: Path
    project_name: str | None
    version: str | None
    config: Path | None
    templates: Path | None
    runtime_home: bool
    check: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> GenerateOptions:
        """Build from the ``generate`` subcommand's namespace; a bad value is a usage error (exit 2)."""
        package = str(args.package)
        if not package.isidentifier() or keyword.iskeyword(package) or package != package.lower():
            raise _usage(f"--package {package!r} is not a lowercase Python package name (e.g. zuora_billing)")
        if args.project_name is not None:
            check_project_name(args.project_name, "--project-name")
        if args.version is not None:
            check_version(args.version, "--version")
        if args.runtime_home and package != "zuora_oauth":
            raise _usage(
                f"--runtime-home generates zuora_oauth itself (with templates/runtime/ copied in); "
                f"--package is {package!r}"
            )
        return cls(
            spec=Path(args.spec),
            package=package,
            output=Path(args.output),
            project_name=args.project_name,
            version=args.version,
            config=None if args.config is None else Path(args.config),
            templates=None if args.templates is None else Path(args.templates),
            runtime_home=bool(args.runtime_home),
            check=bool(args.check),
        )

    @property
    def package_dir(self) -> Path:
        """Where the generated package goes: ``DIR/<package>`` in both modes."""
        return self.output / self.package


def check_project_name(name: str, given_as: str) -> None:
    """A PEP 508 name, or a usage error naming where it came from."""
    if not _PROJECT_NAME.fullmatch(name):
        raise _usage(f"{given_as} {name!r} is not a valid project name (e.g. zuora-billing)")


def check_version(version: str, given_as: str) -> None:
    """A PEP 440 version in normal form, or a usage error naming where it came from."""
    if not _VERSION.fullmatch(version):
        raise _usage(f"{given_as} {version!r} is not a PEP 440 version (e.g. 0.1.0 or 1.2.0rc1)")


def _usage(message: str) -> CodegenError:
    return CodegenError(message, exit_code=EXIT_USAGE)
