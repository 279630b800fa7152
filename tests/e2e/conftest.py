"""The running local stack, as `make run` serves it, on free ports in a background thread."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningStack:
    base_url: str
    moto_url: str
    config: dict[str, Any]
    app: Any

    @property
    def idp_url(self) -> str:
        return f"{self.base_url}/cognito-idp"

    def client(self, service: str = "cognito-idp") -> Any:
        endpoint = self.idp_url if service == "cognito-idp" else self.moto_url
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"max_attempts": 1}))

    def outbox(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.base_url}/local/outbox", timeout=10).json()

    def latest_code(self, to: str) -> str:
        for message in self.outbox():
            if message["to"] == to and message.get("code"):
                return message["code"]
        raise AssertionError(f"no code sent to {to}")

    def invocations(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.base_url}/local/invocations", timeout=10).json()


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


def unique(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


TRIGGER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:cogworks-local-{}"
ALL_TRIGGERS = {
    "PreSignUp": "pre_sign_up", "CustomMessage": "custom_message", "PostConfirmation": "post_confirmation",
    "PreAuthentication": "pre_authentication", "PostAuthentication": "post_authentication",
    "DefineAuthChallenge": "define_auth_challenge", "CreateAuthChallenge": "create_auth_challenge",
    "VerifyAuthChallengeResponse": "verify_auth_challenge_response", "UserMigration": "user_migration",
}


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


PASSWORD = "Correct-Horse-9"


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


def error_of(exc_info: Any) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]
