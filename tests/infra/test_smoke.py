"""scripts/smoke.py against moto's server standing in for AWS (a stack whose outputs name a moto pool,
client and identity pool): every step runs, and the throwaway user is deleted even when a step fails."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from chalicelib.auth.jwt_verifier import JwtUnknownKidError
from emulator.errors import NotAuthorizedException
from emulator.state import AppClient
from emulator.users import check_secret_hash
from scripts import smoke


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def deployed(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    # A local stack started earlier in this session points cognito-idp at itself; the smoke test talks to moto.
    for name in ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL_COGNITO_IDENTITY", "COGNITO_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    pool = idp.create_user_pool(PoolName="smoke")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="api",
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                         GenerateSecret=True)["UserPoolClient"]["ClientId"]
    identity_pool = boto3.client("cognito-identity", region_name="us-east-1").create_identity_pool(
        IdentityPoolName="smoke", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": f"cognito-idp.us-east-1.amazonaws.com/{pool}",
                                   "ClientId": client}])["IdentityPoolId"]
    stack = f"cogworks-smoke-{pool.split('_')[1][:8]}"
    template = {"Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"UserPoolId": {"Value": pool}, "UserPoolClientId": {"Value": client},
                            "IdentityPoolId": {"Value": identity_pool}}}
    boto3.client("cloudformation", region_name="us-east-1").create_stack(StackName=stack,
                                                                        TemplateBody=json.dumps(template))
    return {"idp": idp, "pool": pool, "stack": stack,
            "jwks": lambda uri: json.loads(urllib.request.urlopen(f"{moto_url}/{pool}/.well-known/jwks.json").read())}


def test_smoke_signs_a_user_up_and_in_and_deletes_it(deployed: dict[str, Any],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    smoke.run(deployed["stack"], "us-east-1", jwks_fetcher=deployed["jwks"])
    printed = capsys.readouterr().out
    for expected in ("ok    create user smoke-", "ok    sign in with InitiateAuth USER_PASSWORD_AUTH",
                     "ok    verify ID and access tokens", "ok    exchange the ID token at the identity pool",
                     "ok    delete user smoke-"):
        assert expected in printed
    assert deployed["idp"].list_users(UserPoolId=deployed["pool"])["Users"] == []


def test_a_failed_step_still_deletes_the_user(deployed: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(JwtUnknownKidError):
        smoke.run(deployed["stack"], "us-east-1", jwks_fetcher=lambda uri: {"keys": []})
    printed = capsys.readouterr().out
    assert "FAIL  verify ID and access tokens: JwtUnknownKidError" in printed
    assert "ok    delete user smoke-" in printed
    assert deployed["idp"].list_users(UserPoolId=deployed["pool"])["Users"] == []


def test_a_stack_without_the_outputs_is_refused(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    cloudformation.create_stack(StackName="not-cogworks", TemplateBody=json.dumps(
        {"Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}}}))
    with pytest.raises(smoke.SmokeError, match="has no output IdentityPoolId, UserPoolClientId, UserPoolId"):
        smoke.stack_outputs(cloudformation, "not-cogworks")


class _SecretClientIdp:
    """The two calls the direct sign-in makes, against an app client with a secret checked as the local pool
    checks it (moto's server accepts a missing SECRET_HASH)."""

    def __init__(self) -> None:
        self.client = AppClient("client-1", "us-east-1_Pool1", "api", {}, secret="s3cr3t-of-the-api-client")

    def describe_user_pool_client(self, UserPoolId: str, ClientId: str) -> dict[str, Any]:  # noqa: N803
        return {"UserPoolClient": {"ClientId": ClientId, "ClientSecret": self.client.secret}}

    def initiate_auth(self, ClientId: str, AuthFlow: str, AuthParameters: dict[str, str]) -> dict[str, Any]:  # noqa: N803
        check_secret_hash(self.client, AuthParameters["USERNAME"], AuthParameters.get("SECRET_HASH"))
        return {"AuthenticationResult": {"IdToken": "id", "AccessToken": "access"}}


def test_a_direct_sign_in_proves_the_api_clients_secret() -> None:
    idp = _SecretClientIdp()
    assert smoke.sign_in_directly(idp, "us-east-1_Pool1", "client-1", "smoke-user", "pw") == {
        "id": "id", "access": "access"}
    with pytest.raises(NotAuthorizedException, match="Unable to verify secret hash for client client-1"):
        idp.initiate_auth("client-1", "USER_PASSWORD_AUTH", {"USERNAME": "smoke-user", "SECRET_HASH": "forged"})
