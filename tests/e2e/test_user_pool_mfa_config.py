"""SetUserPoolMfaConfig / GetUserPoolMfaConfig, and what MFA ON means at the next sign-in."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of


def test_totp_only_mfa_on_round_trips_and_asks_for_setup(idp, confirmed_user):
    pool_id = confirmed_user["pool_id"]
    result = idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                          SoftwareTokenMfaConfiguration={"Enabled": True})
    assert result["MfaConfiguration"] == "ON"
    assert idp.get_user_pool_mfa_config(UserPoolId=pool_id)["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    reply = idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": confirmed_user["username"], "PASSWORD": PASSWORD})
    assert reply["ChallengeName"] == "MFA_SETUP"
    assert "AuthenticationResult" not in reply
    assert reply["Session"]


def test_mfa_on_without_a_method_is_refused(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.set_user_pool_mfa_config(UserPoolId=confirmed_user["pool_id"], MfaConfiguration="ON")
    assert error_of(exc) == ("InvalidParameterException",
                             "At least one MFA method must be enabled when MFA is ON or OPTIONAL.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.get_user_pool_mfa_config(UserPoolId="us-east-1_NoSuchOne")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_NoSuchOne does not exist.")
