"""UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate: a new email (or phone_number) waits
for VerifyUserAttribute while the user keeps, and signs in with, the old verified value; the code goes to the
new address. An administrator's update marked verified applies at once; setting the current value back or a
blank drops what was pending. Without the setting a new value applies at once, unverified."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import (
    PASSWORD,
    access_token,
    admin_user,
    claims_of,
    password_auth,
    refreshed_tokens,
    user_tokens,
)

SETTING = {"AttributesRequireVerificationBeforeUpdate": ["email"]}
MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
NOT_FOUND = ("UserNotFoundException", "User does not exist.")
NO_EMAIL = ("InvalidParameterException", "User does not have a valid registered email address")


@pytest.fixture()
def guarded(idp: Any, make_pool: Any) -> dict[str, str]:
    """A user with a verified email (also a sign-in alias) in a pool that verifies new emails before update."""
    pool_id, client_id = make_pool(pool={"AliasAttributes": ["email"], "UserAttributeUpdateSettings": SETTING})
    user = admin_user(idp, pool_id)
    return {**user, "pool_id": pool_id, "client_id": client_id, "password": PASSWORD,
            "new_email": f"new-{user['email']}"}


def own_attributes(idp: Any, access: str) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}


def admin_attributes(idp: Any, user: dict[str, str]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in
            idp.admin_get_user(UserPoolId=user["pool_id"], Username=user["username"])["UserAttributes"]}


def change_email(idp: Any, access: str, email: str) -> list[dict[str, str]]:
    return idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "email", "Value": email}]
                                      )["CodeDeliveryDetailsList"]


def email_state(attributes: dict[str, str]) -> tuple[str | None, str | None]:
    return attributes.get("email"), attributes.get("email_verified")


def sent_to(stack: Any, address: str) -> list[dict[str, Any]]:
    return [m for m in stack.outbox() if m["to"] == address]


def test_new_email_waits_and_the_old_one_stays_verified(stack, idp, guarded):
    tokens = user_tokens(idp, guarded)
    details = change_email(idp, tokens["AccessToken"], guarded["new_email"])
    assert details == [{"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}]
    assert stack.latest_code(guarded["new_email"])
    assert sent_to(stack, guarded["email"]) == []
    old = (guarded["email"], "true")
    assert email_state(own_attributes(idp, tokens["AccessToken"])) == old
    assert email_state(admin_attributes(idp, guarded)) == old
    claims = claims_of(refreshed_tokens(idp, guarded["client_id"], tokens["RefreshToken"])["IdToken"])
    assert (claims["email"], claims["email_verified"]) == (guarded["email"], True)


def test_old_email_signs_in_until_the_new_one_is_verified(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    assert "AuthenticationResult" in password_auth(idp, guarded["client_id"], guarded["email"])
    with pytest.raises(ClientError) as exc:
        password_auth(idp, guarded["client_id"], guarded["new_email"])
    assert error_of(exc) == NOT_FOUND
    idp.verify_user_attribute(AccessToken=access, AttributeName="email",
                              Code=stack.latest_code(guarded["new_email"]))
    assert "AuthenticationResult" in password_auth(idp, guarded["client_id"], guarded["new_email"])
    with pytest.raises(ClientError) as exc:
        password_auth(idp, guarded["client_id"], guarded["email"])
    assert error_of(exc) == NOT_FOUND


def test_the_code_swaps_in_the_new_email_and_a_wrong_one_changes_nothing(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    code = stack.latest_code(guarded["new_email"])
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email",
                                  Code="000000" if code != "000000" else "111111")
    assert error_of(exc) == MISMATCH
    assert email_state(own_attributes(idp, access)) == (guarded["email"], "true")
    idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert email_state(own_attributes(idp, access)) == (guarded["new_email"], "true")
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert error_of(exc) == EXPIRED


def test_admin_update_marked_verified_applies_at_once_and_drops_the_pending_email(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    pending_code = stack.latest_code(guarded["new_email"])
    chosen = f"admin-{guarded['email']}"
    idp.admin_update_user_attributes(UserPoolId=guarded["pool_id"], Username=guarded["username"], UserAttributes=[
        {"Name": "email", "Value": chosen}, {"Name": "email_verified", "Value": "true"}])
    assert email_state(admin_attributes(idp, guarded)) == (chosen, "true")
    assert sent_to(stack, chosen) == []
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=pending_code)
    assert error_of(exc) == EXPIRED
    assert email_state(admin_attributes(idp, guarded)) == (chosen, "true")
    result = idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    assert result["CodeDeliveryDetails"]["Destination"] == "a***@e***"


def test_admin_marking_email_verified_applies_the_pending_email(idp, guarded):
    change_email(idp, access_token(idp, guarded), guarded["new_email"])
    idp.admin_update_user_attributes(UserPoolId=guarded["pool_id"], Username=guarded["username"],
                                     UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    assert email_state(admin_attributes(idp, guarded)) == (guarded["new_email"], "true")


def test_setting_the_current_email_back_drops_the_pending_one(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    code = stack.latest_code(guarded["new_email"])
    assert change_email(idp, access, guarded["email"]) == []
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert error_of(exc) == EXPIRED
    assert email_state(own_attributes(idp, access)) == (guarded["email"], "true")


def test_a_blank_email_deletes_it_and_the_pending_one(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    code = stack.latest_code(guarded["new_email"])
    assert change_email(idp, access, "") == []
    assert email_state(own_attributes(idp, access)) == (None, None)
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert error_of(exc) == EXPIRED
    with pytest.raises(ClientError) as exc:
        idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    assert error_of(exc) == NO_EMAIL
    assert email_state(own_attributes(idp, access)) == (None, None)


def test_delete_user_attributes_drops_the_pending_email(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    code = stack.latest_code(guarded["new_email"])
    idp.delete_user_attributes(AccessToken=access, UserAttributeNames=["email"])
    with pytest.raises(ClientError) as exc:
        idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    assert error_of(exc) == NO_EMAIL
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert error_of(exc) == EXPIRED
    assert email_state(own_attributes(idp, access)) == (None, None)


def test_a_requested_code_goes_to_the_pending_email(stack, idp, guarded):
    access = access_token(idp, guarded)
    change_email(idp, access, guarded["new_email"])
    first = stack.latest_code(guarded["new_email"])
    result = idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    assert result["CodeDeliveryDetails"] == {"Destination": "n***@e***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}
    assert len([m for m in sent_to(stack, guarded["new_email"]) if m.get("code")]) == 2
    assert sent_to(stack, guarded["email"]) == []
    second = stack.latest_code(guarded["new_email"])
    if first != second:
        with pytest.raises(ClientError) as exc:
            idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=first)
        assert error_of(exc) == MISMATCH
    idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=second)
    assert email_state(own_attributes(idp, access)) == (guarded["new_email"], "true")


def test_a_new_phone_number_waits_and_its_code_goes_by_sms(stack, idp, make_pool):
    pool_id, client_id = make_pool(pool={
        "AutoVerifiedAttributes": ["email", "phone_number"],
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["phone_number"]}})
    user = {**admin_user(idp, pool_id, phone_number="+15555550100", phone_number_verified="true"),
            "client_id": client_id, "password": PASSWORD}
    access = access_token(idp, user)
    result = idp.update_user_attributes(AccessToken=access, UserAttributes=[
        {"Name": "phone_number", "Value": "+15555550199"}, {"Name": "given_name", "Value": "Ada"}])
    assert result["CodeDeliveryDetailsList"] == [{"Destination": "+*******0199", "DeliveryMedium": "SMS",
                                                  "AttributeName": "phone_number"}]
    current = own_attributes(idp, access)
    assert (current["phone_number"], current["phone_number_verified"], current["given_name"]) == (
        "+15555550100", "true", "Ada")
    idp.verify_user_attribute(AccessToken=access, AttributeName="phone_number",
                              Code=stack.latest_code("+15555550199"))
    current = own_attributes(idp, access)
    assert (current["phone_number"], current["phone_number_verified"]) == ("+15555550199", "true")


def test_without_the_setting_a_new_email_applies_at_once_unverified(stack, idp, make_pool):
    pool_id, client_id = make_pool(pool={"AliasAttributes": ["email"]})
    user = {**admin_user(idp, pool_id), "client_id": client_id, "password": PASSWORD}
    access = access_token(idp, user)
    new_email = f"new-{user['email']}"
    assert change_email(idp, access, new_email) == [
        {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}]
    assert email_state(own_attributes(idp, access)) == (new_email, "false")
    assert stack.latest_code(new_email)
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, user["email"])
    assert error_of(exc) == NOT_FOUND


def test_describe_user_pool_returns_the_setting_and_update_user_pool_resets_it(idp, make_pool):
    pool_id, _ = make_pool(pool={"UserAttributeUpdateSettings": SETTING})
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserAttributeUpdateSettings"] == SETTING
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    assert "UserAttributeUpdateSettings" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]


@pytest.mark.parametrize("operation", ["create", "update"])
def test_the_attribute_must_be_auto_verified(idp, make_pool, operation):
    setting = {"AttributesRequireVerificationBeforeUpdate": ["email", "phone_number"]}
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        if operation == "create":
            idp.create_user_pool(PoolName="p", AutoVerifiedAttributes=["email"], UserAttributeUpdateSettings=setting)
        else:
            idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"],
                                 UserAttributeUpdateSettings=setting)
    assert error_of(exc) == ("InvalidParameterException",
                             "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
                             "AutoVerifiedAttributes")
    assert "UserAttributeUpdateSettings" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]

