"""AdminCreateUser: PreSignUp_AdminCreateUser, a FORCE_CHANGE_PASSWORD user, the invitation through
CustomMessage_AdminCreateUser (or none with SUPPRESS), RESEND, and the errors."""

from __future__ import annotations

import secrets
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import TRIGGER_ARN, error_of, unique
from tests.helpers import clock_moved_by

TEMP = "Temp-Pass-123"


def events_for(stack, username: str, trigger: str | None = None) -> list[dict]:
    """Trigger events sent for `username`, oldest first."""
    found = [i for i in stack.invocations() if i["event"]["userName"] == username]
    return [i for i in reversed(found) if trigger is None or i["trigger"] == trigger]


def messages_to(stack, to: str) -> list[dict]:
    return [m for m in stack.outbox() if m["to"] == to]


def phone() -> str:
    return "+1555" + "".join(secrets.choice("0123456789") for _ in range(7))


def sign_in(idp, pool_id: str, client_id: str, username: str, password: str) -> dict:
    return idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_creates_force_change_password_user_and_sends_the_invitation(stack, idp, make_pool):
    pool_id, _ = make_pool()
    username = unique()
    email = f"{username}@example.com"
    user = idp.admin_create_user(
        UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP, DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": "Ada"}],
        ValidationData=[{"Name": "source", "Value": "test"}], ClientMetadata={"origin": "admin"})["User"]
    assert user["Username"] == username
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    assert "MFAOptions" not in user
    attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
    assert attributes["email"] == email
    assert attributes["name"] == "Ada"
    uuid.UUID(attributes["sub"])
    [message] = messages_to(stack, email)
    assert message["code"] == TEMP
    assert message["subject"] == "Your temporary password"
    assert message["body"] == f"Your username is {username} and temporary password is {TEMP}. "
    [pre_sign_up] = events_for(stack, username, "PreSignUp")
    assert pre_sign_up["event"]["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert pre_sign_up["event"]["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert pre_sign_up["event"]["request"] == {"userAttributes": {"email": email, "name": "Ada"},
                                               "validationData": {"source": "test"},
                                               "clientMetadata": {"origin": "admin"}}
    [custom_message] = events_for(stack, username, "CustomMessage")
    assert custom_message["event"]["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert custom_message["event"]["request"]["usernameParameter"] == "{username}"
    assert custom_message["event"]["request"]["codeParameter"] == "{####}"
    assert custom_message["event"]["request"]["clientMetadata"] == {"origin": "admin"}
    assert custom_message["event"]["request"]["userAttributes"]["cognito:user_status"] == "FORCE_CHANGE_PASSWORD"
    assert [i["trigger"] for i in events_for(stack, username)] == ["PreSignUp", "CustomMessage"]


def test_generated_temporary_password_satisfies_the_policy_and_signs_in(stack, idp, make_pool):
    pool_id, client_id = make_pool(pool={"Policies": {"PasswordPolicy": {
        "MinimumLength": 20, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
        "RequireSymbols": True}}})
    username = unique()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, DesiredDeliveryMediums=["EMAIL"],
                          UserAttributes=[{"Name": "email", "Value": email}])
    temporary = stack.latest_code(email)
    assert len(temporary) >= 20
    assert sign_in(idp, pool_id, client_id, username, temporary)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_suppress_sends_no_invitation(stack, idp, make_pool):
    pool_id, _ = make_pool()
    username = unique()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP, MessageAction="SUPPRESS",
                          DesiredDeliveryMediums=["EMAIL"], UserAttributes=[{"Name": "email", "Value": email}])
    assert messages_to(stack, email) == []
    assert [i["trigger"] for i in events_for(stack, username)] == ["PreSignUp"]


def test_default_delivery_medium_is_sms(stack, idp, make_pool):
    pool_id, _ = make_pool()
    username, number = unique(), phone()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP,
                          UserAttributes=[{"Name": "email", "Value": email}, {"Name": "phone_number", "Value": number}])
    [sms] = messages_to(stack, number)
    assert sms["code"] == TEMP
    assert sms["channel"] == "sms"
    assert messages_to(stack, email) == []


def test_no_phone_number_and_default_medium_means_no_invitation(stack, idp, make_pool):
    pool_id, _ = make_pool()
    username = unique()
    email = f"{username}@example.com"
    user = idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP,
                                 UserAttributes=[{"Name": "email", "Value": email}])["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert messages_to(stack, email) == []


def test_both_delivery_mediums(stack, idp, make_pool):
    pool_id, _ = make_pool()
    username, number = unique(), phone()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP,
                          DesiredDeliveryMediums=["EMAIL", "SMS"],
                          UserAttributes=[{"Name": "email", "Value": email}, {"Name": "phone_number", "Value": number}])
    assert [m["code"] for m in messages_to(stack, email)] == [TEMP]
    assert [m["code"] for m in messages_to(stack, number)] == [TEMP]


def test_requested_medium_without_its_attribute_is_refused(idp, make_pool):
    pool_id, _ = make_pool()
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP,
                              DesiredDeliveryMediums=["EMAIL"])
    assert error_of(exc) == ("InvalidParameterException", "User has no attribute matching desired delivery mediums")
    with pytest.raises(ClientError) as exc:
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_existing_username_is_refused(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"],
                              TemporaryPassword=TEMP, MessageAction="SUPPRESS")
    assert error_of(exc) == ("UsernameExistsException", "User account already exists")


def test_temporary_password_must_satisfy_the_policy(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=unique(), TemporaryPassword="Ab1!",
                              MessageAction="SUPPRESS")
    assert error_of(exc) == ("InvalidPasswordException",
                             "Password did not conform with policy: Password not long enough")
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=unique(), TemporaryPassword="alllowercase1!",
                              MessageAction="SUPPRESS")
    assert error_of(exc) == ("InvalidPasswordException",
                             "Password did not conform with policy: Password must have uppercase characters")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId="us-east-1_nopool000", Username=unique())
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")


def test_resend_gives_a_new_temporary_password(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP,
                          DesiredDeliveryMediums=["EMAIL"], UserAttributes=[{"Name": "email", "Value": email}])
    user = idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="RESEND",
                                 DesiredDeliveryMediums=["EMAIL"])["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    newest, first = messages_to(stack, email)
    assert first["code"] == TEMP
    assert newest["code"] != TEMP
    with pytest.raises(ClientError) as exc:
        sign_in(idp, pool_id, client_id, username, TEMP)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
    assert sign_in(idp, pool_id, client_id, username, newest["code"])["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert [i["event"]["triggerSource"] for i in events_for(stack, username)
            if i["trigger"] in ("PreSignUp", "CustomMessage")] == [
        "PreSignUp_AdminCreateUser", "CustomMessage_AdminCreateUser", "CustomMessage_AdminCreateUser"]


def test_resend_to_an_unknown_user(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=unique(), MessageAction="RESEND")
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_resend_to_a_confirmed_user(idp, confirmed_user):
    username = confirmed_user["username"]
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=confirmed_user["pool_id"], Username=username, MessageAction="RESEND")
    assert error_of(exc) == ("UnsupportedUserStateException",
                             f"Resend not possible. {username} status is not FORCE_CHANGE_PASSWORD")


def test_email_as_username_files_the_user_under_a_uuid(idp, make_pool):
    pool_id, _ = make_pool(pool={"UsernameAttributes": ["email"]})
    email = f"{unique()}@example.com"
    user = idp.admin_create_user(UserPoolId=pool_id, Username=email, TemporaryPassword=TEMP,
                                 MessageAction="SUPPRESS")["User"]
    uuid.UUID(user["Username"])
    attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
    assert attributes["email"] == email
    assert attributes["sub"] == user["Username"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username=email)["Username"] == user["Username"]
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=email, TemporaryPassword=TEMP, MessageAction="SUPPRESS")
    assert error_of(exc) == ("UsernameExistsException", "An account with the given email already exists.")
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username="plainname", MessageAction="SUPPRESS")
    assert error_of(exc) == ("InvalidParameterException", "Username should be either an email or a phone number.")


def test_verified_alias_taken_by_another_user(idp, make_pool):
    pool_id, _ = make_pool(pool={"AliasAttributes": ["email"]})
    email = f"{unique()}@example.com"
    verified = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    first = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=first, TemporaryPassword=TEMP, MessageAction="SUPPRESS",
                          UserAttributes=verified)
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=unique(), TemporaryPassword=TEMP,
                              MessageAction="SUPPRESS", UserAttributes=verified)
    assert error_of(exc) == ("AliasExistsException", "An account with the email already exists.")
    second = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=second, TemporaryPassword=TEMP, MessageAction="SUPPRESS",
                          UserAttributes=verified, ForceAliasCreation=True)
    attributes = {a["Name"]: a["Value"] for a in
                  idp.admin_get_user(UserPoolId=pool_id, Username=first)["UserAttributes"]}
    assert attributes["email_verified"] == "false"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=email)["Username"] == second


def test_pre_sign_up_runs_first_and_its_failure_creates_no_user(stack, idp, make_pool):
    pool_id, _ = make_pool(triggers={"PreSignUp": TRIGGER_ARN.format("no_such_function")})
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP,
                              MessageAction="SUPPRESS")
    assert error_of(exc) == ("UnexpectedLambdaException",
                             "PreSignUp invocation failed due to error ResourceNotFoundException.")
    with pytest.raises(ClientError) as exc:
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_temporary_password_expires_after_the_pool_validity(idp, make_pool):
    pool_id, client_id = make_pool(pool={"Policies": {"PasswordPolicy": {
        "MinimumLength": 8, "TemporaryPasswordValidityDays": 1}}})
    username = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=TEMP, MessageAction="SUPPRESS")
    with clock_moved_by(86400 - 60):
        assert sign_in(idp, pool_id, client_id, username, TEMP)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    with clock_moved_by(86400 + 60), pytest.raises(ClientError) as exc:
        sign_in(idp, pool_id, client_id, username, TEMP)
    assert error_of(exc) == ("NotAuthorizedException",
                             "Temporary password has expired and must be reset by an administrator.")
