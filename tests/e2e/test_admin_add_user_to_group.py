"""AdminAddUserToGroup: membership shows in AdminListGroupsForUser and in the next tokens; errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique
from tests.helpers import claims_of


def groups_of(idp, user: dict) -> list[str]:
    listed = idp.admin_list_groups_for_user(UserPoolId=user["pool_id"], Username=user["username"])["Groups"]
    return [g["GroupName"] for g in listed]


def test_added_user_is_a_member_and_the_next_tokens_say_so(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="editors")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="editors")
    assert groups_of(idp, confirmed_user) == ["editors"]
    tokens = idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": confirmed_user["password"]})
    access = claims_of(tokens["AuthenticationResult"]["AccessToken"])
    assert access["cognito:groups"] == ["editors"]


def test_adding_twice_is_not_an_error(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="editors")
    for _ in range(2):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="editors")
    assert groups_of(idp, confirmed_user) == ["editors"]


def test_unknown_group(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_add_user_to_group(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"],
                                    GroupName="no-such-group")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_group_of_another_pool_is_unknown_here(idp, make_pool, confirmed_user):
    other_pool, _ = make_pool()
    idp.create_group(UserPoolId=other_pool, GroupName="elsewhere")
    with pytest.raises(ClientError) as exc:
        idp.admin_add_user_to_group(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"],
                                    GroupName="elsewhere")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_user(idp, confirmed_user):
    idp.create_group(UserPoolId=confirmed_user["pool_id"], GroupName="editors")
    with pytest.raises(ClientError) as exc:
        idp.admin_add_user_to_group(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique(),
                                    GroupName="editors")
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_add_user_to_group(UserPoolId="us-east-1_nopool000", Username="anyone", GroupName="editors")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
