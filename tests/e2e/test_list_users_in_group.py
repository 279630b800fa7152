"""ListUsersInGroup: the group's members as ListUsers shapes them, paginated with Limit and NextToken."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import admin_user


@pytest.fixture()
def pool_with_group(idp, make_pool) -> str:
    pool_id, _ = make_pool()
    idp.create_group(UserPoolId=pool_id, GroupName="staff")
    return pool_id


def join(idp, pool_id: str, count: int, group: str = "staff") -> list[str]:
    names = []
    for _ in range(count):
        username = admin_user(idp, pool_id)["username"]
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        names.append(username)
    return names


def test_members_have_the_shape_list_users_gives(idp, pool_with_group):
    pool_id = pool_with_group
    [member] = join(idp, pool_id, 1)
    outsider = admin_user(idp, pool_id)["username"]
    result = idp.list_users_in_group(UserPoolId=pool_id, GroupName="staff")
    assert "NextToken" not in result
    listed = {u["Username"]: u for u in idp.list_users(UserPoolId=pool_id)["Users"]}
    assert result["Users"] == [listed[member]]
    assert outsider in listed
    assert set(result["Users"][0]) == {"Username", "Attributes", "UserCreateDate", "UserLastModifiedDate",
                                       "Enabled", "UserStatus"}


def test_an_empty_group(idp, pool_with_group):
    result = idp.list_users_in_group(UserPoolId=pool_with_group, GroupName="staff")
    assert result["Users"] == []
    assert "NextToken" not in result


def test_members_of_other_groups_are_not_listed(idp, pool_with_group):
    pool_id = pool_with_group
    idp.create_group(UserPoolId=pool_id, GroupName="other")
    staff = join(idp, pool_id, 2)
    join(idp, pool_id, 1, group="other")
    assert [u["Username"] for u in idp.list_users_in_group(UserPoolId=pool_id, GroupName="staff")["Users"]] == staff


def test_a_removed_member_is_not_listed(idp, pool_with_group):
    pool_id = pool_with_group
    first, second = join(idp, pool_id, 2)
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username=first, GroupName="staff")
    assert [u["Username"] for u in idp.list_users_in_group(UserPoolId=pool_id, GroupName="staff")["Users"]] == [
        second]


def test_pagination_with_limit_and_next_token(idp, pool_with_group):
    pool_id = pool_with_group
    members = join(idp, pool_id, 5)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = idp.list_users_in_group(UserPoolId=pool_id, GroupName="staff", Limit=2, **kwargs)
        assert len(page["Users"]) <= 2
        seen += [u["Username"] for u in page["Users"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == (members, 3)
    paginator = idp.get_paginator("list_users_in_group")
    everything = [u["Username"] for p in paginator.paginate(UserPoolId=pool_id, GroupName="staff",
                                                            PaginationConfig={"PageSize": 4}) for u in p["Users"]]
    assert everything == members


def test_garbage_next_token(idp, pool_with_group):
    with pytest.raises(ClientError) as exc:
        idp.list_users_in_group(UserPoolId=pool_with_group, GroupName="staff", NextToken="not-a-token")
    assert error_of(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_unknown_group(idp, pool_with_group):
    with pytest.raises(ClientError) as exc:
        idp.list_users_in_group(UserPoolId=pool_with_group, GroupName="nobody")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.list_users_in_group(UserPoolId="us-east-1_nopool000", GroupName="staff")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
