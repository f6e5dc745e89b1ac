"""``zuora-oauth generate``: a pip-installable project from a spec, the drift check, the normalisations of
real-world documents with their reports, readable failures, and ``make generate`` unchanged by the switch to it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests._generation import ROOT, Generation, generate_raw, shared_distributions, shared_module, shared_package
from zuora_oauth.codegen import _config, _toolchain
from zuora_oauth.codegen._errors import CodegenError
from zuora_oauth.codegen._options import GenerateOptions
from zuora_oauth.codegen._templates import find_house_config

ACCOUNTS = ROOT / "tests" / "specs" / "accounts.yaml"
SWAGGER = ROOT / "tests" / "specs" / "zuora-2017-11-15-oauth-token.swagger.yaml"
CLI = [sys.executable, "-m", "zuora_oauth", "generate"]


def run_generate(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def generated_ok(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = run_generate(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def write_spec(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def import_check(project: Path, code: str) -> str:
    """Run ``code`` in a fresh interpreter with ``project`` on the path (the generated package is not installed)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def accounts_project(tmp_path_factory: pytest.TempPathFactory) -> Generation:
    """accounts.yaml as ``zuora_accounts``, generated once per session (test_second_module.py uses it too)."""
    return shared_module(tmp_path_factory, ACCOUNTS, "zuora_accounts")


def our_bound(name: str) -> str:
    """``httpx>=0.26.0,<0.29.0``: the bound our own pyproject.toml declares for ``name``."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (requirement,) = [line for line in declared if re.match(rf"{name}\b", line)]
    return requirement.replace(" ", "")


# -- a project from tests/specs/accounts.yaml ---------------------------------------------------------------------


def test_a_project_with_the_dependency_range_and_a_package_that_imports(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    project, stderr = accounts_project(tmp_path_factory)

    # accounts.yaml needs one normalisation: its operation inherits the document's bearer security.
    assert stderr.splitlines() == [
        "normalised: 1 operation(s) inherit the document's security: made explicit on each, so they send the "
        "client's credentials"
    ]
    assert sorted(path.name for path in project.iterdir()) == ["pyproject.toml", "zuora_accounts"]  # no staging left
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    major, minor = (int(part) for part in metadata.version("zuora-oauth").split(".")[:2])
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject["project"]["name"] == "zuora-accounts"
    assert pyproject["project"]["version"] == "0.1.0"
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["project"]["dependencies"] == [
        f"zuora-oauth>={major}.{minor},<{major + 1}",
        our_bound("httpx"),
        our_bound("attrs"),
    ]
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["zuora_accounts"]
    assert (project / "zuora_accounts" / "py.typed").is_file()
    assert not list(project.rglob(".ruff_cache"))
    out = import_check(
        project,
        "import zuora_accounts, zuora_oauth\n"
        "from zuora_accounts.api.accounts import get_account\n"
        "assert zuora_accounts.ApiError is zuora_oauth.ApiError\n"
        "print(zuora_accounts.AccountsApi.__name__, callable(get_account.sync_detailed))",
    )
    assert out.split() == ["AccountsApi", "True"]


def test_project_name_and_version_options(tmp_path: Path) -> None:
    generated_ok(
        ACCOUNTS, "--package", "zuora_accounts", "--output", tmp_path, "--project-name", "acme-accounts", "--version",
        "2.1.0rc1",
    )  # fmt: skip
    project = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]
    assert (project["name"], project["version"]) == ("acme-accounts", "2.1.0rc1")


def test_check_passes_right_after_and_fails_with_a_diff_after_an_edit(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    args = (ACCOUNTS, "--package", "zuora_accounts", "--output", tmp_path)
    generated = accounts_project(tmp_path_factory).folder  # what the same command just wrote, copied to edit it
    shutil.copytree(generated, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    before = tree(tmp_path)
    assert before == tree(generated)

    check = run_generate(*args, "--check", env={"PYTHONHASHSEED": "12345"})  # another hash seed: same bytes
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == f"{tmp_path} is up to date\n"
    assert tree(tmp_path) == before  # --check writes nothing

    client = tmp_path / "zuora_accounts" / "client.py"
    client.write_text(client.read_text().replace("class Client:", "class Client:  # edited by hand", 1))
    (tmp_path / "zuora_accounts" / "stray.py").write_text("x = 1\n")
    drift = run_generate(*args, "--check")
    assert drift.returncode == 1
    assert "--- a/zuora_accounts/client.py\n+++ b/zuora_accounts/client.py\n" in drift.stdout
    assert "-class Client:  # edited by hand\n+class Client:\n" in drift.stdout
    assert "--- a/zuora_accounts/stray.py\n+++ /dev/null\n" in drift.stdout
    assert "differs from what" in drift.stderr and "Traceback" not in drift.stderr

    generated_ok(*args)  # regenerating repairs it
    assert tree(tmp_path) == before


def test_check_of_a_missing_output_fails(tmp_path: Path) -> None:
    result = run_generate(ACCOUNTS, "--package", "zuora_accounts", "--output", tmp_path / "none", "--check")
    assert result.returncode == 1
    assert "--- /dev/null\n+++ b/pyproject.toml\n" in result.stdout
    assert not (tmp_path / "none").exists()


def test_a_pyproject_written_by_a_person_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "mine"\n')
    result = run_generate(ACCOUNTS, "--package", "zuora_accounts", "--output", tmp_path)
    assert result.returncode == 1
    assert "was not written by zuora-oauth generate" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pyproject.toml"]


def test_extra_config_applies_and_bad_settings_are_usage_errors(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        info: {title: Colours, version: "1"}
        paths:
          /colour:
            get:
              operationId: getColour
              responses:
                "200":
                  description: ok
                  content: {application/json: {schema: {$ref: "#/components/schemas/Colour"}}}
        components:
          schemas:
            Colour: {type: string, enum: [red, green]}
        """,
    )
    extra = tmp_path / "extra.yml"
    extra.write_text("class_overrides:\n  Colour:\n    class_name: Shade\n    module_name: shade\n")
    generated_ok(spec, "--package", "colours", "--output", tmp_path / "out", "--config", extra)
    assert (tmp_path / "out" / "colours" / "models" / "shade.py").is_file()

    extra.write_text("literal_enum: true\n")  # a typo the generator itself would ignore
    typo = run_generate(spec, "--package", "colours", "--output", tmp_path / "out", "--config", extra)
    assert typo.returncode == 2 and "does not know: literal_enum" in typo.stderr

    extra.write_text("post_hooks: ['ruff format .']\n")
    hooks = run_generate(spec, "--package", "colours", "--output", tmp_path / "out", "--config", extra)
    assert hooks.returncode == 2 and "sets post_hooks" in hooks.stderr


# -- normalisation of real-world documents ------------------------------------------------------------------------

DUPLICATE_TITLES = """
    openapi: 3.0.3
    security: []  # this document is about another fix; no credentials normalisation
    info: {title: Accounts, version: "1"}
    paths:
      /accounts/{id}:
        get:
          operationId: getAccount
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: "#/components/schemas/GETAccountType"}}}
      /accounts/{id}/summary:
        get:
          operationId: getAccountSummary
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: "#/components/schemas/GETAccountSummaryType"}}}
      /accounts:
        post:
          operationId: createAccount
          requestBody:
            content: {application/json: {schema: {$ref: "#/components/schemas/POSTAccountType"}}}
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: "#/components/schemas/GETAccountType"}}}
    components:
      schemas:
        GETAccountType:
          title: Account
          type: object
          properties: {id: {type: string}, balance: {type: number}}
        GETAccountSummaryType:
          title: Account
          type: object
          properties: {id: {type: string}, invoices: {type: integer}}
        POSTAccountType:
          title: Account
          type: object
          properties: {name: {type: string}}
"""


def test_duplicate_titles_every_schema_becomes_a_model_and_every_operation_survives(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, DUPLICATE_TITLES)
    original = spec.read_bytes()
    result = generated_ok(spec, "--package", "zuora_dup", "--output", tmp_path / "out")

    assert result.stderr.splitlines() == [
        "normalised: schema title 'Account' shared by 3 schemas (GETAccountType, GETAccountSummaryType, "
        "POSTAccountType): titles removed so models are named by their schema keys"
    ]
    assert spec.read_bytes() == original  # the user's file is never changed
    package = tmp_path / "out" / "zuora_dup"
    assert sorted(path.stem for path in (package / "models").glob("*_type.py")) == [
        "get_account_summary_type",
        "get_account_type",
        "post_account_type",
    ]
    assert sorted(path.stem for path in (package / "api" / "default").glob("*.py")) == [
        "__init__",
        "create_account",
        "get_account",
        "get_account_summary",
    ]
    out = import_check(
        tmp_path / "out",
        "import inspect\n"
        "from zuora_dup.api.default import create_account, get_account, get_account_summary\n"
        "for operation in (get_account, get_account_summary, create_account):\n"
        "    print(inspect.signature(operation.sync))",
    )
    models = "zuora_dup.models"
    get_one, get_summary, create = out.splitlines()
    assert get_one.endswith(f"-> {models}.get_account_type.GETAccountType")
    assert get_summary.endswith(f"-> {models}.get_account_summary_type.GETAccountSummaryType")
    assert f"body: {models}.post_account_type.POSTAccountType" in create
    assert create.endswith(f"-> {models}.get_account_type.GETAccountType")


def test_without_the_normalisation_the_generator_drops_the_duplicates(tmp_path: Path) -> None:
    """Why the fix exists: the stock run (``--fail-on-warning``) fails on the same document."""
    spec = write_spec(tmp_path, DUPLICATE_TITLES)
    with pytest.raises(subprocess.CalledProcessError) as failure:
        generate_raw(spec, ROOT / "generator-config.yml", tmp_path / "stock")
    assert b"duplicate models" in failure.value.stderr or b"duplicate models" in failure.value.stdout


def test_boolean_enums_under_type_string_become_the_strings_true_and_false(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        security: []  # this document is about another fix; no credentials normalisation
        info: {title: Flags, version: "1"}
        paths:
          /flags:
            get:
              operationId: getFlags
              parameters:
                - name: enabled
                  in: query
                  schema: {type: string, enum: [true, false], default: false}
              responses:
                "200":
                  description: ok
                  content: {application/json: {schema: {$ref: "#/components/schemas/Flag"}}}
        components:
          schemas:
            Flag:
              type: object
              properties:
                state: {type: string, enum: [true, false]}
        """,
    )
    result = generated_ok(spec, "--package", "flags", "--output", tmp_path / "out")
    assert result.stderr.splitlines() == [
        "normalised: the enum of the string schema paths./flags.get.parameters.0.schema had booleans (true, false): "
        "now the strings 'true', 'false'",
        "normalised: the default of paths./flags.get.parameters.0.schema is now the string 'false' as well",
        "normalised: the enum of the string schema components.schemas.Flag.properties.state had booleans (true, "
        "false): now the strings 'true', 'false'",
    ]
    out = import_check(
        tmp_path / "out",
        "from flags.models import FlagState, GetFlagsEnabled\n"
        "print(sorted(m.value for m in FlagState), GetFlagsEnabled('false').value)",
    )
    assert out.strip() == "['false', 'true'] false"


def test_an_unquoted_date_version_becomes_the_string_written(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        security: []  # this document is about another fix; no credentials normalisation
        info: {title: Dated, version: 2025-08-12}
        paths:
          /ping:
            get:
              operationId: ping
              responses:
                "204": {description: pong}
        """,
    )
    result = generated_ok(spec, "--package", "dated", "--output", tmp_path / "out")
    assert result.stderr.splitlines() == [
        "normalised: info.version 2025-08-12 was parsed as a date: now the string '2025-08-12'"
    ]
    assert (tmp_path / "out" / "dated" / "api" / "default" / "ping.py").is_file()


def test_numbers_where_openapi_wants_strings_keep_the_text_written(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        security: []  # this document is about another fix; no credentials normalisation
        info: {title: Numbers, version: 1.10}
        paths:
          /items:
            get:
              operationId: listItems
              parameters:
                - {name: level, in: query, schema: {type: string, enum: [1, 2]}}
              responses:
                200:
                  description: ok
                  content:
                    application/json:
                      schema: {type: object, properties: {since: {type: string, example: 2024-01-31}}}
        """,
    )
    result = generated_ok(spec, "--package", "numbers", "--output", tmp_path / "out")
    assert result.stderr.splitlines() == [
        "normalised: the key paths./items.get.responses.200 was parsed as a number: now the string '200'",
        "normalised: info.version 1.10 was parsed as a number: now the string '1.10'",
        "normalised: the enum of the string schema paths./items.get.parameters.0.schema had numbers (1, 2): now "
        "the strings '1', '2'",
        "normalised: 1 date-like value(s) (e.g. paths./items.get.responses.200.content.application/json.schema."
        "properties.since.example) kept as the text written; YAML reads them as dates, which JSON and OpenAPI do "
        "not have",
    ]
    out = import_check(
        tmp_path / "out", "from numbers.models import ListItemsLevel\nprint([m.value for m in ListItemsLevel])"
    )
    assert out.strip() == "['1', '2']"  # a StrEnum: the stock generator makes an IntEnum of it


def test_a_json_spec_is_read_as_json(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    document = YAML(typ="safe").load(ACCOUNTS)
    spec = tmp_path / "accounts.json"
    spec.write_text(json.dumps(document))
    generated_ok(spec, "--package", "zuora_accounts", "--output", tmp_path / "from-json")
    assert tree(tmp_path / "from-json") == tree(accounts_project(tmp_path_factory).folder)  # from the YAML


SECURED = """
    openapi: 3.0.3
    info: {title: Secured, version: "1"}
    security: [{bearer: []}]
    components: {securitySchemes: {bearer: {type: http, scheme: bearer}}}
    paths:
      /inherits:
        get: {operationId: inherits, responses: {"204": {description: ok}}}
      /public:
        get: {operationId: public, security: [], responses: {"204": {description: ok}}}
      /own:
        get: {operationId: own, security: [{bearer: []}], responses: {"204": {description: ok}}}
"""

UNSECURED = """
    openapi: 3.0.3
    info: {title: Unsecured, version: "1"}
    paths:
      /implied:
        get: {operationId: implied, responses: {"204": {description: ok}}}
      /public:
        get: {operationId: public, security: [], responses: {"204": {description: ok}}}
"""

SENDS = (
    "from {package}.api.default import implied_or_inherits as a, public as b\n"
    "print(a.OPERATION.sends_credentials, b.OPERATION.sends_credentials)"
)


@pytest.mark.parametrize(
    ("text", "first", "report"),
    [
        (SECURED, "inherits", "normalised: 1 operation(s) inherit the document's security: made explicit on each"),
        (UNSECURED, "implied", "normalised: the document declares no security: 1 operation(s) marked to send"),
    ],
    ids=["inherited", "none-declared"],
)
def test_credentials_follow_each_operations_effective_security(
    tmp_path: Path, text: str, first: str, report: str
) -> None:
    """The templates see only an operation's own security: inherited (or absent) security is made explicit, so
    only an explicit ``security: []`` sends no credentials."""
    result = generated_ok(write_spec(tmp_path, text), "--package", "secured", "--output", tmp_path / "out")
    (line,) = [line for line in result.stderr.splitlines() if "security" in line]
    assert line.startswith(report)
    out = import_check(tmp_path / "out", SENDS.format(package="secured").replace("implied_or_inherits", first))
    assert out.split() == ["True", "False"]


def test_an_explicit_empty_document_security_sends_none(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, UNSECURED.replace("paths:", "security: []\n    paths:", 1))
    result = generated_ok(spec, "--package", "unsecured", "--output", tmp_path / "out")
    assert "security" not in result.stderr
    out = import_check(tmp_path / "out", SENDS.format(package="unsecured").replace("implied_or_inherits", "implied"))
    assert out.split() == ["False", "False"]


def test_answers_the_generator_cannot_read_become_bytes_instead_of_being_dropped(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        """
        openapi: 3.0.3
        security: []  # this document is about another fix; no credentials normalisation
        info: {title: Files, version: "1"}
        paths:
          /invoice.pdf:
            get:
              operationId: getInvoicePdf
              responses:
                "200": {description: the PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
          /export:
            get:
              operationId: getExport
              responses:
                "200":
                  description: JSON or CSV
                  content: {application/json: {schema: {type: object}}, application/x-zip: {}}
        """,
    )
    result = generated_ok(spec, "--package", "files", "--output", tmp_path / "out")
    assert result.stderr.splitlines() == [
        "normalised: 1 response(s) of content the generator cannot read (application/pdf) are read as bytes"
    ]
    out = import_check(
        tmp_path / "out",
        "import httpx\n"
        "from files.api.default import get_export, get_invoice_pdf\n"
        "pdf = get_invoice_pdf.OPERATION.parse(httpx.Response(200, content=b'%PDF-1.7'))\n"
        "print(type(pdf).__name__, pdf == b'%PDF-1.7', get_export.OPERATION.parse.__annotations__['return'].__name__)",
    )
    assert out.split() == ["bytes", "True", "GetExportResponse200"]


# -- readable failures --------------------------------------------------------------------------------------------

REJECTED = """
    openapi: 3.0.3
    security: []  # this document is about another fix; no credentials normalisation
    info: {title: Broken, version: "1"}
    paths:
      /x:
        get:
          operationId: getX
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: "#/components/schemas/Missing"}}}
"""


@pytest.mark.parametrize(
    ("case", "text", "expected"),
    [
        ("missing file", None, r"missing\.yaml: no such file"),
        ("invalid YAML", "openapi: 3.0.3\ninfo: [unclosed\n", r"is not valid YAML: .*\(line 3, column 1\)"),
        ("Swagger 2.0", SWAGGER, r"is a Swagger 2\.0 document; .* OpenAPI 3\.0 and 3\.1 only"),
        ("not OpenAPI", "title: a config file\n", r"is not an OpenAPI document: it has no 'openapi' field"),
        ("generator rejects", REJECTED, r"cannot generate .*WARNING parsing GET /x.*Could not find reference"),
        ("no info", "openapi: 3.0.3\npaths: {}\n", r"cannot generate .*Failed to parse OpenAPI document.*info"),
    ],
)
def test_documents_that_cannot_be_generated_fail_readably(
    tmp_path: Path, case: str, text: str | Path | None, expected: str
) -> None:
    if isinstance(text, Path):
        spec = text
    else:
        spec = tmp_path / "missing.yaml"
        if text is not None:
            spec.write_text(textwrap.dedent(text).lstrip())
    result = run_generate(spec, "--package", "broken", "--output", tmp_path / "out")

    assert result.returncode == 1, case
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("zuora-oauth generate: ")
    assert re.search(expected, result.stderr, re.DOTALL), result.stderr
    assert not (tmp_path / "out" / "broken").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--package", "Zuora-Billing"), "is not a lowercase Python package name"),
        (("--package", "zuora_billing", "--version", "one"), "is not a PEP 440 version"),
        (("--package", "zuora_billing", "--runtime-home"), "--runtime-home generates zuora_oauth itself"),
        (("--package", "zuora_billing", "--templates", "/nonexistent"), "not a template folder"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    result = run_generate(ACCOUNTS, "--output", tmp_path, *args)
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_a_missing_ruff_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setattr(_toolchain.sysconfig, "get_path", lambda _name: str(tmp_path / "bin"))
    with pytest.raises(CodegenError, match=r"ruff is not installed next to .*pip install 'zuora-oauth\[codegen\]'"):
        _toolchain.find_ruff([])


def test_another_ruff_version_is_refused() -> None:
    with pytest.raises(CodegenError, match=r"ruff 0\.6\.0 is installed .* needs ruff==0\.17\.6"):
        _toolchain._check_version("ruff", "0.6.0", "0.17.6", where="/usr/bin/ruff")


def test_every_module_gets_the_house_settings_of_generator_config_but_not_its_names() -> None:
    house = YAML(typ="safe").load(ROOT / "generator-config.yml")
    options = GenerateOptions(
        spec=ACCOUNTS, package="zuora_billing", output=Path("out"), project_name=None, version=None, config=None,
        templates=None, runtime_home=False, check=False,
    )  # fmt: skip
    settings = _config.settings(options, find_house_config())

    assert find_house_config() == ROOT / "generator-config.yml"  # an editable install reads the repository's
    assert settings.config_file.post_hooks == house["post_hooks"]
    assert (settings.project_name, settings.version) == ("zuora-billing", "0.1.0")
    assert settings.config_file.package_name_override == "zuora_billing"


def test_importing_the_package_and_the_cli_does_not_import_the_generator() -> None:
    code = (
        "import sys, zuora_oauth, zuora_oauth.cli, zuora_oauth.codegen\n"
        "from zuora_oauth import OAuthApi, ZuoraAuth\n"
        "try:\n    zuora_oauth.cli.main(['token', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'openapi_python_client', 'ruamel', 'yaml', 'jinja2', 'pydantic', 'typer'}\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]"


# -- make generate ------------------------------------------------------------------------------------------------


def test_make_generate_output_is_what_the_old_recipe_produced(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The Makefile's previous recipe (generator CLI, then ``tar`` of templates/runtime/) against
    ``make _generate_into`` (``zuora-oauth generate --runtime-home``), on the same templates (the session's run,
    keyed by their sha256)."""
    old = tmp_path / "old" / "zuora_oauth"
    generate_raw(ROOT / "openapi.yaml", ROOT / "generator-config.yml", old)
    subprocess.run(
        f"tar -C templates/runtime --exclude=__pycache__ --exclude='*/.*' -cf - . | tar -C '{old}' -xf -",
        shell=True,
        check=True,
        cwd=ROOT,
    )
    for copied in old.rglob("*.py"):  # ... plus the header naming the source (issue 12), which tar did not write
        # (the unasync twins keep the first line naming their asyncio source)
        relative = copied.relative_to(old).as_posix()
        text = copied.read_text(encoding="utf-8")
        if (ROOT / "templates" / "runtime" / relative).is_file() and not text.startswith("# Generated from "):
            header = f"# Generated from templates/runtime/{relative} by make generate: edit that file, not this copy.\n"
            copied.write_text(header + text, encoding="utf-8")
    new = shared_package(tmp_path_factory).parent

    assert sorted(path.name for path in new.iterdir()) == ["zuora_oauth"]  # no pyproject.toml, no staging folder
    old_files, new_files = tree(old), tree(new / "zuora_oauth")
    assert sorted(old_files) == sorted(new_files)
    assert [name for name in old_files if old_files[name] != new_files[name]] == []


# -- the wheel alone ----------------------------------------------------------------------------------------------


@pytest.mark.timeout(900)
def test_the_wheel_with_the_codegen_extra_generates_without_a_checkout(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Build sdist and wheel (the wheel from the sdist, as pip would; the session's build), install the wheel with
    ``[codegen]`` into a fresh venv, generate from outside the repository with no other ruff on PATH, then
    pip-install the generated project and import it.

    Takes about 30 s here, most of it pip installing the generator's dependencies; it needs the package index."""
    work = tmp_path_factory.mktemp("wheel")  # not tmp_path: the secret canary would read the whole venv
    started = time.monotonic()
    wheel, _ = shared_distributions(tmp_path_factory)
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {name for name in names if name.startswith("zuora_oauth/codegen/templates/")}
    sources = {path for path in (ROOT / "templates").rglob("*.jinja") if "runtime" not in path.parts}
    assert shipped == {f"zuora_oauth/codegen/templates/{path.relative_to(ROOT / 'templates')}" for path in sources}
    assert "zuora_oauth/codegen/generator-config.yml" in names
    assert not [name for name in names if "templates/runtime" in name or "__pycache__" in name]

    venv = work / "venv" / "bin"
    subprocess.run([sys.executable, "-m", "venv", work / "venv"], check=True, capture_output=True)

    def pip_install(target: str) -> None:
        # --no-compile: the bytecode of the generator's dependencies is no part of what this proves
        command = [venv / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
        command.append(target)
        subprocess.run(command, check=True, capture_output=True)

    pip_install(f"{wheel}[codegen]")
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ACCOUNTS, elsewhere / "accounts.yaml")
    command = [venv / "zuora-oauth", "generate", "accounts.yaml", "--package", "zuora_accounts", "--output", "project"]
    generated = subprocess.run(
        command, check=False, capture_output=True, text=True, cwd=elsewhere, env={"PATH": "/usr/bin:/bin"}
    )
    assert generated.returncode == 0, generated.stderr
    pip_install(str(elsewhere / "project"))
    code = "import zuora_accounts, zuora_oauth; print(zuora_accounts.AccountsApi.__name__)"
    done = subprocess.run([venv / "python", "-c", code], check=True, capture_output=True, text=True, cwd=work)
    assert done.stdout.strip() == "AccountsApi"
    print(f"wheel build, venv, install, generate, install and import: {time.monotonic() - started:.1f} s")
