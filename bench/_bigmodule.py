"""A Zuora-sized generated module for the import figure: ~300 operations, ~400 schemas, 70 tags.

Zuora's full REST definition is not ours to ship, so the bench writes a definition of the same shape
(deterministically): per tag a paginated list, a get, a create, an update and (every other tag) a delete; each with
Zuora's header parameters, ``success``/``processId``/``reasons`` answers, nested contacts and enums. It is generated
with these templates (``zuora-oauth generate``) and with the stock templates, and the bench imports one API class
(ours) or one operation module (stock) from each in fresh processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from _common import ROOT, STATE_DIR, log

TAGS = 70
FOLDER = STATE_DIR / "bigmodule"
OURS = "zuora_big"
STOCK = "stock_big"
HEADERS = ("zuora-version", "Zuora-Entity-Ids", "Zuora-Track-Id")


def _name(index: int) -> str:
    return "Accounts" if index == 0 else f"Resource{index:02d}"


def _schemas(tag: str) -> dict[str, Any]:
    reasons = {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}}
    common = {"success": {"type": "boolean"}, "processId": {"type": "string"}, "reasons": reasons}
    contact = {
        "type": "object",
        "properties": {
            "firstName": {"type": "string"},
            "lastName": {"type": "string"},
            "country": {"type": "string"},
            "workEmail": {"type": "string"},
        },
    }
    item = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "string"},
            "status": {"$ref": f"#/components/schemas/{tag}Status"},
            "amount": {"type": "string", "format": "decimal"},
            "createdDate": {"type": "string", "format": "date-time"},
            "billToContact": {"$ref": f"#/components/schemas/{tag}Contact"},
        },
    }
    return {
        f"{tag}Status": {"type": "string", "enum": ["Active", "Draft", "Canceled"]},
        f"{tag}Contact": contact,
        f"{tag}Item": item,
        f"GET{tag}Response": {
            "type": "object",
            "properties": {**common, "item": {"$ref": f"#/components/schemas/{tag}Item"}},
        },
        f"List{tag}Response": {
            "type": "object",
            "properties": {
                **common,
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{tag}Item"}},
                "nextPage": {"type": "string"},
            },
        },
        f"POST{tag}Request": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "billToContact": {"$ref": f"#/components/schemas/{tag}Contact"}},
        },
    }


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _operation(tag: str, operation_id: str, answer: str, **extra: Any) -> dict[str, Any]:
    headers = [{"name": name, "in": "header", "required": False, "schema": {"type": "string"}} for name in HEADERS]
    return {
        "tags": [tag],
        "operationId": operation_id,
        "parameters": headers + extra.pop("parameters", []),
        "responses": {"200": {"description": "OK", "content": _json(answer)}},
        **extra,
    }


def big_spec() -> dict[str, Any]:
    """The definition: 70 tags, 4 or 5 operations each (315), 6 schemas each plus one shared (421)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Reason": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}
    }
    key = [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}]
    for index in range(TAGS):
        tag = _name(index)
        singular = tag.rstrip("s")
        schemas.update(_schemas(tag))
        page_size = [{"name": "pageSize", "in": "query", "required": False, "schema": {"type": "integer"}}]
        body = {"required": True, "content": _json(f"POST{tag}Request")}
        collection = f"/v1/{tag.lower()}"
        paths[collection] = {
            "get": _operation(tag, f"list{tag}", f"List{tag}Response", parameters=page_size),
            "post": _operation(tag, f"create{singular}", f"GET{tag}Response", requestBody=body),
        }
        item: dict[str, Any] = {
            "get": _operation(tag, f"get{singular}", f"GET{tag}Response", parameters=key),
            "put": _operation(tag, f"update{singular}", f"GET{tag}Response", parameters=key, requestBody=body),
        }
        if index % 2 == 0:
            item["delete"] = _operation(tag, f"delete{singular}", f"GET{tag}Response", parameters=key)
        paths[f"{collection}/{{key}}"] = item
    return {
        "openapi": "3.0.3",
        "info": {"title": "Zuora-sized", "version": "2025-08-12"},
        "servers": [{"url": "https://rest.zuora.com"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }


def build() -> dict[str, Any]:
    """Generate both packages (again when the definition or a template changed) and return where they are.

    Generation uses the project's own venv (``make install``), which has the pinned generator and ruff; the
    bench venv only imports the result.
    """
    spec = big_spec()
    FOLDER.mkdir(parents=True, exist_ok=True)
    spec_path = FOLDER / "zuora-sized.json"
    text = json.dumps(spec, indent=1, sort_keys=True)
    stamp = FOLDER / "stamp.json"
    templates = sorted(
        p.stat().st_mtime_ns for p in (Path(__file__).parents[1] / "templates").rglob("*") if p.is_file()
    )
    key = json.dumps([text, templates[-1] if templates else 0])
    if not (stamp.exists() and stamp.read_text() == key):
        spec_path.write_text(text)
        bin_dir = ROOT / ".venv" / "bin"
        log("imports: generating the Zuora-sized module with our templates and with the stock ones")
        _run(
            [
                str(bin_dir / "zuora-oauth"),
                "generate",
                str(spec_path),
                "--package",
                OURS,
                "--output",
                str(FOLDER / "ours"),
            ]
        )
        config = FOLDER / "stock-config.json"
        config.write_text(json.dumps({"package_name_override": STOCK, "project_name_override": "stock-big"}))
        _run(
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                "--path",
                str(spec_path),
                "--config",
                str(config),
                "--meta",
                "none",
                "--output-path",
                str(FOLDER / "stock" / STOCK),
                "--overwrite",
            ],
            path=bin_dir,
        )
        stamp.write_text(key)
    operations = sum(len(item) for item in spec["paths"].values())
    return {
        "pythonpath": [str(FOLDER / "ours"), str(FOLDER / "stock")],
        "operations": operations,
        "schemas": len(spec["components"]["schemas"]),
        "tags": TAGS,
    }


def _run(command: list[str], path: Path | None = None) -> None:
    env = {**os.environ}
    if path is not None:
        env["PATH"] = f"{path}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"generating the Zuora-sized module failed: {' '.join(command[:3])}")
