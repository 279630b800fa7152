"""Shared test setup: fake AWS credentials before any client exists, and the stage `local` environment."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
})


def stage_environment(stage: str) -> dict[str, str]:
    """The environment chalice gives a stage: top-level variables, then the stage's own."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


os.environ.update(stage_environment("local"))


# The running local stack, as `make run` serves it, on free ports in a background thread: one per session,
# shared by the e2e and integration tests (chalice cannot serve one app twice).
from tests.helpers import (  # noqa: E402
    ALL_TRIGGERS,
    PASSWORD,
    TRIGGER_ARN,
    RunningStack,
    capture_logs,
    free_port,
    unique,
)


@pytest.fixture(scope="session")
def stack() -> Iterator[RunningStack]:
    import os

    from chalice.config import Config as ChaliceConfig
    from chalice.local import create_local_server

    port, moto_port = free_port(), free_port()
    os.environ.update({"COGWORKS_PORT": str(port), "MOTO_PORT": str(moto_port)})
    import emulator
    from app import app

    local_stack = emulator.stack()
    local_stack.start()
    server = create_local_server(app, ChaliceConfig(chalice_stage="local"), "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield RunningStack(base_url=f"http://127.0.0.1:{port}", moto_url=local_stack.moto_url,
                       config=local_stack.config(), app=app)
    server.shutdown()
    local_stack.stop()


@pytest.fixture(scope="session")
def idp(stack: RunningStack) -> Any:
    return stack.client()


@pytest.fixture(scope="session")
def seeded(stack: RunningStack) -> dict[str, Any]:
    return stack.config


@pytest.fixture()
def make_pool(idp: Any) -> Callable[..., tuple[str, str]]:
    """Create a pool and a no-secret client; keyword arguments override the pool or client settings."""

    def _make(pool: dict[str, Any] | None = None, client: dict[str, Any] | None = None,
              triggers: dict[str, str] | None = None) -> tuple[str, str]:
        lambda_config: dict[str, Any] = {key: TRIGGER_ARN.format(name) for key, name in ALL_TRIGGERS.items()}
        lambda_config["PreTokenGenerationConfig"] = {"LambdaVersion": "V2_0",
                                                     "LambdaArn": TRIGGER_ARN.format("pre_token_generation")}
        if triggers is not None:
            lambda_config = triggers
        pool_args = {"PoolName": unique("pool"), "AutoVerifiedAttributes": ["email"],
                     "LambdaConfig": lambda_config, **(pool or {})}
        pool_id = idp.create_user_pool(**pool_args)["UserPool"]["Id"]
        client_args = {"UserPoolId": pool_id, "ClientName": "test",
                       "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
                                             "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                                             "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
                       **(client or {})}
        client_id = idp.create_user_pool_client(**client_args)["UserPoolClient"]["ClientId"]
        return pool_id, client_id

    return _make


@pytest.fixture()
def confirmed_user(idp: Any, make_pool: Callable[..., tuple[str, str]]) -> dict[str, str]:
    """A fresh pool with one confirmed user (username, password, email)."""
    pool_id, client_id = make_pool()
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    return {"pool_id": pool_id, "client_id": client_id, "username": username, "password": PASSWORD,
            "email": email}


@pytest.fixture()
def use_pool(stack: RunningStack, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Point the auth API (which runs in this process) at another pool and app client (and secret) for a test."""
    import emulator

    def _use(pool_id: str, client_id: str, secret: str | None = None) -> None:
        monkeypatch.setenv("USER_POOL_ID", pool_id)
        monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
        monkeypatch.setenv("COGNITO_ISSUER", emulator.EMULATOR.issuer(pool_id))
        if secret:
            monkeypatch.setenv("USER_POOL_CLIENT_SECRET", secret)
        else:
            monkeypatch.delenv("USER_POOL_CLIENT_SECRET", raising=False)

    return _use


@pytest.fixture()
def captured() -> Iterator[Any]:
    """What the bundle's logger writes during the test, at DEBUG, as Lambda would (tests.helpers.capture_logs)."""
    with capture_logs() as stream:
        yield stream
