"""Configuration the way Zuora users write it (issue 11, section 2), over real loopback sockets.

- ``settings_from_env`` / ``ZuoraAuth.from_env``: ``ZUORA_CLIENT_ID``, ``ZUORA_CLIENT_SECRET``, ``ZUORA_ENVIRONMENT``
  (or ``ZUORA_ENV``; our names and the Zuora SDK's) or ``ZUORA_BASE_URL``; each wrong variable named.
- ``Environment``: every host of Zuora's data-center list, the SDK's names, and ``servers`` in openapi.yaml equal.
- A callable client secret, read on every token request: FakeZuora rotates the secret it accepts.
- ``User-Agent: zuora-oauth/<version> python-httpx/<version>`` on token and generated-Client requests.
- ``verify``/``cert``/``proxy``/``trust_env`` on ZuoraAuth: a real TLS server (mutual TLS too) and a real proxy.
- The top-level names, lazily; ``dir(zuora_oauth)`` public only.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import importlib.metadata
import json
import logging
import ssl
import subprocess
import sys
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests._servers import closed_port
from tests.conftest import CANARY_SECRET
from zuora_oauth import (
    ApiConnectionError,
    AsyncOAuthApi,
    AuthenticationError,
    Client,
    Environment,
    InvalidRequestError,
    OAuthApi,
    ZuoraAuth,
)
from zuora_oauth._env import EnvSettings, settings_from_env
from zuora_oauth.testing import FakeZuora

ROOT = Path(__file__).resolve().parents[1]

#: Written out from Zuora's data-center list and zuora-sdk 3.21's ZuoraEnvironment, not taken from the code.
ZUORA_HOSTS = {
    "US_PRODUCTION": "https://rest.zuora.com",
    "US_API_SANDBOX": "https://rest.apisandbox.zuora.com",
    "US_CLOUD1_PRODUCTION": "https://rest.na.zuora.com",
    "US_CLOUD1_API_SANDBOX": "https://rest.sandbox.na.zuora.com",
    "US_DEVELOPER_SANDBOX": "https://rest.test.zuora.com",
    "EU_PRODUCTION": "https://rest.eu.zuora.com",
    "EU_API_SANDBOX": "https://rest.sandbox.eu.zuora.com",
    "EU_DEVELOPER_SANDBOX": "https://rest.test.eu.zuora.com",
    "APAC_PRODUCTION": "https://rest.ap.zuora.com",
    "APAC_DEVELOPER_SANDBOX": "https://rest.test.ap.zuora.com",
    "US_PERFORMANCE_TEST": "https://rest.pt1.zuora.com",
}
SDK_HOSTS = {
    "SBX": "https://rest.apisandbox.zuora.com",
    "SBX_NA": "https://rest.sandbox.na.zuora.com",
    "SBX_EU": "https://rest.sandbox.eu.zuora.com",
    "CSBX": "https://rest.test.zuora.com",
    "CSBX_EU": "https://rest.test.eu.zuora.com",
    "CSBX_AP": "https://rest.test.ap.zuora.com",
    "PROD": "https://rest.zuora.com",
    "PROD_NA": "https://rest.na.zuora.com",
    "PROD_EU": "https://rest.eu.zuora.com",
    "PROD_AP": "https://rest.ap.zuora.com",
}
ROTATED_SECRET = "rotated+SECRET/5e0b7c1d9a2f=="

#: What every request must say it is: the installed distribution's version, not the code's own constant.
EXPECTED_USER_AGENT = f"zuora-oauth/{importlib.metadata.version('zuora-oauth')} python-httpx/{httpx.__version__}"


@pytest.fixture
def closing() -> Iterator[ExitStack]:
    """Closes what a test opened (ZuoraAuth's and the clients' connection pools) when it ends."""
    with ExitStack() as stack:
        yield stack


def fetch(*args: Any, **options: Any) -> str:
    """A token from a ZuoraAuth built for the purpose, whose connections are closed after."""
    with ZuoraAuth(*args, **options) as auth:
        return auth.get_token()


def afetch(*args: Any, **options: Any) -> str:
    """:func:`fetch` through the async path."""
    with ZuoraAuth(*args, **options) as auth:
        return asyncio.run(auth.aget_token())


def env_for(fake: FakeZuora, **extra: str) -> dict[str, str]:
    return {"ZUORA_CLIENT_ID": fake.client_id, "ZUORA_CLIENT_SECRET": CANARY_SECRET, **extra}


# -- environment variables -----------------------------------------------------------------------------------------


def test_settings_read_the_credentials_and_the_environment() -> None:
    settings = settings_from_env(
        {"ZUORA_CLIENT_ID": "id-1", "ZUORA_CLIENT_SECRET": CANARY_SECRET, "ZUORA_ENVIRONMENT": "us-api-sandbox"}
    )

    assert settings == EnvSettings("id-1", CANARY_SECRET, Environment.US_API_SANDBOX, None)
    assert CANARY_SECRET not in repr(settings) and "****" in repr(settings)


@pytest.mark.parametrize("variable", ["ZUORA_ENVIRONMENT", "ZUORA_ENV"])
@pytest.mark.parametrize("name", list(SDK_HOSTS))
def test_the_zuora_sdk_names_are_accepted_in_either_variable(variable: str, name: str) -> None:
    for spelling in (name, name.lower()):
        settings = settings_from_env({"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", variable: spelling})
        assert settings.environment is not None and settings.environment.base_url == SDK_HOSTS[name]


@pytest.mark.parametrize("spelling", ["US_PERFORMANCE_TEST", "us-performance-test", " Us-Performance_Test "])
def test_our_names_in_any_case_and_separator(spelling: str) -> None:
    settings = settings_from_env({"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", "ZUORA_ENVIRONMENT": spelling})
    assert settings.environment is Environment.US_PERFORMANCE_TEST


def test_the_base_url_variable() -> None:
    settings = settings_from_env(
        {"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", "ZUORA_BASE_URL": "https://rest.test.zuora.com"}
    )
    assert (settings.environment, settings.base_url) == (None, "https://rest.test.zuora.com")
    neither = settings_from_env({"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s"})
    assert (neither.environment, neither.base_url) == (None, None)  # the caller's default (US production)


CREDENTIALS = {"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s"}


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"ZUORA_CLIENT_SECRET": "s"}, "ZUORA_CLIENT_ID is not set"),
        ({"ZUORA_CLIENT_ID": "", "ZUORA_CLIENT_SECRET": "s"}, "ZUORA_CLIENT_ID is not set"),
        ({"ZUORA_CLIENT_ID": "id"}, "ZUORA_CLIENT_SECRET is not set"),
        ({"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": ""}, "ZUORA_CLIENT_SECRET is not set"),
        (
            {**CREDENTIALS, "ZUORA_ENVIRONMENT": "SBX", "ZUORA_BASE_URL": "https://rest.zuora.com"},
            "set either ZUORA_ENVIRONMENT or ZUORA_BASE_URL, not both",
        ),
        (
            {**CREDENTIALS, "ZUORA_ENV": "SBX", "ZUORA_BASE_URL": "https://rest.zuora.com"},
            "set either ZUORA_ENV or ZUORA_BASE_URL, not both",
        ),
        ({**CREDENTIALS, "ZUORA_ENVIRONMENT": "SBX", "ZUORA_ENV": "PROD_EU"}, "name different environments"),
        ({**CREDENTIALS, "ZUORA_BASE_URL": "rest.zuora.com"}, "ZUORA_BASE_URL must be an absolute https://"),
    ],
)
def test_a_missing_or_wrong_variable_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(InvalidRequestError, match=named) as info:
        settings_from_env(environ)
    assert info.value.code == 0


def test_the_same_environment_in_both_variables_is_fine() -> None:
    settings = settings_from_env(
        {
            "ZUORA_CLIENT_ID": "id",
            "ZUORA_CLIENT_SECRET": "s",
            "ZUORA_ENVIRONMENT": "eu-production",
            "ZUORA_ENV": "PROD_EU",
        }
    )
    assert settings.environment is Environment.EU_PRODUCTION


def test_an_unknown_environment_echoes_the_value_and_lists_the_known_names() -> None:
    with pytest.raises(InvalidRequestError) as info:
        settings_from_env({"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", "ZUORA_ENV": "mars"})

    message = info.value.message
    assert message.startswith("ZUORA_ENV='mars' is not a Zuora environment")
    for name in [*(name.lower().replace("_", "-") for name in ZUORA_HOSTS), *SDK_HOSTS]:
        assert name in message
    with pytest.raises(InvalidRequestError) as long_value:
        settings_from_env({"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", "ZUORA_ENVIRONMENT": "x" * 5000})
    assert len(long_value.value.message) < 1000  # repeated, but not at any length


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_ID", "from-os")
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", CANARY_SECRET)
    monkeypatch.setenv("ZUORA_ENV", "CSBX_AP")
    monkeypatch.delenv("ZUORA_ENVIRONMENT", raising=False)
    monkeypatch.delenv("ZUORA_BASE_URL", raising=False)

    auth = ZuoraAuth.from_env()
    assert (auth.client_id, auth.base_url) == ("from-os", "https://rest.test.ap.zuora.com")
    with pytest.raises(InvalidRequestError, match="environ must be a mapping"):
        settings_from_env(["ZUORA_CLIENT_ID"])  # type: ignore[arg-type]


def test_from_env_gets_a_token_with_the_other_options_passed_on(fake: FakeZuora) -> None:
    auth = ZuoraAuth.from_env(env_for(fake, ZUORA_BASE_URL=fake.base_url), track_id="from-env-1", max_retries=0)
    token = auth.get_token()

    assert token == fake.issued_tokens[-1] and fake.token_requests == 1
    (request,) = fake.token_request_log
    assert request.form["client_id"] == fake.client_id
    assert request.headers["zuora-track-id"] == "from-env-1"


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"client_secret": "other"}, "from_env reads client_secret from the environment variables"),
        ({"environment": Environment.EU_PRODUCTION}, "from_env reads environment"),
        ({"base_url": "https://rest.zuora.com"}, "from_env reads base_url"),
        ({"trak_id": "typo"}, "ZuoraAuth takes no option trak_id"),
    ],
)
def test_from_env_refuses_options_it_cannot_take(fake: FakeZuora, options: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidRequestError, match=problem):
        ZuoraAuth.from_env(env_for(fake, ZUORA_BASE_URL=fake.base_url), **options)
    assert fake.token_requests == 0


# -- environments ----------------------------------------------------------------------------------------------------


def test_every_zuora_host_is_an_environment_and_nothing_else() -> None:
    assert {member.name: member.base_url for member in Environment} == ZUORA_HOSTS
    assert Environment.US_PERFORMANCE_TEST.base_url == "https://rest.pt1.zuora.com"
    assert Environment.US_PERFORMANCE_TEST.sdk_name is None
    for name, host in SDK_HOSTS.items():
        environment = Environment.from_name(name)
        assert environment.base_url == host and environment.sdk_name == name


def test_the_spec_servers_are_the_environments_in_order_with_their_descriptions() -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    servers = [(server["url"], server["description"]) for server in spec["servers"]]
    assert servers == [(member.base_url, member.description) for member in Environment]
    assert servers[0][0] == "https://rest.zuora.com"  # the generated client's default base URL


def test_the_readme_lists_every_environment_with_its_sdk_name() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Environments", 1)[1].split("\n### ", 1)[0]
    for member in Environment:
        row = next(line for line in section.splitlines() if f"`{member.name}`" in line)
        assert f"`{member.base_url}`" in row
        assert member.sdk_name is None or f"`{member.sdk_name}`" in row


@pytest.mark.parametrize("name", ["mars", "", "SBX-X", 42])
def test_from_name_refuses_what_it_does_not_know_with_a_typed_error(name: Any) -> None:
    with pytest.raises(InvalidRequestError, match="known: us-production, ") as info:
        Environment.from_name(name)
    assert "or Zuora SDK names: SBX, SBX_NA" in info.value.message


# -- a callable secret -------------------------------------------------------------------------------------------


class SecretFile:
    """What a secrets manager or a mounted file gives: the current secret, counted per read, with its thread."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.reads = 0
        self.threads: list[int] = []

    def __call__(self) -> str:
        self.reads += 1
        self.threads.append(threading.get_ident())
        return self.secret


def test_a_rotated_secret_is_used_from_the_next_token_request_on(
    fake: FakeZuora, caplog: pytest.LogCaptureFixture, closing: ExitStack
) -> None:
    caplog.set_level(logging.DEBUG)
    source = SecretFile(CANARY_SECRET)
    auth = closing.enter_context(ZuoraAuth(fake.client_id, source, base_url=fake.base_url, max_retries=0))
    assert source.reads == 1  # once when built: its value keys the token store
    http = closing.enter_context(httpx.Client(auth=auth, base_url=fake.base_url))
    assert http.get("/v1/accounts/A-1").status_code == 200
    assert source.reads == 2 and fake.token_requests == 1

    fake.rotate_secret(ROTATED_SECRET)
    fake.revoke_all()  # Zuora refuses the old token: the 401 makes the next token request
    with pytest.raises(AuthenticationError):  # the fake does refuse the old secret now
        fetch(fake.client_id, CANARY_SECRET, base_url=fake.base_url, max_retries=0)
    source.secret = ROTATED_SECRET
    response = http.get("/v1/accounts/A-2")

    assert response.status_code == 200  # the 401 replayed once with a token for the rotated secret
    assert source.reads == 3
    assert [request.headers.get("user-agent") for request in fake.token_request_log] == [EXPECTED_USER_AGENT] * 3
    seen = caplog.text + repr(auth) + repr(fake.token_request_log) + repr(fake)
    assert ROTATED_SECRET not in seen and CANARY_SECRET not in seen


def test_the_store_key_is_the_first_secret_so_a_rotation_keeps_sharing_the_token(
    fake: FakeZuora, tmp_path_factory: pytest.TempPathFactory, closing: ExitStack
) -> None:
    from zuora_oauth import FileTokenStore

    store = FileTokenStore(tmp_path_factory.mktemp("token-store"))  # not tmp_path: the canary reads those files
    source = SecretFile(CANARY_SECRET)
    token = fetch(fake.client_id, CANARY_SECRET, base_url=fake.base_url, store=store)
    second = closing.enter_context(ZuoraAuth(fake.client_id, source, base_url=fake.base_url, store=store))
    source.secret = ROTATED_SECRET  # rotated after it was built: the key stays that of the first value

    assert second.get_token() == token and fake.token_requests == 1
    with pytest.raises(AuthenticationError):  # another secret is another key: never the shared token
        fetch(fake.client_id, "another-secret", base_url=fake.base_url, store=store, max_retries=0)


def test_async_token_requests_read_the_secret_off_the_event_loop(fake: FakeZuora) -> None:
    source = SecretFile(CANARY_SECRET)
    auth = ZuoraAuth(fake.client_id, source, base_url=fake.base_url)

    async def main() -> tuple[list[str], int]:
        tokens = await asyncio.gather(*(auth.aget_token() for _ in range(10)))
        return list(tokens), threading.get_ident()

    tokens, loop_thread = asyncio.run(main())
    assert len(set(tokens)) == 1 and fake.token_requests == 1
    assert source.reads == 2 and source.threads[1] != loop_thread


class Leaky(Exception):
    pass


def _raises_with_the_secret() -> str:
    raise Leaky(f"cannot parse {CANARY_SECRET}")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (_raises_with_the_secret, "the client_secret callable raised Leaky"),
        (lambda: "", "the client_secret callable returned an empty string"),
        (lambda: None, "the client_secret callable returned a NoneType, not a string"),
        (CANARY_SECRET.encode, "the client_secret callable returned a bytes, not a string"),
        (42, "client_secret must be a non-empty string or a callable that returns one"),
    ],
    ids=["raises", "empty", "none", "bytes", "not-callable"],
)
def test_a_bad_secret_source_is_a_typed_error_without_the_secret(source: Any, problem: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        ZuoraAuth("id", source)

    assert info.value.message == problem
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert CANARY_SECRET not in str(info.value) and CANARY_SECRET not in repr(info.value)


def test_a_coroutine_function_is_refused_without_a_never_awaited_warning() -> None:
    async def secret() -> str:
        return CANARY_SECRET

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InvalidRequestError, match="returned an awaitable: pass a plain function"):
            ZuoraAuth("id", secret)  # type: ignore[arg-type]


def test_a_source_failing_later_fails_that_token_request_only(fake: FakeZuora) -> None:
    values: list[Callable[[], str]] = [lambda: CANARY_SECRET, _raises_with_the_secret, lambda: CANARY_SECRET]

    def source() -> str:
        return values.pop(0)()

    auth = ZuoraAuth(fake.client_id, source, base_url=fake.base_url)

    with pytest.raises(InvalidRequestError, match="raised Leaky") as info:
        auth.get_token()
    assert fake.token_requests == 0 and CANARY_SECRET not in str(info.value)
    assert info.value.__context__ is None


# -- User-Agent ------------------------------------------------------------------------------------------------------


def test_the_package_version_is_the_distributions() -> None:
    import zuora_oauth

    assert zuora_oauth.__version__ == importlib.metadata.version("zuora-oauth")


def test_token_requests_say_what_sent_them_sync_and_async(fake: FakeZuora) -> None:
    fetch(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    afetch(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    with Client(base_url=fake.base_url) as client:
        OAuthApi(client).create_token(fake.client_id, CANARY_SECRET)

    async def create() -> None:
        async with Client(base_url=fake.base_url) as client:
            await AsyncOAuthApi(client).create_token(fake.client_id, CANARY_SECRET)

    asyncio.run(create())

    assert [request.headers["user-agent"] for request in fake.token_request_log] == [EXPECTED_USER_AGENT] * 4


def test_the_callers_user_agent_wins(fake: FakeZuora) -> None:
    for name in ("User-Agent", "user-agent"):
        with Client(base_url=fake.base_url, headers={name: "billing-sync/3.1"}) as client:
            OAuthApi(client).create_token(fake.client_id, CANARY_SECRET)
    with httpx.Client(headers={"User-Agent": "own-client/1"}) as own:
        fetch(fake.client_id, CANARY_SECRET, base_url=fake.base_url, http_client=own)
    with httpx.Client() as plain:  # httpx's default User-Agent is replaced by ours
        fetch(fake.client_id, CANARY_SECRET, base_url=fake.base_url, http_client=plain)

    agents = [request.headers["user-agent"] for request in fake.token_request_log]
    assert agents == ["billing-sync/3.1", "billing-sync/3.1", "own-client/1", EXPECTED_USER_AGENT]  # one header each


def test_resource_requests_of_a_generated_client_carry_it(fake: FakeZuora, closing: ExitStack) -> None:
    auth = closing.enter_context(ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url))
    client = closing.enter_context(Client(base_url=fake.base_url, httpx_args={"auth": auth}))
    assert client.get_httpx_client().get("/v1/accounts/A-1").status_code == 200
    extra = closing.enter_context(client.with_headers({"X-Extra": "1"}))
    assert extra.get_httpx_client().get("/v1/accounts/A-2").status_code == 200

    agents = [request.headers["user-agent"] for request in fake.requests if request.path.startswith("/v1/")]
    assert agents == [EXPECTED_USER_AGENT, EXPECTED_USER_AGENT]


# -- verify, cert, proxy, trust_env ----------------------------------------------------------------------------------


@dataclass
class Certificates:
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _self_signed(directory: Path, name: str, subject_alt_name: str | None) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}-key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    command += ["-days", "1", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)]
    if subject_alt_name:
        command += ["-addext", f"subjectAltName={subject_alt_name}"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A server certificate valid for 127.0.0.1 that no default trust store knows, and a client certificate."""
    directory = tmp_path_factory.mktemp("certificates")
    server = _self_signed(directory, "server", "IP:127.0.0.1")
    client = _self_signed(directory, "client", None)
    return Certificates(*server, *client)


@dataclass
class Seen:
    """What a test server saw: per request, the request line, the User-Agent and the client certificate."""

    lines: list[str] = field(default_factory=list)
    agents: list[str | None] = field(default_factory=list)
    client_certs: list[bool] = field(default_factory=list)


class _TokenHandler(http.server.BaseHTTPRequestHandler):
    """Answers every POST with a fresh token, as Zuora's token endpoint does for valid credentials."""

    protocol_version = "HTTP/1.1"
    server: _SeeingServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen = self.server.seen
        seen.lines.append(self.requestline)
        seen.agents.append(self.headers.get("User-Agent"))
        peer = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        seen.client_certs.append(bool(peer))
        body = json.dumps({"access_token": uuid.uuid4().hex, "token_type": "bearer", "expires_in": 3600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _SeeingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.seen = Seen()


@contextmanager
def serving(server: _SeeingServer) -> Iterator[_SeeingServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def tls_token_server(certificates: Certificates, *, require_client_cert: bool = False) -> Iterator[_SeeingServer]:
    server = _SeeingServer(_TokenHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.server_cert, certificates.server_key)
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(certificates.client_cert)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server):
        yield server


def base_url_of(server: _SeeingServer, scheme: str = "https") -> str:
    return f"{scheme}://127.0.0.1:{server.server_address[1]}"


def test_verify_takes_a_ca_bundle_path_or_a_context_sync_and_async(certificates: Certificates) -> None:
    with tls_token_server(certificates) as server, warnings.catch_warnings():
        warnings.simplefilter("error")  # httpx 0.28 deprecates verify=<path>: it must not see one
        base_url = base_url_of(server)
        with pytest.raises(ApiConnectionError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            fetch("id", CANARY_SECRET, base_url=base_url, max_retries=0)
        fetch("id", CANARY_SECRET, base_url=base_url, verify=str(certificates.server_cert))
        fetch("id", CANARY_SECRET, base_url=base_url, verify=certificates.server_cert)
        context = ssl.create_default_context(cafile=certificates.server_cert)
        afetch("id", CANARY_SECRET, base_url=base_url, verify=context)
        afetch("id", CANARY_SECRET, base_url=base_url, verify=str(certificates.server_cert))
        fetch("id", CANARY_SECRET, base_url=base_url, verify=False)

    assert len(server.seen.lines) == 5  # the refused handshake never became a request
    assert server.seen.agents == [EXPECTED_USER_AGENT] * 5


def test_cert_presents_a_client_certificate(certificates: Certificates) -> None:
    verify = str(certificates.server_cert)
    with tls_token_server(certificates, require_client_cert=True) as server, warnings.catch_warnings():
        warnings.simplefilter("error")  # nor cert=, deprecated as well
        base_url = base_url_of(server)
        with pytest.raises(ApiConnectionError):
            fetch("id", CANARY_SECRET, base_url=base_url, verify=verify, max_retries=0)
        cert = (str(certificates.client_cert), str(certificates.client_key))
        fetch("id", CANARY_SECRET, base_url=base_url, verify=verify, cert=cert)
        afetch("id", CANARY_SECRET, base_url=base_url, verify=verify, cert=cert)

    assert server.seen.client_certs == [True, True]


class _ForwardingProxy(http.server.BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy that sends every request on to one upstream (FakeZuora), whatever its URL."""

    protocol_version = "HTTP/1.1"
    server: _SeeingServer
    upstream: tuple[str, int] = ("127.0.0.1", 0)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.seen.lines.append(self.requestline)
        path = "/" + self.path.split("://", 1)[-1].split("/", 1)[-1]
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        upstream = http.client.HTTPConnection(*type(self).upstream, timeout=10)
        try:
            upstream.request("POST", path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def forwarding_proxy(fake: FakeZuora) -> Iterator[_SeeingServer]:
    handler = type("Proxy", (_ForwardingProxy,), {"upstream": (fake.host, fake.port)})
    with serving(_SeeingServer(handler)) as server:
        yield server


def test_proxy_sends_token_requests_through_the_proxy(fake: FakeZuora) -> None:
    unreachable = f"http://127.0.0.1:{closed_port()}"  # only the proxy can answer for it
    with forwarding_proxy(fake) as proxy:
        proxy_url = base_url_of(proxy, "http")
        fetch(fake.client_id, CANARY_SECRET, base_url=unreachable, proxy=proxy_url)
        afetch(fake.client_id, CANARY_SECRET, base_url=unreachable, proxy=proxy_url)

    assert proxy.seen.lines == [f"POST {unreachable}/oauth/token HTTP/1.1"] * 2
    assert fake.token_requests == 2 and len(fake.issued_tokens) == 2


def test_trust_env_decides_whether_proxy_variables_apply(fake: FakeZuora, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    unreachable = f"http://127.0.0.1:{closed_port()}"
    with forwarding_proxy(fake) as proxy:
        monkeypatch.setenv("http_proxy", base_url_of(proxy, "http"))
        fetch(fake.client_id, CANARY_SECRET, base_url=unreachable)  # httpx's default: trust_env
        with pytest.raises(ApiConnectionError):
            fetch(fake.client_id, CANARY_SECRET, base_url=unreachable, trust_env=False, max_retries=0)
        with pytest.raises(ApiConnectionError):
            afetch(fake.client_id, CANARY_SECRET, base_url=unreachable, trust_env=False, max_retries=0)

    assert len(proxy.seen.lines) == 1 and fake.token_requests == 1


@pytest.mark.parametrize(
    "option",
    [{"verify": False}, {"cert": "client.pem"}, {"proxy": "http://127.0.0.1:3128"}, {"trust_env": False}],
)
@pytest.mark.parametrize("given", ["http_client", "async_http_client", "transport", "async_transport"])
def test_the_options_are_refused_beside_a_client_or_transport_of_ones_own(option: dict[str, Any], given: str) -> None:
    built = {
        "http_client": httpx.Client,
        "async_http_client": httpx.AsyncClient,
        "transport": httpx.HTTPTransport,
        "async_transport": httpx.AsyncHTTPTransport,
    }[given]()
    with pytest.raises(InvalidRequestError, match="configure that instead"):
        ZuoraAuth("id", CANARY_SECRET, **{given: built}, **option)


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        ({"verify": "/nonexistent/ca.pem"}, "verify: cannot load the CA certificates in '/nonexistent/ca.pem'"),
        ({"verify": 1.5}, "verify must be True, False, the path of a CA bundle"),
        ({"cert": "/nonexistent/client.pem"}, "cert: cannot load the client certificate"),
        ({"cert": ("a", "b", "c", "d")}, "cert must be a PEM file"),
        ({"verify": ssl.create_default_context(), "cert": "client.pem"}, "load the client certificate into"),
        ({"proxy": "ftp://127.0.0.1:21"}, "proxy must be an http://, https:// or socks5:// URL"),
        ({"proxy": 3128}, "proxy must be a URL"),
        ({"trust_env": "no"}, "trust_env must be True or False"),
    ],
)
def test_a_bad_option_is_a_typed_error_when_built(option: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidRequestError, match=problem.replace("(", r"\(")) as info:
        ZuoraAuth("id", CANARY_SECRET, **option)
    assert info.value.__context__ is None


def test_a_proxy_password_appears_nowhere(fake: FakeZuora, closing: ExitStack) -> None:
    password = "pr0xy-pa55word"
    proxy = f"http://user:{password}@127.0.0.1:{closed_port()}"
    auth = closing.enter_context(ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url, proxy=proxy))
    with pytest.raises(ApiConnectionError) as info:
        auth.get_token()
    assert password not in repr(auth) + str(info.value) + repr(info.value) + repr(auth._endpoint._options)


# -- top-level names ---------------------------------------------------------------------------------------------


def test_the_names_a_user_reaches_for_are_at_the_top_level() -> None:
    import zuora_oauth
    from zuora_oauth import stores
    from zuora_oauth.models import grant_type, token_request, token_response
    from zuora_oauth.testing import FakeZuora as Fake

    assert zuora_oauth.TokenResponse is token_response.TokenResponse
    assert zuora_oauth.TokenRequest is token_request.TokenRequest
    assert zuora_oauth.GrantType is grant_type.GrantType
    assert zuora_oauth.FileTokenStore is stores.FileTokenStore
    assert zuora_oauth.RedisTokenStore is stores.RedisTokenStore
    assert zuora_oauth.InMemoryTokenStore is stores.InMemoryTokenStore
    assert Fake is FakeZuora
    with pytest.raises(AttributeError):
        zuora_oauth.NoSuchName  # noqa: B018


_FRESH_IMPORT = """
import sys, json
import zuora_oauth
heavy = ("redis", "httpx2", "requests", "aiohttp", "zuora_oauth.stores", "zuora_oauth.models", "zuora_oauth.auth")
def loaded():
    return sorted(name for name in sys.modules if name.split(".")[0] in heavy or name.startswith(heavy))
listed = dir(zuora_oauth)
extra = [n for n in listed if not n.startswith("__") and n not in zuora_oauth.__all__]
modules = [n for n in extra if type(getattr(zuora_oauth, n)).__name__ == "module"]
report = {"after_import": loaded(), "dir": listed, "all": list(zuora_oauth.__all__), "extra": extra, "modules": modules}
zuora_oauth.TokenResponse
report["after_token_response"] = loaded()
zuora_oauth.RedisTokenStore
report["after_redis_store"] = loaded()
print(json.dumps(report))
"""


def test_import_is_lazy_and_dir_shows_the_public_names_only() -> None:
    done = subprocess.run([sys.executable, "-c", _FRESH_IMPORT], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)

    assert report["after_import"] == []
    assert report["extra"] == report["modules"] == ["runtime"]  # beyond __all__: the loaded public submodule only
    assert "__version__" in report["dir"]
    for name in ("TokenResponse", "TokenRequest", "GrantType", "FileTokenStore", "RedisTokenStore", "ZuoraAuth"):
        assert name in report["all"]
    assert "zuora_oauth.models.token_response" in report["after_token_response"]
    assert not any(name.startswith("zuora_oauth.stores") for name in report["after_token_response"])
    assert "zuora_oauth.stores._redis" in report["after_redis_store"]
    assert "redis" not in report["after_redis_store"]  # redis-py only once a store is built
