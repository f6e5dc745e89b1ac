# Generated from templates/runtime/codegen/_command.py by make generate: edit that file, not this copy.
"""``zuora-oauth generate``: read, normalise, generate into a scratch folder, then compare (``--check``) or swap in.

Everything that can fail is done before the output is touched: options, toolchain, templates, configuration, the
document and the generation itself (into a folder of its own). The order also matters for ``make generate``,
which runs this from ``generated/zuora_oauth`` while replacing it: every module used after the swap is imported by
then (this module imports them all at the top; the generator's are imported while generating).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import _config, _distribution, _toolchain
from ._content import normalise_response_content
from ._diff import diff_trees
from ._document import check_openapi_3, read_document, write_json
from ._errors import EXIT_FAILED, EXIT_OK, CodegenError
from ._generator import class_namer, run_generator
from ._options import GenerateOptions
from ._project import PY_TYPED, describe, pyproject_toml
from ._scalars import normalise_scalars
from ._security import normalise_security
from ._templates import find_house_config, find_runtime, find_templates
from ._titles import normalise_titles
from ._tree import copy_runtime, refuse_foreign_project, staging_folder, swap_in


def run_generate(args: argparse.Namespace) -> int:
    """The subcommand: returns its exit code; failures are one readable paragraph on stderr, never a traceback."""
    try:
        return _run(GenerateOptions.from_args(args))
    except CodegenError as error:
        print(f"zuora-oauth generate: {error.message}", file=sys.stderr)
        return error.exit_code
    except OSError as error:  # the output cannot be written (a file in the way, permissions, a full disk)
        where = f" {error.filename}" if error.filename else ""
        print(f"zuora-oauth generate: cannot write{where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED


def _run(options: GenerateOptions) -> int:
    pins = _distribution.requirements()
    _toolchain.check_generator(pins)
    ruff = _toolchain.find_ruff(pins)
    templates = find_templates(options.templates)
    runtime = find_runtime(templates) if options.runtime_home else None
    settings = _config.settings(options, find_house_config())
    document, report = _normalised(
        options.spec, settings.config_file.field_prefix, settings.config_file.content_type_overrides
    )
    for line in report:
        print(line, file=sys.stderr)
    names = [options.package] if options.runtime_home else ["pyproject.toml", options.package]

    def build(root: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="zuora-oauth-spec-") as scratch:
            normalised = Path(scratch) / "openapi.json"
            write_json(document, normalised, options.spec)
            run_generator(
                document=normalised,
                config_file=settings.config_file,
                templates=templates,
                package_dir=root / options.package,
                ruff=ruff,
                spec=options.spec,
            )
        if runtime is not None:
            copy_runtime(runtime, root / options.package)
            return
        (root / options.package / "py.typed").write_text(PY_TYPED, encoding="utf-8")
        info = document.get("info")
        (root / "pyproject.toml").write_text(
            pyproject_toml(
                project_name=settings.project_name,
                version=settings.version,
                package=options.package,
                description=describe(info.get("title") if isinstance(info, dict) else None),
            ),
            encoding="utf-8",
        )

    if options.check:
        with tempfile.TemporaryDirectory(prefix="zuora-oauth-check-") as fresh:
            build(Path(fresh))
            diff = diff_trees(options.output, Path(fresh), names)
        if diff:
            sys.stdout.write(diff)
            print(
                f"zuora-oauth generate: {options.output} differs from what {options.spec}, the templates and the "
                f"configuration produce (diff above): run the same command without --check and commit the result",
                file=sys.stderr,
            )
            return EXIT_FAILED
        print(f"{options.output} is up to date")
        return EXIT_OK

    if runtime is None:
        refuse_foreign_project(options.output, options.package)
    with staging_folder(options.output) as staging:
        build(staging)
        swap_in(staging, options.output, names)
    print(f"zuora-oauth generate: wrote {', '.join(str(options.output / name) for name in names)}")
    return EXIT_OK


def _normalised(
    spec: Path, field_prefix: str, content_type_overrides: dict[str, str] | None
) -> tuple[dict[str, Any], list[str]]:
    """The document, checked to be OpenAPI 3 and fixed; the report lines of every fix applied."""
    document = read_document(spec)
    if "swagger" in document or "openapi" not in document:
        check_openapi_3(spec, document)  # refuse before fixing anything: the fixes would be noise
    report = normalise_scalars(document)
    check_openapi_3(spec, document)
    report += normalise_titles(document, class_namer(field_prefix))
    report += normalise_security(document)
    report += normalise_response_content(document, content_type_overrides)
    return document, report
