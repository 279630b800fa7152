"""InitiateAuth and AdminInitiateAuth: password, SRP and refresh flows, the client's flow switches,
SECRET_HASH, user status, per-pool password policy, and GetUser with the tokens issued.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito

import emulator
from chalicelib.services.cognito import secret_hash
from emulator.clock import FakeClock
from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import INCORRECT, claims_of


def password_auth(idp: Any, client_id: str, username: str, password: str, **extra: str) -> dict[str, Any]:
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": password, **extra})


def test_user_password_auth_returns_the_three_tokens(idp, confirmed_user):
    result = password_auth(idp, confirmed_user["client_id"], confirmed_user["username"], PASSWORD)
    assert result["ChallengeParameters"] == {}
    tokens = result["AuthenticationResult"]
    assert set(tokens) == {"AccessToken", "ExpiresIn", "TokenType", "IdToken", "RefreshToken"}
    assert (tokens["ExpiresIn"], tokens["TokenType"]) == (3600, "Bearer")
    access = claims_of(tokens["AccessToken"])
    assert (access["token_use"], access["client_id"], access["username"]) == (
        "access", confirmed_user["client_id"], confirmed_user["username"])


def test_wrong_password_is_refused(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        password_auth(idp, confirmed_user["client_id"], confirmed_user["username"], "Wrong-Password-1")
    assert error_of(exc) == INCORRECT


def test_missing_password_is_a_parameter_error(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": confirmed_user["username"]})
    assert error_of(exc) == ("InvalidParameterException", "Missing required parameter PASSWORD")


def test_unconfirmed_user_with_the_right_password_is_not_confirmed(idp, make_pool):
    _pool_id, client_id = make_pool()
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, PASSWORD)
    assert error_of(exc) == ("UserNotConfirmedException", "User is not confirmed.")
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, "Wrong-Password-1")
    assert error_of(exc) == INCORRECT


def test_flow_must_be_enabled_on_the_client(idp, make_pool):
    _pool_id, client_id = make_pool(client={"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, unique(), PASSWORD)
    assert error_of(exc) == ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")


@pytest.mark.parametrize(("operation", "flow"), [("initiate_auth", "ADMIN_USER_PASSWORD_AUTH"),
                                                 ("admin_initiate_auth", "USER_PASSWORD_AUTH")])
def test_password_flows_belong_to_their_own_operation(idp, confirmed_user, operation, flow):
    args: dict[str, Any] = {"ClientId": confirmed_user["client_id"], "AuthFlow": flow,
                            "AuthParameters": {"USERNAME": confirmed_user["username"], "PASSWORD": PASSWORD}}
    if operation == "admin_initiate_auth":
        args["UserPoolId"] = confirmed_user["pool_id"]
    with pytest.raises(ClientError) as exc:
        getattr(idp, operation)(**args)
    assert error_of(exc) == ("InvalidParameterException", "Initiate Auth method not supported.")


def test_admin_user_password_auth(idp, confirmed_user):
    result = idp.admin_initiate_auth(UserPoolId=confirmed_user["pool_id"], ClientId=confirmed_user["client_id"],
                                     AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": confirmed_user["username"], "PASSWORD": PASSWORD})
    assert "IdToken" in result["AuthenticationResult"]
    with pytest.raises(ClientError) as exc:
        idp.admin_initiate_auth(UserPoolId=confirmed_user["pool_id"], ClientId=confirmed_user["client_id"],
                                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": confirmed_user["username"], "PASSWORD": "Nope-Nope-1"})
    assert error_of(exc) == INCORRECT


def test_unsupported_flow_is_named(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_AUTH",
                          AuthParameters={"USERNAME": confirmed_user["username"]})
    code, message = error_of(exc)
    assert code == "UnsupportedOperationException"
    assert "USER_AUTH" in message


def test_pycognito_srp_sign_in_and_refresh(stack, idp, confirmed_user):
    kwargs = {"endpoint_url": stack.idp_url, "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    user = Cognito(confirmed_user["pool_id"], confirmed_user["client_id"], username=confirmed_user["username"],
                   user_pool_region="us-east-1", boto3_client_kwargs=kwargs)
    user.authenticate(password=PASSWORD)
    first_access = user.access_token
    user.renew_access_token()
    assert user.access_token != first_access
    assert user.access_claims["username"] == confirmed_user["username"]


@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
def test_refresh_issues_new_id_and_access_tokens_only(idp, confirmed_user, flow):
    tokens = password_auth(idp, confirmed_user["client_id"], confirmed_user["username"],
                           PASSWORD)["AuthenticationResult"]
    refreshed = idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow=flow,
                                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert set(refreshed) == {"AccessToken", "ExpiresIn", "TokenType", "IdToken"}
    before = claims_of(tokens["IdToken"])
    after = claims_of(refreshed["IdToken"])
    assert after["auth_time"] == before["auth_time"]
    assert after["jti"] != before["jti"]


def test_refresh_token_is_bound_to_its_client(idp, confirmed_user):
    tokens = password_auth(idp, confirmed_user["client_id"], confirmed_user["username"],
                           PASSWORD)["AuthenticationResult"]
    other = idp.create_user_pool_client(UserPoolId=confirmed_user["pool_id"], ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    for client_id, token in ((other, tokens["RefreshToken"]), (confirmed_user["client_id"], "not-a-token")):
        with pytest.raises(ClientError) as exc:
            idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                              AuthParameters={"REFRESH_TOKEN": token})
        assert error_of(exc) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_refresh_after_global_sign_out_is_revoked(idp, confirmed_user):
    tokens = password_auth(idp, confirmed_user["client_id"], confirmed_user["username"],
                           PASSWORD)["AuthenticationResult"]
    idp.global_sign_out(AccessToken=tokens["AccessToken"])
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert error_of(exc) == ("NotAuthorizedException", "Refresh Token has been revoked")


def test_refresh_token_expires_with_the_client_s_validity(idp, make_pool, monkeypatch):
    pool_id, client_id = make_pool(client={"RefreshTokenValidity": 60,
                                           "TokenValidityUnits": {"RefreshToken": "minutes"}})
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    clock = FakeClock(float(int(time.time())))
    monkeypatch.setattr(emulator.EMULATOR, "clock", clock)
    refresh = password_auth(idp, client_id, username, PASSWORD)["AuthenticationResult"]["RefreshToken"]
    clock.advance(59 * 60)
    idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh})
    clock.advance(61)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": refresh})
    assert error_of(exc) == ("NotAuthorizedException", "Refresh Token has expired")


def test_client_with_a_secret_needs_the_secret_hash(idp, make_pool):
    pool_id, _ = make_pool()
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="server", GenerateSecret=True,
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                         )["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                SecretHash=secret_hash(secret, username, client_id),
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException",
                             f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, PASSWORD, SECRET_HASH=secret_hash("wrong", username, client_id))
    assert error_of(exc) == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    result = password_auth(idp, client_id, username, PASSWORD, SECRET_HASH=secret_hash(secret, username, client_id))
    assert "AccessToken" in result["AuthenticationResult"]


POLICY = {"PasswordPolicy": {"MinimumLength": 10, "RequireUppercase": True, "RequireLowercase": True,
                             "RequireNumbers": True, "RequireSymbols": True}}


@pytest.mark.parametrize(("password", "reason"), [
    ("Short-1a", "Password not long enough"),
    ("NOLOWERCASE-1", "Password must have lowercase characters"),
    ("nouppercase-1", "Password must have uppercase characters"),
    ("No-Numbers-Here", "Password must have numeric characters"),
    ("NoSymbols123", "Password must have symbol characters"),
])
def test_sign_up_enforces_the_pool_s_password_policy(idp, make_pool, password, reason):
    _pool_id, client_id = make_pool(pool={"Policies": POLICY})
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=unique(), Password=password)
    assert error_of(exc) == ("InvalidPasswordException", f"Password did not conform with policy: {reason}")


def test_relaxed_policy_accepts_a_simple_password(idp, make_pool):
    relaxed = {"PasswordPolicy": {"MinimumLength": 6, "RequireUppercase": False, "RequireLowercase": True,
                                  "RequireNumbers": False, "RequireSymbols": False}}
    pool_id, client_id = make_pool(pool={"Policies": relaxed})
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password="simple")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    assert "IdToken" in password_auth(idp, client_id, username, "simple")["AuthenticationResult"]


def test_get_user_returns_the_caller_s_profile(idp, confirmed_user):
    tokens = password_auth(idp, confirmed_user["client_id"], confirmed_user["username"],
                           PASSWORD)["AuthenticationResult"]
    result = idp.get_user(AccessToken=tokens["AccessToken"])
    assert result["Username"] == confirmed_user["username"]
    attributes = {a["Name"]: a["Value"] for a in result["UserAttributes"]}
    sub = claims_of(tokens["IdToken"])["sub"]
    assert attributes == {"sub": sub, "email": confirmed_user["email"]}
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=tokens["IdToken"])
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")
