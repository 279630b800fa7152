"""The user pool, its app clients and the identity pool are configured as the bundle needs, and the identity
pool's role mapping points at the user pool and clients of the same stack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.cognito import API_CLIENT_FLOWS, CLIENTS, WEB_CLIENT_FLOWS
from tests.conftest import ROOT
from tests.infra.conftest import Package

# The session fixture `package` builds the deployment zip on first use: ~30 s, more on a loaded machine.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def pool(package: Package) -> dict[str, Any]:
    return package.resources["UserPool"]["Properties"]


def test_a_replaced_pool_is_kept_with_its_users(package: Package) -> None:
    assert package.resources["UserPool"]["UpdateReplacePolicy"] == "Retain"


def test_user_pool_settings(pool: dict[str, Any]) -> None:
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["DeletionProtection"] == {"Ref": "DeletionProtection"}
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["UserPoolName"] == {"Fn::Sub": "cogworks-${Stage}"}
    email = pool["EmailConfiguration"]["Fn::If"]
    assert email[0] == "HasSesIdentity"
    assert email[1]["EmailSendingAccount"] == "DEVELOPER" and email[1]["SourceArn"] == {"Ref": "SesSourceArn"}
    assert email[2] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert pool["SmsConfiguration"]["Fn::If"][0] == "SmsEnabled"
    assert pool["SmsConfiguration"]["Fn::If"][1]["SnsCallerArn"] == {"Fn::GetAtt": ["UserPoolSmsRole", "Arn"]}


def test_password_policy_is_the_local_demo_pools(pool: dict[str, Any]) -> None:
    # What passes against `make run` must pass against AWS.
    seed = json.loads((ROOT / "emulator" / "seed.json").read_text())
    assert pool["Policies"]["PasswordPolicy"] == seed["userPool"]["Policies"]["PasswordPolicy"]


@pytest.mark.parametrize(("client", "flows", "secret"),
                         [("ApiClient", API_CLIENT_FLOWS, True), ("WebClient", WEB_CLIENT_FLOWS, False)])
def test_app_clients(client: str, flows: list[str], secret: bool, package: Package) -> None:
    properties = package.resources[client]["Properties"]
    assert properties["UserPoolId"] == {"Ref": "UserPool"}
    assert properties["GenerateSecret"] is secret
    assert properties["ExplicitAuthFlows"] == flows
    assert properties["PreventUserExistenceErrors"] == "ENABLED"
    assert properties["EnableTokenRevocation"] is True
    assert (properties["AccessTokenValidity"], properties["IdTokenValidity"], properties["RefreshTokenValidity"]) \
        == (60, 60, 30)
    assert properties["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes",
                                                "RefreshToken": "days"}
    assert properties["AuthSessionValidity"] == 3


def test_the_password_alone_gets_tokens_only_with_the_api_clients_secret() -> None:
    # A user with an enrolled authenticator must not skip DefineAuthChallenge's second factor: the public
    # client has no password-only flow, and the one that has them needs a SECRET_HASH only the API can make.
    assert "ALLOW_USER_PASSWORD_AUTH" in API_CLIENT_FLOWS
    assert CLIENTS["ApiClient"][2] is True
    assert not {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"} \
        & set(WEB_CLIENT_FLOWS)
    assert "ALLOW_CUSTOM_AUTH" in WEB_CLIENT_FLOWS


def test_identity_pool_trusts_this_user_pool_and_its_clients(package: Package) -> None:
    properties = package.resources["IdentityPool"]["Properties"]
    assert properties["AllowUnauthenticatedIdentities"] is False
    assert properties["CognitoIdentityProviders"] == [
        {"ClientId": {"Ref": client}, "ProviderName": {"Fn::GetAtt": ["UserPool", "ProviderName"]},
         "ServerSideTokenCheck": True} for client in ("ApiClient", "WebClient")]


def test_role_mapping_points_at_this_stacks_pool_and_clients(package: Package) -> None:
    attachment = package.resources["IdentityPoolRoles"]["Properties"]
    assert attachment["IdentityPoolId"] == {"Ref": "IdentityPool"}
    assert attachment["Roles"] == {
        "authenticated": {"Fn::GetAtt": ["IdentityPoolAuthenticatedRole", "Arn"]},
        "unauthenticated": {"Fn::GetAtt": ["IdentityPoolUnauthenticatedRole", "Arn"]}}
    mappings = attachment["RoleMappings"]
    assert set(mappings) == {"ApiClient", "WebClient"}
    for client, mapping in mappings.items():
        assert mapping == {
            "IdentityProvider": {"Fn::Sub": f"cognito-idp.${{AWS::Region}}.amazonaws.com/${{UserPool}}:${{{client}}}"},
            "Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}
        assert package.resources[client]["Type"] == "AWS::Cognito::UserPoolClient"
        assert package.resources[client]["Properties"]["UserPoolId"] == {"Ref": "UserPool"}


@pytest.mark.parametrize(("role", "amr"), [("IdentityPoolAuthenticatedRole", "authenticated"),
                                           ("IdentityPoolUnauthenticatedRole", "unauthenticated")])
def test_identity_roles_check_audience_and_amr(role: str, amr: str, package: Package) -> None:
    trust = package.resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [{
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": {"Ref": "IdentityPool"}},
                      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}},
    }]
