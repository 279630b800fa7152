"""AdminSetUserMFAPreference: SetUserMFAPreference for a user named by pool and username. TOTP can be turned on
(and is then asked for at sign-in) only once verified, and turned off; the MFA kinds this local Cognito lacks
are refused, not ignored; an unknown pool or user is an error."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import access_token, user_auth, verified_software_token

TOTP_ON = {"Enabled": True, "PreferredMfa": True}
TOTP_OFF = {"Enabled": False, "PreferredMfa": False}
NO_USER = ("UserNotFoundException", "User does not exist.")


def enrol_totp(idp, user: dict[str, str]) -> None:
    """The user associates a software token and proves it (VerifySoftwareToken), without preferring it."""
    verified_software_token(idp, access_token(idp, user))


def admin_set(idp, user: dict[str, str], **settings) -> dict:
    return idp.admin_set_user_mfa_preference(UserPoolId=user["pool_id"], Username=user["username"], **settings)


def preferred(idp, user: dict[str, str]) -> str | None:
    return idp.admin_get_user(UserPoolId=user["pool_id"], Username=user["username"]).get("PreferredMfaSetting")


def test_enabling_needs_a_verified_token(idp, confirmed_user):
    idp.associate_software_token(AccessToken=access_token(idp, confirmed_user))
    with pytest.raises(ClientError) as exc:
        admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_ON)
    assert error_of(exc) == ("InvalidParameterException",
                             "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
    assert preferred(idp, confirmed_user) is None
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]


def test_admin_turns_totp_on_and_sign_in_asks_for_it_then_off(idp, confirmed_user):
    enrol_totp(idp, confirmed_user)
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]

    assert admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_ON)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert preferred(idp, confirmed_user) == "SOFTWARE_TOKEN_MFA"
    challenge = user_auth(idp, confirmed_user)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge

    admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_OFF)
    assert preferred(idp, confirmed_user) is None
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]


def test_admin_turns_off_what_the_user_turned_on(idp, confirmed_user):
    enrol_totp(idp, confirmed_user)
    idp.set_user_mfa_preference(AccessToken=access_token(idp, confirmed_user), SoftwareTokenMfaSettings=TOTP_ON)
    assert user_auth(idp, confirmed_user)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_OFF)
    assert preferred(idp, confirmed_user) is None
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]


def test_the_change_is_stamped_on_the_user(idp, confirmed_user):
    enrol_totp(idp, confirmed_user)
    get = {"UserPoolId": confirmed_user["pool_id"], "Username": confirmed_user["username"]}
    before = idp.admin_get_user(**get)["UserLastModifiedDate"]
    admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_ON)
    assert idp.admin_get_user(**get)["UserLastModifiedDate"] > before


@pytest.mark.parametrize(("member", "label"), [("SMSMfaSettings", "SMS"), ("EmailMfaSettings", "Email"),
                                               ("WebAuthnMfaSettings", "Passkey")])
def test_unsupported_mfa_kinds_are_refused_and_change_nothing(idp, confirmed_user, member, label):
    enrol_totp(idp, confirmed_user)
    admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_ON)
    with pytest.raises(ClientError) as exc:
        admin_set(idp, confirmed_user, SoftwareTokenMfaSettings=TOTP_OFF, **{member: {"Enabled": True}})
    assert error_of(exc) == ("UnsupportedOperationException", f"{label} MFA is not supported by this local Cognito.")
    assert preferred(idp, confirmed_user) == "SOFTWARE_TOKEN_MFA"
    admin_set(idp, confirmed_user, **{member: {"Enabled": False}})
    assert preferred(idp, confirmed_user) == "SOFTWARE_TOKEN_MFA"


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_set_user_mfa_preference(UserPoolId=confirmed_user["pool_id"], Username="nobody-here",
                                          SoftwareTokenMfaSettings=TOTP_OFF)
    assert error_of(exc) == NO_USER


def test_a_user_of_another_pool_is_unknown(idp, confirmed_user, seeded):
    with pytest.raises(ClientError) as exc:
        idp.admin_set_user_mfa_preference(UserPoolId=seeded["userPoolId"], Username=confirmed_user["username"],
                                          SoftwareTokenMfaSettings=TOTP_OFF)
    assert error_of(exc) == NO_USER


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_set_user_mfa_preference(UserPoolId="us-east-1_nopool000", Username="anyone",
                                          SoftwareTokenMfaSettings=TOTP_OFF)
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
