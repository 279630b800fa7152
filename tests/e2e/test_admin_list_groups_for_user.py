"""AdminListGroupsForUser: the user's groups as GroupType, paginated with Limit and NextToken."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique

ROLE = "arn:aws:iam::123456789012:role/g"


def test_lists_group_types(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="admins", Description="All powers", RoleArn=ROLE, Precedence=1)
    idp.create_group(UserPoolId=pool_id, GroupName="unjoined")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="admins")
    [group] = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    assert {k: group[k] for k in ("GroupName", "UserPoolId", "Description", "RoleArn", "Precedence")} == {
        "GroupName": "admins", "UserPoolId": pool_id, "Description": "All powers", "RoleArn": ROLE, "Precedence": 1}
    assert {"CreationDate", "LastModifiedDate"} <= set(group)


def test_no_groups(idp, confirmed_user):
    result = idp.admin_list_groups_for_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert result["Groups"] == []
    assert "NextToken" not in result


def test_pagination_with_limit_and_next_token(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    names = [f"group-{i:02d}" for i in range(5)]
    for name in names:
        idp.create_group(UserPoolId=pool_id, GroupName=name)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=name)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username, Limit=2, **kwargs)
        assert len(page["Groups"]) <= 2
        seen += [g["GroupName"] for g in page["Groups"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == (names, 3)
    paginator = idp.get_paginator("admin_list_groups_for_user")
    everything = [g["GroupName"] for p in paginator.paginate(UserPoolId=pool_id, Username=username,
                                                             PaginationConfig={"PageSize": 3}) for g in p["Groups"]]
    assert everything == names


def test_garbage_next_token(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_list_groups_for_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"],
                                       NextToken="not-a-token")
    assert error_of(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_list_groups_for_user(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_list_groups_for_user(UserPoolId="us-east-1_nopool000", Username="anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
