"""Shared fixtures: a FakeZuora on a free loopback port per test, with a canary secret nobody may print.

The secret-leak canary (``_secret_canary``, session-wide and autouse) watches every test of the session: each
log record (the ``zuora_oauth``, ``httpx`` and ``httpcore`` loggers are set to DEBUG), the text, repr, message,
body and reasons of every ApiError created, the repr of every SDK object created (clients, APIs, ZuoraAuth,
models, token records, stores, fakes), everything the test printed (captured stdout/stderr, ``capsys``/``capfd``
reads, subprocess output read through ``communicate``) and every file under the test's ``tmp_path``. After the
test it looks there for ``CANARY_SECRET`` in each spelling a leak takes (as is, percent-encoded, JSON-escaped)
and for every access token any FakeZuora issued during the session; a hit fails the test (an error at teardown
naming where, never the secret itself).

Opt-outs, each as narrow as the reason for it:

* ``@pytest.mark.prints_token``: the test prints tokens on purpose (``zuora-oauth token --raw/--json``); its
  printed output is not searched for tokens. It is still searched for the secret; logs, errors, reprs and files
  are still searched for both.
* ``@pytest.mark.hostile_server``: the test's server writes the secret into the HTTP framing itself, which httpx
  and httpcore quote in their own DEBUG records; their records (and only theirs) are not searched.
"""

from __future__ import annotations

import logging
import re
import subprocess
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from zuora_oauth.testing import FakeZuora

pytest_plugins = ["pytester", "tests._freshness"]

#: The client secret of every FakeZuora in the suite; no log record, repr, error text or file may contain it.
CANARY_SECRET = "canary+SECRET/8d1f2c9e4b7a6035=="


@pytest.fixture
def fake() -> Iterator[FakeZuora]:
    """A running FakeZuora that accepts the canary secret."""
    with FakeZuora(client_secret=CANARY_SECRET) as server:
        yield server


# -- the secret-leak canary ---------------------------------------------------------------------------------------

#: Every spelling of the secret a leak takes; written out here rather than taken from the SDK under test.
SECRET_SPELLINGS = {
    "the canary secret": CANARY_SECRET,
    "the canary secret percent-encoded": quote(CANARY_SECRET, safe=""),
    "the canary secret form-encoded": quote_plus(CANARY_SECRET),
    "the canary secret JSON-escaped": CANARY_SECRET.replace("/", "\\/"),
}
#: Loggers set to DEBUG for every test, so what they would say at DEBUG is searched too.
WATCHED_LOGGERS = ("zuora_oauth", "httpx", "httpcore")
#: Loggers whose records a ``hostile_server`` test may let through.
THIRD_PARTY_LOGGERS = ("httpx", "httpcore", "h11")

_HEX_RUN = re.compile(r"[0-9a-f]{32,}")
_MAX_FILE_BYTES = 16 * 1024 * 1024


class SecretCanary:
    """Collects what one test said and scans it for the canary secret and for issued tokens."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()  # every token FakeZuora issued this session (32 lowercase hex)
        self.records: list[logging.LogRecord] = []
        self.errors: list[BaseException] = []
        self.objects: list[tuple[object, str]] = []  # (instance, its repr when it was created)
        self.outputs: list[tuple[str, str]] = []

    def reset(self) -> None:
        """Forget the previous test's records, errors, objects and outputs (not the tokens)."""
        self.records, self.errors, self.objects, self.outputs = [], [], [], []

    # -- searching ----------------------------------------------------------------------------------------------

    def search(self, text: str, *, tokens: bool = True) -> str | None:
        """The name of the first needle in ``text``: a spelling of the secret, or (if ``tokens``) an issued token."""
        for name, spelling in SECRET_SPELLINGS.items():
            if spelling in text:
                return name
        if tokens and self.tokens:
            for run in _HEX_RUN.findall(text):  # a token inside a longer hex run is found by every 32-char window
                for start in range(len(run) - 31):
                    if run[start : start + 32] in self.tokens:
                        return "an access token issued by FakeZuora"
        return None

    def scan(self, *, prints_token: bool, hostile_server: bool, tmp_path: Path | None) -> list[str]:
        """Everything the test left behind, searched: one line per place with a needle, naming both."""
        findings: list[str] = []

        def look(where: str, text: str, *, tokens: bool = True) -> None:
            needle = self.search(text, tokens=tokens)
            if needle is not None:
                findings.append(f"{needle} in {where}")

        for record in list(self.records):
            if hostile_server and record.name.split(".")[0] in THIRD_PARTY_LOGGERS:
                continue
            look(
                f"log record {record.name} {record.levelname} ({record.filename}:{record.lineno})", _record_text(record)
            )
        for error in list(self.errors):
            look(f"{type(error).__name__} created in the test", _error_text(error))
        for instance, first_repr in list(self.objects):  # the repr at creation and now: a leak for a while is a leak
            look(f"repr of a {type(instance).__name__}", f"{first_repr}\n{_safe_repr(instance)}")
        for where, text in list(self.outputs):
            look(where, text, tokens=not prints_token)
        if tmp_path is not None and tmp_path.exists():
            for path in sorted(tmp_path.rglob("*")):
                look(f"the name of {path.relative_to(tmp_path)}", path.name)
                if path.is_file() and not path.is_symlink():
                    data = path.read_bytes()[:_MAX_FILE_BYTES]
                    look(f"the file {path.relative_to(tmp_path)}", data.decode("latin-1"))
        return findings

    # -- collecting ---------------------------------------------------------------------------------------------

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
        """Start collecting for the session; returns the function that stops it (the patches are undone apart)."""
        from zuora_oauth._exceptions import ApiError
        from zuora_oauth.testing import _tokens

        handler = _Collector(self)
        root = logging.getLogger()
        root.addHandler(handler)
        levels = {name: logging.getLogger(name).level for name in WATCHED_LOGGERS}
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)

        def stop() -> None:
            root.removeHandler(handler)
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)

        _after(monkeypatch, ApiError, "__init__", lambda error, *_: self.errors.append(error))
        issue = _tokens.TokenRegistry.issue

        def record_issue(registry: Any, *args: Any, **kwargs: Any) -> Any:
            issued = issue(registry, *args, **kwargs)
            self.tokens.add(issued.access_token)
            return issued

        monkeypatch.setattr(_tokens.TokenRegistry, "issue", record_issue)
        for cls in _sdk_classes():
            if issubclass(cls, tuple):  # a NamedTuple is built by __new__, which returns the instance
                _after(
                    monkeypatch,
                    cls,
                    "__new__",
                    lambda _cls, instance: self.objects.append((instance, _safe_repr(instance))),
                )
            else:
                _after(
                    monkeypatch,
                    cls,
                    "__init__",
                    lambda instance, *_: self.objects.append((instance, _safe_repr(instance))),
                )
        _after(
            monkeypatch,
            pytest.CaptureFixture,
            "readouterr",
            lambda _fixture, result: self.outputs.append(
                ("output read with capsys/capfd", f"{result.out}{result.err}")
            ),
        )
        _after(
            monkeypatch,
            subprocess.Popen,
            "communicate",
            lambda _popen, result: self.outputs.extend(("subprocess output", _text(part)) for part in result if part),
        )
        return stop


class _Collector(logging.Handler):
    """Keeps every record of every level; formatting waits for the scan."""

    def __init__(self, canary: SecretCanary) -> None:
        super().__init__(logging.DEBUG)
        self._canary = canary

    def emit(self, record: logging.LogRecord) -> None:
        self._canary.records.append(record)


def _after(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, observe: Callable[..., None]) -> None:
    """Patch ``cls.name`` so that ``observe(self, result)`` is called after every call (``self`` for ``__init__``)."""
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        observe(self, result)
        return result

    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    monkeypatch.setattr(cls, name, wrapper)


def _sdk_classes() -> Iterable[type]:
    """The SDK's classes whose reprs a user may print or log."""
    import zuora_oauth.stores as stores
    from zuora_oauth import AsyncOAuthApi, AuthenticatedClient, Client, OAuthApi
    from zuora_oauth.auth import ZuoraAuth
    from zuora_oauth.models import token_request, token_response

    yield from (Client, AuthenticatedClient, OAuthApi, AsyncOAuthApi, ZuoraAuth, FakeZuora)
    yield from (token_request.TokenRequest, token_response.TokenResponse)
    for name in getattr(stores, "__all__", ()):  # every concrete store and the token record, whoever adds them
        cls = getattr(stores, name, None)
        if isinstance(cls, type) and not getattr(cls, "_is_protocol", False):
            yield cls


def _record_text(record: logging.LogRecord) -> str:
    parts = [str(record.msg)]
    try:
        parts.append(record.getMessage())
    except Exception as error:  # a record whose arguments do not format is still searched
        parts.append(repr(record.args) + repr(error))
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    parts += [record.exc_text or "", record.stack_info or ""]
    return "\n".join(parts)


def _error_text(error: BaseException) -> str:
    parts = [_safe_repr(error), str(error), *(repr(arg) for arg in error.args)]
    for name in ("message", "response_body", "reasons", "request_id"):
        parts.append(repr(getattr(error, name, "")))
    return "\n".join(parts)


def _safe_repr(instance: object) -> str:
    try:
        return repr(instance)
    except Exception as error:
        return f"<repr failed: {error!r}>"


def _text(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("latin-1")


CANARY = SecretCanary()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "prints_token: the test prints access tokens on purpose (zuora-oauth token --raw/--json); the secret "
        "canary does not look for tokens in what it prints (it still looks for the secret, and everywhere else).",
    )
    config.addinivalue_line(
        "markers",
        "hostile_server: the test's server writes the canary secret into the HTTP framing, which httpx and "
        "httpcore quote in their own DEBUG records; the secret canary skips those third-party records only.",
    )


@pytest.fixture(scope="session", autouse=True)
def _secret_canary() -> Iterator[SecretCanary]:
    """Collect for the whole session; each test is scanned by ``pytest_runtest_makereport`` below."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        stop = CANARY.install(monkeypatch)
        try:
            yield CANARY
        finally:
            stop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    CANARY.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    if call.when != "teardown":
        return report
    for title, content in report.sections:
        if title.startswith(("Captured stdout", "Captured stderr")):
            CANARY.outputs.append((title.lower(), content))
    funcargs = getattr(item, "funcargs", {})
    tmp_path = funcargs.get("tmp_path")
    findings = CANARY.scan(
        prints_token=item.get_closest_marker("prints_token") is not None,
        hostile_server=item.get_closest_marker("hostile_server") is not None,
        tmp_path=tmp_path if isinstance(tmp_path, Path) else None,
    )
    CANARY.reset()
    if findings:
        listed = "\n".join(f"  - {finding}" for finding in dict.fromkeys(findings))
        report.outcome = "failed"
        report.longrepr = f"secret canary: {len(findings)} leak(s) in {item.nodeid}:\n{listed}"
    return report
