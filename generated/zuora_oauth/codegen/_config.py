# Generated from templates/runtime/codegen/_config.py by make generate: edit that file, not this copy.
"""The generator's configuration: the house settings, the user's ``--config`` extras, then the command's names.

The house settings are this repository's generator-config.yml (shipped in the wheel) without its three names: every
module is generated exactly as ``zuora_oauth`` is, which is also why ``make generate`` can be this command. Its
post-hooks are not overridable: they are what makes the output byte-identical on every machine (the pinned ruff,
``--isolated`` so no ruff configuration of a parent folder applies, ``--no-cache`` so no ``.ruff_cache`` is left in
the package, explicit line length and target).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import EXIT_USAGE, CodegenError
from ._options import DEFAULT_VERSION, GenerateOptions, check_project_name, check_version
from ._yaml import load_yaml, source_text

if TYPE_CHECKING:
    from openapi_python_client.config import ConfigFile

_NAMES = ("project_name_override", "package_name_override", "package_version_override")


@dataclass(frozen=True)
class Settings:
    """What the generator is run with, and the names the project files need."""

    config_file: ConfigFile
    project_name: str
    version: str


def settings(options: GenerateOptions, house_config: Path) -> Settings:
    """Merge: house settings < ``--config`` < ``--project-name``/``--version``; ``--package`` must agree."""
    from openapi_python_client.config import ConfigFile  # noqa: PLC0415  (codegen extra only)
    from pydantic import ValidationError  # noqa: PLC0415

    house = {key: value for key, value in _read(house_config, "the house settings").items() if key not in _NAMES}
    extra = _read(options.config, "--config") if options.config is not None else {}
    unknown = sorted(set(extra) - set(ConfigFile.model_fields))
    if unknown:
        raise _usage(
            f"{options.config} has settings openapi-python-client does not know: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(ConfigFile.model_fields))})"
        )
    hooks = extra.pop("post_hooks", None)
    house_hooks = house.get("post_hooks") or []
    if hooks is not None and list(hooks) != list(house_hooks):
        raise _usage(
            f"{options.config} sets post_hooks; zuora-oauth generate always runs those of its generator-config.yml "
            f"(the pinned ruff, isolated, so the output is the same on every machine): remove post_hooks from it"
        )
    given_package = extra.get("package_name_override")
    if given_package is not None and given_package != options.package:
        raise _usage(
            f"{options.config} sets package_name_override: {given_package}, but --package is {options.package}"
        )
    if options.project_name is None and extra.get("project_name_override") is not None:
        check_project_name(str(extra["project_name_override"]), f"{options.config} project_name_override")
    if options.version is None and extra.get("package_version_override") is not None:
        check_version(str(extra["package_version_override"]), f"{options.config} package_version_override")
    project_name = options.project_name or extra.get("project_name_override") or options.package.replace("_", "-")
    version = options.version or extra.get("package_version_override") or DEFAULT_VERSION
    values = {
        **house,
        **extra,
        "post_hooks": list(house_hooks),
        "project_name_override": str(project_name),
        "package_name_override": options.package,
        "package_version_override": str(version),
    }
    try:
        config_file = ConfigFile(**values)
    except ValidationError as error:
        raise _usage(
            f"{options.config} is not a valid generator configuration: {' '.join(str(error).split())}"
        ) from None
    return Settings(config_file=config_file, project_name=str(project_name), version=str(version))


def _read(path: Path, what: str) -> dict[str, Any]:
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415  (codegen extra only)

    try:
        data = load_yaml(path.read_text(encoding="utf-8"))  # YAML 1.2 is a superset of JSON
    except OSError as error:
        raise _usage(f"{what} {path} cannot be read: {error.strerror or error}") from None
    except YAMLError as error:
        raise _usage(f"{what} {path} is not valid YAML: {' '.join(str(error).split())}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _usage(f"{what} {path} must be a mapping of openapi-python-client settings")
    for name in _NAMES:  # package_version_override: 1.10 is the version "1.10", not the float 1.1
        if name in data and not isinstance(data[name], str | type(None)):
            data[name] = source_text(data[name])
    return {str(key): value for key, value in data.items()}


def _usage(message: str) -> CodegenError:
    return CodegenError(message, exit_code=EXIT_USAGE)
