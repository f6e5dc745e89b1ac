"""Another Zuora module, generated in the test from tests/specs/accounts.yaml with our templates and config,
authenticating with ZuoraAuth against FakeZuora's protected endpoint."""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

from tests._generation import ROOT, generate
from tests.conftest import CANARY_SECRET
from zuora_oauth import ApiError, NotFoundError, ZuoraAuth
from zuora_oauth.testing import FakeZuora


@pytest.fixture(scope="module")
def accounts_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """``zuora_accounts``: the same templates and generator config, only the package name changed."""
    folder = tmp_path_factory.mktemp("second-module")
    yaml = YAML(typ="safe")
    config = yaml.load(ROOT / "generator-config.yml")
    config.update(project_name_override="zuora-accounts", package_name_override="zuora_accounts")
    config_path = folder / "generator-config.yml"
    with config_path.open("w") as stream:
        yaml.dump(config, stream)
    generate(ROOT / "tests" / "specs" / "accounts.yaml", config_path, folder / "zuora_accounts")
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("zuora_accounts")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith("zuora_accounts")]:
            del sys.modules[name]


def test_the_second_module_has_the_same_call_shape(accounts_module: ModuleType) -> None:
    assert hasattr(accounts_module, "AccountsApi") and hasattr(accounts_module, "AsyncAccountsApi")
    from zuora_accounts.api.accounts import get_account  # type: ignore[import-not-found]

    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(get_account, name))
    assert accounts_module.ApiError is ApiError  # one error hierarchy across modules


def test_a_valid_call_through_zuora_auth(accounts_module: ModuleType, fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    client = accounts_module.Client(base_url=fake.base_url, httpx_args={"auth": auth})
    account = accounts_module.AccountsApi(client).get_account("A-100", zuora_track_id="t-9")

    assert account.success is True
    assert account.basic_info.account_number == "A-100"
    (request,) = [r for r in fake.requests if r.path == "/v1/accounts/A-100"]
    assert request.headers["authorization"].startswith("Bearer ****")
    assert request.headers["zuora-track-id"] == "t-9"
    assert fake.token_requests == 1


def test_a_revoked_token_is_refreshed_and_the_call_succeeds(accounts_module: ModuleType, fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    api = accounts_module.AccountsApi(accounts_module.Client(base_url=fake.base_url, httpx_args={"auth": auth}))
    api.get_account("A-1")
    fake.revoke_all()
    answer = api.get_account_with_http_info("A-2")

    assert answer.status_code == 200 and answer.parsed.basic_info.account_number == "A-2"
    assert fake.token_requests == 2
    assert fake.revoked_token_uses == 1


def test_async_calls_through_zuora_auth(accounts_module: ModuleType, fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    api = accounts_module.AsyncAccountsApi(accounts_module.Client(base_url=fake.base_url, httpx_args={"auth": auth}))

    async def main() -> list[str]:
        accounts = await asyncio.gather(*(api.get_account(f"B-{n}") for n in range(20)))
        return [account.basic_info.account_number for account in accounts]

    assert asyncio.run(main()) == [f"B-{n}" for n in range(20)]
    assert fake.token_requests == 1


def test_an_error_surfaces_as_this_packages_api_error(accounts_module: ModuleType, fake: FakeZuora) -> None:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url)
    api = accounts_module.AccountsApi(accounts_module.Client(base_url=fake.base_url, httpx_args={"auth": auth}))
    with pytest.raises(NotFoundError) as info:
        api.get_account("missing-1")

    error = info.value
    assert error.code == 404
    assert error.reasons[0].code == 50000040
    assert "Cannot find entity by key" in str(error)


def test_the_second_module_is_typed(accounts_module: ModuleType) -> None:
    folder = Path(accounts_module.__file__).parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout
