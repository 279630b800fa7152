"""GetUserAttributeVerificationCode: a code for the signed-in user's email through
CustomMessage_VerifyUserAttribute, replacing any earlier one; only email and phone_number, and only when
the user has one."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import access_token


def test_sends_a_code_that_replaces_the_previous_one(stack, idp, confirmed_user):
    access = access_token(idp, confirmed_user)
    email = confirmed_user["email"]
    result = idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email",
                                                      ClientMetadata={"screen": "profile"})
    assert result["CodeDeliveryDetails"] == {"Destination": f"{email[0]}***@e***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}
    first = stack.latest_code(email)
    event = next(i for i in stack.invocations() if i["trigger"] == "CustomMessage"
             and i["event"]["userName"] == confirmed_user["username"])["event"]
    assert event["triggerSource"] == "CustomMessage_VerifyUserAttribute"
    assert event["request"]["clientMetadata"] == {"screen": "profile"}
    idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    second = stack.latest_code(email)
    if first != second:
        with pytest.raises(ClientError) as exc:
            idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=first)
        assert error_of(exc) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=second)
    verified = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}
    assert verified["email_verified"] == "true"


def test_only_email_and_phone_number_can_be_verified(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.get_user_attribute_verification_code(AccessToken=access_token(idp, confirmed_user), AttributeName="name")
    assert error_of(exc) == ("InvalidParameterException",
                             "Invalid attribute name. Only phone_number and email can be verified.")


def test_user_without_the_attribute(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.get_user_attribute_verification_code(AccessToken=access_token(idp, confirmed_user),
                                                 AttributeName="phone_number")
    assert error_of(exc) == ("InvalidParameterException", "User does not have a valid registered phone number")


def test_invalid_access_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.get_user_attribute_verification_code(AccessToken="a.b.c", AttributeName="email")
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")
