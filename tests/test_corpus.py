"""The corpus proof: every corpus spec generated with our templates passes the gates and behaves like the stock output.

For each spec of ``tests/specs/corpus/`` (plus ``tests/specs/zuora/billing.yaml``), generated once per session both
OURS (``zuora-oauth generate``) and STOCK (openapi-python-client without our templates):

- gates on ours: every module imports, ``ruff check`` and ``mypy --strict`` report nothing (one run each, over all
  the packages);
- requests: each operation called with the same synthesized arguments (required ones, then all of them, then each
  member of a body union) sends the same request through both modules, apart from the Idempotency-Key ours adds to
  POST and PATCH;
- answers: for each status and content type the spec declares, our ``sync_detailed`` returns what the stock
  ``_parse_response`` makes of the same body for a 2xx, and raises the ApiError subclass of the status otherwise.

Our documented differences are part of the expectations: errors are raised, not returned; ``default`` is read for a
2xx only when no 2xx is declared; an undeclared 2xx is read like the lowest declared one; ``"success": false`` in a 2xx
JSON object raises BusinessError; content without a schema the generator reads is returned as bytes (the stock module
returns None); ``Response.status_code`` is a plain int.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import zuora_oauth
from tests import _corpus as corpus_lib
from tests._corpus import Answer, Generated, Recorder, SpecOperation, Synthesizer
from tests._generation import GENERATOR_INPUTS, mypy_strict, shared

SPECS = corpus_lib.spec_files()
SPEC_NAMES = [corpus_lib.spec_name(spec) for spec in SPECS]


def _snake(operation_id: str | None) -> str | None:
    if operation_id is None:
        return None
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", operation_id).lower()))


def _split_folded() -> tuple[list[Any], list[Any]]:
    """(operations that get a module, operations folded into a later one): operation ids that collide after
    snake-casing give one module, the last operation's, in the stock generator and in ours alike."""
    kept, folded = [], []
    for spec, name in zip(SPECS, SPEC_NAMES, strict=True):
        operations = corpus_lib.spec_operations(corpus_lib.load_spec(spec))
        for index, operation in enumerate(operations):
            later = [
                other.key
                for other in operations[index + 1 :]
                if other.operation_id is not None and _snake(other.operation_id) == _snake(operation.operation_id)
            ]
            target = folded if operation.operation_id is not None and later else kept
            target.append(pytest.param(name, operation.key, later[-1] if later else None, id=f"{name}-{operation.key}"))
    return kept, folded


_KEPT, FOLDED = _split_folded()
OPERATIONS = [pytest.param(*param.values[:2], id=param.id) for param in _KEPT]

#: The ApiError subclass each non-2xx status must raise (README's table), written out here rather than imported.
ERRORS_BY_STATUS: dict[int, type[zuora_oauth.ApiError]] = {
    400: zuora_oauth.BadRequestError,
    401: zuora_oauth.AuthenticationError,
    403: zuora_oauth.PermissionDeniedError,
    404: zuora_oauth.NotFoundError,
    429: zuora_oauth.RateLimitError,
}


def expected_error(status: int) -> type[zuora_oauth.ApiError]:
    if status in ERRORS_BY_STATUS:
        return ERRORS_BY_STATUS[status]
    if 500 <= status <= 599:
        return zuora_oauth.ServerError
    return zuora_oauth.ApiError


#: Where the stock output is known to be wrong (tests/specs/corpus/COVERAGE.md, "What the stock output gets
#: wrong"), so it cannot be the oracle: (spec, operation) -> query parameters left out of the comparison and checked
#: against the arguments instead. The stock module's local dicts shadow parameters called params/headers/cookies.
STOCK_SHADOWED_QUERY = {("parameters", "generatorLocals"): ("params", "headers", "cookies")}


# -- the generated corpus -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Pair:
    """One operation's module in both packages."""

    stock: ModuleType
    ours: ModuleType | None
    module: str


@dataclasses.dataclass
class Corpus:
    generated: dict[str, Generated]
    ours_folder: Path
    stock_folder: Path
    _index: dict[str, tuple[dict[str, Pair], list[str]]] = dataclasses.field(default_factory=dict)

    def spec(self, name: str) -> Generated:
        item = self.generated[name]
        if item.ours_error or item.stock_error:
            pytest.fail(f"{name} was not generated: {item.ours_error or ''}{item.stock_error or ''}")
        return item

    def synthesizers(self, name: str) -> tuple[Synthesizer, Synthesizer]:
        item = self.spec(name)
        return Synthesizer(item.stock), Synthesizer(item.ours)

    def index(self, name: str) -> tuple[dict[str, Pair], list[str]]:
        """Operation key -> its modules, found by the request the stock module builds; and the stock modules that
        match no operation of the spec."""
        if name not in self._index:
            item = self.spec(name)
            document = corpus_lib.load_spec(item.spec)
            operations = corpus_lib.spec_operations(document)
            stock_synthesizer = Synthesizer(item.stock)
            pairs: dict[str, Pair] = {}
            unmatched = []
            for module in corpus_lib.endpoint_modules(item.stock):
                stock = __import__(f"{item.stock}.{module}", fromlist=["_get_kwargs"])
                try:
                    ours: ModuleType | None = __import__(f"{item.ours}.{module}", fromlist=["_get_kwargs"])
                except ImportError:
                    ours = None
                arguments = stock_synthesizer.arguments(stock._get_kwargs, full=False)
                kwargs = stock._get_kwargs(**arguments)
                operation = corpus_lib.match_operation(operations, kwargs["method"], kwargs["url"])
                if operation is None or operation.key in pairs:
                    unmatched.append(module)
                else:
                    pairs[operation.key] = Pair(stock, ours, module)
            self._index[name] = (pairs, unmatched)
        return self._index[name]

    def operation(self, name: str, key: str) -> tuple[SpecOperation, Pair]:
        document = corpus_lib.load_spec(self.spec(name).spec)
        operation = next(item for item in corpus_lib.spec_operations(document) if item.key == key)
        pairs, _ = self.index(name)
        assert key in pairs, f"the stock generator makes no module for {key}"
        pair = pairs[key]
        assert pair.ours is not None, f"ours has no module {pair.module}, stock has"
        return operation, pair


def _generate_corpus(base: Path) -> dict[str, dict[str, Any]]:
    """Every spec both ways into ``base/ours`` and ``base/stock``: spec name -> its Generated fields but the spec."""
    generated = corpus_lib.generate_all(SPECS, base / "ours", base / "stock")
    return {name: {**dataclasses.asdict(item), "spec": None} for name, item in generated.items()}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The corpus generated once per session (by whichever xdist worker asks first), imported by each worker."""
    inputs = (*SPECS, corpus_lib.CORPUS, Path(corpus_lib.__file__), *GENERATOR_INPUTS)
    base, fields = shared(tmp_path_factory, "corpus", inputs, _generate_corpus)
    ours_folder, stock_folder = base / "ours", base / "stock"
    specs = {corpus_lib.spec_name(spec): spec for spec in SPECS}
    generated = {name: Generated(**{**item, "spec": specs[name]}) for name, item in fields.items()}
    sys.path[:0] = [str(ours_folder), str(stock_folder)]
    prefixes = tuple(name for item in generated.values() for name in (item.ours, item.stock))
    try:
        yield Corpus(generated, ours_folder, stock_folder)
    finally:
        for folder in (ours_folder, stock_folder):
            while str(folder) in sys.path:
                sys.path.remove(str(folder))
        corpus_lib.forget_modules(prefixes)


def stock_client(module: ModuleType, recorder: Recorder) -> Any:
    package = sys.modules[module.__name__.split(".")[0]]
    return package.Client(
        base_url=corpus_lib.BASE_URL,
        httpx_args={"transport": recorder.transport()},
        raise_on_unexpected_status=False,
    )


def ours_client(module: ModuleType, recorder: Recorder) -> Any:
    package = sys.modules[module.__name__.split(".")[0]]
    # max_retries=0: a 429 or 5xx answer is raised at once instead of being retried after a sleep
    return package.Client(base_url=corpus_lib.BASE_URL, httpx_args={"transport": recorder.transport()}, max_retries=0)


# -- gates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_both_sides_generate(corpus: Corpus, name: str) -> None:
    item = corpus.generated[name]
    assert item.ours_error is None, item.ours_error
    assert item.stock_error is None, item.stock_error


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_every_module_of_ours_imports(corpus: Corpus, name: str) -> None:
    item = corpus.spec(name)
    failures = []
    for module in corpus_lib.all_modules(item.ours):
        try:
            __import__(module)
        except Exception as error:
            failures.append(f"{module}: {error!r}")
    assert failures == []


def _ours_packages(corpus: Corpus) -> list[str]:
    return [item.ours for item in corpus.generated.values() if (corpus.ours_folder / item.ours).is_dir()]


def test_ruff_reports_nothing_on_ours(corpus: Corpus) -> None:
    command = [str(corpus_lib.BIN / "ruff"), "check", "--isolated", "--line-length=120", "--target-version=py311"]
    command += ["--extend-ignore=RUF100", "--no-cache", "--output-format=concise", *_ours_packages(corpus)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=corpus.ours_folder, check=False)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_mypy_strict_reports_nothing_on_ours(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> None:
    result = mypy_strict(tmp_path_factory, *(corpus.ours_folder / name for name in _ours_packages(corpus)))
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Success: no issues found"), result.stdout[-2000:]


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_both_packages_have_the_same_operation_modules(corpus: Corpus, name: str) -> None:
    item = corpus.spec(name)
    assert sorted(corpus_lib.endpoint_modules(item.ours)) == sorted(corpus_lib.endpoint_modules(item.stock))
    _, unmatched = corpus.index(name)
    assert unmatched == [], "stock modules that match no operation of the spec"


@pytest.mark.parametrize(("name", "key", "survivor"), FOLDED)
def test_colliding_operation_ids_give_the_last_ones_module_in_both(
    corpus: Corpus, name: str, key: str, survivor: str
) -> None:
    """COVERAGE.md "What the stock output gets wrong": the generator writes one module for operation ids that
    collide after snake-casing, the last one's; ours has the same single module (and one API method)."""
    pairs, _ = corpus.index(name)
    assert key not in pairs and survivor in pairs
    assert pairs[survivor].ours is not None


# -- requests -----------------------------------------------------------------------------------------------------


def _signature(synthesizer: Synthesizer, function: Any) -> list[tuple[str, str, bool]]:
    return [
        (parameter.name, parameter.kind.name, parameter.default is parameter.empty)
        for parameter, _ in synthesizer.parameters(function)
    ]


def _send(function: Any, client: Any, recorder: Recorder, arguments: dict[str, Any]) -> httpx.Request | Exception:
    """Call ``function``: the one request it sent (whatever it then made of the mock's answer), or the exception
    it raised before sending anything."""
    recorder.requests.clear()
    try:
        function(client=client, **arguments)
    except Exception as error:
        if not recorder.requests:
            return error
    assert len(recorder.requests) == 1, f"{len(recorder.requests)} requests sent"
    return recorder.requests[0]


def _differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    return [
        f"{key}: stock {expected[key]!r}, ours {actual[key]!r}"
        for key in expected
        if key != "idempotency-key" and expected[key] != actual[key]
    ]


@pytest.mark.filterwarnings("ignore:Setting per-request cookies:DeprecationWarning")  # the stock module's way
@pytest.mark.parametrize(("name", "key"), OPERATIONS)
def test_requests_are_the_stock_requests(corpus: Corpus, name: str, key: str) -> None:
    operation, pair = corpus.operation(name, key)
    assert pair.ours is not None
    stock_synthesizer, ours_synthesizer = corpus.synthesizers(name)
    stock_function, ours_function = pair.stock.sync_detailed, pair.ours.sync_detailed
    assert _signature(ours_synthesizer, ours_function) == _signature(stock_synthesizer, stock_function)

    variants: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("minimal", {"full": False}, {"full": False}),
        ("full", {"full": True}, {"full": True}),
    ]
    stock_bodies = stock_synthesizer.body_alternatives(stock_function)
    ours_bodies = ours_synthesizer.body_alternatives(ours_function)
    assert [body.__name__ for body in ours_bodies] == [body.__name__ for body in stock_bodies]
    for stock_body, ours_body in list(zip(stock_bodies, ours_bodies, strict=True))[1:]:
        variants.append(
            (f"body {stock_body.__name__}", {"full": True, "body": stock_body}, {"full": True, "body": ours_body})
        )

    recorder = Recorder()
    stock, ours = stock_client(pair.stock, recorder), ours_client(pair.ours, recorder)
    failures = []
    for variant, stock_options, ours_options in variants:
        failures += _compare_requests(
            (name, key, variant),
            operation,
            pair,
            (stock_synthesizer, ours_synthesizer),
            (stock, ours),
            recorder,
            (stock_options, ours_options),
        )
    assert failures == [], "\n".join(failures)


def _compare_requests(
    where: tuple[str, str, str],
    operation: SpecOperation,
    pair: Pair,
    synthesizers: tuple[Synthesizer, Synthesizer],
    clients: tuple[Any, Any],
    recorder: Recorder,
    options: tuple[dict[str, Any], dict[str, Any]],
) -> list[str]:
    """One call of each module with the same arguments; the differences of the two requests."""
    assert pair.ours is not None
    name, key, variant = where
    stock_arguments = synthesizers[0].arguments(pair.stock.sync_detailed, **options[0])
    ours_arguments = synthesizers[1].arguments(pair.ours.sync_detailed, **options[1])
    stock_request = _send(pair.stock.sync_detailed, clients[0], recorder, stock_arguments)
    ours_request = _send(pair.ours.sync_detailed, clients[1], recorder, ours_arguments)
    if isinstance(stock_request, Exception):
        # The stock module cannot send these arguments (a File in a JSON body): ours must refuse them too, and the
        # same call without files is compared instead.
        failures = []
        if not isinstance(ours_request, Exception):
            failures.append(f"{variant}: stock raised {stock_request!r} before sending, ours sent a request")
        if synthesizers[0].files:
            without = (
                Synthesizer(synthesizers[0].package, files=False),
                Synthesizer(synthesizers[1].package, files=False),
            )
            failures += _compare_requests(
                (name, key, f"{variant} without files"), operation, pair, without, clients, recorder, options
            )
        return failures
    if isinstance(ours_request, Exception):
        return [f"{variant}: ours raised {ours_request!r} before sending"]
    expected = corpus_lib.request_snapshot(stock_request)
    actual = corpus_lib.request_snapshot(ours_request)
    failures = []
    shadowed = STOCK_SHADOWED_QUERY.get((name, key), ())
    if shadowed:
        expected["query"] = [item for item in expected["query"] if item[0] not in shadowed]
        sent = [item for item in actual["query"] if item[0] in shadowed]
        actual["query"] = [item for item in actual["query"] if item[0] not in shadowed]
        wanted = sorted((parameter, ours_arguments[parameter]) for parameter in shadowed if parameter in ours_arguments)
        if sorted(sent) != wanted:
            failures.append(f"{variant}: shadowed query parameters: sent {sent}, passed {wanted}")
    failures += [f"{variant}: {difference}" for difference in _differences(expected, actual)]
    keys = actual["idempotency-key"]
    if expected["idempotency-key"]:
        if keys != expected["idempotency-key"]:
            failures.append(f"{variant}: Idempotency-Key: stock {expected['idempotency-key']}, ours {keys}")
    elif operation.method in ("POST", "PATCH"):
        if len(keys) != 1 or uuid.UUID(keys[0]).version != 4 or str(uuid.UUID(keys[0])) != keys[0]:
            failures.append(f"{variant}: {operation.method} without one UUID4 Idempotency-Key: {keys}")
    elif keys:
        failures.append(f"{variant}: {operation.method} with an Idempotency-Key: {keys}")
    return failures


# -- answers ------------------------------------------------------------------------------------------------------


def _stock_parse(pair: Pair, client: Any, answer: Answer, request: httpx.Request) -> tuple[str, Any]:
    """("parsed", value) or ("raised", exception type name): the stock ``_parse_response`` of the same body."""
    try:
        return "parsed", pair.stock._parse_response(
            client=client, response=answer.response(request, answer.stock_status)
        )
    except Exception as error:
        return "raised", type(error).__name__


def _check_answer(pair: Pair, answer: Answer, stock: Any, ours: Any, recorder: Recorder, arguments: Any) -> list[str]:
    assert pair.ours is not None
    recorder.reply = answer.response
    label = answer.label
    if answer.stock_status is None:  # not a 2xx: raised
        try:
            result = pair.ours.sync_detailed(client=ours, **arguments)
        except zuora_oauth.ApiError as error:
            wanted = expected_error(answer.status)
            if type(error) is not wanted or error.code != answer.status:
                return [f"{label}: raised {type(error).__name__}(code={error.code}), not {wanted.__name__}"]
            return []
        return [f"{label}: returned {result!r} instead of raising"]

    request = httpx.Request("GET", corpus_lib.BASE_URL)
    outcome, stock_parsed = _stock_parse(pair, stock, answer, request)
    try:
        result = pair.ours.sync_detailed(client=ours, **arguments)
    except zuora_oauth.ApiError as error:
        if outcome == "raised" and isinstance(error, zuora_oauth.MalformedResponseError):
            return [] if error.code == answer.status else [f"{label}: MalformedResponseError code {error.code}"]
        return [f"{label}: raised {type(error).__name__}: {error} (stock: {outcome} {stock_parsed!r})"]
    if outcome == "raised":
        return [f"{label}: stock raised {stock_parsed}, ours returned {result.parsed!r}"]
    failures = []
    if type(result.status_code) is not int or result.status_code != answer.status:
        failures.append(f"{label}: status_code {result.status_code!r}")
    if stock_parsed is None and answer.json_schema:
        # a JSON answer whose type is only Any: the stock module does not parse it at all; the generator reads JSON
        expected = corpus_lib.canonical(json.loads(answer.body))
    elif stock_parsed is None and answer.declares_content:
        expected = corpus_lib.canonical(answer.body)  # content the generator reads no schema of: bytes
    else:
        expected = corpus_lib.canonical(stock_parsed)
    actual = corpus_lib.canonical(result.parsed)
    if actual != expected:
        failures.append(f"{label}: parsed\n    stock {expected!r}\n    ours  {actual!r}")
    return failures


def _check_business_failure(pair: Pair, answer: Answer, ours: Any, recorder: Recorder, arguments: Any) -> list[str]:
    """A 2xx JSON object saying ``"success": false`` raises BusinessError."""
    assert pair.ours is not None
    failing = dataclasses.replace(answer, body=json.dumps({**json.loads(answer.body), "success": False}).encode())
    recorder.reply = failing.response
    try:
        result = pair.ours.sync_detailed(client=ours, **arguments)
    except zuora_oauth.BusinessError as error:
        return [] if error.code == answer.status else [f"{answer.label} success=false: code {error.code}"]
    except zuora_oauth.ApiError as error:
        return [f"{answer.label} success=false: raised {type(error).__name__}, not BusinessError"]
    return [f"{answer.label} success=false: returned {result.parsed!r}"]


@pytest.mark.parametrize(("name", "key"), OPERATIONS)
def test_answers_parse_like_the_stock_module(corpus: Corpus, name: str, key: str) -> None:
    operation, pair = corpus.operation(name, key)
    assert pair.ours is not None
    document = corpus_lib.load_spec(corpus.spec(name).spec)
    _, ours_synthesizer = corpus.synthesizers(name)
    arguments = ours_synthesizer.arguments(pair.ours.sync_detailed, full=False)
    recorder = Recorder()
    stock, ours = stock_client(pair.stock, recorder), ours_client(pair.ours, recorder)
    answers = corpus_lib.answers(document, operation)
    assert answers, "the spec declares no response"
    failures = []
    for answer in answers:
        failures += _check_answer(pair, answer, stock, ours, recorder, arguments)
        is_json = answer.stock_status is not None and "json" in (answer.content_type or "")
        if is_json and isinstance(json.loads(answer.body), dict):
            failures += _check_business_failure(pair, answer, ours, recorder, arguments)
    assert failures == [], "\n".join(failures)
