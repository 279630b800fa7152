"""AdminResetUserPassword: the user becomes RESET_REQUIRED and gets a reset code through
CustomMessage_ForgotPassword; signing in with the old password answers PasswordResetRequiredException until
ConfirmForgotPassword sets a new one (status CONFIRMED). Users who cannot be reset are refused as
ForgotPassword refuses them."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import INCORRECT, admin_user, password_auth

RESET_REQUIRED = ("PasswordResetRequiredException", "Password reset required for the user")
NEW_PASSWORD = "Brand-New-Pass-7"
NO_VERIFIED_MEDIUM = "Cannot reset password for the user as there is no registered/verified email or phone_number"
CANNOT_RESET = ("NotAuthorizedException", "User password cannot be reset in the current state.")


def status(idp, pool_id: str, username: str) -> str:
    return idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"]


def custom_messages(stack, username: str) -> list[dict]:
    """CustomMessage events sent for `username`, oldest first."""
    return [i["event"] for i in reversed(stack.invocations())
            if i["trigger"] == "CustomMessage" and i["event"]["userName"] == username]


def reset(idp, pool_id: str, username: str, **kwargs) -> dict:
    return idp.admin_reset_user_password(UserPoolId=pool_id, Username=username, **kwargs)


def test_reset_sends_a_code_and_blocks_the_old_password(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = admin_user(idp, pool_id)
    result = reset(idp, pool_id, user["username"], ClientMetadata={"reason": "helpdesk"})
    assert set(result) == {"ResponseMetadata"}
    assert status(idp, pool_id, user["username"]) == "RESET_REQUIRED"
    [event] = custom_messages(stack, user["username"])
    assert event["triggerSource"] == "CustomMessage_ForgotPassword"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"reason": "helpdesk"}
    [message] = [m for m in stack.outbox() if m["to"] == user["email"]]
    assert message["code"] in message["body"]
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, user["username"])
    assert error_of(exc) == RESET_REQUIRED
    with pytest.raises(ClientError) as exc:
        idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": user["username"], "PASSWORD": PASSWORD})
    assert error_of(exc) == RESET_REQUIRED
    with pytest.raises(ClientError) as exc:
        AWSSRP(username=user["username"], password=PASSWORD, pool_id=pool_id, client_id=client_id,
               client=idp).authenticate_user()
    assert error_of(exc) == RESET_REQUIRED


def test_confirm_forgot_password_with_the_code_completes_the_reset(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = admin_user(idp, pool_id)
    reset(idp, pool_id, user["username"])
    idp.confirm_forgot_password(ClientId=client_id, Username=user["username"], Password=NEW_PASSWORD,
                                ConfirmationCode=stack.latest_code(user["email"]))
    assert status(idp, pool_id, user["username"]) == "CONFIRMED"
    assert "AccessToken" in password_auth(idp, client_id, user["username"], NEW_PASSWORD)["AuthenticationResult"]
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, user["username"])
    assert error_of(exc) == INCORRECT


def test_prevent_user_existence_errors_hides_the_reset(idp, make_pool):
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    user = admin_user(idp, pool_id)
    reset(idp, pool_id, user["username"])
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, user["username"])
    assert error_of(exc) == INCORRECT


def test_a_second_reset_sends_a_fresh_code(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = admin_user(idp, pool_id)
    reset(idp, pool_id, user["username"])
    first = stack.latest_code(user["email"])
    reset(idp, pool_id, user["username"])
    latest, earlier = [m["code"] for m in stack.outbox() if m["to"] == user["email"]]
    assert earlier == first
    assert status(idp, pool_id, user["username"]) == "RESET_REQUIRED"
    if earlier != latest:
        with pytest.raises(ClientError) as exc:
            idp.confirm_forgot_password(ClientId=client_id, Username=user["username"], Password=NEW_PASSWORD,
                                        ConfirmationCode=earlier)
        assert error_of(exc) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    idp.confirm_forgot_password(ClientId=client_id, Username=user["username"], Password=NEW_PASSWORD,
                                ConfirmationCode=latest)
    assert status(idp, pool_id, user["username"]) == "CONFIRMED"


def test_a_verified_phone_comes_first_without_a_recovery_setting(stack, idp, make_pool):
    pool_id, _ = make_pool()
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    user = admin_user(idp, pool_id, phone_number=phone, phone_number_verified="true")
    reset(idp, pool_id, user["username"])
    [message] = [m for m in stack.outbox() if m["to"] in (phone, user["email"])]
    assert message["to"] == phone
    assert message["code"]


def test_user_without_a_verified_email_or_phone(stack, idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id, verified=False)
    with pytest.raises(ClientError) as exc:
        reset(idp, pool_id, user["username"])
    assert error_of(exc) == ("InvalidParameterException", NO_VERIFIED_MEDIUM)
    assert status(idp, pool_id, user["username"]) == "CONFIRMED"
    assert custom_messages(stack, user["username"]) == []


def test_user_who_never_set_a_password(idp, make_pool):
    pool_id, _ = make_pool()
    username = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"},
                                          {"Name": "email_verified", "Value": "true"}])
    with pytest.raises(ClientError) as exc:
        reset(idp, pool_id, username)
    assert error_of(exc) == CANNOT_RESET
    assert status(idp, pool_id, username) == "FORCE_CHANGE_PASSWORD"


def test_unconfirmed_user(idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    with pytest.raises(ClientError) as exc:
        reset(idp, pool_id, username)
    assert error_of(exc) == CANNOT_RESET
    assert status(idp, pool_id, username) == "UNCONFIRMED"


def test_disabled_user(idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username=user["username"])
    with pytest.raises(ClientError) as exc:
        reset(idp, pool_id, user["username"])
    assert error_of(exc) == ("NotAuthorizedException", "User is disabled.")


def test_admin_only_recovery(idp, make_pool):
    pool_id, _ = make_pool(pool={"AccountRecoverySetting": {
        "RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]}})
    user = admin_user(idp, pool_id)
    with pytest.raises(ClientError) as exc:
        reset(idp, pool_id, user["username"])
    assert error_of(exc) == ("NotAuthorizedException", "Contact administrator to reset password.")
    assert status(idp, pool_id, user["username"]) == "CONFIRMED"


def test_unknown_user(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        reset(idp, pool_id, "nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        reset(idp, "us-east-1_nopool000", "anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
