"""The generation step: valid spec, reproducible output, documented overrides, a package that ships typed."""

from __future__ import annotations

import filecmp
import subprocess
import zipfile
from pathlib import Path

import openapi_python_client
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests._generation import ROOT, shared_distributions, shared_package
from zuora_oauth import Environment

PACKAGE = ROOT / "generated" / "zuora_oauth"


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that differ or exist on one side only (caches ignored)."""
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found: list[str] = []

    def walk(node: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in node.left_only + node.right_only + node.diff_files + node.funny_files)
        for name, child in node.subdirs.items():
            walk(child, f"{prefix}{name}/")

    walk(comparison, "")
    return found


def test_the_spec_is_valid_openapi() -> None:
    spec, _ = read_from_filename(str(ROOT / "openapi.yaml"))
    validate(spec)


def test_the_spec_servers_are_the_environments_in_order() -> None:
    spec, _ = read_from_filename(str(ROOT / "openapi.yaml"))
    assert [server["url"] for server in spec["servers"]] == [member.base_url for member in Environment]


def test_regeneration_is_byte_identical_to_the_committed_package(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``make generate`` now (the session's run) writes exactly the committed package, which an earlier run wrote:
    the output is reproducible (``zuora-oauth generate --check`` with another hash seed is in test_codegen.py)."""
    fresh = shared_package(tmp_path_factory)
    assert differences(PACKAGE, fresh) == []
    assert not list(fresh.parent.rglob(".ruff_cache"))  # the hooks leave no cache behind


def test_every_override_says_what_it_changes_from_upstream() -> None:
    upstream = Path(openapi_python_client.__file__).parent / "templates"
    overrides = [
        path
        for path in (ROOT / "templates").rglob("*.jinja")
        if (upstream / path.relative_to(ROOT / "templates")).exists()
    ]
    assert len(overrides) >= 7
    for path in overrides:
        assert path.read_text().startswith("{# Changed from upstream "), path.name


@pytest.mark.timeout(300)
def test_wheel_and_sdist_ship_the_package_typed(tmp_path_factory: pytest.TempPathFactory) -> None:
    wheel, sdist = shared_distributions(tmp_path_factory)  # python -m build of the checkout, once per session
    names = zipfile.ZipFile(wheel).namelist()
    assert "zuora_oauth/py.typed" in names
    assert "zuora_oauth/api/oauth/create_token.py" in names and "zuora_oauth/testing/__init__.py" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "zuora-oauth = zuora_oauth.cli:main" in entry_points
    listing = subprocess.run(["tar", "-tzf", str(sdist)], check=True, capture_output=True, text=True).stdout
    assert "generated/zuora_oauth/py.typed" in listing


#: The package's parts rendered from templates (the rest is the hand-written runtime, copied in).
RENDERED = ("__init__.py", "client.py", "types.py", "errors.py", "api", "models")


def _rendered_files(package: Path) -> list[Path]:
    found: list[Path] = []
    for name in RENDERED:
        path = package / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def test_generated_code_imports_only_the_public_runtime() -> None:
    """Generated modules may use ``zuora_oauth.runtime`` (semver) and nothing private of zuora_oauth."""
    files = _rendered_files(PACKAGE)
    assert len(files) >= 8
    for path in files:
        text = path.read_text()
        assert "zuora_oauth._" not in text and "from zuora_oauth import _" not in text, path
    assert "from zuora_oauth import runtime as _zr" in (PACKAGE / "api" / "oauth" / "create_token.py").read_text()


def test_hand_written_code_uses_no_private_helper_of_the_generated_modules() -> None:
    """The runtime, ZuoraAuth, the stores, testing and the CLI reach generated operations through ``OPERATION``
    and the public functions only (``_get_kwargs``, ``_parse_response`` and ``_build_response`` are private)."""
    runtime = ROOT / "templates" / "runtime"
    for path in sorted(runtime.rglob("*.py")):
        text = path.read_text()
        for private in ("._get_kwargs", "._parse_response", "._build_response"):
            assert private not in text, f"{path.relative_to(ROOT)} uses {private}"
