"""The secret-leak canary of conftest.py catches leaks: proven on its search, on its wiring, and end to end.

The end-to-end test runs a small pytest session (in a subprocess, with this suite's conftest.py) whose tests leak
the canary secret or an issued token in every way the canary watches, and checks that exactly those tests fail
with a finding that names the place, and that the clean and opted-out ones pass.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import CANARY, CANARY_SECRET, SecretCanary
from zuora_oauth import ApiError
from zuora_oauth.auth import ZuoraAuth
from zuora_oauth.testing import FakeZuora

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def canary() -> SecretCanary:
    """A fresh canary that knows one issued token (the session's canary is left alone)."""
    fresh = SecretCanary()
    fresh.tokens.add(TOKEN)
    return fresh


# -- what it searches for ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (f"client_secret={CANARY_SECRET}", "the canary secret"),
        (f"client_secret={quote(CANARY_SECRET, safe='')}", "the canary secret percent-encoded"),
        ('{"secret": "' + CANARY_SECRET.replace("/", "\\/") + '"}', "the canary secret JSON-escaped"),
        (f"Authorization: Bearer {TOKEN}", "an access token issued by FakeZuora"),
        (f"ff{TOKEN}00aa", "an access token issued by FakeZuora"),  # inside a longer hex run
        ("secret ****35== and token ****cdef", None),  # masks are not leaks
        (TOKEN[:31], None),
        (TOKEN.upper(), None),
    ],
)
def test_search_finds_every_spelling_and_no_mask(canary: SecretCanary, text: str, needle: str | None) -> None:
    assert canary.search(text) == needle


def test_tokens_can_be_left_out_of_a_search_but_never_the_secret(canary: SecretCanary) -> None:
    assert canary.search(TOKEN, tokens=False) is None
    assert canary.search(CANARY_SECRET, tokens=False) == "the canary secret"


def test_scan_reports_each_place_by_name(canary: SecretCanary, tmp_path: Path) -> None:
    record = logging.LogRecord("zuora_oauth.x", logging.DEBUG, "f.py", 7, "sent %s", (CANARY_SECRET,), None)
    try:
        raise RuntimeError(f"token {TOKEN}")
    except RuntimeError:
        failing = logging.LogRecord("httpcore.http11", logging.DEBUG, "g.py", 9, "failed", (), sys.exc_info())
    canary.records += [record, failing]
    canary.errors.append(ValueError("nothing here"))
    canary.objects.append((object(), f"Leaky({CANARY_SECRET})"))  # a repr that leaked when the object was made
    canary.outputs.append(("captured stdout call", TOKEN))
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "token.json").write_text(f'{{"access_token": "{TOKEN}"}}')

    findings = canary.scan(prints_token=False, hostile_server=False, tmp_path=tmp_path)
    assert findings == [
        "the canary secret in log record zuora_oauth.x DEBUG (f.py:7)",
        "an access token issued by FakeZuora in log record httpcore.http11 DEBUG (g.py:9)",
        "the canary secret in repr of a object",
        "an access token issued by FakeZuora in captured stdout call",
        "an access token issued by FakeZuora in the file store/token.json",
    ]
    assert not any(CANARY_SECRET in finding or TOKEN in finding for finding in findings)  # a finding never leaks

    narrowed = canary.scan(prints_token=True, hostile_server=True, tmp_path=None)
    assert narrowed == [
        "the canary secret in log record zuora_oauth.x DEBUG (f.py:7)",
        "the canary secret in repr of a object",
    ]


# -- that it is wired into every test ---------------------------------------------------------------------------


def test_the_session_canary_sees_this_tests_tokens_logs_errors_and_objects(fake: FakeZuora) -> None:
    with ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url) as auth:
        token = auth.get_token()
    error = ApiError("a message", code=418)

    assert token in CANARY.tokens
    assert any(record.name == "zuora_oauth" and record.levelno == logging.DEBUG for record in CANARY.records)
    assert any(record.name.startswith("httpcore") for record in CANARY.records)
    assert any(seen is error for seen in CANARY.errors)
    assert any(isinstance(seen, ZuoraAuth) for seen, _ in CANARY.objects)
    assert any(isinstance(seen, FakeZuora) for seen, _ in CANARY.objects)
    assert CANARY.scan(prints_token=False, hostile_server=False, tmp_path=None) == []


def test_captured_reads_are_seen(capsys: pytest.CaptureFixture[str]) -> None:
    print("hello")
    assert capsys.readouterr().out == "hello\n"
    assert ("output read with capsys/capfd", "hello\n") in CANARY.outputs


# -- end to end: leaking tests fail, the rest pass ----------------------------------------------------------------

LEAKING_TESTS = """
import logging
import subprocess
import sys

import pytest

from zuora_oauth import ApiError
from zuora_oauth.auth import ZuoraAuth

SECRET = {secret!r}


def get_token(fake):
    with ZuoraAuth(fake.client_id, SECRET, base_url=fake.base_url) as auth:
        return auth.get_token()


def test_clean(fake):
    assert len(get_token(fake)) == 32


def test_logs_the_secret():
    logging.getLogger("zuora_oauth.anything").debug("posting %s", SECRET)


def test_logs_the_secret_url_encoded():
    logging.getLogger("myapp").warning("body client_secret=canary%2BSECRET%2F8d1f2c9e4b7a6035%3D%3D")


def test_prints_a_token(fake):
    print(get_token(fake))


@pytest.mark.prints_token
def test_prints_a_token_on_purpose(fake):
    print(get_token(fake))


@pytest.mark.prints_token
def test_prints_the_secret_despite_the_marker():
    print(SECRET)


def test_writes_a_token_to_a_file(fake, tmp_path):
    (tmp_path / "cache.json").write_text(get_token(fake))


def test_builds_an_error_quoting_the_secret():
    ApiError(f"server said: bad secret {{SECRET}}")  # never raised: its text is still a leak


def test_a_repr_shows_the_secret(fake, monkeypatch):
    monkeypatch.setattr(ZuoraAuth, "__repr__", lambda self: SECRET)
    get_token(fake)


@pytest.mark.hostile_server
def test_third_party_records_of_a_hostile_server():
    logging.getLogger("httpcore.http11").debug("illegal header line: %s", SECRET)


@pytest.mark.hostile_server
def test_own_records_of_a_hostile_server():
    logging.getLogger("zuora_oauth").info("illegal header line: %s", SECRET)


def test_subprocess_output():
    subprocess.run([sys.executable, "-c", "print(%r)" % SECRET], capture_output=True, check=True)


def test_output_read_by_the_test(capsys):
    print(SECRET)
    capsys.readouterr()
"""

EXPECTED_FINDINGS = {
    "test_logs_the_secret": "the canary secret in log record zuora_oauth.anything DEBUG",
    "test_logs_the_secret_url_encoded": "the canary secret percent-encoded in log record myapp WARNING",
    "test_prints_a_token": "an access token issued by FakeZuora in captured stdout call",
    "test_prints_the_secret_despite_the_marker": "the canary secret in captured stdout call",
    "test_writes_a_token_to_a_file": "an access token issued by FakeZuora in the file cache.json",
    "test_builds_an_error_quoting_the_secret": "the canary secret in ApiError created in the test",
    "test_a_repr_shows_the_secret": "the canary secret in repr of a ZuoraAuth",
    "test_own_records_of_a_hostile_server": "the canary secret in log record zuora_oauth INFO",
    "test_subprocess_output": "the canary secret in subprocess output",
    "test_output_read_by_the_test": "the canary secret in output read with capsys/capfd",
}


def test_leaking_tests_fail_and_only_they(pytester: pytest.Pytester) -> None:
    """A child session with this suite's conftest.py. Its output (full of deliberate leaks) goes to a file, not to
    this test's stdout, so the canary of this session judges this test alone."""
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_leaks=LEAKING_TESTS.format(secret=CANARY_SECRET))
    report = pytester.path / "session.txt"
    with report.open("w", encoding="utf-8") as out:
        subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rE", "test_leaks.py"],
            cwd=pytester.path,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},  # conftest's plugins: tests._*
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=120,
            check=False,
        )
    lines = report.read_text(encoding="utf-8").splitlines()

    outcomes = pytest.RunResult.parse_summary_nouns(lines)
    assert outcomes == {"passed": len(EXPECTED_FINDINGS) + 3, "errors": len(EXPECTED_FINDINGS)}  # 13 calls pass
    errored = {line.split("::")[1].split(" ")[0] for line in lines if line.startswith("ERROR test_leaks.py::")}
    assert errored == set(EXPECTED_FINDINGS)
    for test, finding in EXPECTED_FINDINGS.items():
        pytest.LineMatcher(lines).fnmatch_lines(
            [f"secret canary: * leak(s) in test_leaks.py::{test}:", f"*- {finding}*"]
        )
