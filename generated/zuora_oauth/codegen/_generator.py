# Generated from templates/runtime/codegen/_generator.py by make generate: edit that file, not this copy.
"""openapi-python-client 0.29.1 run through its Python API, with ``--fail-on-warning`` semantics.

Why the API and not a subprocess of its CLI: ``generate(config=..., custom_template_path=...)`` returns the
generator's findings as ``GeneratorError`` objects with their level, so "a warning is a failure" is exact and the
messages can be printed as a readable list instead of typer's coloured screen; it saves starting a second
interpreter; and it keeps everything the command needs loaded in this process before ``generated/`` (where this
very module is installed from, for ``make generate``) is replaced. The price is depending on ``Config.from_sources``
and ``generate``, which are not a documented API; the generator is pinned exactly (``==0.29.1``) for the output's
sake anyway, and the tests run this path.
"""

from __future__ import annotations

import contextlib
import io
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import CodegenError
from ._toolchain import first_on_path

#: The generator formats some values with their default repr (``<...UntrustedString object at 0x7f...>``): noise.
_OBJECT_REPR = re.compile(r"<openapi_python_client\.[\w.]+ object at 0x[0-9a-f]+>")

if TYPE_CHECKING:
    from openapi_python_client.config import ConfigFile
    from openapi_python_client.parser.errors import GeneratorError


def run_generator(
    *, document: Path, config_file: ConfigFile, templates: Path, package_dir: Path, ruff: Path, spec: Path
) -> None:
    """Generate the package into ``package_dir`` (``--meta none``); any error or warning raises ``CodegenError``."""
    from openapi_python_client import generate  # noqa: PLC0415  (codegen extra only)
    from openapi_python_client.config import Config, MetaType  # noqa: PLC0415

    config = Config.from_sources(config_file, MetaType.NONE, document, "utf-8", overwrite=True, output_path=package_dir)
    printed = io.StringIO()
    try:
        with first_on_path(ruff.parent), contextlib.redirect_stdout(printed):  # it prints "Generating <dir>"
            errors = list(generate(config=config, custom_template_path=templates))
    except Exception as error:  # a template's or the generator's own bug: still a readable failure
        raise CodegenError(_crash(error, spec)) from error
    if errors:
        raise CodegenError(describe(errors, spec))
    if not (package_dir / "__init__.py").is_file():
        raise CodegenError(f"openapi-python-client reported no problem but wrote no package for {spec}")


def _crash(error: Exception, spec: Path) -> str:
    """Name the template line when a template raised (what a template author needs), else the generator."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".jinja")]
    what = f"{type(error).__name__}: {error}"
    if frames:
        return f"the template {frames[-1].filename}, line {frames[-1].lineno}, failed while generating {spec}: {what}"
    return f"openapi-python-client failed on {spec} with {what}; the document is probably outside what it supports"


def describe(errors: list[GeneratorError], spec: Path) -> str:
    """The generator's messages, one per paragraph, after one sentence saying what they mean."""
    from openapi_python_client.parser.errors import ErrorLevel  # noqa: PLC0415

    levels = [error.level for error in errors]
    fatal = ErrorLevel.ERROR in levels
    summary = (
        f"openapi-python-client cannot generate {spec} ({len(errors)} problem{'s' if len(errors) > 1 else ''}"
        + ("" if fatal else ", all warnings: a warning is a failure, since it means part of the API was left out")
        + "):"
    )
    parts = [summary]
    for error in errors:
        detail = _OBJECT_REPR.sub("…", (error.detail or "").strip())
        header = error.header.strip()
        if not header.upper().startswith(error.level.value):
            header = f"{error.level.value}: {header}"
        indented = detail.replace("\n", "\n    ")
        parts.append(f"  {header}" + (f"\n    {indented}" if detail else ""))
    return "\n".join(parts)


def class_namer(field_prefix: str) -> Callable[[str], str]:
    """The generator's own model naming (``ClassName``), for the title fix to predict clashes exactly."""
    from openapi_python_client.strings import ClassName  # noqa: PLC0415  (codegen extra only)

    return lambda text: str(ClassName(text, field_prefix))
