"""TOTP MFA end to end: enrol by access token (associate, verify, prefer) and then every password sign-in
asks SOFTWARE_TOKEN_MFA; enrol during sign-in in a pool that requires MFA (MFA_SETUP with the Session).
Wrong and replayed codes are refused."""

from __future__ import annotations

import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import password_auth, verified_software_token

INVALID_CODE = ("CodeMismatchException", "Invalid code received for user")
MFA_ON = {"MfaConfiguration": "ON",
          "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sns", "ExternalId": "x"}}


def answer(idp, client_id: str, username: str, session: str, code: str) -> dict:
    return idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
                                         ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code})


def next_step_code(secret: str) -> str:
    """The code of the next 30-second step: one step of drift is accepted, and the current step's code may
    already have been spent on VerifySoftwareToken."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    near = {totp.at(time.time() + drift) for drift in (-60, -30, 0, 30, 60, 90)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555", "666666") if c not in near)


def test_enrolled_user_is_asked_for_a_code_at_every_sign_in(stack, idp, confirmed_user):
    client_id, username = confirmed_user["client_id"], confirmed_user["username"]
    access = password_auth(idp, client_id, username)["AuthenticationResult"]["AccessToken"]
    secret = verified_software_token(idp, access)
    idp.set_user_mfa_preference(AccessToken=access,
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    challenge = password_auth(idp, client_id, username)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge
    with pytest.raises(ClientError) as exc:
        answer(idp, client_id, username, challenge["Session"], wrong_code(secret))
    assert error_of(exc) == INVALID_CODE
    code = next_step_code(secret)
    tokens = answer(idp, client_id, username, challenge["Session"], code)["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    post = next(i for i in stack.invocations() if i["trigger"] == "PostAuthentication"
            and i["event"]["userName"] == username)["event"]
    assert post["triggerSource"] == "PostAuthentication_Authentication"

    replay = password_auth(idp, client_id, username)
    with pytest.raises(ClientError) as exc:
        answer(idp, client_id, username, replay["Session"], code)
    assert error_of(exc) == INVALID_CODE


def test_pool_requiring_mfa_enrols_during_sign_in(idp, make_pool):
    pool_id, client_id = make_pool(pool=MFA_ON)
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)

    setup = password_auth(idp, client_id, username)
    assert setup["ChallengeName"] == "MFA_SETUP"
    associated = idp.associate_software_token(Session=setup["Session"])
    secret = associated["SecretCode"]
    with pytest.raises(ClientError) as exc:
        idp.verify_software_token(Session=associated["Session"], UserCode=wrong_code(secret))
    assert error_of(exc) == ("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=pyotp.TOTP(secret).now())
    assert verified["Status"] == "SUCCESS"
    with pytest.raises(ClientError) as exc:
        idp.verify_software_token(Session=associated["Session"], UserCode=next_step_code(secret))
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")
    tokens = idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="MFA_SETUP", Session=verified["Session"],
                                           ChallengeResponses={"USERNAME": username})["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    again = password_auth(idp, client_id, username)
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AccessToken" in answer(idp, client_id, username, again["Session"],
                                   next_step_code(secret))["AuthenticationResult"]
