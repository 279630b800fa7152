"""SetUserMFAPreference: TOTP can be turned on (and preferred) only once verified, and turned off; the MFA
kinds this local Cognito lacks are refused, not ignored."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import user_auth, verified_software_token

TOTP_ON = {"Enabled": True, "PreferredMfa": True}


def test_enabling_needs_a_verified_token(idp, confirmed_user):
    access = user_auth(idp, confirmed_user)["AuthenticationResult"]["AccessToken"]
    idp.associate_software_token(AccessToken=access)
    with pytest.raises(ClientError) as exc:
        idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings=TOTP_ON)
    assert error_of(exc) == ("InvalidParameterException",
                             "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
    assert "PreferredMfaSetting" not in idp.get_user(AccessToken=access)


def test_turn_on_then_off(idp, confirmed_user):
    access = user_auth(idp, confirmed_user)["AuthenticationResult"]["AccessToken"]
    verified_software_token(idp, access)
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings=TOTP_ON)
    assert idp.get_user(AccessToken=access)["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert user_auth(idp, confirmed_user)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": False,
                                                                               "PreferredMfa": False})
    assert "PreferredMfaSetting" not in idp.get_user(AccessToken=access)
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]


def test_unsupported_mfa_kinds_are_refused(idp, confirmed_user):
    access = user_auth(idp, confirmed_user)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as exc:
        idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True})
    assert error_of(exc) == ("UnsupportedOperationException", "SMS MFA is not supported by this local Cognito.")
    idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": False})


def test_invalid_access_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.set_user_mfa_preference(AccessToken="a.b.c", SoftwareTokenMfaSettings=TOTP_ON)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")
