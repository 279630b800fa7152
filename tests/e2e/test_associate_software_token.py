"""AssociateSoftwareToken: a fresh TOTP secret per call, by access token or by the Session of an MFA_SETUP
challenge (consumed, a new one returned); the errors."""

from __future__ import annotations

import pyotp
import pytest
from botocore.exceptions import ClientError

import emulator
from tests.e2e.conftest import PASSWORD, error_of, unique

# CreateUserPool accepts MFA ON only with an SMS configuration; TOTP is on unless SetUserPoolMfaConfig says not.
MFA_ON = {"MfaConfiguration": "ON",
          "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sns", "ExternalId": "x"}}
INVALID_SESSION = ("NotAuthorizedException", "Invalid session for the user.")


def sign_in(idp, client_id: str, username: str) -> dict:
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})


def access_token(idp, user: dict[str, str]) -> str:
    return sign_in(idp, user["client_id"], user["username"])["AuthenticationResult"]["AccessToken"]


def new_user(idp, pool_id: str, client_id: str) -> str:
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    return username


def test_access_token_gets_a_new_secret_each_time(idp, confirmed_user):
    access = access_token(idp, confirmed_user)
    first = idp.associate_software_token(AccessToken=access)
    second = idp.associate_software_token(AccessToken=access)
    assert "Session" not in first
    assert first["SecretCode"] != second["SecretCode"]
    assert pyotp.TOTP(first["SecretCode"]).now().isdigit()


def test_mfa_setup_session_is_consumed_and_renewed(idp, make_pool):
    pool_id, client_id = make_pool(pool=MFA_ON)
    username = new_user(idp, pool_id, client_id)
    challenge = sign_in(idp, client_id, username)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    result = idp.associate_software_token(Session=challenge["Session"])
    assert result["SecretCode"]
    assert result["Session"] != challenge["Session"]
    with pytest.raises(ClientError) as exc:
        idp.associate_software_token(Session=challenge["Session"])
    assert error_of(exc) == INVALID_SESSION
    assert idp.associate_software_token(Session=result["Session"])["Session"]


def test_needs_exactly_one_credential(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.associate_software_token()
    assert error_of(exc) == ("InvalidParameterException", "Either AccessToken or Session must be provided.")
    access = access_token(idp, confirmed_user)
    with pytest.raises(ClientError) as exc:
        idp.associate_software_token(AccessToken=access, Session="s" * 40)
    assert error_of(exc) == ("InvalidParameterException", "Only one of AccessToken or Session can be provided.")


def test_unknown_session_and_bad_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.associate_software_token(Session="not-a-session-" * 3)
    assert error_of(exc) == INVALID_SESSION
    with pytest.raises(ClientError) as exc:
        idp.associate_software_token(AccessToken="a.b.c")
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")


def test_pool_without_software_token_mfa(idp, make_pool, monkeypatch):
    pool_id, client_id = make_pool()
    # What SetUserPoolMfaConfig(SoftwareTokenMfaConfiguration={"Enabled": False}) stores; the stack runs here.
    monkeypatch.setitem(emulator.EMULATOR.store.pools[pool_id].config, "SoftwareTokenMfaConfiguration",
                        {"Enabled": False})
    username = new_user(idp, pool_id, client_id)
    access = sign_in(idp, client_id, username)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as exc:
        idp.associate_software_token(AccessToken=access)
    assert error_of(exc) == ("SoftwareTokenMFANotFoundException",
                             "Software Token MFA has not been enabled for the user pool.")
