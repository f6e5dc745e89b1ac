"""The zuora-oauth command line, run as a real process against FakeZuora: output, secrecy and exit codes."""

from __future__ import annotations

import importlib.metadata
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._servers import closed_port
from tests.conftest import CANARY_SECRET
from zuora_oauth.testing import FakeZuora

CLI = [sys.executable, "-m", "zuora_oauth"]


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m zuora_oauth ARGS`` without the machine's ZUORA_* variables; ``stdin`` is piped in, if given."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}
    return subprocess.run(
        [*CLI, *args],
        check=False,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        **({"stdin": subprocess.DEVNULL} if stdin is None else {"input": stdin}),
    )


def credentials(fake: FakeZuora, secret: str = CANARY_SECRET) -> dict[str, str]:
    return {"ZUORA_CLIENT_ID": fake.client_id, "ZUORA_CLIENT_SECRET": secret}


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("token", "fake-server", "demo"):
        assert command in result.stdout


def test_version_is_the_installed_distribution_version() -> None:
    result = run_cli("--version")

    assert result.returncode == 0
    assert result.stdout == f"zuora-oauth {importlib.metadata.version('zuora-oauth')}\n"


def test_the_secret_can_come_from_a_pipe_on_stdin(fake: FakeZuora) -> None:
    result = run_cli(
        "token",
        "--base-url",
        fake.base_url,
        "--client-secret-stdin",
        env={"ZUORA_CLIENT_ID": fake.client_id},
        stdin=CANARY_SECRET + "\n",
    )

    assert result.returncode == 0, result.stderr
    assert fake.token_requests == 1  # FakeZuora accepts the canary secret only
    assert CANARY_SECRET not in result.stdout + result.stderr


def test_the_secret_can_come_from_bash_process_substitution(fake: FakeZuora) -> None:
    """``--client-secret-file <(command)``: a pipe, mode 0600, read by a real shell's child process."""
    bash = shutil.which("bash")
    assert bash is not None, "bash is part of the test machine"
    command = 'exec "$@" --client-secret-file <(printf "%s\\n" "$SECRET_FOR_TEST")'
    base = {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}
    env = {**base, "ZUORA_CLIENT_ID": fake.client_id, "SECRET_FOR_TEST": CANARY_SECRET}
    result = subprocess.run(
        [bash, "-c", command, "bash", *CLI, "token", "--base-url", fake.base_url],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )

    assert result.returncode == 0, result.stderr
    assert fake.token_requests == 1


def test_a_secret_file_others_can_read_exits_2(fake: FakeZuora, tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("not-the-secret\n")
    path.chmod(0o644)
    result = run_cli(
        "token", "--base-url", fake.base_url, "--client-secret-file", str(path), env={"ZUORA_CLIENT_ID": "id"}
    )

    assert result.returncode == 2
    assert result.stderr == (
        f"zuora-oauth: --client-secret-file {path} is open to other users (mode 0644); make it private with: "
        f"chmod 600 {path}\n"
    )
    assert fake.token_requests == 0


def test_token_prints_a_masked_summary_by_default(fake: FakeZuora) -> None:
    result = run_cli("token", "--base-url", fake.base_url, "--track-id", "cli-1", env=credentials(fake))

    assert result.returncode == 0, result.stderr
    token = fake.issued_tokens[-1]
    assert token not in result.stdout and CANARY_SECRET not in result.stdout
    assert f"****{token[-4:]}" in result.stdout
    assert "Expires in:  3600 s" in result.stdout
    assert fake.token_request_log[-1].headers["zuora-track-id"] == "cli-1"


@pytest.mark.prints_token
def test_token_raw_prints_only_the_token(fake: FakeZuora) -> None:
    result = run_cli("token", "--raw", env={**credentials(fake), "ZUORA_BASE_URL": fake.base_url})

    assert result.returncode == 0
    assert result.stdout == fake.issued_tokens[-1] + "\n"
    assert CANARY_SECRET not in result.stdout + result.stderr


@pytest.mark.prints_token
def test_token_json_prints_the_whole_response(fake: FakeZuora) -> None:
    result = run_cli("token", "--json", "--base-url", fake.base_url, "--entity-id", "e-1", env=credentials(fake))

    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["access_token"] == fake.issued_tokens[-1]
    assert data["token_type"] == "bearer" and data["expires_in"] == 3600
    assert fake.token_request_log[-1].headers["zuora-entity-ids"] == "e-1"


def test_wrong_credentials_exit_3_with_one_line_on_stderr(fake: FakeZuora) -> None:
    result = run_cli("token", "--base-url", fake.base_url, env=credentials(fake, "wrong-" + CANARY_SECRET))

    assert result.returncode == 3
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("zuora-oauth: 401 Unauthorized: Authentication error (Zuora-Request-Id: ")
    assert CANARY_SECRET not in result.stderr


def test_rate_limited_exits_4(fake: FakeZuora) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "30"}, times=3)
    result = run_cli("token", "--base-url", fake.base_url, "--max-retries", "0", env=credentials(fake))

    assert result.returncode == 4
    assert result.stderr.startswith("zuora-oauth: 429 Too Many Requests")


def test_no_answer_exits_5() -> None:
    env = {"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": CANARY_SECRET}
    result = run_cli("token", "--base-url", f"http://127.0.0.1:{closed_port()}", "--max-retries", "0", env=env)

    assert result.returncode == 5
    assert result.stderr.startswith("zuora-oauth: Connection failed")


def test_other_api_errors_exit_1(fake: FakeZuora) -> None:
    fake.enqueue(status=503, body="<html>down</html>", times=3)
    result = run_cli("token", "--base-url", fake.base_url, "--max-retries", "0", env=credentials(fake))

    assert result.returncode == 1
    assert result.stderr.startswith("zuora-oauth: 503 Service Unavailable")


def test_missing_credentials_without_a_terminal_exit_2(fake: FakeZuora) -> None:
    result = run_cli("token", "--base-url", fake.base_url, env={"ZUORA_CLIENT_ID": fake.client_id})

    assert result.returncode == 2
    assert "ZUORA_CLIENT_SECRET is not set" in result.stderr
    assert fake.token_requests == 0


def test_usage_errors_exit_2() -> None:
    result = run_cli("token", "--env", "mars")
    assert result.returncode == 2
    assert "argument --env: Unknown Zuora environment 'mars'; known: us-production, " in result.stderr
    result = run_cli("token", "--max-retries", "-1")
    assert result.returncode == 2 and "argument --max-retries: must be a whole number, zero or more" in result.stderr
    assert run_cli("token", "--env", "us-production", "--base-url", "https://x").returncode == 2
    result = run_cli(
        "token", "--base-url", "http://zuora.example.com", env={"ZUORA_CLIENT_ID": "i", "ZUORA_CLIENT_SECRET": "s"}
    )
    assert result.returncode == 2 and "unencrypted" in result.stderr
    assert "pass --allow-insecure-http" in result.stderr and "allow_insecure_http=True" not in result.stderr


def test_the_secret_is_never_accepted_on_the_command_line_nor_echoed() -> None:
    for args in (["token", "--client-secret", CANARY_SECRET], [CANARY_SECRET], ["token", f"--timeout={CANARY_SECRET}"]):
        result = run_cli(*args)
        assert result.returncode == 2
        assert CANARY_SECRET not in result.stderr and "****" in result.stderr
    assert "unrecognized arguments: --client-secret ****" in run_cli("token", "--client-secret", CANARY_SECRET).stderr
    assert "invalid float value: '****'" in run_cli("token", "--timeout", "not-a-number").stderr
    assert "known: us-production" in run_cli("token", "--env", "us").stderr  # values do not garble the message


def test_fake_server_prints_its_address_and_credentials_and_serves(tmp_path: Path) -> None:
    process = subprocess.Popen([*CLI, "fake-server"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = dict(process.stdout.readline().strip().split("=", 1) for _ in range(3))
        env = {key: value.strip("'") for key, value in lines.items()}
        assert env["ZUORA_BASE_URL"].startswith("http://127.0.0.1:")
        result = run_cli("token", "--raw", env=env)
        assert result.returncode == 0 and len(result.stdout.strip()) == 32
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_demo_runs_cleanly() -> None:
    started = time.monotonic()
    result = run_cli("demo")

    assert result.returncode == 0, result.stderr
    assert "TokenResponse(access_token='****" in result.stdout
    assert "raised AuthenticationError: 401 Unauthorized: Authentication error" in result.stdout
    assert time.monotonic() - started < 30


def test_missing_credentials_are_prompted_for_on_a_terminal_without_echoing_the_secret(fake: FakeZuora) -> None:
    """On a terminal (a pseudo-terminal here, in a new session so no real terminal is involved) the CLI asks."""
    main, secondary = os.openpty()
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}
    process = subprocess.Popen(
        [*CLI, "token", "--base-url", fake.base_url],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    try:
        screen = read_until(main, "Client ID: ")
        os.write(main, fake.client_id.encode() + b"\n")
        screen += read_until(main, "Client secret: ")
        os.write(main, CANARY_SECRET.encode() + b"\n")
        screen += read_until(main, "Request id:")
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(main)

    assert fake.client_id in screen  # the id is echoed as typed ...
    assert CANARY_SECRET not in screen  # ... the secret is not
    assert "Token:       ****" in screen
    assert fake.token_request_log[-1].form["client_id"] == fake.client_id


def read_until(fd: int, text: str, timeout: float = 30) -> str:
    """Read a pseudo-terminal until ``text`` appears."""
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise AssertionError(f"{text!r} did not appear; the terminal shows {seen!r}")
        seen += os.read(fd, 4096)
    return seen.decode(errors="replace")
