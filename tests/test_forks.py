"""Forks of the generator's templates are tracked: each records the sha256 of the upstream file it was made from.

A template in ``templates/`` with the name of one of openapi-python-client's own replaces it, and
``zuora_macros.jinja`` copies macros out of upstream's ``endpoint_macros.py.jinja``. Each records, in its first
``{# ... #}`` comment, one line per upstream file it forks::

    upstream: endpoint_module.py.jinja sha256=<hex of that file in openapi-python-client 0.29.1>

When the generator is upgraded and one of those files changed, the test below fails naming our template and the
upstream file: diff the old and new upstream file, carry what matters into the fork, then record the new hash.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
_FIRST_COMMENT = re.compile(r"\A\{#(?P<text>.*?)#\}", re.DOTALL)
_RECORD = re.compile(r"^\s*upstream: (?P<name>\S+) sha256=(?P<digest>\S*)", re.MULTILINE)


def installed_templates() -> Path:
    """The installed generator's own templates folder (found without importing the generator)."""
    spec = importlib.util.find_spec("openapi_python_client")
    assert spec is not None and spec.origin is not None, "openapi-python-client is not installed (the dev group)"
    return Path(spec.origin).parent / "templates"


def records(template: Path) -> dict[str, str]:
    """upstream name -> recorded sha256, from the first comment of ``template`` (nowhere else)."""
    match = _FIRST_COMMENT.match(template.read_text(encoding="utf-8"))
    return {found["name"]: found["digest"] for found in _RECORD.finditer(match["text"])} if match else {}


def fork_problems(ours: Path, upstream: Path) -> list[str]:
    """One line per problem, naming our template: an override with no record of the file it replaces, a record of
    an upstream file that is gone, a recorded hash that is malformed or no longer the upstream file's."""
    problems: list[str] = []
    for template in sorted(ours.rglob("*.jinja")):
        name = template.relative_to(ours).as_posix()
        if name.startswith("runtime/"):
            continue
        recorded = records(template)
        if (upstream / name).is_file() and name not in recorded:
            problems.append(f"templates/{name} overrides upstream {name} but records no 'upstream: {name} sha256=…'")
        for forked, digest in sorted(recorded.items()):
            source = upstream / forked
            if not source.is_file():
                problems.append(f"templates/{name} records upstream {forked}, which the installed generator lacks")
                continue
            actual = hashlib.sha256(source.read_bytes()).hexdigest()
            if digest != actual:
                problems.append(
                    f"templates/{name} forks upstream {forked}, which changed (recorded sha256={digest}, installed "
                    f"{actual}): port the upstream change into the fork, then record the new hash"
                )
    return problems


def test_every_fork_matches_the_installed_generator() -> None:
    upstream = installed_templates()
    assert (upstream / "endpoint_module.py.jinja").is_file(), upstream
    assert fork_problems(TEMPLATES, upstream) == []


def test_every_override_and_the_macros_record_their_upstream() -> None:
    """The records exist where the design says (so the check above is not vacuous)."""
    overrides = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.jinja")
        if (installed_templates() / path.relative_to(TEMPLATES)).is_file()
    }
    assert {"endpoint_module.py.jinja", "client.py.jinja", "property_templates/enum_property.py.jinja"} <= overrides
    for name in overrides:
        assert list(records(TEMPLATES / name)) == [name], name
    assert list(records(TEMPLATES / "zuora_macros.jinja")) == ["endpoint_macros.py.jinja"]
    assert not (TEMPLATES / "endpoint_macros.py.jinja").exists()  # replaced by zuora_macros.docstring


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("runtime", "__pycache__"))
    return target


def test_a_changed_upstream_template_is_named(tmp_path: Path) -> None:
    """Proof the check fails: an "upgraded" generator whose endpoint_macros and errors templates changed."""
    upstream = _copy(installed_templates(), tmp_path / "upstream")
    for name in ("endpoint_macros.py.jinja", "errors.py.jinja"):
        with (upstream / name).open("a", encoding="utf-8") as file:
            file.write("{# a change in a new release #}\n")
    problems = fork_problems(TEMPLATES, upstream)
    assert len(problems) == 2, problems
    assert problems[0].startswith("templates/errors.py.jinja forks upstream errors.py.jinja, which changed")
    assert problems[1].startswith("templates/zuora_macros.jinja forks upstream endpoint_macros.py.jinja, which changed")


def test_an_override_without_a_record_and_a_vanished_upstream_are_named(tmp_path: Path) -> None:
    ours = _copy(TEMPLATES, tmp_path / "ours")
    types = ours / "types.py.jinja"
    types.write_text(re.sub(r"\n\s*upstream: types\.py\.jinja sha256=\w+", "", types.read_text()), encoding="utf-8")
    model = ours / "model.py.jinja"
    model.write_text(model.read_text().replace("sha256=", "sha256=0", 1), encoding="utf-8")
    # A record outside the first comment does not count.
    enum = ours / "property_templates" / "enum_property.py.jinja"
    text = enum.read_text()
    line = re.search(r"\n\s*upstream: .*?(?= #\})", text)
    assert line is not None
    enum.write_text(text.replace(line[0], "", 1) + "{#" + line[0] + " #}\n", encoding="utf-8")
    upstream = _copy(installed_templates(), tmp_path / "upstream")
    (upstream / "models_init.py.jinja").unlink()
    assert fork_problems(ours, upstream) == [
        "templates/model.py.jinja forks upstream model.py.jinja, which changed (recorded sha256=0"
        + records(TEMPLATES / "model.py.jinja")["model.py.jinja"]
        + ", installed "
        + hashlib.sha256((upstream / "model.py.jinja").read_bytes()).hexdigest()
        + "): port the upstream change into the fork, then record the new hash",
        "templates/models_init.py.jinja records upstream models_init.py.jinja, which the installed generator lacks",
        "templates/property_templates/enum_property.py.jinja overrides upstream "
        "property_templates/enum_property.py.jinja but records no "
        "'upstream: property_templates/enum_property.py.jinja sha256=…'",
        "templates/types.py.jinja overrides upstream types.py.jinja but records no 'upstream: types.py.jinja sha256=…'",
    ]
