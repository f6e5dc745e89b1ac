"""The layout of the package: one source of truth for the hand-written code, and imports that point one way.

``make generate`` writes ``generated/zuora_oauth`` from two sources: openapi-python-client renders the generated
operations from ``openapi.yaml`` and ``templates/*.jinja``, and ``templates/runtime/`` is copied in, each copied
``.py`` file headed ``# Generated from templates/runtime/<path> by make generate: edit that file, not this copy.``.
``tests/_freshness.py`` refuses a test session while a copy differs from its source; its checks are proven here
on temporary trees.

The modules of ``generated/zuora_oauth`` form three layers, and an import may only point down:

1. **runtime**: ``zuora_oauth.runtime`` (the documented, semver API of generated code), every module it exports a
   name from (its ``_EXPORTS``, and ``lazy_exports``' module), and every hand-written module those import, through
   any number of steps (``_retry``, ``_deadline``, ``_retry_after``, ...). It imports no other layer.
2. **generated operations**: what the generator renders (``api/``, ``models/``, ``client.py``, ``types.py``,
   ``errors.py``). They import the runtime only through ``zuora_oauth.runtime``, and each other; never product
   code, and never the package facade.
3. **product**: the rest of the hand-written code: ``auth``, ``stores``, ``testing``, the CLI (``cli``, ``_cli_*``,
   ``__main__``), ``codegen`` and their private helpers (``_token_cache``, ``_schedule``, ...). It may import both
   layers below (``_token_endpoint`` calls the generated ``create_token``).

``zuora_oauth/__init__.py`` (rendered from ``package_init.py.jinja``) is the facade above all three: it re-exports
from every layer, lazily.

The other source of truth checked here is the error list: ``zuora_oauth._exceptions.__all__`` names the error
hierarchy; ``zuora_oauth.runtime``, the generated ``errors`` module, the package's exports and the README's error
table must agree with it.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import zuora_oauth
from tests import _freshness
from zuora_oauth import _exceptions, errors, runtime
from zuora_oauth.codegen._tree import copy_runtime

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generated" / "zuora_oauth"
SOURCES = ROOT / "templates" / "runtime"
#: The product code named by the design (issue 12): a module under one of these, or named so, is product.
PRODUCT_ROOTS = ("auth", "stores", "testing", "cli", "codegen", "__main__")


# -- the import graph ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. zuora_oauth.stores._file
    path: Path  # relative to the package folder, e.g. stores/_file.py
    source: str  # the text

    @property
    def package(self) -> str:
        return self.name if self.path.name == "__init__.py" else self.name.rpartition(".")[0]

    @property
    def hand_written(self) -> bool:
        """Copied from ``templates/runtime`` (the rest is rendered by the generator)."""
        return (SOURCES / self.path).is_file()


def modules(package: Path) -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if "__pycache__" in relative.parts:
            continue
        parts = [package.name, *relative.with_suffix("").parts]
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = Module(name, relative, path.read_text(encoding="utf-8"))
    return found


def _absolute(module: Module, level: int, target: str | None) -> str:
    base = module.package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imports(module: Module, known: dict[str, Module]) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of a module of the package: top level, in functions, under TYPE_CHECKING,
    and the lazy ones (the string values of a module-level ``_EXPORTS`` map, as ``lazy_exports`` takes them)."""
    tree = ast.parse(module.source)
    prefix = module.name.partition(".")[0]
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.level, node.module) if node.level else (node.module or "")
            # ``from package import name``: the submodule when there is one, else the package itself.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        elif (
            isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == "_EXPORTS" for target in node.targets)
            and isinstance(node.value, ast.Dict)
        ):
            for value in node.value.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    text = value.value
                    level = len(text) - len(text.lstrip("."))
                    targets.append(_absolute(module, level, text[level:] or None) if level else text)
        for target in targets:
            if target == prefix or target.startswith(prefix + "."):
                yield node.lineno, target


def graph(package: Path) -> tuple[dict[str, Module], dict[str, list[tuple[int, str]]]]:
    known = modules(package)
    return known, {name: sorted(set(imports(module, known))) for name, module in known.items()}


# -- the layers ---------------------------------------------------------------------------------------------------

FACADE = PACKAGE.name


def is_product(name: str) -> bool:
    first = name.split(".")[1] if "." in name else ""
    return first in PRODUCT_ROOTS or first.startswith("_cli_")


def runtime_layer(known: dict[str, Module], edges: dict[str, list[tuple[int, str]]]) -> set[str]:
    """``zuora_oauth.runtime``, the modules it exports from, and the hand-written modules they reach (never a
    product module or a generated one: reaching those is what :func:`violations` reports)."""
    start = {runtime.__name__, runtime.lazy_exports.__module__, *runtime._EXPORTS.values()}
    layer: set[str] = set()
    todo = sorted(start)
    while todo:
        name = todo.pop()
        if name in layer or name == FACADE or is_product(name) or not known[name].hand_written:
            continue
        layer.add(name)
        todo += [target for _, target in edges[name]]
    return layer


def violations(known: dict[str, Module], edges: dict[str, list[tuple[int, str]]]) -> list[str]:
    runtime_modules = runtime_layer(known, edges)
    operations = {name for name, module in known.items() if not module.hand_written and name != FACADE}
    found: list[str] = []
    for name in sorted(known):
        where = known[name].path
        for line, target in edges[name]:
            problem = None
            if name in runtime_modules:
                if target in operations:
                    problem = "a generated operation module"
                elif target == FACADE or (target in known and target not in runtime_modules):
                    problem = "product code" if target != FACADE else "the package facade (which re-exports auth)"
            elif name in operations:
                if target == FACADE:
                    problem = "the package facade (which re-exports auth): import zuora_oauth.runtime instead"
                elif target in known and known[target].hand_written and target != runtime.__name__:
                    layer = "product code" if target not in runtime_modules else "a private runtime module"
                    problem = f"{layer}: generated code uses zuora_oauth.runtime only"
            if problem:
                found.append(f"{where}:{line}: {name} imports {target}, {problem}")
    return found


def test_the_layers_are_what_the_docstring_says() -> None:
    """The classification itself, so a rename cannot empty a layer and pass the check below vacuously."""
    known, edges = graph(PACKAGE)
    layer = runtime_layer(known, edges)
    assert {"zuora_oauth.runtime", "zuora_oauth._transport", "zuora_oauth._exceptions", "zuora_oauth._retry"} <= layer
    assert not {"zuora_oauth.auth", "zuora_oauth.cli", "zuora_oauth.client", "zuora_oauth.errors"} & layer
    operations = {name for name, module in known.items() if not module.hand_written and name != FACADE}
    assert {"zuora_oauth.client", "zuora_oauth.types", "zuora_oauth.errors", "zuora_oauth.api.oauth"} <= operations
    assert "zuora_oauth.models.token_response" in operations
    assert not any(is_product(name) for name in operations)


def test_imports_point_from_product_to_operations_to_runtime() -> None:
    known, edges = graph(PACKAGE)
    assert violations(known, edges) == []


def test_the_check_names_a_wrong_import(tmp_path: Path) -> None:
    """Proof that the check can fail: a copy of the package where the transport imports ZuoraAuth, the retry
    policy a generated model, and the generated client the stores and a private runtime module."""
    package = tmp_path / "zuora_oauth"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    additions = {
        "_transport.py": "from .auth import ZuoraAuth\n",
        "_retry.py": "def _late() -> None:\n    from .models.token_response import TokenResponse\n",
        "client.py": "from zuora_oauth.stores import FileTokenStore\nfrom zuora_oauth import _masking\n",
    }
    for name, text in additions.items():
        path = package / name
        path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    found = violations(*graph(package))
    assert len(found) == 4, found
    text = "\n".join(found)
    assert "zuora_oauth._transport imports zuora_oauth.auth, product code" in text
    assert "zuora_oauth._retry imports zuora_oauth.models.token_response, a generated operation module" in text
    assert "zuora_oauth.client imports zuora_oauth.stores, product code" in text
    assert "zuora_oauth.client imports zuora_oauth._masking, a private runtime module" in text


# -- one source of truth: the freshness check ---------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A checkout in miniature, right after ``make generate``: sources, and their copy made by the real copier."""
    source = tmp_path / "templates" / "runtime"
    (source / "stores").mkdir(parents=True)
    (source / "_retry.py").write_text('"""Retries."""\n\nMAX_RETRIES = 2\n')
    (source / "stores" / "_file.py").write_text('"""Files."""\n')
    (source / "py.typed").write_text("")
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "_retry.cpython-311.pyc").write_bytes(b"\x00")
    (tmp_path / "generated" / "zuora_oauth" / "api").mkdir(parents=True)
    (tmp_path / "generated" / "zuora_oauth" / "api" / "oauth.py").write_text('"""Rendered by the generator."""\n')
    copy_runtime(source, tmp_path / "generated" / "zuora_oauth")
    return tmp_path


def test_a_fresh_copy_passes_and_carries_the_header(tree: Path) -> None:
    """What ``make generate`` writes is what the check accepts (the session after it is never refused)."""
    copy = tree / "generated" / "zuora_oauth"
    assert (copy / "_retry.py").read_text().splitlines()[0] == (
        "# Generated from templates/runtime/_retry.py by make generate: edit that file, not this copy."
    )
    assert (
        (copy / "stores" / "_file.py")
        .read_text()
        .startswith("# Generated from templates/runtime/stores/_file.py by make generate")
    )
    assert (copy / "py.typed").read_text() == ""  # only Python files get the header
    assert not (copy / "__pycache__").exists()
    assert _freshness.stale_reason(tree) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda root: (root / "templates/runtime/_retry.py").write_text('"""Retries."""\n\nMAX_RETRIES = 99\n'),
            "generated/zuora_oauth/ is stale (templates/runtime/_retry.py changed): run make generate",
        ),
        (
            lambda root: (root / "templates/runtime/stores/_redis.py").write_text('"""Redis."""\n'),
            "generated/zuora_oauth/ is stale (templates/runtime/stores/_redis.py is not copied): run make generate",
        ),
        (
            lambda root: (root / "templates/runtime/stores/_file.py").unlink(),
            "generated/zuora_oauth/ is stale (templates/runtime/stores/_file.py was deleted, its copy is still "
            "there): run make generate",
        ),
        (
            lambda root: (root / "templates/runtime/py.typed").write_text("partial\n"),
            "generated/zuora_oauth/ is stale (templates/runtime/py.typed changed): run make generate",
        ),
        (  # a copy made before headers existed, or edited by hand
            lambda root: shutil.copy(root / "templates/runtime/_retry.py", root / "generated/zuora_oauth/_retry.py"),
            "generated/zuora_oauth/ is stale (templates/runtime/_retry.py changed): run make generate",
        ),
        (
            lambda root: shutil.rmtree(root / "generated"),
            "generated/zuora_oauth/ is missing: run make generate",
        ),
    ],
    ids=["changed", "new-source", "deleted-source", "data-file", "no-header", "no-copy"],
)
def test_a_stale_copy_is_named(tree: Path, change: Callable[[Path], object], reason: str) -> None:
    change(tree)
    assert _freshness.stale_reason(tree) == reason


def test_editor_leftovers_and_caches_do_not_count(tree: Path) -> None:
    (tree / "templates/runtime/.auth.py.swp").write_bytes(b"vim")
    (tree / "templates/runtime/stores/__pycache__").mkdir()
    (tree / "templates/runtime/stores/__pycache__/_file.cpython-311.pyc").write_bytes(b"\x00")
    (tree / "generated/zuora_oauth/__pycache__").mkdir()
    (tree / "generated/zuora_oauth/__pycache__/_retry.cpython-311.pyc").write_bytes(b"\x00")
    assert _freshness.stale_reason(tree) is None


def _session_tree(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout in miniature inside ``pytester.path`` whose test session loads the plugin, as tests/conftest.py
    does, and one test that passes. Only pytest-xdist is loaded besides (no plugin autoload: a session starts in
    a fraction of a second instead of seconds)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    root = pytester.path
    source = root / "templates" / "runtime"
    source.mkdir(parents=True)
    (source / "_retry.py").write_text("MAX_RETRIES = 2\n")
    copy_runtime(source, root / "generated" / "zuora_oauth")
    (root / "tests").mkdir()
    (root / "tests" / "__init__.py").write_text("")
    shutil.copy(Path(_freshness.__file__), root / "tests" / "_freshness.py")
    (root / "tests" / "conftest.py").write_text('pytest_plugins = ["tests._freshness"]\n')
    (root / "tests" / "test_one.py").write_text("def test_one() -> None:\n    assert True\n")
    return root


SESSION = ("-p", "xdist.plugin", "-p", "no:cacheprovider", "tests")


def test_a_session_refuses_to_run_while_the_copy_is_stale(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _session_tree(pytester, monkeypatch)
    (root / "templates" / "runtime" / "_retry.py").write_text("MAX_RETRIES = 99\n")
    for extra in ((), ("-n", "2")):  # alone, and as pytest-xdist's controller
        result = pytester.runpytest_subprocess(*SESSION, *extra)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        lines = [line for line in result.errlines if line.strip()]
        assert lines == [
            "ERROR: generated/zuora_oauth/ is stale (templates/runtime/_retry.py changed): run make generate"
        ], result.errlines
        assert "test_one" not in result.stdout.str()


def test_a_session_runs_right_after_make_generate(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh: the session runs, also with a pytest-xdist worker (which skips the check)."""
    _session_tree(pytester, monkeypatch)
    result = pytester.runpytest_subprocess(*SESSION, "-n", "1")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["created: 1/1 worker"])


# -- one source of truth: the error list --------------------------------------------------------------------------


def _type_checking_names(path: Path, module: str) -> set[str]:
    """The names ``path`` imports from ``module`` anywhere (its ``if TYPE_CHECKING:`` imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def test_the_error_list_is_one_list() -> None:
    """``_exceptions.__all__`` is the source: the ApiError subclasses defined there (and the alias and the reason
    type they carry); every other list of errors is checked against it here."""
    names = set(_exceptions.__all__)
    defined = {
        name
        for name, value in vars(_exceptions).items()
        if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == _exceptions.__name__
    }
    assert defined | {"UnexpectedStatus", "ErrorReason"} == names
    assert _exceptions.UnexpectedStatus is _exceptions.ApiError

    # zuora_oauth.runtime: its type-checking imports, its lazy map and its __all__.
    assert _type_checking_names(PACKAGE / "runtime.py", "_exceptions") | {"ErrorReason"} == names
    assert {name for name, module in runtime._EXPORTS.items() if module == _exceptions.__name__} | {
        "ErrorReason"
    } == names
    assert names <= set(runtime.__all__)
    # The generated errors module (templates/errors.py.jinja) re-exports exactly these, the same objects.
    assert set(errors.__all__) == names
    assert all(getattr(errors, name) is getattr(runtime, name) for name in names)
    # The package (templates/package_init.py.jinja) exports all but the stock generator's alias.
    exported_errors = {name for name in zuora_oauth.__all__ if name in names}
    assert exported_errors == names - {"UnexpectedStatus"}
    assert all(getattr(zuora_oauth, name) is getattr(errors, name) for name in exported_errors)
    # The README's error table names every class a call raises.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Errors") : readme.index("### The response model")]
    assert {name for name in names - {"UnexpectedStatus", "ErrorReason"} if f"`{name}`" not in table} == set()
