"""UpdateUserPoolClient replaces the client's configuration: what the request leaves out goes back to Cognito's
default (auth flows, PreventUserExistenceErrors, token validities), the secret and id stay, and the checks of
CreateUserPoolClient apply."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.services.cognito import secret_hash
from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import claims_of, clock_moved_by, password_auth

DEFAULT_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
CONFIGURED = {
    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "PreventUserExistenceErrors": "ENABLED", "EnableTokenRevocation": False, "AuthSessionValidity": 15,
    "AccessTokenValidity": 30, "IdTokenValidity": 2, "RefreshTokenValidity": 90,
    "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "minutes"},
    "ReadAttributes": ["email"], "WriteAttributes": ["email"],
}


@pytest.fixture()
def configured(idp, confirmed_user) -> dict:
    """The confirmed user's pool with a second client configured away from every default."""
    client = idp.create_user_pool_client(UserPoolId=confirmed_user["pool_id"], ClientName="configured",
                                         **CONFIGURED)["UserPoolClient"]
    return {**confirmed_user, "client": client, "client_id": client["ClientId"]}


def describe(idp, pool_id: str, client_id: str) -> dict:
    return idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]


def test_settings_left_out_go_back_to_their_defaults(idp, configured):
    pool_id, client = configured["pool_id"], configured["client"]
    with clock_moved_by(60):
        updated = idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"],
                                              ClientName="renamed")["UserPoolClient"]
    assert updated == describe(idp, pool_id, client["ClientId"])
    assert updated["ClientName"] == "renamed"
    assert updated["ExplicitAuthFlows"] == DEFAULT_FLOWS
    assert updated["PreventUserExistenceErrors"] == "LEGACY"
    assert updated["EnableTokenRevocation"] is True
    assert updated["AuthSessionValidity"] == 3
    assert updated["RefreshTokenValidity"] == 30
    for gone in ("AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits", "ReadAttributes",
                 "WriteAttributes"):
        assert gone not in updated
    assert (updated["ClientId"], updated["UserPoolId"], updated["CreationDate"]) == (
        client["ClientId"], pool_id, client["CreationDate"])
    assert (updated["LastModifiedDate"] - client["LastModifiedDate"]).total_seconds() >= 59


def test_settings_given_are_kept(idp, configured):
    pool_id, client_id = configured["pool_id"], configured["client_id"]
    updated = idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, ClientName="configured",
                                          **CONFIGURED)["UserPoolClient"]
    for name, value in CONFIGURED.items():
        assert updated[name] == value
    before = {k: v for k, v in configured["client"].items() if k != "LastModifiedDate"}
    assert {k: v for k, v in updated.items() if k != "LastModifiedDate"} == before


def test_the_name_is_kept_when_left_out(idp, configured):
    updated = idp.update_user_pool_client(UserPoolId=configured["pool_id"], ClientId=configured["client_id"],
                                          PreventUserExistenceErrors="ENABLED")["UserPoolClient"]
    assert updated["ClientName"] == "configured"
    assert updated["PreventUserExistenceErrors"] == "ENABLED"
    assert updated["ExplicitAuthFlows"] == DEFAULT_FLOWS


def test_a_flow_not_given_again_is_lost(idp, configured):
    assert "AuthenticationResult" in password_auth(idp, configured["client_id"], configured["username"])
    idp.update_user_pool_client(UserPoolId=configured["pool_id"], ClientId=configured["client_id"],
                                ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    with pytest.raises(ClientError) as exc:
        password_auth(idp, configured["client_id"], configured["username"])
    assert error_of(exc) == ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")


def test_prevent_user_existence_errors_goes_back_to_legacy(idp, configured):
    nobody = unique("nobody")
    with pytest.raises(ClientError) as exc:
        password_auth(idp, configured["client_id"], nobody)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
    idp.update_user_pool_client(UserPoolId=configured["pool_id"], ClientId=configured["client_id"],
                                ExplicitAuthFlows=CONFIGURED["ExplicitAuthFlows"])
    with pytest.raises(ClientError) as exc:
        password_auth(idp, configured["client_id"], nobody)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_new_token_validity_applies_to_the_next_tokens(idp, configured):
    idp.update_user_pool_client(UserPoolId=configured["pool_id"], ClientId=configured["client_id"],
                                ExplicitAuthFlows=CONFIGURED["ExplicitAuthFlows"], AccessTokenValidity=5,
                                TokenValidityUnits={"AccessToken": "minutes"})
    result = password_auth(idp, configured["client_id"], configured["username"])["AuthenticationResult"]
    access = claims_of(result["AccessToken"])
    identity = claims_of(result["IdToken"])
    assert (access["exp"] - access["iat"], result["ExpiresIn"]) == (300, 300)
    assert identity["exp"] - identity["iat"] == 3600


def test_the_secret_is_kept(idp, make_pool):
    pool_id, _ = make_pool()
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="server", GenerateSecret=True,
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]
    updated = idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id,
                                          ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
    assert updated["ClientSecret"] == secret
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException",
                             f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                SecretHash=secret_hash(secret, username, client_id))


def test_mixing_legacy_and_allow_flows_is_refused_and_changes_nothing(idp, configured):
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId=configured["pool_id"], ClientId=configured["client_id"],
                                    ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
    assert error_of(exc) == ("InvalidParameterException",
                             "ExplicitAuthFlows can not have both ALLOW_XXX and non ALLOW_XXX values.")
    assert describe(idp, configured["pool_id"], configured["client_id"]) == configured["client"]


@pytest.mark.parametrize("settings", [
    {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
    {"IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "days"}},
    {"RefreshTokenValidity": 3651},
])
def test_token_validity_out_of_range(idp, configured, settings):
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId=configured["pool_id"], ClientId=configured["client_id"], **settings)
    assert error_of(exc) == ("InvalidParameterException", "Invalid range for token validity.")
    assert describe(idp, configured["pool_id"], configured["client_id"]) == configured["client"]


def test_unknown_client(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId=pool_id, ClientId="a" * 26, ClientName="x")
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool client {'a' * 26} does not exist.")


def test_client_of_another_pool(idp, make_pool, seeded):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId=pool_id, ClientId=seeded["clientId"], ClientName="hijacked")
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool client {seeded['clientId']} does not exist.")
    described = describe(idp, seeded["userPoolId"], seeded["clientId"])
    assert described["ClientName"] != "hijacked"


def test_unknown_pool(idp, seeded):
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId="us-east-1_nopool000", ClientId=seeded["clientId"])
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
