"""AdminUpdateUserAttributes: by pool id and username; a changed email is unverified and gets a code through
CustomMessage_UpdateUserAttribute unless the request marks it verified; the administrator may set the
`*_verified` flags; blank values delete; `sub`, immutable and unknown attributes and a taken email (used as
username) are refused; the response is empty."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import access_token, admin_user


def attributes(idp, pool_id: str, username: str) -> dict[str, str]:
    return {a["Name"]: a["Value"]
            for a in idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]}


def update(idp, pool_id: str, username: str, **values: str) -> dict:
    return idp.admin_update_user_attributes(UserPoolId=pool_id, Username=username,
                                            UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()])


def custom_messages(stack, username: str) -> list[dict]:
    """CustomMessage events sent for `username`, oldest first."""
    return [i["event"] for i in reversed(stack.invocations())
            if i["trigger"] == "CustomMessage" and i["event"]["userName"] == username]


def test_new_email_is_unverified_and_gets_a_code(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = admin_user(idp, pool_id)
    new_email = f"new-{user['email']}"
    result = idp.admin_update_user_attributes(UserPoolId=pool_id, Username=user["username"],
                                              ClientMetadata={"via": "console"},
                                              UserAttributes=[{"Name": "email", "Value": new_email}])
    assert {k: v for k, v in result.items() if k != "ResponseMetadata"} == {}
    current = attributes(idp, pool_id, user["username"])
    assert (current["email"], current["email_verified"]) == (new_email, "false")
    [event] = custom_messages(stack, user["username"])
    assert event["triggerSource"] == "CustomMessage_UpdateUserAttribute"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"via": "console"}
    assert event["request"]["userAttributes"]["email"] == new_email
    access = access_token(idp, {"client_id": client_id, "username": user["username"], "password": PASSWORD})
    idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=stack.latest_code(new_email))
    assert attributes(idp, pool_id, user["username"])["email_verified"] == "true"


def test_new_email_marked_verified_in_the_same_request_gets_no_code(stack, idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id)
    new_email = f"new-{user['email']}"
    update(idp, pool_id, user["username"], email=new_email, email_verified="true")
    current = attributes(idp, pool_id, user["username"])
    assert (current["email"], current["email_verified"]) == (new_email, "true")
    assert custom_messages(stack, user["username"]) == []
    assert [m for m in stack.outbox() if m["to"] == new_email] == []


def test_without_auto_verification_a_new_email_is_unverified_and_no_code_is_sent(stack, idp, make_pool):
    pool_id, _ = make_pool(pool={"AutoVerifiedAttributes": []})
    user = admin_user(idp, pool_id)
    update(idp, pool_id, user["username"], email=f"moved-{user['email']}")
    assert attributes(idp, pool_id, user["username"])["email_verified"] == "false"
    assert custom_messages(stack, user["username"]) == []


def test_administrator_sets_the_verified_flags(idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id, verified=False, phone_number="+15555550123")
    update(idp, pool_id, user["username"], email_verified="true", phone_number_verified="true")
    current = attributes(idp, pool_id, user["username"])
    assert (current["email_verified"], current["phone_number_verified"]) == ("true", "true")
    update(idp, pool_id, user["username"], email_verified="false")
    assert attributes(idp, pool_id, user["username"])["email_verified"] == "false"


def test_other_attributes_change_and_blank_values_delete(stack, idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id, name="Ada")
    update(idp, pool_id, user["username"], given_name="Grace", name="", email=user["email"])
    current = attributes(idp, pool_id, user["username"])
    assert current["given_name"] == "Grace"
    assert "name" not in current
    assert current["email_verified"] == "true"
    assert custom_messages(stack, user["username"]) == []


def test_client_write_attributes_do_not_bind_the_administrator(idp, make_pool):
    pool_id, _ = make_pool(client={"WriteAttributes": ["name"]})
    user = admin_user(idp, pool_id)
    update(idp, pool_id, user["username"], locale="fr")
    assert attributes(idp, pool_id, user["username"])["locale"] == "fr"


def test_sub_cannot_change(idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id)
    with pytest.raises(ClientError) as exc:
        update(idp, pool_id, user["username"], sub="x")
    assert error_of(exc) == ("InvalidParameterException", "Cannot modify the non-mutable attribute sub")


def test_schema_is_checked(idp, make_pool):
    pool_id, _ = make_pool(pool={"Schema": [
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
        {"Name": "plan", "AttributeDataType": "String", "Mutable": True}]})
    user = admin_user(idp, pool_id)
    update(idp, pool_id, user["username"], **{"custom:plan": "pro"})
    assert attributes(idp, pool_id, user["username"])["custom:plan"] == "pro"
    refusals = [
        ({"custom:tenant": "acme"}, "Cannot modify the non-mutable attribute custom:tenant"),
        ({"custom:nope": "1"},
         "Attributes did not conform to the schema: Type for attribute {custom:nope} could not be determined"),
        ({"email": "bad"}, "Invalid email address format."),
        ({"email_verified": "yes"}, "Invalid value for email_verified: must be true or false."),
    ]
    for values, message in refusals:
        with pytest.raises(ClientError) as exc:
            update(idp, pool_id, user["username"], **values)
        assert error_of(exc) == ("InvalidParameterException", message)


def test_an_email_used_as_username_must_stay_unique(idp, make_pool):
    pool_id, _ = make_pool(pool={"UsernameAttributes": ["email"]})
    first, second = (f"{unique()}@example.com" for _ in range(2))
    for email in (first, second):
        idp.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as exc:
        update(idp, pool_id, second, email=first)
    assert error_of(exc) == ("UsernameExistsException", "An account with the given email already exists.")


def test_unknown_user(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        update(idp, pool_id, "nobody-" + unique(), name="x")
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        update(idp, "us-east-1_nopool000", "anyone", name="x")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")


def test_marking_another_user_s_verified_alias_verified_is_refused(idp, make_pool):
    pool_id, _ = make_pool(pool={"AliasAttributes": ["email"]})
    email = f"{unique('shared')}@example.com"
    owner, other = admin_user(idp, pool_id)["username"], admin_user(idp, pool_id)["username"]
    update(idp, pool_id, owner, email=email, email_verified="true")
    with pytest.raises(ClientError) as exc:
        update(idp, pool_id, other, email=email, email_verified="true")
    assert error_of(exc) == ("AliasExistsException", "An account with the email already exists.")
    assert attributes(idp, pool_id, other)["email"] == f"{other}@example.com"
    assert attributes(idp, pool_id, owner)["email_verified"] == "true"
    update(idp, pool_id, other, email=email)  # unverified, it is no alias yet
    assert attributes(idp, pool_id, other)["email_verified"] == "false"
