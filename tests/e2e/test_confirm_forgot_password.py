"""ConfirmForgotPassword: the emailed code (single use, 1 h) sets a new password that meets the pool's
policy, then PostConfirmation_ConfirmForgotPassword; the errors, and PreventUserExistenceErrors ENABLED."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, TRIGGER_ARN, error_of, unique
from tests.helpers import clock_moved_by, password_auth

NEW_PASSWORD = "Brand-New-Pass-7"
MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def verified_user(stack, idp, client_id: str) -> tuple[str, str]:
    """A user confirmed with the emailed code, so their email is verified."""
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    return username, email


def wrong_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_code_sets_the_new_password_once(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = verified_user(stack, idp, client_id)
    idp.forgot_password(ClientId=client_id, Username=username)
    code = stack.latest_code(email)
    idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code, Password=NEW_PASSWORD,
                                ClientMetadata={"reason": "forgot"})
    assert "AccessToken" in password_auth(idp, client_id, username, NEW_PASSWORD)["AuthenticationResult"]
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
    post = next(i for i in stack.invocations() if i["trigger"] == "PostConfirmation"
            and i["event"]["userName"] == username)["event"]
    assert post["triggerSource"] == "PostConfirmation_ConfirmForgotPassword"
    assert post["request"]["clientMetadata"] == {"reason": "forgot"}
    assert post["callerContext"]["clientId"] == client_id
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code,
                                    Password="Another-Pass-8")
    assert error_of(exc) == EXPIRED


def test_wrong_code_is_refused_and_the_right_one_still_works(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = verified_user(stack, idp, client_id)
    idp.forgot_password(ClientId=client_id, Username=username)
    code = stack.latest_code(email)
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=wrong_code(code),
                                    Password=NEW_PASSWORD)
    assert error_of(exc) == MISMATCH
    idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code, Password=NEW_PASSWORD)


def test_no_code_requested(stack, idp, make_pool):
    _, client_id = make_pool()
    username, _ = verified_user(stack, idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode="123456",
                                    Password=NEW_PASSWORD)
    assert error_of(exc) == EXPIRED


def test_code_expires_after_an_hour(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = verified_user(stack, idp, client_id)
    idp.forgot_password(ClientId=client_id, Username=username)
    code = stack.latest_code(email)
    with clock_moved_by(3601), pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code,
                                    Password=NEW_PASSWORD)
    assert error_of(exc) == EXPIRED
    assert "AccessToken" in password_auth(idp, client_id, username, PASSWORD)["AuthenticationResult"]


def test_new_password_must_meet_the_policy(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = verified_user(stack, idp, client_id)
    idp.forgot_password(ClientId=client_id, Username=username)
    code = stack.latest_code(email)
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code, Password="Sh0rt!")
    assert error_of(exc) == ("InvalidPasswordException",
                             "Password did not conform with policy: Password not long enough")
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code,
                                    Password="no-upper-case-1")
    assert error_of(exc) == ("InvalidPasswordException",
                             "Password did not conform with policy: Password must have uppercase characters")
    idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code, Password=NEW_PASSWORD)


def test_unknown_user_with_legacy_errors(idp, make_pool):
    _, client_id = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=unique("nobody"), ConfirmationCode="123456",
                                    Password=NEW_PASSWORD)
    assert error_of(exc) == ("UserNotFoundException", "Username/client id combination not found.")


def test_prevent_user_existence_errors(stack, idp, make_pool):
    _, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=unique("nobody"), ConfirmationCode="123456",
                                    Password=NEW_PASSWORD)
    assert error_of(exc) == MISMATCH
    username, _ = verified_user(stack, idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode="123456",
                                    Password=NEW_PASSWORD)
    assert error_of(exc) == EXPIRED


def test_unconfirmed_user_keeps_its_status(stack, idp, make_pool, monkeypatch):
    def auto_verify(event: dict, context: object) -> dict:
        event["response"]["autoVerifyEmail"] = True
        return event

    monkeypatch.setitem(stack.app.handler_map, "verify_email_only", auto_verify)
    pool_id, client_id = make_pool(triggers={"PreSignUp": TRIGGER_ARN.format("verify_email_only")})
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.forgot_password(ClientId=client_id, Username=username)
    idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email),
                                Password=NEW_PASSWORD)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "UNCONFIRMED"
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, NEW_PASSWORD)
    assert error_of(exc) == ("UserNotConfirmedException", "User is not confirmed.")
