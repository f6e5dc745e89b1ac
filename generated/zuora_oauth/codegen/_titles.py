# Generated from templates/runtime/codegen/_titles.py by make generate: edit that file, not this copy.
"""Every component schema keeps its own model: clashing model names are made unique before generation.

openapi-python-client names the model of ``components.schemas.<key>`` after its ``title`` when it has one, else
after the key, and when two schemas give the same class name it keeps the first and drops the second with a
warning, together with every operation response that refers to it. Real definitions (Zuora's among them) reuse
titles across schemas (``GETAccountType`` and ``GETAccountSummaryType`` both titled ``Account``), so the fix is
deterministic and minimal: clashing titles are removed, so those models are named by their (unique) keys; only
keys that still clash after that (``account`` and ``Account``) get numbered titles, in document order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._errors import CodegenError

ClassName = Callable[[str], str]


def normalise_titles(document: dict[str, Any], class_name: ClassName) -> list[str]:
    """Fix ``document`` in place; ``class_name`` is the generator's own naming (``ClassName``). One line per fix."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return []
    models = {key: schema for key, schema in schemas.items() if isinstance(schema, dict) and "$ref" not in schema}
    report: list[str] = []
    for _ in range(len(models) + 2):  # each round removes a title or numbers the keys: bounded, never endless
        clashes = _clashes(models, class_name)
        if not clashes:
            return report
        titled = [keys for keys in clashes if any(_title(models[key]) for key in keys)]
        if titled:
            report += [_drop_titles(models, keys) for keys in titled]
        else:
            report += _number(models, clashes, class_name)
    names = "; ".join(", ".join(keys) for keys in _clashes(models, class_name))
    raise CodegenError(f"cannot give these schemas distinct model names: {names}; give them distinct titles")


def _clashes(models: dict[str, dict[str, Any]], class_name: ClassName) -> list[list[str]]:
    """Groups of schema keys (in document order) whose models would get the same class name."""
    groups: dict[str, list[str]] = {}
    for key, schema in models.items():
        groups.setdefault(class_name(_title(schema) or key), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


def _drop_titles(models: dict[str, dict[str, Any]], keys: list[str]) -> str:
    holders = [key for key in keys if _title(models[key])]
    titles = sorted({_title(models[key]) for key in holders})
    for key in holders:
        del models[key]["title"]
    named = " / ".join(repr(title) for title in titles)
    if len(holders) == len(keys):
        return (
            f"normalised: schema title {named} shared by {len(keys)} schemas ({', '.join(keys)}): titles removed "
            f"so models are named by their schema keys"
        )
    others = [key for key in keys if key not in holders]
    return (
        f"normalised: schema title {named} of {', '.join(holders)} clashes with the schema"
        f"{'s' if len(others) > 1 else ''} {', '.join(others)}: "
        f"title{'s' if len(holders) > 1 else ''} removed so models are named by their schema keys"
    )


def _number(models: dict[str, dict[str, Any]], clashes: list[list[str]], class_name: ClassName) -> list[str]:
    """Keys that give the same class name on their own: the first keeps it, the others get ``<Name>2``, ..."""
    used = {class_name(_title(schema) or key) for key, schema in models.items()}
    report: list[str] = []
    for keys in clashes:
        name = class_name(keys[0])
        renamed: list[str] = []
        for key in keys[1:]:
            number = 2
            while class_name(f"{name}{number}") in used:
                number += 1
            title = class_name(f"{name}{number}")
            used.add(title)
            models[key]["title"] = title
            renamed.append(f"{key} is titled {title}")
        report.append(f"normalised: schema keys {', '.join(keys)} all give the model name {name}: {', '.join(renamed)}")
    return report


def _title(schema: dict[str, Any]) -> str:
    title = schema.get("title")
    return title if isinstance(title, str) else ""
