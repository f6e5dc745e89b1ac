"""Helpers of ``tests/test_corpus.py``: generate the corpus twice, synthesize arguments and answers, compare requests.

Each spec of ``tests/specs/corpus/`` (and ``tests/specs/zuora/billing.yaml``) is generated OURS (``zuora-oauth
generate``, our templates and runtime) and STOCK (openapi-python-client without our templates). The stock output is
the oracle: a request our module sends must be the one the stock module sends for the same arguments, and a 2xx
answer must parse into what the stock ``_parse_response`` makes of it. Nothing here imports our runtime to decide
what is expected; what the spec declares is read from the YAML itself.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime
import enum
import importlib
import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEMPLATES = ROOT / "templates"
CORPUS = ROOT / "tests" / "specs" / "corpus"
BILLING = ROOT / "tests" / "specs" / "zuora" / "billing.yaml"
#: Generator config keys of specs that are not listed in ``configs.yaml``.
EXTRA_CONFIGS: dict[str, dict[str, Any]] = {
    "billing": {"content_type_overrides": {"application/pdf": "application/octet-stream"}},
}
BASE_URL = "https://api.example.test"
#: How ours is generated: "command" (``zuora-oauth generate``) or "raw" (openapi-python-client with our templates,
#: as /tmp/corpus_check.sh does). "command" falls back to "raw" only if the console script has no ``generate``.
OURS_GENERATOR = "command"
#: The post-hooks of the "raw" way, those of generator-config.yml.
RAW_POST_HOOKS = [
    "ruff check . --isolated --no-cache --fix-only --extend-select=I --line-length=120 --target-version=py311 --quiet",
    "ruff check . --isolated --no-cache --fix-only --unsafe-fixes --select=SIM101 --target-version=py311 --quiet",
    "ruff format . --isolated --no-cache --line-length=120 --target-version=py311 --quiet",
]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: How deep the synthesizers build nested values with all their optional fields.
MAX_DEPTH = 3


# -- the corpus ---------------------------------------------------------------------------------------------------


def spec_files() -> list[Path]:
    """Every corpus spec, then billing.yaml."""
    return [*sorted(path for path in CORPUS.glob("*.yaml") if path.name != "configs.yaml"), BILLING]


def spec_name(spec: Path) -> str:
    return spec.stem


@cache
def extra_config(name: str) -> dict[str, Any]:
    """The extra generator config keys of a spec (configs.yaml, or EXTRA_CONFIGS)."""
    configs = yaml.safe_load((CORPUS / "configs.yaml").read_text(encoding="utf-8")) or {}
    return dict(configs.get(f"{name}.yaml") or EXTRA_CONFIGS.get(name) or {})


@cache
def load_spec(spec: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: dict[str, Any] = yaml.load(spec.read_text(encoding="utf-8"), Loader=loader)
    return document


# -- generation ---------------------------------------------------------------------------------------------------


class GenerationError(Exception):
    """A generator run failed; the message holds its command and output."""


def _run(command: list[str], cwd: Path | None = None) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    if result.returncode != 0:
        raise GenerationError(
            f"{' '.join(command)} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )


@cache
def _command_available() -> bool:
    script = BIN / "zuora-oauth"
    if not script.exists():
        return False
    result = subprocess.run([str(script), "generate", "--help"], capture_output=True, check=False)
    return result.returncode == 0


def _write_config(path: Path, values: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(dict(values), sort_keys=True), encoding="utf-8")
    return path


def generate_ours(spec: Path, package: str, folder: Path, extra: Mapping[str, Any]) -> Path:
    """Generate ``spec`` with our templates as the package ``folder/package``; returns that package folder.

    ``zuora-oauth generate`` writes a project (pyproject.toml and the package) into a folder of its own, so it
    runs in ``folder/../projects/package`` and the package is moved next to the others (one mypy run for all).
    """
    scratch = folder.parent / "projects" / package
    shutil.rmtree(scratch, ignore_errors=True)
    target = folder / package
    shutil.rmtree(target, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    if OURS_GENERATOR == "command" and _command_available():
        command = [str(BIN / "zuora-oauth"), "generate", str(spec), "--package", package, "--output", str(scratch)]
        command += ["--templates", str(TEMPLATES)]
        if extra:
            command += ["--config", str(_write_config(scratch.parent / f"{package}.yml", extra))]
        _run(command)
    else:
        config = {
            "project_name_override": package.replace("_", "-"),
            "package_name_override": package,
            "post_hooks": RAW_POST_HOOKS,
            **extra,
        }
        _run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--config",
                str(_write_config(scratch.parent / f"{package}.yml", config)),
                "--custom-template-path",
                str(TEMPLATES),
                "--meta",
                "none",
                "--output-path",
                str(scratch / package),
                "--overwrite",
                "--fail-on-warning",
            ]
        )
    shutil.move(scratch / package, target)
    return target


def generate_stock(spec: Path, package: str, folder: Path, extra: Mapping[str, Any]) -> Path:
    """Generate ``spec`` with the stock generator (no templates of ours) as ``folder/package``."""
    config = _write_config(
        folder.parent / "stock-configs" / f"{package}.yml", {"package_name_override": package, **extra}
    )
    folder.mkdir(parents=True, exist_ok=True)
    _run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(folder / package),
            "--overwrite",
        ]
    )
    return folder / package


@dataclasses.dataclass
class Generated:
    """One spec, generated both ways (``ours_error``/``stock_error`` say why a side is missing)."""

    name: str
    spec: Path
    ours: str
    stock: str
    ours_error: str | None = None
    stock_error: str | None = None


def generate_all(specs: list[Path], ours_folder: Path, stock_folder: Path, workers: int = 2) -> dict[str, Generated]:
    """Generate every spec both ways, ``workers`` generator runs at a time."""
    results = {
        spec_name(spec): Generated(spec_name(spec), spec, f"corpus_{spec_name(spec)}", f"stock_{spec_name(spec)}")
        for spec in specs
    }

    def job(name: str, side: str) -> None:
        item = results[name]
        try:
            if side == "ours":
                generate_ours(item.spec, item.ours, ours_folder, extra_config(name))
            else:
                generate_stock(item.spec, item.stock, stock_folder, extra_config(name))
        except (GenerationError, OSError) as error:
            setattr(item, f"{side}_error", str(error))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job, name, side) for name in results for side in ("ours", "stock")]
        for future in futures:
            future.result()
    return results


def forget_modules(prefixes: tuple[str, ...]) -> None:
    """Drop the imported packages ``prefixes`` (and their submodules) from sys.modules."""
    for name in [name for name in sys.modules if name.split(".")[0] in prefixes]:
        del sys.modules[name]


# -- the spec's operations ----------------------------------------------------------------------------------------


def deref(document: Mapping[str, Any], node: Any, limit: int = 20) -> Any:
    """``node`` with local ``$ref``s followed (siblings of a $ref are dropped, as the stock generator does)."""
    while isinstance(node, Mapping) and "$ref" in node and limit > 0:
        reference = str(node["$ref"])
        assert reference.startswith("#/"), reference
        target: Any = document
        for part in reference[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
        limit -= 1
    return node


@dataclasses.dataclass(frozen=True)
class SpecOperation:
    method: str  # upper case
    path: str
    operation_id: str | None
    operation: Mapping[str, Any]

    @property
    def key(self) -> str:
        return self.operation_id if self.operation_id is not None else f"{self.method} {self.path}"

    def responses(self, document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        """Status key (``"200"``, ``"2XX"``, ``"default"``) -> the response, $refs followed."""
        return {
            str(status).upper() if str(status).lower() != "default" else "default": deref(document, response)
            for status, response in (self.operation.get("responses") or {}).items()
        }


def spec_operations(document: Mapping[str, Any]) -> list[SpecOperation]:
    found = []
    for path, raw_item in (document.get("paths") or {}).items():
        item = deref(document, raw_item)
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                operation_id = operation.get("operationId")
                found.append(
                    SpecOperation(
                        method.upper(), str(path), None if operation_id is None else str(operation_id), operation
                    )
                )
    keys = [operation.key for operation in found]
    duplicates = {key for key in keys if keys.count(key) > 1}
    return [
        dataclasses.replace(operation, operation_id=None) if operation.key in duplicates else operation
        for operation in found
    ]


def _template_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]*\})", path)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + r"\Z")


def match_operation(operations: list[SpecOperation], method: str, url: str) -> SpecOperation | None:
    """The spec operation a request (method, path with its parameters filled in) was made for."""
    candidates = [
        operation
        for operation in operations
        if operation.method == method.upper() and _template_pattern(operation.path).match(url)
    ]
    if not candidates:
        return None
    # a literal segment beats a template ("/v1/a/b" over "/v1/a/{x}")
    return max(candidates, key=lambda operation: len(re.sub(r"\{[^}]*\}", "", operation.path)))


# -- the generated packages ---------------------------------------------------------------------------------------


def endpoint_modules(package: str) -> Iterator[str]:
    """The relative names (``api.tag.op``) of the package's operation modules."""
    api = importlib.import_module(f"{package}.api")
    for info in _walk(api):
        module = importlib.import_module(info)
        if hasattr(module, "sync_detailed") and hasattr(module, "_get_kwargs"):
            yield info[len(package) + 1 :]


def _walk(package: types.ModuleType) -> Iterator[str]:
    import pkgutil

    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        yield info.name


def all_modules(package: str) -> list[str]:
    """Every module of the package (the package first), for the import gate."""
    import pkgutil

    root = importlib.import_module(package)
    return [package] + [info.name for info in pkgutil.walk_packages(root.__path__, f"{package}.")]


@cache
def namespace(package: str) -> dict[str, Any]:
    """Every public name of the package's models modules and of its types module, to resolve annotations with."""
    found: dict[str, Any] = {"datetime": datetime, "UUID": __import__("uuid").UUID}
    models = importlib.import_module(f"{package}.models")
    for name in sorted(_walk(models)):
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if not attribute.startswith("_") and not isinstance(value, types.ModuleType):
                found.setdefault(attribute, value)
    types_module = importlib.import_module(f"{package}.types")
    found.update({name: getattr(types_module, name) for name in ("File", "Unset", "UNSET", "Response")})
    return found


def type_hints(function: Callable[..., Any], package: str) -> dict[str, Any]:
    module = sys.modules[function.__module__]
    return typing.get_type_hints(function, globalns={**namespace(package), **vars(module)})


# -- the argument synthesizer -------------------------------------------------------------------------------------

FIXED_DATETIME = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
FIXED_DATE = datetime.date(2024, 1, 2)
FIXED_UUID = __import__("uuid").UUID("6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f50")


class CannotBuild(Exception):
    """The synthesizer has no value for this type."""


class Synthesizer:
    """Deterministic arguments for one generated package, built from its own classes.

    The same rules on the two packages give the same logical value: str -> ``"s-<name>"``, int -> 7, float -> 2.5,
    bool -> True, fixed datetime/date/UUID, the first enum member or Literal value, one list element, ``{"k": ...}``
    for dicts, attrs models from their ``__init__`` (required fields, or all of them with ``full``), unions by their
    first buildable member other than Unset/None.
    """

    def __init__(self, package: str, *, files: bool = True) -> None:
        self.package = package
        self.files = files  # False: no File in optional fields (a JSON body cannot carry one)
        names = namespace(package)
        self.file_type: type = names["File"]
        self.unset_type: type = names["Unset"]
        self.unset: Any = names["UNSET"]

    # the parameters of an operation function

    def parameters(self, function: Callable[..., Any]) -> list[tuple[inspect.Parameter, Any]]:
        hints = type_hints(function, self.package)
        return [
            (parameter, hints.get(name, Any))
            for name, parameter in inspect.signature(function).parameters.items()
            if name != "client"
        ]

    def arguments(self, function: Callable[..., Any], *, full: bool, body: Any = None) -> dict[str, Any]:
        """Required parameters; with ``full`` every parameter. ``body`` picks a member of a union body type."""
        arguments = {}
        for parameter, hint in self.parameters(function):
            if parameter.default is not inspect.Parameter.empty and not full:
                continue
            chosen = body if parameter.name == "body" and body is not None else hint
            try:
                arguments[parameter.name] = self.value(chosen, parameter.name, depth=0, full=full)
            except CannotBuild:
                if self.files or parameter.default is inspect.Parameter.empty:
                    raise
        return arguments

    def body_alternatives(self, function: Callable[..., Any]) -> list[Any]:
        """The members of the ``body`` parameter's union type (one per content type), or [] for a single type."""
        for parameter, hint in self.parameters(function):
            if parameter.name == "body":
                members = [member for member in self._members(hint) if member not in (self.unset_type, type(None))]
                return members if len(members) > 1 and all(isinstance(m, type) for m in members) else []
        return []

    # values by type

    @staticmethod
    def _members(hint: Any) -> tuple[Any, ...]:
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            return typing.get_args(hint)
        return (hint,)

    def value(self, hint: Any, name: str, *, depth: int, full: bool) -> Any:
        if depth > MAX_DEPTH + 3:
            raise CannotBuild(f"{name}: too deep")
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            members = typing.get_args(hint)
            for member in members:
                if member in (self.unset_type, type(None)):
                    continue
                try:
                    return self.value(member, name, depth=depth, full=full)
                except CannotBuild:
                    continue
            if type(None) in members:
                return None
            raise CannotBuild(f"{name}: no member of {hint} can be built")
        if origin is typing.Literal:
            return typing.get_args(hint)[0]
        if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence):
            (item,) = typing.get_args(hint) or (Any,)
            return [self.value(item, name, depth=depth + 1, full=full)]
        if origin is tuple:
            return tuple(self.value(item, name, depth=depth + 1, full=full) for item in typing.get_args(hint))
        if origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping):
            arguments = typing.get_args(hint)
            item = arguments[1] if len(arguments) == 2 else Any
            return {"k": "v" if item is Any else self.value(item, "k", depth=depth + 1, full=full)}
        if hint is Any or hint is object:
            return "v"
        if hint is None or hint is type(None):
            return None
        if not isinstance(hint, type):
            raise CannotBuild(f"{name}: {hint!r}")
        if hint is self.unset_type:
            raise CannotBuild(f"{name}: Unset")
        if hint is self.file_type:
            if not self.files:
                raise CannotBuild(f"{name}: no files")
            return self.file_type(payload=io.BytesIO(b"file"), file_name="f.txt", mime_type="text/plain")
        if issubclass(hint, enum.Enum):
            return next(iter(hint))
        if hint is bool:
            return True
        if hint is int:
            return 7
        if hint is float:
            return 2.5
        if hint is str:
            return f"s-{name}"
        if hint is datetime.datetime:
            return FIXED_DATETIME
        if hint is datetime.date:
            return FIXED_DATE
        if hint is FIXED_UUID.__class__:
            return FIXED_UUID
        if attrs.has(hint):
            return self.model(hint, depth=depth, full=full)
        raise CannotBuild(f"{name}: {hint!r}")

    def model(self, cls: type, *, depth: int, full: bool) -> Any:
        everything = full and depth < MAX_DEPTH
        hints = type_hints(cls.__init__, self.package)
        arguments = {}
        for name, parameter in inspect.signature(cls).parameters.items():
            if parameter.default is not inspect.Parameter.empty and not everything:
                continue
            try:
                arguments[name] = self.value(hints.get(name, Any), name, depth=depth + 1, full=full)
            except CannotBuild:
                if self.files or parameter.default is inspect.Parameter.empty:
                    raise
        instance = cls(**arguments)
        extras = attrs.fields_dict(cls).get("additional_properties")
        if everything and extras is not None and not extras.init:
            value_type = Any
            annotation = typing.get_type_hints(
                cls, globalns={**namespace(self.package), **vars(sys.modules[cls.__module__])}
            )
            dict_arguments = typing.get_args(annotation.get("additional_properties", dict[str, Any]))
            if len(dict_arguments) == 2:
                value_type = dict_arguments[1]
            try:
                extra = "v" if value_type is Any else self.value(value_type, "extra", depth=depth + 1, full=full)
            except CannotBuild:
                return instance
            instance.additional_properties = {"extra": extra}
        return instance


# -- requests -----------------------------------------------------------------------------------------------------


def _multipart_parts(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes]]:
    """(Content-Disposition, Content-Type, content) of each part, sorted (compared as a multiset)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    assert match is not None, content_type
    delimiter = b"--" + match.group(1).encode("ascii")
    chunks = body.split(delimiter)
    assert chunks[-1].strip() in (b"--", b""), chunks[-1][:80]
    parts = []
    for chunk in chunks[1:-1]:
        assert chunk.startswith(b"\r\n") and chunk.endswith(b"\r\n"), chunk[:80]
        head, _, content = chunk[2:-2].partition(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n"):
            key, _, value = line.decode("utf-8").partition(":")
            headers[key.strip().lower()] = value.strip()
        parts.append((headers.get("content-disposition", ""), headers.get("content-type"), content))
    return sorted(parts, key=repr)


def request_snapshot(request: httpx.Request) -> dict[str, Any]:
    """What the comparison looks at in a request; the Idempotency-Key (ours only) is kept apart."""
    body = request.read()
    content_type = request.headers.get("content-type", "")
    if not body:
        parsed_body: Any = ("empty", b"")
    elif "json" in content_type:
        parsed_body = ("json", json.loads(body))
    elif content_type.startswith("application/x-www-form-urlencoded"):
        parsed_body = ("form", sorted(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
    elif content_type.startswith("multipart/"):
        parsed_body = ("multipart", _multipart_parts(content_type, body))
    else:
        parsed_body = ("content", body)
    cookies = []
    for header in request.headers.get_list("cookie"):
        for pair in header.split(";"):
            key, _, value = pair.strip().partition("=")
            cookies.append((key, value))
    headers = sorted(
        (key.lower(), value)
        for key, value in request.headers.multi_items()
        if key.lower() not in ("user-agent", "idempotency-key", "cookie")
    )
    return {
        "method": request.method,
        "scheme": request.url.scheme,
        "host": request.url.host,
        "port": request.url.port,
        "path": request.url.path,
        "query": sorted(request.url.params.multi_items()),
        "headers": headers,
        "cookies": sorted(cookies),
        "body": parsed_body,
        "idempotency-key": request.headers.get_list("idempotency-key"),
    }


class Recorder:
    """An httpx.MockTransport handler: records every request and answers with ``reply``."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.reply: Callable[[httpx.Request], httpx.Response] = lambda request: httpx.Response(204)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


# -- answers ------------------------------------------------------------------------------------------------------


def _merged_all_of(document: Mapping[str, Any], schema: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """An allOf schema flattened: properties merged (later parts refine earlier ones), required lists joined."""
    merged: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    parts = [deref(document, part) for part in schema.get("allOf") or []]
    own = {key: value for key, value in schema.items() if key != "allOf"}
    for raw_part in [*parts, own]:
        part = raw_part
        if depth < 10 and isinstance(part, Mapping) and "allOf" in part:
            part = _merged_all_of(document, part, depth + 1)
        if not isinstance(part, Mapping):
            continue
        for key, value in part.items():
            if key == "properties":
                for name, property_schema in (value or {}).items():
                    previous = deref(document, properties.get(name, {}))
                    current = deref(document, property_schema)
                    if isinstance(previous, Mapping) and isinstance(current, Mapping):
                        properties[name] = {**previous, **current}
                    else:
                        properties[name] = current
            elif key == "required":
                required += [name for name in value if name not in required]
            elif key not in ("description", "title", "default", "nullable") or key not in merged:
                merged[key] = value
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _discriminator_value(document: Mapping[str, Any], schema: Mapping[str, Any], member: Any) -> tuple[str, str] | None:
    discriminator = schema.get("discriminator")
    if not isinstance(discriminator, Mapping) or not isinstance(member, Mapping) or "$ref" not in member:
        return None
    reference = str(member["$ref"])
    for key, target in (discriminator.get("mapping") or {}).items():
        if target == reference or target == reference.rsplit("/", 1)[-1]:
            return str(discriminator["propertyName"]), str(key)
    return str(discriminator["propertyName"]), reference.rsplit("/", 1)[-1]


def json_example(document: Mapping[str, Any], schema: Any, name: str, *, full: bool, depth: int = 0) -> Any:
    """A JSON value that fits ``schema``: required properties (all of them with ``full``, up to MAX_DEPTH)."""
    schema = deref(document, schema)
    if not isinstance(schema, Mapping) or depth > MAX_DEPTH + 6:
        return "anything"
    if "allOf" in schema:
        schema = _merged_all_of(document, schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        values = [value for value in schema["enum"] if value is not None]
        return values[0] if values else None
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            for member in schema[keyword]:
                resolved = deref(document, member)
                if isinstance(resolved, Mapping) and resolved.get("type") == "null":
                    continue
                value = json_example(document, member, name, full=full, depth=depth)
                if value is None:
                    continue
                tag = _discriminator_value(document, schema, member)
                if tag is not None and isinstance(value, dict):
                    value[tag[0]] = tag[1]
                return value
            return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [item for item in kind if item != "null"]
        kind = kinds[0] if kinds else "null"
    if kind is None:
        if "properties" in schema or "additionalProperties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema or "prefixItems" in schema:
            kind = "array"
        else:
            return "anything"
    if kind == "null":
        return None
    if kind == "object":
        properties = schema.get("properties") or {}
        everything = full and depth < MAX_DEPTH
        names = list(properties) if everything else list(schema.get("required") or [])
        value = {key: json_example(document, properties.get(key, {}), key, full=full, depth=depth + 1) for key in names}
        extras = schema.get("additionalProperties")
        if everything and isinstance(extras, Mapping) and not value.get("extra"):
            value["extra"] = json_example(document, extras, "extra", full=full, depth=depth + 1)
        return value
    if kind == "array":
        if "prefixItems" in schema:
            return [json_example(document, item, name, full=full, depth=depth + 1) for item in schema["prefixItems"]]
        if depth >= MAX_DEPTH + 3:
            return []
        return [json_example(document, schema.get("items", {}), name, full=full, depth=depth + 1)]
    if kind == "string":
        formats = {
            "date": FIXED_DATE.isoformat(),
            "date-time": FIXED_DATETIME.isoformat(),
            "uuid": str(FIXED_UUID),
            "byte": "Ynl0ZXM=",
        }
        if schema.get("format") in formats:
            return formats[schema["format"]]
        example = schema.get("example")
        return example if isinstance(example, str) and "format" not in schema else f"s-{name}"
    if kind == "integer":
        return 7
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    return "anything"


@dataclasses.dataclass(frozen=True)
class Answer:
    """One answer the mock transport gives an operation, and what our module must make of it."""

    label: str  # e.g. "200 application/json (full)"
    status: int
    content_type: str | None
    body: bytes
    #: for a 2xx: the status the stock module parses the same body as (differs for an undeclared 2xx)
    stock_status: int | None
    declares_content: bool
    #: JSON content with a schema (even ``{}``): the generator reads it as JSON
    json_schema: bool = False

    def response(self, request: httpx.Request | None = None, status: int | None = None) -> httpx.Response:
        headers = {"content-type": self.content_type} if self.content_type else {}
        return httpx.Response(
            self.status if status is None else status, headers=headers, content=self.body, request=request
        )


#: Statuses chosen for ranges and ``default``: standard codes (the stock module's HTTPStatus knows them).
_RANGE_CHOICES = {
    "1": [100],
    "2": [200, 201, 202, 203, 206, 207, 208, 226],
    "3": [300, 301, 302, 303, 307, 308],
    "4": [400, 401, 403, 404, 409, 418, 422],
    "5": [500, 502, 503, 504],
}
_DEFAULT_ERROR_CHOICES = [418, 409, 422, 503]


def _bodies(
    document: Mapping[str, Any], response: Mapping[str, Any]
) -> list[tuple[str | None, bytes, str, bool, bool]]:
    """(content type, body, variant, declares content, JSON with a schema) for each content type a response
    declares (a JSON one twice: required properties only, then all of them)."""
    content = response.get("content") or {}
    if not content:
        return [(None, b"", "no content", False, False)]
    found = []
    for content_type, raw_media in content.items():
        media = deref(document, raw_media) or {}
        schema = media.get("schema")
        if "json" in content_type.lower():
            variants = {
                "minimal": json_example(document, schema, "body", full=False),
                "full": json_example(document, schema, "body", full=True),
            }
            if variants["full"] == variants["minimal"]:
                del variants["full"]
            for variant, value in variants.items():
                found.append((content_type, json.dumps(value).encode("utf-8"), variant, True, schema is not None))
        elif content_type.lower().startswith("text/"):
            found.append((content_type, b"some text", "text", True, False))
        else:
            found.append((content_type, b"%PDF raw \x00\xff bytes", "bytes", True, False))
    return found


def answers(document: Mapping[str, Any], operation: SpecOperation) -> list[Answer]:
    """Every answer to test an operation with: each declared status (ranges and default by a chosen code) and
    content type, plus an undeclared 2xx when the operation declares specific 2xx codes but no 2XX range."""
    responses = operation.responses(document)
    explicit = {int(key) for key in responses if key.isdigit()}
    explicit_success = sorted(code for code in explicit if 200 <= code <= 299)
    declares_success = bool(explicit_success) or "2XX" in responses
    found: list[Answer] = []

    def add(key: str, status: int, stock_status: int | None) -> None:
        for content_type, body, variant, declares, json_schema in _bodies(document, responses[key]):
            label = f"{key}->{status} {content_type or ''} ({variant})"
            found.append(Answer(label, status, content_type, body, stock_status, declares, json_schema))

    for key in responses:
        if key.isdigit():
            status = int(key)
            add(key, status, status if 200 <= status <= 299 else None)
        elif re.fullmatch(r"[1-5]XX", key):
            status = next(code for code in _RANGE_CHOICES[key[0]] if code not in explicit)
            add(key, status, status if key == "2XX" else None)
        elif key == "default":
            if not declares_success:
                add(key, 200, 200)  # no 2xx declared: the default describes the success
            error = next(code for code in _DEFAULT_ERROR_CHOICES if code not in explicit)
            add(key, error, None)
    if explicit_success and "2XX" not in responses:
        undeclared = next(code for code in _RANGE_CHOICES["2"] if code not in explicit)
        first = explicit_success[0]  # the generator sorts statuses: the lowest declared 2xx is the first
        add(str(first), undeclared, first)
    return found


# -- comparing parsed answers -------------------------------------------------------------------------------------


def canonical(value: Any, depth: int = 0) -> Any:
    """A comparable form of a parsed value: type-tagged, models by class name and ``to_dict()``."""
    assert depth < 50, "value too deep"
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__name__, canonical(value.value, depth + 1))
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float):
        return ("float", float(value))  # our JsonNumber is a float that keeps its text
    if isinstance(value, str):
        return ("str", str(value))
    if isinstance(value, bytes):
        return ("bytes", value)
    if isinstance(value, datetime.datetime | datetime.date):
        return (type(value).__name__, value.isoformat())
    if isinstance(value, FIXED_UUID.__class__):
        return ("UUID", str(value))
    if isinstance(value, io.IOBase):
        position = value.tell()
        data = value.read()
        value.seek(position)
        return ("stream", data)
    if type(value).__name__ == "File" and hasattr(value, "payload"):
        return ("File", canonical(value.payload, depth + 1), value.file_name, value.mime_type)
    if attrs.has(type(value)) and hasattr(value, "to_dict"):
        return ("model", type(value).__name__, canonical(value.to_dict(), depth + 1))
    if isinstance(value, Mapping):
        return ("dict", {str(key): canonical(item, depth + 1) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return ("list", [canonical(item, depth + 1) for item in value])
    return ("other", type(value).__name__, repr(value))
