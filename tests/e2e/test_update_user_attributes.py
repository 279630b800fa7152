"""UpdateUserAttributes: a new email is unverified and gets a code through CustomMessage_UpdateUserAttribute
(CodeDeliveryDetailsList); other attributes change or, given a blank value, go; `sub`, the verified flags,
immutable and unknown attributes, and attributes outside the client's WriteAttributes are refused."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique

UNAUTHORIZED_ATTRIBUTE = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


def signed_in(stack, idp, client_id: str) -> dict[str, str]:
    """A user confirmed with the emailed code (email verified), and their access token."""
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": "Ada"}])
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    access = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD}
                               )["AuthenticationResult"]["AccessToken"]
    return {"username": username, "email": email, "access": access}


def attributes(idp, access: str) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}


def test_new_email_is_unverified_until_the_code_comes_back(stack, idp, make_pool):
    _, client_id = make_pool()
    user = signed_in(stack, idp, client_id)
    new_email = f"new-{user['email']}"
    result = idp.update_user_attributes(AccessToken=user["access"], ClientMetadata={"via": "settings"},
                                        UserAttributes=[{"Name": "email", "Value": new_email}])
    assert result["CodeDeliveryDetailsList"] == [{"Destination": "n***@e***", "DeliveryMedium": "EMAIL",
                                                  "AttributeName": "email"}]
    current = attributes(idp, user["access"])
    assert current["email"] == new_email
    assert current["email_verified"] == "false"
    message = next(i for i in stack.invocations() if i["trigger"] == "CustomMessage"
               and i["event"]["userName"] == user["username"])["event"]
    assert message["triggerSource"] == "CustomMessage_UpdateUserAttribute"
    assert message["request"]["clientMetadata"] == {"via": "settings"}
    assert message["request"]["userAttributes"]["email"] == new_email
    idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=stack.latest_code(new_email))
    assert attributes(idp, user["access"])["email_verified"] == "true"


def test_other_attributes_change_and_blank_values_delete(stack, idp, make_pool):
    _, client_id = make_pool()
    user = signed_in(stack, idp, client_id)
    result = idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[
        {"Name": "given_name", "Value": "Grace"}, {"Name": "name", "Value": ""},
        {"Name": "email", "Value": user["email"]}])
    assert result["CodeDeliveryDetailsList"] == []
    current = attributes(idp, user["access"])
    assert current["given_name"] == "Grace"
    assert "name" not in current
    assert current["email_verified"] == "true"


def test_sub_cannot_change(stack, idp, make_pool):
    _, client_id = make_pool()
    user = signed_in(stack, idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "sub", "Value": "x"}])
    assert error_of(exc) == ("InvalidParameterException", "Cannot modify the non-mutable attribute sub")


def test_verified_flags_are_not_writable(stack, idp, make_pool):
    _, client_id = make_pool()
    user = signed_in(stack, idp, client_id)
    idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "email", "Value": "x@y.example"}])
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken=user["access"],
                                   UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    assert error_of(exc) == UNAUTHORIZED_ATTRIBUTE
    assert attributes(idp, user["access"])["email_verified"] == "false"


def test_client_write_attributes_are_enforced(stack, idp, make_pool):
    _, client_id = make_pool(client={"WriteAttributes": ["name", "email"]})
    user = signed_in(stack, idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "locale", "Value": "fr"}])
    assert error_of(exc) == UNAUTHORIZED_ATTRIBUTE


def test_schema_is_checked(stack, idp, make_pool):
    _, client_id = make_pool(pool={"Schema": [
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
        {"Name": "plan", "AttributeDataType": "String", "Mutable": True}]})
    user = signed_in(stack, idp, client_id)
    idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "custom:plan", "Value": "pro"}])
    assert attributes(idp, user["access"])["custom:plan"] == "pro"
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken=user["access"],
                                   UserAttributes=[{"Name": "custom:tenant", "Value": "acme"}])
    assert error_of(exc) == ("InvalidParameterException", "Cannot modify the non-mutable attribute custom:tenant")
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "custom:nope", "Value": "1"}])
    assert error_of(exc) == ("InvalidParameterException",
                             "Attributes did not conform to the schema: Type for attribute {custom:nope} could not "
                             "be determined")
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken=user["access"], UserAttributes=[{"Name": "email", "Value": "bad"}])
    assert error_of(exc) == ("InvalidParameterException", "Invalid email address format.")


def test_invalid_access_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.update_user_attributes(AccessToken="a.b.c", UserAttributes=[{"Name": "name", "Value": "x"}])
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")


def test_code_sent_to_the_old_address_cannot_verify_a_new_one(stack, idp, make_pool):
    _, client_id = make_pool(pool={"AutoVerifiedAttributes": []})
    user = signed_in(stack, idp, client_id)
    idp.get_user_attribute_verification_code(AccessToken=user["access"], AttributeName="email")
    old_code = stack.latest_code(user["email"])
    result = idp.update_user_attributes(AccessToken=user["access"],
                                        UserAttributes=[{"Name": "email", "Value": f"moved-{user['email']}"}])
    assert result["CodeDeliveryDetailsList"] == []
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=user["access"], AttributeName="email", Code=old_code)
    assert error_of(exc) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")
    assert attributes(idp, user["access"])["email_verified"] == "false"
