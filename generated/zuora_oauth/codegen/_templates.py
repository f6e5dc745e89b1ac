# Generated from templates/runtime/codegen/_templates.py by make generate: edit that file, not this copy.
"""Where the templates and the house generator settings are: shipped in the wheel, or the repository's own.

The wheel carries ``templates/*.jinja`` and ``generator-config.yml`` as package data under
``zuora_oauth/codegen/`` (pyproject.toml maps them there), so ``pip install 'zuora-oauth[codegen]'`` is enough to
generate another module. An editable install of this repository has neither (the package is
``generated/zuora_oauth``, and the sources stay where they are edited), so there the repository's own
``templates/`` and ``generator-config.yml`` are used: three levels above this module.
"""

from __future__ import annotations

from pathlib import Path

from ._errors import EXIT_USAGE, CodegenError

#: A template every set of ours has; its presence tells a template folder from any other.
_MARKER = "package_init.py.jinja"
SHIPPED = Path(__file__).resolve().parent / "templates"
#: ``generated/zuora_oauth/codegen/`` -> the repository root.
CHECKOUT = Path(__file__).resolve().parents[3] / "templates"
#: The settings zuora_oauth itself is generated with (post-hooks and all); every module gets the same.
HOUSE_CONFIG = "generator-config.yml"


def find_templates(explicit: Path | None) -> Path:
    """``--templates DIR`` if given, else the shipped templates, else the checkout's."""
    if explicit is not None:
        if not (explicit / _MARKER).is_file():
            raise CodegenError(f"--templates {explicit} has no {_MARKER}: not a template folder", exit_code=EXIT_USAGE)
        return explicit.resolve()
    for folder in (SHIPPED, CHECKOUT):
        if (folder / _MARKER).is_file():
            return folder
    raise CodegenError(
        f"the templates are not installed (looked in {SHIPPED} and {CHECKOUT}): reinstall zuora-oauth, or pass "
        f"--templates with the templates/ folder of a zuora-oauth checkout"
    )


def find_runtime(templates: Path) -> Path:
    """``templates/runtime/``, the hand-written modules of zuora_oauth, for ``--runtime-home``."""
    runtime = templates / "runtime"
    if not (runtime / "cli.py").is_file():
        raise CodegenError(
            f"--runtime-home copies {runtime}, which does not exist: it needs the templates/ folder of a zuora-oauth "
            f"checkout (the installed wheel ships the templates only)",
            exit_code=EXIT_USAGE,
        )
    return runtime


def find_house_config() -> Path:
    """``generator-config.yml`` next to the shipped templates, else the checkout's."""
    for folder in (SHIPPED, CHECKOUT):
        if (folder / _MARKER).is_file() and (folder.parent / HOUSE_CONFIG).is_file():
            return folder.parent / HOUSE_CONFIG
    raise CodegenError(
        f"the generator settings are not installed (looked for {HOUSE_CONFIG} next to {SHIPPED} and {CHECKOUT}): "
        f"reinstall zuora-oauth"
    )
