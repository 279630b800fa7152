"""DeleteGroup: the group and its memberships are gone; tokens issued afterwards no longer carry it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import signed_in_claims

ADMIN = "arn:aws:iam::123456789012:role/admin"
EDITOR = "arn:aws:iam::123456789012:role/editor"


def test_deleted_group_is_gone(idp, make_pool):
    pool_id, _ = make_pool()
    idp.create_group(UserPoolId=pool_id, GroupName="staff")
    idp.create_group(UserPoolId=pool_id, GroupName="kept")
    assert idp.delete_group(UserPoolId=pool_id, GroupName="staff")["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as exc:
        idp.get_group(UserPoolId=pool_id, GroupName="staff")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")
    assert [g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]] == ["kept"]


def test_a_fresh_token_no_longer_carries_the_group(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="admins", RoleArn=ADMIN, Precedence=0)
    idp.create_group(UserPoolId=pool_id, GroupName="editors", RoleArn=EDITOR, Precedence=1)
    for name in ("admins", "editors"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=name)
    before = signed_in_claims(idp, confirmed_user)
    assert (before["cognito:groups"], before["cognito:preferred_role"]) == (["admins", "editors"], ADMIN)
    idp.delete_group(UserPoolId=pool_id, GroupName="admins")
    after = signed_in_claims(idp, confirmed_user)
    assert after["cognito:groups"] == ["editors"]
    assert after["cognito:roles"] == [EDITOR]
    assert after["cognito:preferred_role"] == EDITOR
    assert signed_in_claims(idp, confirmed_user, "AccessToken")["cognito:groups"] == ["editors"]
    groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    assert [g["GroupName"] for g in groups] == ["editors"]


def test_deleting_the_only_group_removes_the_group_claims(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="admins", RoleArn=ADMIN)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="admins")
    idp.delete_group(UserPoolId=pool_id, GroupName="admins")
    claims = signed_in_claims(idp, confirmed_user)
    assert not {"cognito:groups", "cognito:roles", "cognito:preferred_role"} & set(claims)
    assert "cognito:groups" not in signed_in_claims(idp, confirmed_user, "AccessToken")


def test_a_group_recreated_with_the_same_name_has_no_members(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="staff", Description="old")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="staff")
    idp.delete_group(UserPoolId=pool_id, GroupName="staff")
    group = idp.create_group(UserPoolId=pool_id, GroupName="staff")["Group"]
    assert "Description" not in group
    assert idp.list_users_in_group(UserPoolId=pool_id, GroupName="staff")["Users"] == []
    assert "cognito:groups" not in signed_in_claims(idp, confirmed_user)


def test_deleting_twice(idp, make_pool):
    pool_id, _ = make_pool()
    idp.create_group(UserPoolId=pool_id, GroupName="staff")
    idp.delete_group(UserPoolId=pool_id, GroupName="staff")
    with pytest.raises(ClientError) as exc:
        idp.delete_group(UserPoolId=pool_id, GroupName="staff")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_group(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.delete_group(UserPoolId=pool_id, GroupName="nobody")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.delete_group(UserPoolId="us-east-1_nopool000", GroupName="staff")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
