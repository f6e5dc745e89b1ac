# Generated from templates/runtime/codegen/_document.py by make generate: edit that file, not this copy.
"""Reading the user's OpenAPI document, checking it is OpenAPI 3, and writing the normalised copy we generate from.

The normalised copy is JSON: the generator then parses it with ``json``, so no YAML typing (dates, YAML 1.1
booleans, numbers) can creep back in between our fixes and the generator, and the user's file is never touched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ._errors import CodegenError
from ._yaml import SourceFloat, SourceInt, load_yaml

_SUPPORTED = re.compile(r"3\.[01]\.\d+")


def read_document(spec: Path) -> dict[str, Any]:
    """The parsed document (JSON for ``*.json``, as the generator decides, else YAML), or a readable failure."""
    try:
        data = spec.read_bytes()
    except FileNotFoundError:
        raise CodegenError(f"{spec}: no such file") from None
    except IsADirectoryError:
        raise CodegenError(f"{spec} is a folder, not an OpenAPI document") from None
    except OSError as error:
        raise CodegenError(f"{spec} cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CodegenError(f"{spec} is not UTF-8 text (byte {error.start}): OpenAPI documents are UTF-8") from None
    document = _parse_json(spec, text) if spec.suffix.lower() == ".json" else _parse_yaml(spec, text)
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {type(document).__name__}, not a mapping"
        raise CodegenError(f"{spec} is not an OpenAPI document: its top level is {kind}")
    return document


def check_openapi_3(spec: Path, document: dict[str, Any]) -> None:
    """Refuse Swagger 2.0 and other non-OpenAPI-3 documents with what to do, before the generator's pydantic dump."""
    if "swagger" in document:
        raise CodegenError(
            f"{spec} is a Swagger {document['swagger']} document; zuora-oauth generate reads OpenAPI 3.0 and 3.1 "
            f"only. Convert it first (for example with swagger2openapi, or Swagger Editor's 'Convert to OpenAPI 3')"
        )
    version = document.get("openapi")
    if version is None:
        raise CodegenError(
            f"{spec} is not an OpenAPI document: it has no 'openapi' field (an OpenAPI 3 document starts with "
            f"'openapi: 3.0.3' or 'openapi: 3.1.0')"
        )
    if not isinstance(version, str) or not _SUPPORTED.fullmatch(version):
        raise CodegenError(f"{spec} declares openapi: {version}; zuora-oauth generate reads OpenAPI 3.0.x and 3.1.x")


def write_json(document: dict[str, Any], path: Path, spec: Path) -> None:
    """Write the normalised document; a structure JSON cannot hold (a recursive alias, ``!!binary``) fails here."""
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise CodegenError(
            f"{spec} holds something OpenAPI (which is JSON) cannot express ({error}): a recursive YAML alias or a "
            f"YAML-only type such as !!binary or !!set; use $ref and plain values instead"
        ) from None
    path.write_text(text + "\n", encoding="utf-8")


def _parse_json(spec: Path, text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_int=lambda source: SourceInt(int(source), source),
            parse_float=lambda source: SourceFloat(float(source), source),
        )
    except json.JSONDecodeError as error:
        raise CodegenError(
            f"{spec} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None


def _parse_yaml(spec: Path, text: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415  (codegen extra only)

    try:
        return load_yaml(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise CodegenError(f"{spec} is not valid YAML: {problem or error}{where}") from None
    except YAMLError as error:
        raise CodegenError(f"{spec} is not valid YAML: {' '.join(str(error).split())}") from None
