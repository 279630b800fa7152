"""AdminGetUser: the profile by username or alias, and the errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique


def test_returns_the_profile(idp, confirmed_user):
    user = idp.admin_get_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert user["Username"] == confirmed_user["username"]
    assert user["UserStatus"] == "CONFIRMED"
    assert user["Enabled"] is True
    assert isinstance(user["UserCreateDate"], datetime)
    assert isinstance(user["UserLastModifiedDate"], datetime)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == confirmed_user["email"]
    assert set(attributes) == {"sub", "email"}
    assert "MFAOptions" not in user
    assert "UserMFASettingList" not in user
    assert "PreferredMfaSetting" not in user


def test_unconfirmed_user_status(idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "UNCONFIRMED"


def test_verified_email_alias_finds_the_user(idp, make_pool):
    pool_id, _ = make_pool(pool={"AliasAttributes": ["email"]})
    username = unique()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": email},
                                          {"Name": "email_verified", "Value": "true"}])
    assert idp.admin_get_user(UserPoolId=pool_id, Username=email)["Username"] == username


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_get_user(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_get_user(UserPoolId="us-east-1_nopool000", Username="anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
