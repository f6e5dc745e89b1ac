"""The codegen modules called in-process: every normalisation branch and every readable failure, without running
the generator (tests/test_codegen.py runs the whole command end to end; these pin the decisions it is made of)."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import sysconfig
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import ConfigFile

from zuora_oauth.codegen import _command, _config, _distribution, _templates, _toolchain
from zuora_oauth.codegen._content import BINARY, normalise_response_content, readable
from zuora_oauth.codegen._diff import diff_trees
from zuora_oauth.codegen._document import check_openapi_3, read_document, write_json
from zuora_oauth.codegen._errors import EXIT_FAILED, EXIT_USAGE, CodegenError
from zuora_oauth.codegen._generator import _crash, class_namer, run_generator
from zuora_oauth.codegen._options import GenerateOptions, check_project_name
from zuora_oauth.codegen._project import MARKER, describe, pyproject_toml
from zuora_oauth.codegen._scalars import fix_keys, fix_string_fields, normalise_scalars
from zuora_oauth.codegen._security import IMPLIED_SCHEME, normalise_security
from zuora_oauth.codegen._titles import normalise_titles
from zuora_oauth.codegen._tree import refuse_foreign_project
from zuora_oauth.codegen._walk import openapi_objects
from zuora_oauth.codegen._yaml import DateText, SourceFloat, SourceInt, load_yaml, source_text

CLASS_NAME = class_namer("field_")  # the generator's own naming, as the command uses it


def yaml(text: str) -> Any:
    return load_yaml(textwrap.dedent(text).lstrip())


def options(tmp_path: Path, **changes: Any) -> GenerateOptions:
    values: dict[str, Any] = {
        "spec": tmp_path / "spec.yaml",
        "package": "zuora_billing",
        "output": tmp_path / "out",
        "project_name": None,
        "version": None,
        "config": None,
        "templates": None,
        "runtime_home": False,
        "check": False,
    }
    return GenerateOptions(**{**values, **changes})


def fails(match: str, function: Any, *args: Any, exit_code: int = EXIT_FAILED, **kwargs: Any) -> CodegenError:
    """``function`` raises CodegenError with a message matching ``match`` and the exit code given; ``message`` (what
    the command prints) is the whole text."""
    with pytest.raises(CodegenError, match=match) as caught:
        function(*args, **kwargs)
    assert caught.value.exit_code == exit_code
    assert caught.value.message == str(caught.value)
    return caught.value


# -- _titles -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("document", [{}, {"components": []}, {"components": {"schemas": []}}])
def test_titles_without_schemas_are_left_alone(document: dict[str, Any]) -> None:
    before = json.dumps(document)
    assert normalise_titles(document, CLASS_NAME) == []
    assert json.dumps(document) == before


def test_a_title_that_clashes_with_another_schemas_key_is_removed() -> None:
    document = yaml(
        """
        components:
          schemas:
            Account: {type: object}
            GETAccountType: {title: Account, type: object}
            Alias: {$ref: "#/components/schemas/Account", title: Account}
            Loose: a string, not a schema
        """
    )
    report = normalise_titles(document, CLASS_NAME)

    assert report == [
        "normalised: schema title 'Account' of GETAccountType clashes with the schema Account: "
        "title removed so models are named by their schema keys"
    ]
    schemas = document["components"]["schemas"]
    assert "title" not in schemas["GETAccountType"]
    assert schemas["Alias"]["title"] == "Account"  # a $ref is no model of its own: never touched


def test_titles_then_keys_that_still_clash_are_numbered_past_names_in_use() -> None:
    document = yaml(
        """
        components:
          schemas:
            thing: {type: object}
            Thing: {type: object}
            Thing2: {type: object}
            A: {title: thing, type: object}
            B: {title: Thing, type: object}
            c: {type: object}
            C: {type: object}
        """
    )
    report = normalise_titles(document, CLASS_NAME)

    assert report[0] == (
        "normalised: schema title 'Thing' / 'thing' of A, B clashes with the schemas thing, Thing: "
        "titles removed so models are named by their schema keys"
    )
    assert report[1:] == [
        "normalised: schema keys thing, Thing all give the model name Thing: Thing is titled Thing3",
        "normalised: schema keys c, C all give the model name C: C is titled C2",
    ]
    schemas = document["components"]["schemas"]
    assert (schemas["Thing"]["title"], schemas["C"]["title"]) == ("Thing3", "C2")
    assert "title" not in schemas["thing"] and "title" not in schemas["A"] and "title" not in schemas["B"]
    names = [CLASS_NAME(schema.get("title") or key) for key, schema in schemas.items()]
    assert len(set(names)) == len(names)  # every schema now gets a model of its own


def test_a_naming_that_never_settles_is_refused_instead_of_looping() -> None:
    """The loop is bounded: a class naming whose numbered names clash again (not the generator's, which settles)
    ends in a readable failure naming the schemas."""

    def unsettled(text: str) -> str:
        return text + "!" if text[-1:].isdigit() else "Same"

    document = {"components": {"schemas": {"a": {"type": "object"}, "b": {"type": "object"}}}}
    fails(r"cannot give these schemas distinct model names: a, b; give them distinct titles", normalise_titles,
          document, unsettled)  # fmt: skip


# -- _document -----------------------------------------------------------------------------------------------------


def test_read_document_failures_say_what_is_wrong_with_the_file(tmp_path: Path) -> None:
    fails(r"missing\.yaml: no such file$", read_document, tmp_path / "missing.yaml")
    fails(r"is a folder, not an OpenAPI document$", read_document, tmp_path)
    (tmp_path / "plain").write_text("x")
    fails(r"plain/spec\.yaml cannot be read: Not a directory$", read_document, tmp_path / "plain" / "spec.yaml")

    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"openapi: 3.0.3\ninfo: {title: caf\xe9}\n")
    fails(r"latin\.yaml is not UTF-8 text \(byte 32\): OpenAPI documents are UTF-8$", read_document, latin)


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        (
            "spec.json",
            '{"openapi": "3.0.3",\n  "info": }',
            r"is not valid JSON: Expecting value \(line 2, column 11\)$",
        ),
        ("spec.JSON", "[1, 2]", r"its top level is a list, not a mapping$"),
        ("spec.yaml", "", r"its top level is empty$"),
        ("spec.yaml", "just text\n", r"its top level is a str, not a mapping$"),
        ("spec.yaml", "a: 1\n---\nb: 2\n", r"not valid YAML: expected a single document .* \(line 2, column 1\)$"),
        ("spec.yml", "a: \x00\n", r"not valid YAML: unacceptable character #x0000: .* position 3$"),
    ],
)
def test_unparsable_documents_fail_readably(tmp_path: Path, name: str, text: str, match: str) -> None:
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    error = fails(match, read_document, spec)
    assert error.message.startswith(str(spec))
    assert "\n" not in error.message  # one paragraph: ruamel's multi-line marks are folded


def test_a_json_document_keeps_the_text_of_its_numbers_and_a_bom_is_skipped(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_bytes(b'\xef\xbb\xbf{"openapi": "3.0.3", "info": {"version": 1.10, "x-rate": 2.50e0, "n": 7}}')
    info = read_document(spec)["info"]

    assert isinstance(info["version"], SourceFloat) and info["version"] == 1.1
    assert source_text(info["version"]) == "1.10"
    assert isinstance(info["n"], SourceInt) and info["n"].source == "7"
    assert info["x-rate"] == 2.5 and source_text(info["x-rate"]) == "2.50e0"


@pytest.mark.parametrize(
    ("document", "match"),
    [
        ({"swagger": "2.0"}, r"is a Swagger 2\.0 document; .*swagger2openapi"),
        ({"info": {}}, r"has no 'openapi' field \(an OpenAPI 3 document starts with 'openapi: 3\.0\.3'"),
        ({"openapi": "2.0"}, r"declares openapi: 2\.0; zuora-oauth generate reads OpenAPI 3\.0\.x and 3\.1\.x$"),
        ({"openapi": "3.2.0"}, r"declares openapi: 3\.2\.0;"),
        ({"openapi": 3}, r"declares openapi: 3;"),
    ],
)
def test_only_openapi_3_0_and_3_1_are_accepted(document: dict[str, Any], match: str) -> None:
    fails(match, check_openapi_3, Path("spec.yaml"), document)


@pytest.mark.parametrize("version", ["3.0.0", "3.0.3", "3.1.0", "3.1.12"])
def test_openapi_3_versions_pass(version: str) -> None:
    check_openapi_3(Path("spec.yaml"), {"openapi": version})


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("a: &loop [*loop]\n", "Circular reference detected"),
        ("a: !!set {x}\n", "Object of type set is not JSON serializable"),
        ("? [a, b]\n: 1\n", "keys must be str"),
    ],
)
def test_what_json_cannot_hold_fails_when_the_copy_is_written(tmp_path: Path, text: str, detail: str) -> None:
    target = tmp_path / "openapi.json"
    error = fails(r"holds something OpenAPI \(which is JSON\) cannot express", write_json, load_yaml(text), target,
                  Path("spec.yaml"))  # fmt: skip
    assert detail in error.message and "use $ref and plain values instead" in error.message
    assert not target.exists()


def test_the_normalised_copy_is_json_with_the_text_kept(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    write_json({"title": "café", "n": SourceInt(7, "0x7"), "x": float("nan")}, target, Path("spec.yaml"))
    text = target.read_text(encoding="utf-8")
    assert text == '{"title": "café", "n": 7, "x": NaN}\n'


# -- _scalars, _yaml, _walk ----------------------------------------------------------------------------------------


def test_yaml_keeps_the_text_of_numbers_and_dates_and_source_text_spells_scalars() -> None:
    data = yaml("a: 0x10\nb: 1_000\nc: 1.10\nd: 2025-08-12\ne: 2025-08-12T10:00:00Z\nf: true\ng: null\n")

    assert [source_text(data[key]) for key in "abcdefg"] == [
        "0x10", "1_000", "1.10", "2025-08-12", "2025-08-12T10:00:00Z", "true", "null",
    ]  # fmt: skip
    assert data["a"] == 16 and data["b"] == 1000 and isinstance(data["d"], DateText)
    assert source_text(False) == "false"


def test_a_key_written_both_quoted_and_unquoted_is_refused() -> None:
    document = yaml("""paths: {/x: {get: {responses: {"200": {description: a}, 200: {description: b}}}}}""")
    fails(r"the key '200' appears twice at paths\./x\.get\.responses \(once quoted, once parsed as a number\): "
          r"remove one$", fix_keys, document)  # fmt: skip


def test_one_unquoted_key_is_reported_alone_and_string_keys_beside_it_keep_their_order() -> None:
    document = yaml("""paths: {/x: {get: {responses: {default: {description: d}, 200: {description: ok}}}}}""")
    report = fix_keys(document)

    assert report == ["normalised: the key paths./x.get.responses.200 was parsed as a number: now the string '200'"]
    assert list(document["paths"]["/x"]["get"]["responses"]) == ["default", "200"]


def test_many_unquoted_keys_are_summarised_with_three_examples() -> None:
    document = yaml(
        """
        paths:
          /x: {get: {responses: {200: {description: a}, 404: {description: b}}}}
        x-flags: {true: yes, null: nothing, 1.5: half}
        """
    )
    report = fix_keys(document)

    assert report == [
        "normalised: 5 keys parsed as numbers or booleans (e.g. paths./x.get.responses.200, "
        "paths./x.get.responses.404, x-flags.true): now strings, as JSON keys are"
    ]
    assert list(document["x-flags"]) == ["true", "null", "1.5"]


def test_string_fields_and_string_lists_get_the_text_written() -> None:
    document = yaml(
        """
        openapi: 3.0.3
        info: {title: 2024, version: 2025-08-12}
        tags: [{name: 1.10}]
        paths:
          /x:
            get:
              tags: [accounts, 2024, true]
              responses: {"200": {description: ok}}
        servers:
          - url: https://{region}.example.com
            variables: {region: {default: 1, enum: [1, 2, eu]}}
        """
    )
    report = normalise_scalars(document)

    assert document["info"] == {"title": "2024", "version": "2025-08-12"}
    assert document["tags"] == [{"name": "1.10"}]
    assert document["paths"]["/x"]["get"]["tags"] == ["accounts", "2024", "true"]
    assert document["servers"][0]["variables"]["region"] == {"default": "1", "enum": ["1", "2", "eu"]}
    assert "normalised: info.version 2025-08-12 was parsed as a date: now the string '2025-08-12'" in report
    assert "normalised: info.title 2024 was parsed as a number: now the string '2024'" in report
    assert (
        "normalised: paths./x.get.tags had items parsed as numbers, booleans or dates: "
        "now the strings 'accounts', '2024', 'true'"
    ) in report
    assert json.loads(json.dumps(document)) == document  # nothing YAML-typed is left where text belongs


def test_a_property_named_like_a_keyword_is_data_not_a_keyword() -> None:
    document = yaml(
        """
        components:
          schemas:
            Book:
              type: object
              properties: {title: {type: integer, example: 2024}}
              example: {title: 2024}
              examples: [{title: 1999}]
              x-meta: {version: 2}
        """
    )
    assert normalise_scalars(document) == []
    book = document["components"]["schemas"]["Book"]
    assert book["example"]["title"] == 2024 and book["examples"][0]["title"] == 1999
    assert book["x-meta"]["version"] == 2
    assert [path for _, path in openapi_objects(document)][-1] == ("components", "schemas", "Book", "properties",
                                                                   "title")  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "enum", "default", "kinds"),
    [
        ("{type: string, enum: [true, false], default: true}", ["true", "false"], "true", "booleans"),
        ("{type: [string, 'null'], enum: [1, 2.50, x]}", ["1", "2.50", "x"], None, "numbers"),
        ("{type: string, enum: [yes, 1, false]}", ["yes", "1", "false"], None, "booleans and numbers"),
    ],
)
def test_typed_enums_of_string_schemas_become_strings(
    schema: str, enum: list[str], default: str | None, kinds: str
) -> None:
    document = yaml(f"components: {{schemas: {{Flag: {schema}}}}}\n")
    report = normalise_scalars(document)

    flag = document["components"]["schemas"]["Flag"]
    assert flag["enum"] == enum and flag.get("default") == default
    assert report[0].startswith(f"normalised: the enum of the string schema components.schemas.Flag had {kinds} (")
    if default is not None:
        assert report[1] == "normalised: the default of components.schemas.Flag is now the string 'true' as well"
    else:
        assert len(report) == 1


def test_enums_of_non_string_schemas_are_left_alone() -> None:
    document = yaml("components: {schemas: {N: {type: integer, enum: [1, 2]}, B: {enum: [true]}}}\n")
    assert normalise_scalars(document) == []
    assert document["components"]["schemas"]["N"]["enum"] == [1, 2]


def test_dates_elsewhere_are_kept_as_text_and_reported_once() -> None:
    document = yaml(
        """
        components:
          schemas:
            Day: {type: string, format: date, example: 2024-01-31, default: 2024-02-01}
            Days: {type: array, example: [2024-03-01, 2024-03-02]}
        """
    )
    report = normalise_scalars(document)

    schemas = document["components"]["schemas"]
    assert schemas["Days"]["example"] == ["2024-03-01", "2024-03-02"]
    assert type(schemas["Day"]["example"]) is str and type(schemas["Days"]["example"][0]) is str
    assert report == [
        "normalised: 4 date-like value(s) (e.g. components.schemas.Day.example, components.schemas.Day.default, "
        "components.schemas.Days.example.0) kept as the text written; YAML reads them as dates, which JSON and "
        "OpenAPI do not have"
    ]


def test_a_self_containing_alias_is_walked_once() -> None:
    document = yaml("components: {schemas: &all {Loop: {type: object, properties: *all}}}\n")
    paths = [path for _, path in openapi_objects(document)]
    assert len(paths) == len(set(map(id, (node for node, _ in openapi_objects(document)))))
    assert fix_string_fields(document["components"]["schemas"]["Loop"], ("Loop",)) == []


# -- _security -----------------------------------------------------------------------------------------------------


def test_an_operation_without_security_inherits_the_documents() -> None:
    document = yaml(
        """
        security: [{basic: []}]
        paths:
          /a: {get: {}, post: {security: []}}
          /b: not an item
        """
    )
    report = normalise_security(document)

    assert report == [
        "normalised: 1 operation(s) inherit the document's security: made explicit on each, so they send the "
        "client's credentials"
    ]
    operation = document["paths"]["/a"]["get"]
    assert operation["security"] == [{"basic": []}]
    assert operation["security"] is not document["security"]  # a copy: fixing one cannot change another
    assert document["paths"]["/a"]["post"]["security"] == []


def test_a_document_without_security_gets_a_bearer_scheme() -> None:
    document = yaml("paths: {/a: {get: {}, put: {security: [{other: []}]}}}\n")
    report = normalise_security(document)

    assert document["paths"]["/a"]["get"]["security"] == [{IMPLIED_SCHEME: []}]
    assert document["paths"]["/a"]["put"]["security"] == [{"other": []}]
    assert document["components"]["securitySchemes"][IMPLIED_SCHEME]["scheme"] == "bearer"
    assert report[0].startswith("normalised: the document declares no security: 1 operation(s) marked")


@pytest.mark.parametrize(
    "document",
    [
        {"security": [], "paths": {"/a": {"get": {}}}},
        {"paths": {"/a": {"get": {"security": [{"x": []}]}}}},
        {"paths": None},
        {"components": [], "paths": {"/a": {"get": {}}}},  # no mapping to add a scheme to: left to the generator
    ],
)
def test_security_is_left_alone_when_nothing_is_implicit_or_nothing_can_be_added(document: dict[str, Any]) -> None:
    before = json.dumps(document)
    assert normalise_security(document) == []
    assert json.dumps(document) == before


# -- _content ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/problem+json", True),
        ("text/csv", True),
        (BINARY, True),
        ("application/pdf", False),
        ("application/xml", False),
    ],
)
def test_which_content_types_the_generator_reads(content_type: str, expected: bool) -> None:
    assert readable(content_type) is expected


def test_unreadable_answers_become_bytes_and_overrides_or_readable_siblings_keep_them() -> None:
    document = yaml(
        """
        paths:
          /pdf: {get: {responses: {"200": {content: {application/pdf: {schema: {type: string}}}}}}}
          /both: {get: {responses: {"200": {content: {application/xml: {}, application/json: {}}}}}}
          /mapped: {get: {responses: {"200": {content: {application/vnd.zuora+xml: {}}}}}}
          /empty: {get: {responses: {"204": {content: {}}, "500": "not a response"}}}
          /odd: not an item
          /none: {post: {responses: []}}
        components:
          responses:
            Zip: {content: {application/zip: {}}}
        """
    )
    report = normalise_response_content(document, {"application/vnd.zuora+xml": "text/xml"})

    assert report == [
        "normalised: 2 response(s) of content the generator cannot read (application/pdf, application/zip) "
        "are read as bytes"
    ]
    assert document["paths"]["/pdf"]["get"]["responses"]["200"]["content"] == {BINARY: {}}
    assert document["components"]["responses"]["Zip"]["content"] == {BINARY: {}}
    assert list(document["paths"]["/both"]["get"]["responses"]["200"]["content"]) == [
        "application/xml",
        "application/json",
    ]
    assert document["paths"]["/mapped"]["get"]["responses"]["200"]["content"] == {"application/vnd.zuora+xml": {}}
    assert normalise_response_content({"paths": {}}) == []


# -- _config -------------------------------------------------------------------------------------------------------


def config_settings(tmp_path: Path, text: str | None, **changes: Any) -> _config.Settings:
    extra = None
    if text is not None:
        extra = tmp_path / "extra.yml"
        extra.write_text(textwrap.dedent(text), encoding="utf-8")
    return _config.settings(options(tmp_path, config=extra, **changes), _templates.find_house_config())


def test_config_names_come_from_options_then_config_then_defaults(tmp_path: Path) -> None:
    from_config = config_settings(tmp_path, "project_name_override: billing\npackage_version_override: 1.10\n")
    assert (from_config.project_name, from_config.version) == ("billing", "1.10")  # 1.10, not the float 1.1
    assert from_config.config_file.package_version_override == "1.10"

    given = config_settings(tmp_path, "project_name_override: billing\n", project_name="mine", version="2.0.0")
    assert (given.project_name, given.version) == ("mine", "2.0.0")

    empty = config_settings(tmp_path, "")
    assert (empty.project_name, empty.version) == ("zuora-billing", "0.1.0")

    house_hooks = config_settings(tmp_path, None).config_file.post_hooks
    same_hooks = config_settings(tmp_path, f"post_hooks: {json.dumps(house_hooks)}\npackage_name_override: "
                                           f"zuora_billing\n")  # fmt: skip
    assert same_hooks.config_file.post_hooks == house_hooks  # repeating the house hooks is no override


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("package_name_override: other\n", r"sets package_name_override: other, but --package is zuora_billing$"),
        ("project_name_override: -bad-\n", r"extra\.yml project_name_override '-bad-' is not a valid project name"),
        ("package_version_override: 1.0.x\n", r"package_version_override '1\.0\.x' is not a PEP 440 version"),
        ("field_prefix: [1]\n", r"extra\.yml is not a valid generator configuration: .*field_prefix"),
        ("- a list\n", r"--config .*extra\.yml must be a mapping of openapi-python-client settings$"),
        ("a: [unclosed\n", r"--config .*extra\.yml is not valid YAML: "),
        ("literal_enums: true\nzzz: 1\nliteral_enum: 2\n", r"does not know: literal_enum, zzz \(known: "),
    ],
)
def test_bad_config_files_are_usage_errors(tmp_path: Path, text: str, match: str) -> None:
    error = fails(match, config_settings, tmp_path, text, exit_code=EXIT_USAGE)
    assert "\n" not in error.message


def test_an_unreadable_config_or_house_settings_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yml"
    fails(r"--config .*missing\.yml cannot be read: No such file or directory$", _config.settings,
          options(tmp_path, config=missing), _templates.find_house_config(), exit_code=EXIT_USAGE)  # fmt: skip
    fails(r"the house settings .*missing\.yml cannot be read", _config.settings, options(tmp_path), missing,
          exit_code=EXIT_USAGE)  # fmt: skip


# -- _distribution -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "specifier", "extra", "has_marker"),
    [
        ("httpx<0.29.0,>=0.23.1", "httpx", "<0.29.0,>=0.23.1", None, False),
        ("ruff==0.17.6; extra == 'codegen'", "ruff", "==0.17.6", "codegen", True),
        ('tomli >= 2 ; python_version < "3.11"', "tomli", ">=2", None, True),
        ("Zope.Interface", "Zope.Interface", "", None, False),
    ],
)
def test_requirement_lines_are_split_into_their_parts(
    line: str, name: str, specifier: str, extra: str | None, has_marker: bool
) -> None:
    requirement = _distribution.parse_requirement(line)
    assert (requirement.name, requirement.specifier, requirement.extra, requirement.has_marker) == (
        name,
        specifier,
        extra,
        has_marker,
    )


def test_unreadable_metadata_fails_readably() -> None:
    fails(r"cannot read the requirement '; nothing' of the installed zuora-oauth metadata",
          _distribution.parse_requirement, "; nothing")  # fmt: skip
    fails(r"cannot read the installed zuora-oauth version 'dev'", _distribution.runtime_requirement, "dev")


def test_the_runtime_requirement_is_the_next_major_below() -> None:
    assert _distribution.runtime_requirement("1.4.2") == "zuora-oauth>=1.4,<2"
    assert _distribution.runtime_requirement("3") == "zuora-oauth>=3.0,<4"


def test_base_requirements_put_lower_bounds_first_and_ignore_conditional_ones() -> None:
    available = [
        _distribution.parse_requirement(line)
        for line in ["attrs>=21; python_version < '3.12'", "Attrs<26,>=22.2.0", "openapi-python-client==0.29.1"]
    ]
    assert _distribution.base_requirement("attrs", available) == "Attrs>=22.2.0,<26"
    fails(r"the installed zuora-oauth metadata does not require httpx: reinstall zuora-oauth",
          _distribution.base_requirement, "httpx", available)  # fmt: skip


def test_a_pin_is_an_exact_version_under_the_extra() -> None:
    available = [
        _distribution.parse_requirement(line)
        for line in ["ruff>=0.17", "ruff==0.1,<1; extra == 'codegen'", "ruff==0.17.6; extra == 'codegen'"]
    ]
    assert _distribution.pinned_version("ruff", available) == "0.17.6"
    assert _distribution.pinned_version("ruff", available, extra="dev") is None
    assert _distribution.pinned_version("black", available) is None


def test_the_installed_metadata_is_read_and_its_absence_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _distribution.base_requirement("httpx", _distribution.requirements()).startswith("httpx>=")
    assert _distribution.version()[0].isdigit()

    monkeypatch.setattr(_distribution, "DISTRIBUTION", "zuora-oauth-not-installed")
    hint = r"distribution is not installed \(no metadata\): install it, e\.g\. pip install"
    fails(hint, _distribution.requirements)
    fails(hint, _distribution.version)


# -- _project, _options, _tree, _diff ------------------------------------------------------------------------------


def test_toml_strings_escape_quotes_backslashes_and_control_characters() -> None:
    text = pyproject_toml(project_name="a", version="1.0", package="p", description='say "hi"\\\t\x7fok')
    assert 'description = "say \\"hi\\"\\\\\\u0009\\u007fok"\n' in text
    assert text.startswith(MARKER)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("  Zuora\n  Billing ", "Python client for Zuora Billing, generated with zuora-oauth's templates"),
        ("   ", "Python client for a Zuora API, generated with zuora-oauth's templates"),
        (None, "Python client for a Zuora API, generated with zuora-oauth's templates"),
    ],
)
def test_the_description_comes_from_the_title(title: object, expected: str) -> None:
    assert describe(title) == expected


def test_options_name_the_package_folder_and_check_project_names(tmp_path: Path) -> None:
    assert options(tmp_path).package_dir == tmp_path / "out" / "zuora_billing"
    check_project_name("zuora-billing.v2", "--project-name")
    fails(r"--project-name 'zuora billing' is not a valid project name", check_project_name, "zuora billing",
          "--project-name", exit_code=EXIT_USAGE)  # fmt: skip


def test_a_package_folder_without_our_pyproject_is_never_replaced(tmp_path: Path) -> None:
    refuse_foreign_project(tmp_path, "zuora_billing")  # nothing there yet: fine
    (tmp_path / "zuora_billing").mkdir()
    fails(r"zuora_billing exists but .*pyproject\.toml does not: it was not generated here", refuse_foreign_project,
          tmp_path, "zuora_billing")  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(f"{MARKER}: regenerate\n")
    refuse_foreign_project(tmp_path, "zuora_billing")


def test_the_diff_names_binary_added_and_removed_files(tmp_path: Path) -> None:
    current, fresh = tmp_path / "a", tmp_path / "b"
    for root in (current, fresh):
        (root / "pkg" / "__pycache__").mkdir(parents=True)
        (root / "pkg" / "same.py").write_text("x = 1\n")
    (current / "pkg" / "__pycache__" / "m.pyc").write_bytes(b"\x00old")
    (current / "pkg" / "logo.png").write_bytes(b"\x89PNG\xff")
    (fresh / "pkg" / "logo.png").write_bytes(b"\x89PNG\xfe")
    (current / "pkg" / "gone.py").write_text("old\n")
    (fresh / "pkg" / "new.py").write_text("new")
    (fresh / "pyproject.toml").write_text("[project]\n")

    diff = diff_trees(current, fresh, ["pyproject.toml", "pkg", "absent"])

    assert "Binary files a/pkg/logo.png and b/pkg/logo.png differ\n" in diff
    assert "--- a/pkg/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n" in diff
    assert "--- /dev/null\n+++ b/pkg/new.py\n@@ -0,0 +1 @@\n+new\n\\ No newline at end of file\n" in diff
    assert "+++ b/pyproject.toml" in diff
    assert "same.py" not in diff and "__pycache__" not in diff
    assert diff_trees(current, current, ["pkg"]) == ""


# -- _templates, _toolchain, _generator, _command ------------------------------------------------------------------


def test_templates_are_found_or_their_absence_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = tmp_path / "mine"
    ours.mkdir()
    (ours / "package_init.py.jinja").write_text("")
    assert _templates.find_templates(ours / ".." / "mine") == ours.resolve()

    monkeypatch.setattr(_templates, "SHIPPED", tmp_path / "shipped")
    monkeypatch.setattr(_templates, "CHECKOUT", tmp_path / "checkout")
    fails(r"the templates are not installed \(looked in .*shipped and .*checkout\): reinstall zuora-oauth",
          _templates.find_templates, None)  # fmt: skip
    monkeypatch.setattr(_templates, "CHECKOUT", ours)  # templates, but no generator-config.yml beside them
    assert _templates.find_templates(None) == ours
    fails(r"the generator settings are not installed \(looked for generator-config\.yml next to",
          _templates.find_house_config)  # fmt: skip
    fails(r"--runtime-home copies .*mine/runtime, which does not exist", _templates.find_runtime, ours,
          exit_code=EXIT_USAGE)  # fmt: skip


def fake_ruff(folder: Path, script: str) -> Path:
    """A real executable called ruff (what find_ruff looks for next to the interpreter)."""
    folder.mkdir(parents=True, exist_ok=True)
    ruff = folder / "ruff"
    ruff.write_text(f"#!/bin/sh\n{script}\n")
    ruff.chmod(ruff.stat().st_mode | stat.S_IXUSR)
    return ruff


@pytest.mark.parametrize(
    ("script", "match"),
    [
        ("exit 3", r"ruff --version failed \(Command .* returned non-zero exit status 3\.\): reinstall ruff"),
        ("echo ruff 0.1.0", r"ruff 0\.1\.0 is installed \(.*/bin/ruff\), but zuora-oauth generate needs ruff==9\.9"),
        ("true", r"ruff of an unknown version \(it printed none\) is installed \(.*/bin/ruff\), but"),
    ],
)
def test_a_ruff_that_fails_or_is_another_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, match: str
) -> None:
    fake_ruff(tmp_path / "bin", script)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    pins = [_distribution.parse_requirement("ruff==9.9; extra == 'codegen'")]
    fails(match, _toolchain.find_ruff, pins)


def test_the_scripts_folder_ruff_is_used_when_none_is_next_to_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruff = fake_ruff(tmp_path / "scripts", "echo ruff 9.9")
    (tmp_path / "bin").mkdir()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setattr(sysconfig, "get_path", lambda _name: str(tmp_path / "scripts"))
    assert _toolchain.find_ruff([_distribution.parse_requirement("ruff==9.9; extra == 'codegen'")]) == ruff


def test_a_missing_or_other_generator_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = metadata.version("openapi-python-client")
    _toolchain.check_generator([_distribution.parse_requirement(f"openapi-python-client=={installed}; extra == 'x'")])
    pins = [_distribution.parse_requirement("openapi-python-client==0.0.1; extra == 'codegen'")]
    fails(rf"openapi-python-client {installed} is installed, but .* needs openapi-python-client==0\.0\.1",
          _toolchain.check_generator, pins)  # fmt: skip

    missing = r"needs openapi-python-client and ruff, which are not installed: install them with: pip install"
    with monkeypatch.context() as blocked:
        blocked.setitem(sys.modules, "openapi_python_client", None)  # how Python marks a module as unimportable
        fails(missing, _toolchain.check_generator, [])
    monkeypatch.setattr(_toolchain, "GENERATOR", "openapi-python-client-without-metadata")
    fails(r"needs openapi-python-client-without-metadata and ruff, which are not installed",
          _toolchain.check_generator, [])  # fmt: skip


@pytest.mark.parametrize("before", [None, "/usr/bin"])
def test_the_ruff_folder_is_first_on_path_only_while_generating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str | None
) -> None:
    if before is None:
        monkeypatch.delenv("PATH", raising=False)
    else:
        monkeypatch.setenv("PATH", before)
    with _toolchain.first_on_path(tmp_path):
        assert os.environ["PATH"] == os.pathsep.join(filter(None, [str(tmp_path), before]))
    assert os.environ.get("PATH") == before


def raise_from(filename: str) -> Exception:
    """An exception whose traceback ends in code compiled as ``filename`` (how jinja reports template lines)."""
    try:
        exec(compile("\n\nraise KeyError('model')", filename, "exec"))
    except KeyError as error:
        return error
    raise AssertionError("not raised")


def test_a_crash_names_the_template_line_or_the_generator() -> None:
    in_template = _crash(raise_from("/t/templates/model.py.jinja"), Path("spec.yaml"))
    assert in_template == (
        "the template /t/templates/model.py.jinja, line 3, failed while generating spec.yaml: KeyError: 'model'"
    )
    elsewhere = _crash(raise_from("/site-packages/parser.py"), Path("spec.yaml"))
    assert elsewhere == (
        "openapi-python-client failed on spec.yaml with KeyError: 'model'; the document is probably outside what "
        "it supports"
    )


def generate_empty_api(tmp_path: Path, templates: Path, post_hooks: list[str]) -> None:
    """The real generator, in-process, on a document with no operations (a fraction of a second)."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}))
    run_generator(
        document=document,
        config_file=ConfigFile(post_hooks=post_hooks),
        templates=templates,
        package_dir=tmp_path / "pkg",
        ruff=_toolchain.find_ruff(_distribution.requirements()),
        spec=Path("spec.yaml"),
    )


def test_a_template_that_raises_is_named_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "package_init.py.jinja").write_text('"""A package."""\n{{ 1 // 0 }}\n')
    error = fails(
        r"the template .*templates/package_init\.py\.jinja, line 2, failed while generating spec\.yaml: "
        r"ZeroDivisionError: integer division or modulo by zero$",
        generate_empty_api,
        tmp_path,
        broken,
        [],
    )
    assert isinstance(error.__cause__, ZeroDivisionError)  # kept for a debugger; the message is what is printed


def test_a_run_that_leaves_no_package_is_a_failure(tmp_path: Path) -> None:
    """A post-hook (the generator runs them in the package folder) removing ``__init__.py``: no error reported,
    but no package either, which must not pass for a generated one."""
    templates = Path(__file__).resolve().parents[1] / "templates"
    fails(r"^openapi-python-client reported no problem but wrote no package for spec\.yaml$", generate_empty_api,
          tmp_path, templates, ["rm __init__.py"])  # fmt: skip
    assert (tmp_path / "pkg" / "client.py").is_file()  # it did generate: only the package marker is missing


def test_an_unwritable_output_is_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Everything before the swap succeeds (toolchain, settings, the document); the output is a file, so making
    the staging folder in it fails: an OSError worded like the rest, not a traceback. No generator run."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n")
    output = tmp_path / "out"
    output.write_text("a file in the way")
    args = argparse.Namespace(
        spec=str(spec), package="zuora_billing", output=str(output), project_name=None, version=None, config=None,
        templates=None, runtime_home=False, check=False,
    )  # fmt: skip

    assert _command.run_generate(args) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err == f"zuora-oauth generate: cannot write {output}: File exists\n"
    assert output.read_text() == "a file in the way"
