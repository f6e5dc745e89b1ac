"""A Zuora-sized generated module for the import figure: 315 operations, 421 schemas, 70 tags.

Zuora's full REST definition is not ours to ship, so the bench writes one of the same shape (deterministically):
per tag a paginated list, a get, a create, an update and (every other tag) a delete, each with Zuora's header
parameters, ``success``/``processId``/``reasons`` answers, nested contacts and enums. It is generated with our
templates (``zuora-oauth generate``) and with the stock ones; the bench imports one API class (ours) or one
operation module (stock templates have no API classes) from each in fresh processes.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / ".bench" / "bigmodule"
TAGS = 70
HEADERS = ("zuora-version", "Zuora-Entity-Ids", "Zuora-Track-Id")
STRING = {"type": "string"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def _operation(tag: str, operation_id: str, answer: str, parameters: list[Any], body: bool = False) -> dict[str, Any]:
    headers = [{"name": name, "in": "header", "required": False, "schema": STRING} for name in HEADERS]
    operation = {
        "tags": [tag],
        "operationId": operation_id,
        "parameters": headers + parameters,
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": _ref(answer)}}}},
    }
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(f"POST{tag}Request")}},
        }
    return operation


def big_spec() -> dict[str, Any]:
    """The definition: 70 tags, 4 or 5 operations each, 6 schemas each plus one shared."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Reason": _object(code={"type": "integer"}, message=STRING)}
    key = [{"name": "key", "in": "path", "required": True, "schema": STRING}]
    page_size = [{"name": "pageSize", "in": "query", "required": False, "schema": {"type": "integer"}}]
    for index in range(TAGS):
        tag = "Accounts" if index == 0 else f"Resource{index:02d}"
        one, common = tag.rstrip("s"), {"success": {"type": "boolean"}, "processId": STRING}
        common["reasons"] = {"type": "array", "items": _ref("Reason")}
        item = _object(
            id=STRING,
            number=STRING,
            status=_ref(f"{tag}Status"),
            amount={"type": "string", "format": "decimal"},
            createdDate={"type": "string", "format": "date-time"},
            billToContact=_ref(f"{tag}Contact"),
        )
        schemas |= {
            f"{tag}Status": {"type": "string", "enum": ["Active", "Draft", "Canceled"]},
            f"{tag}Contact": _object(firstName=STRING, lastName=STRING, country=STRING, workEmail=STRING),
            f"{tag}Item": item,
            f"GET{tag}Response": _object(**common, item=_ref(f"{tag}Item")),
            f"List{tag}Response": _object(
                **common, items={"type": "array", "items": _ref(f"{tag}Item")}, nextPage=STRING
            ),
            f"POST{tag}Request": {"required": ["name"]} | _object(name=STRING, billToContact=_ref(f"{tag}Contact")),
        }
        paths[f"/v1/{tag.lower()}"] = {
            "get": _operation(tag, f"list{tag}", f"List{tag}Response", page_size),
            "post": _operation(tag, f"create{one}", f"GET{tag}Response", [], body=True),
        }
        paths[f"/v1/{tag.lower()}/{{key}}"] = {
            "get": _operation(tag, f"get{one}", f"GET{tag}Response", key),
            "put": _operation(tag, f"update{one}", f"GET{tag}Response", key, body=True),
        } | ({"delete": _operation(tag, f"delete{one}", f"GET{tag}Response", key)} if index % 2 == 0 else {})
    return {
        "openapi": "3.0.3",
        "info": {"title": "Zuora-sized", "version": "2025-08-12"},
        "servers": [{"url": "https://rest.zuora.com"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }


def build() -> dict[str, Any]:
    """Generate both packages (again when the definition or a template changed); say where they are and their size.

    Generation uses the project's venv (it has the pinned generator and ruff); the bench venv only imports them.
    """
    spec = big_spec()
    text = json.dumps(spec, indent=1, sort_keys=True)
    newest = max((path.stat().st_mtime_ns for path in (ROOT / "templates").rglob("*") if path.is_file()), default=0)
    stamp, spec_path, bin_dir = FOLDER / "stamp.json", FOLDER / "zuora-sized.json", ROOT / ".venv" / "bin"
    if not stamp.exists() or stamp.read_text() != json.dumps([text, newest]):
        FOLDER.mkdir(parents=True, exist_ok=True)
        spec_path.write_text(text)
        config, stock = FOLDER / "stock-config.json", FOLDER / "stock" / "stock_big"
        config.write_text(json.dumps({"package_name_override": "stock_big", "project_name_override": "stock-big"}))
        env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # the stock post-hooks' ruff
        ours = [bin_dir / "zuora-oauth", "generate", spec_path, "--package", "zuora_big", "--output", FOLDER / "ours"]
        theirs = [bin_dir / "openapi-python-client", "generate", "--path", spec_path, "--meta", "none", "--overwrite"]
        for command in (ours, [*theirs, "--config", config, "--output-path", stock]):
            done = subprocess.run(list(map(str, command)), capture_output=True, text=True, check=False, env=env)
            if done.returncode != 0:
                raise RuntimeError(f"generating the Zuora-sized module failed: {(done.stderr or done.stdout)[-300:]}")
        stamp.write_text(json.dumps([text, newest]))
    operations = sum(len(item) for item in spec["paths"].values())
    folders = [str(FOLDER / "ours"), str(FOLDER / "stock")]
    return {
        "pythonpath": folders,
        "operations": operations,
        "schemas": len(spec["components"]["schemas"]),
        "tags": TAGS,
    }
