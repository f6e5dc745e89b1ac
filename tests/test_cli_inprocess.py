"""The zuora-oauth command line in this process (``cli.main([...])``) against FakeZuora: every option and branch of
``cli``, ``_cli_token``, ``_cli_secret`` and ``_cli_demo``. tests/test_cli.py runs the same command as a real
process for what only a process shows (exit status, a real stdin, a terminal, signals).

Expected values are written out here (URLs, messages, exit codes), never taken from the modules under test. The
only stand-in is ``getpass.getpass``: it reads the controlling terminal itself, which a test process may not have
(the real prompt is proven by the pseudo-terminal test in tests/test_cli.py).
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests._servers import closed_port
from tests.conftest import CANARY_SECRET
from zuora_oauth import cli
from zuora_oauth._cli_token import _base_url
from zuora_oauth.testing import FakeZuora

ENV_VARIABLES = ("ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET", "ZUORA_ENVIRONMENT", "ZUORA_ENV", "ZUORA_BASE_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ZUORA_* variable of the machine, and a standard input that is an empty pipe, not a terminal."""
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


@pytest.fixture
def credentials(fake: FakeZuora, monkeypatch: pytest.MonkeyPatch) -> FakeZuora:
    """The fake's credentials in ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET."""
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", CANARY_SECRET)
    return fake


@pytest.fixture
def private_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 0700 folder for files holding the canary secret on purpose (the canary scans only ``tmp_path``)."""
    folder = tmp_path_factory.mktemp("secrets")
    folder.chmod(0o700)
    return folder


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command line argparse refuses; its stderr (the exit status is asserted to be 2)."""
    with pytest.raises(SystemExit) as exited:
        cli.main(list(args))
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def write(path: Path, data: bytes, mode: int = 0o600) -> str:
    path.write_bytes(data)
    path.chmod(mode)
    return str(path)


# -- the top level --------------------------------------------------------------------------------------------------


def test_version_prints_the_installed_distribution_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"zuora-oauth {importlib.metadata.version('zuora-oauth')}\n"


def test_without_arguments_the_command_line_of_the_process_is_read(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["zuora-oauth", "token", "--env", "mars"])
    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert exited.value.code == 2
    assert "Unknown Zuora environment 'mars'" in capsys.readouterr().err


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert "the following arguments are required: COMMAND" in usage_error(capsys)


# -- zuora-oauth token: output ----------------------------------------------------------------------------------------


def test_token_summary_masks_the_token_and_sends_the_zuora_headers(
    credentials: FakeZuora, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = credentials
    flags = ["--track-id", "t-1", "--entity-id", "e-1", "--org-id", "o-1", "--org-id", "o-2"]
    code = cli.main(["token", "--base-url", fake.base_url + "/", *flags])

    out = capsys.readouterr().out
    assert code == 0
    token = fake.issued_tokens[-1]
    assert token not in out and f"Token:       ****{token[-4:]}\n" in out
    assert "Type:        bearer\n" in out
    assert "Expires in:  3600 s (until 20" in out
    assert f"Base URL:    {fake.base_url}\n" in out  # the trailing slash is dropped
    assert "Scope:       user." in out and "Request id:  " in out
    headers = fake.token_request_log[-1].headers
    assert headers["zuora-track-id"] == "t-1" and headers["zuora-entity-ids"] == "e-1"
    assert headers["zuora-org-ids"] == "o-1,o-2"


def test_a_token_answer_without_type_scope_or_lifetime_is_summarised(
    credentials: FakeZuora, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials.enqueue(status=200, body={"access_token": "scripted-token-without-expiry"})

    assert cli.main(["token", "--base-url", credentials.base_url]) == 0
    out = capsys.readouterr().out
    assert "Token:       ****piry\n" in out
    assert "Type:        \n" in out and "Scope:       \n" in out and "Expires in:  unknown\n" in out
    assert "zuora-org-ids" not in credentials.token_request_log[-1].headers


@pytest.mark.prints_token
def test_raw_prints_the_token_alone(credentials: FakeZuora, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token", "--raw", "--base-url", credentials.base_url]) == 0
    assert capsys.readouterr().out == credentials.issued_tokens[-1] + "\n"


@pytest.mark.prints_token
def test_json_prints_the_whole_answer(credentials: FakeZuora, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token", "--json", "--base-url", credentials.base_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["access_token"] == credentials.issued_tokens[-1]
    assert data["expires_in"] == 3600 and data["token_type"] == "bearer"


def test_json_and_raw_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert "argument --raw: not allowed with argument --json" in usage_error(capsys, "token", "--json", "--raw")


# -- zuora-oauth token: exit codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "exit_code", "start"),
    [
        (401, 3, "zuora-oauth: 401 Unauthorized"),
        (403, 3, "zuora-oauth: 403 Forbidden"),
        (429, 4, "zuora-oauth: 429 Too Many Requests"),
        (400, 1, "zuora-oauth: 400 Bad Request"),
        (503, 1, "zuora-oauth: 503 Service Unavailable"),
    ],
)
def test_api_errors_map_to_their_exit_codes(
    credentials: FakeZuora, capsys: pytest.CaptureFixture[str], status: int, exit_code: int, start: str
) -> None:
    credentials.enqueue(status=status, body={"message": "scripted"}, headers={"Retry-After": "30"})

    assert cli.main(["token", "--base-url", credentials.base_url, "--max-retries", "0"]) == exit_code
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(start) and captured.err.count("\n") == 1


def test_no_answer_exits_5(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_ID", "id")
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", CANARY_SECRET)
    url = f"http://127.0.0.1:{closed_port()}"

    assert cli.main(["token", "--base-url", url, "--max-retries", "0", "--timeout", "5"]) == 5
    assert capsys.readouterr().err.startswith("zuora-oauth: Connection failed")


def test_retries_are_made_as_asked(credentials: FakeZuora, capsys: pytest.CaptureFixture[str]) -> None:
    credentials.enqueue(status=503, headers={"Retry-After": "0"}, times=1)

    assert cli.main(["token", "--base-url", credentials.base_url, "--max-retries", "1"]) == 0
    assert credentials.token_requests == 2
    capsys.readouterr()


# -- zuora-oauth token: where the secret comes from ---------------------------------------------------------------


def test_the_secret_is_read_from_a_private_file(
    fake: FakeZuora, monkeypatch: pytest.MonkeyPatch, private_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", "the environment's secret, overridden by the flag")
    for content in (CANARY_SECRET, CANARY_SECRET + "\n", CANARY_SECRET + "\r\n"):  # one newline is dropped
        path = write(private_dir / "secret", content.encode())
        assert cli.main(["token", "--base-url", fake.base_url, "--client-secret-file", path]) == 0, content
    assert fake.token_requests == 3  # FakeZuora accepts only the canary secret: each was read exactly
    assert CANARY_SECRET not in capsys.readouterr().out


def test_the_secret_file_may_be_a_pipe(
    fake: FakeZuora, monkeypatch: pytest.MonkeyPatch, private_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO written in two pieces: the file is read to its end, as bash's ``<(vault read ...)`` needs."""
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    fifo = private_dir / "fifo"
    os.mkfifo(fifo, 0o600)
    first_read = threading.Event()

    def writer() -> None:
        with fifo.open("wb", buffering=0) as pipe:
            pipe.write(CANARY_SECRET[:10].encode())
            first_read.wait(0.2)  # a bounded wait: the reader may take both pieces in one read or two
            pipe.write(CANARY_SECRET[10:].encode() + b"\n")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert cli.main(["token", "--base-url", fake.base_url, "--client-secret-file", str(fifo)]) == 0
    finally:
        first_read.set()
        thread.join(10)
    assert fake.token_requests == 1
    capsys.readouterr()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o601])
def test_a_secret_file_other_users_can_access_is_refused(
    credentials: FakeZuora, private_dir: Path, capsys: pytest.CaptureFixture[str], mode: int
) -> None:
    path = write(private_dir / "secret", CANARY_SECRET.encode(), mode)

    assert cli.main(["token", "--base-url", credentials.base_url, "--client-secret-file", path]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"zuora-oauth: --client-secret-file {path} is open to other users (mode {mode:04o}); make it private "
        f"with: chmod 600 {path}\n"
    )
    assert credentials.token_requests == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the client secret is empty"),
        (b"\n", "the client secret is empty"),
        (b"first\nsecond\n", "the client secret must be one line, and this has more"),
        (b"one\rtwo", "the client secret must be one line, and this has more"),
        (b"\xff\xfe not text", "is not UTF-8 text"),
        (b"a" * (64 * 1024 + 1), "is larger than 65536 bytes: not a client secret"),
    ],
    ids=["empty", "newline", "two-lines", "carriage-return", "binary", "too-large"],
)
def test_a_secret_file_that_holds_no_single_secret_is_refused(
    credentials: FakeZuora, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str
) -> None:
    path = write(tmp_path / "secret", content)

    assert cli.main(["token", "--base-url", credentials.base_url, "--client-secret-file", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"zuora-oauth: --client-secret-file {path}") and problem in err
    assert credentials.token_requests == 0


def test_a_secret_file_that_cannot_be_opened_or_read_is_refused_without_echoing_the_path(
    credentials: FakeZuora, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "canary-looking-" + "x" * 20
    assert cli.main(["token", "--base-url", credentials.base_url, "--client-secret-file", missing]) == 2
    err = capsys.readouterr().err
    assert err == "zuora-oauth: --client-secret-file: cannot open the file (No such file or directory)\n"

    folder = tmp_path / "folder"
    folder.mkdir(mode=0o700)
    assert cli.main(["token", "--base-url", credentials.base_url, "--client-secret-file", str(folder)]) == 2
    assert capsys.readouterr().err == f"zuora-oauth: --client-secret-file {folder}: cannot read it (Is a directory)\n"
    assert credentials.token_requests == 0


def test_the_secret_is_read_from_standard_input(
    fake: FakeZuora, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    monkeypatch.setattr("sys.stdin", io.StringIO(CANARY_SECRET + "\nthe next line is not read\n"))

    assert cli.main(["token", "--base-url", fake.base_url, "--client-secret-stdin"]) == 0
    assert fake.token_requests == 1
    capsys.readouterr()


@pytest.mark.parametrize(
    ("stdin", "problem"),
    [
        ("", "--client-secret-stdin: the client secret is empty"),
        ("\n" + CANARY_SECRET, "--client-secret-stdin: the client secret is empty"),
        ("a" * (64 * 1024 + 1), "--client-secret-stdin: the line is longer than 65536 characters"),
    ],
    ids=["nothing", "empty-line", "too-long"],
)
def test_standard_input_without_one_secret_line_is_refused(
    credentials: FakeZuora,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: str,
    problem: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))

    assert cli.main(["token", "--base-url", credentials.base_url, "--client-secret-stdin"]) == 2
    assert capsys.readouterr().err == f"zuora-oauth: {problem}\n"
    assert credentials.token_requests == 0


def test_the_secret_sources_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "token", "--client-secret-file", "path", "--client-secret-stdin")
    assert "argument --client-secret-stdin: not allowed with argument --client-secret-file" in err


def test_missing_credentials_without_a_terminal_are_named(
    fake: FakeZuora, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["token", "--base-url", fake.base_url]) == 2
    assert (
        capsys.readouterr().err == "zuora-oauth: ZUORA_CLIENT_ID is not set (and stdin is not a terminal to ask on)\n"
    )
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", "")  # empty is unset
    assert cli.main(["token", "--base-url", fake.base_url]) == 2
    assert "ZUORA_CLIENT_SECRET is not set" in capsys.readouterr().err
    assert fake.token_requests == 0


# -- prompts on a terminal ------------------------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Standard input is a real pseudo-terminal; the returned function types a line on it."""
    main, secondary = os.openpty()
    stdin = open(secondary, encoding="utf-8")  # noqa: SIM115 (closed below)
    monkeypatch.setattr("sys.stdin", stdin)

    def type_line(line: str) -> None:
        os.write(main, line.encode() + b"\n")

    try:
        yield type_line
    finally:
        stdin.close()
        os.close(main)


def answer_secret_prompt(monkeypatch: pytest.MonkeyPatch, answer: str | BaseException) -> list[str]:
    """``getpass.getpass`` answers ``answer`` (or raises it); returns the prompts it was asked with."""
    prompts: list[str] = []

    def getpass(prompt: str = "Password: ", stream: object = None) -> str:
        prompts.append(prompt)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr("getpass.getpass", getpass)
    return prompts


def test_on_a_terminal_both_credentials_are_asked_for(
    fake: FakeZuora,
    terminal: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    terminal(fake.client_id)
    prompts = answer_secret_prompt(monkeypatch, CANARY_SECRET)

    assert cli.main(["token", "--base-url", fake.base_url]) == 0
    assert capsys.readouterr().out.startswith("Client ID: Token:       ****")
    assert prompts == ["Client secret: "]
    assert fake.token_request_log[-1].form["client_id"] == fake.client_id


def test_secret_stdin_on_a_terminal_asks_without_echo(
    fake: FakeZuora,
    terminal: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    prompts = answer_secret_prompt(monkeypatch, CANARY_SECRET)

    assert cli.main(["token", "--base-url", fake.base_url, "--client-secret-stdin"]) == 0
    assert prompts == ["Client secret: "] and fake.token_requests == 1
    capsys.readouterr()


def test_an_empty_answer_to_a_prompt_is_refused(
    fake: FakeZuora,
    terminal: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    terminal("")
    assert cli.main(["token", "--base-url", fake.base_url]) == 2
    assert capsys.readouterr().err == "zuora-oauth: no zuora client id given\n"

    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    answer_secret_prompt(monkeypatch, "")
    assert cli.main(["token", "--base-url", fake.base_url]) == 2
    assert capsys.readouterr().err == "zuora-oauth: no zuora client secret given\n"
    assert fake.token_requests == 0


def test_ctrl_c_at_a_prompt_exits_130_quietly(
    fake: FakeZuora,
    terminal: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_ID", fake.client_id)
    answer_secret_prompt(monkeypatch, KeyboardInterrupt())

    assert cli.main(["token", "--base-url", fake.base_url]) == 130
    assert capsys.readouterr().err == "" and fake.token_requests == 0


# -- where the token request goes ---------------------------------------------------------------------------------


def base_url_of(*args: str) -> str:
    """The base URL ``zuora-oauth token ARGS`` would use, with the machine's environment as it is now."""
    return _base_url(cli._parser().parse_args(["token", *args]))


def test_the_base_url_comes_from_flags_then_the_environment_then_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert base_url_of() == "https://rest.zuora.com"
    monkeypatch.setenv("ZUORA_BASE_URL", "https://zuora.internal.example/")
    assert base_url_of() == "https://zuora.internal.example"
    assert base_url_of("--base-url", "https://other.example") == "https://other.example"
    assert base_url_of("--env", "eu-api-sandbox") == "https://rest.sandbox.eu.zuora.com"
    monkeypatch.delenv("ZUORA_BASE_URL")
    monkeypatch.setenv("ZUORA_ENVIRONMENT", "us-api-sandbox")
    assert base_url_of() == "https://rest.apisandbox.zuora.com"
    monkeypatch.setenv("ZUORA_ENV", "SBX")  # Zuora's own SDK's name of the same environment
    assert base_url_of() == "https://rest.apisandbox.zuora.com"
    monkeypatch.setenv("ZUORA_BASE_URL", "https://both.example")  # the environment contradicts itself ...
    with pytest.raises(Exception, match="set either ZUORA_ENVIRONMENT or ZUORA_BASE_URL, not both"):
        base_url_of()
    assert base_url_of("--env", "apac-production") == "https://rest.ap.zuora.com"  # ... a flag settles it
    assert base_url_of("--base-url", "http://127.0.0.1:9") == "http://127.0.0.1:9"


def test_environment_names_are_echoed_in_errors_and_the_known_ones_listed(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--env", "mars"], ["--env=mars"]):
        err = usage_error(capsys, "token", *args)
        assert "argument --env: Unknown Zuora environment 'mars'; known: us-production, us-api-sandbox," in err
        assert "apac-developer-sandbox" in err and "****" not in err
    err = usage_error(capsys, "token", "--env", CANARY_SECRET)  # not a name: a secret pasted in the wrong place
    assert "Unknown Zuora environment '****'" in err


def test_a_bad_environment_variable_is_a_usage_error(
    credentials: FakeZuora, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZUORA_ENVIRONMENT", "mars")
    assert cli.main(["token"]) == 2
    assert capsys.readouterr().err.startswith("zuora-oauth: ZUORA_ENVIRONMENT='mars' is not a Zuora environment")
    monkeypatch.delenv("ZUORA_ENVIRONMENT")
    monkeypatch.setenv("ZUORA_BASE_URL", "ftp://files.example")
    assert cli.main(["token"]) == 2
    assert "ZUORA_BASE_URL must be an absolute https:// (or http://) URL" in capsys.readouterr().err
    assert cli.main(["token", "--base-url", "ftp://files.example"]) == 2
    assert capsys.readouterr().err == "zuora-oauth: --base-url must be an absolute http:// or https:// URL\n"
    assert credentials.token_requests == 0


def test_plain_http_to_another_host_is_refused_naming_the_flag_that_allows_it(
    credentials: FakeZuora, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["token", "--base-url", "http://zuora.example.com"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "zuora-oauth: plain http:// would send the client secret unencrypted (--base-url http://zuora.example.com); "
        "use https://, a loopback address, or pass --allow-insecure-http\n"
    )
    monkeypatch.setenv("ZUORA_BASE_URL", "HTTP://zuora.example.com")  # the scheme in any case
    assert cli.main(["token"]) == 2
    assert "(ZUORA_BASE_URL HTTP://zuora.example.com)" in capsys.readouterr().err
    assert credentials.token_requests == 0


def test_allow_insecure_http_sends_to_a_remote_plain_http_host(
    credentials: FakeZuora, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """FakeZuora on loopback serves as the HTTP proxy (httpx reads HTTP_PROXY), standing in for the remote host."""
    for name in ("http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", credentials.base_url)

    assert cli.main(["token", "--base-url", "http://zuora.example.com", "--allow-insecure-http"]) == 0
    assert "Base URL:    http://zuora.example.com\n" in capsys.readouterr().out
    assert credentials.token_request_log[-1].headers["host"] == "zuora.example.com"


# -- bad numbers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-retries", "-1"], "argument --max-retries: must be a whole number, zero or more"),
        (["--max-retries=-1"], "argument --max-retries: must be a whole number, zero or more"),
        (["--max-retries", "two"], "argument --max-retries: invalid int value: '****'"),
        (["--timeout", "0"], "argument --timeout: must be a positive number of seconds"),
        (["--timeout", "-3"], "argument --timeout: must be a positive number of seconds"),
        (["--timeout", "inf"], "argument --timeout: must be a positive number of seconds"),
        (["--timeout", "nan"], "argument --timeout: must be a positive number of seconds"),
        (["--timeout", "soon"], "argument --timeout: invalid float value: '****'"),
        (["--timeout="], "argument --timeout: invalid float value: ''"),
    ],
)
def test_bad_numbers_are_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert message in usage_error(capsys, "token", *args)


# -- masking ------------------------------------------------------------------------------------------------------


def test_values_on_the_command_line_are_masked_in_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "token", "--client-secret", CANARY_SECRET)
    assert "unrecognized arguments: --client-secret ****" in err  # not taken for --client-secret-file
    err = usage_error(capsys, "token", "--track-id", "t-1", CANARY_SECRET)
    assert "unrecognized arguments: ****\n" in err
    err = usage_error(capsys, "token", "--env", "us-production", CANARY_SECRET)
    assert "unrecognized arguments: ****\n" in err
    err = usage_error(capsys, "token", "token")  # a word of the command line itself stays readable
    assert "unrecognized arguments: token\n" in err
    err = usage_error(capsys, CANARY_SECRET)
    assert "invalid choice: '****'" in err and CANARY_SECRET not in err


# -- the other commands -------------------------------------------------------------------------------------------


def test_fake_server_serves_until_sigterm(capsys: pytest.CaptureFixture[str]) -> None:
    """In this process: the lines it prints are usable credentials, and SIGTERM ends it cleanly with 0."""
    assert threading.current_thread() is threading.main_thread(), "the fake server handles SIGTERM in the main thread"
    port = closed_port()
    printed: list[str] = []
    answers: list[dict[str, object]] = []

    def use_it() -> None:
        try:
            deadline = time.monotonic() + 30
            while "".join(printed).count("\n") < 3 and time.monotonic() < deadline:
                printed.append(capsys.readouterr().out)
                time.sleep(0.01)
            lines = dict(line.split("=", 1) for line in "".join(printed).splitlines())
            form = {"client_id": lines["ZUORA_CLIENT_ID"], "client_secret": lines["ZUORA_CLIENT_SECRET"].strip("'")}
            answer = httpx.post(
                f"{lines['ZUORA_BASE_URL']}/oauth/token", data={**form, "grant_type": "client_credentials"}
            )
            answers.append(answer.json())
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=use_it)
    thread.start()
    code = cli.main(["fake-server", "--port", str(port), "--expires-in", "60"])
    thread.join(30)

    assert code == 0
    assert "".join(printed).startswith(f"ZUORA_BASE_URL=http://127.0.0.1:{port}\n")
    assert answers[0]["expires_in"] == 60
    with pytest.raises(OSError):  # stopped: nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_demo_gets_a_token_then_shows_a_typed_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "TokenResponse(access_token='****" in out
    assert "raised AuthenticationError: 401 Unauthorized: Authentication error" in out
    assert "FakeZuora received 2 token requests. Done." in out


def test_generate_reports_a_missing_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.yaml"
    code = cli.main(["generate", str(missing), "--package", "zuora_x", "--output", str(tmp_path / "out")])

    assert code == 1
    assert capsys.readouterr().err == f"zuora-oauth generate: {missing}: no such file\n"
