"""ListGroups: every group of the pool as GroupType, by name, paginated with Limit and NextToken."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of

ROLE = "arn:aws:iam::123456789012:role/editors"


def all_group_names(idp, pool_id: str, page_size: int) -> tuple[list[str], int]:
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = idp.list_groups(UserPoolId=pool_id, Limit=page_size, **kwargs)
        assert len(page["Groups"]) <= page_size
        seen += [g["GroupName"] for g in page["Groups"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            return seen, pages


def test_lists_group_types_by_name(idp, make_pool):
    pool_id, _ = make_pool()
    created = idp.create_group(UserPoolId=pool_id, GroupName="editors", Description="Can edit", RoleArn=ROLE,
                               Precedence=2)["Group"]
    idp.create_group(UserPoolId=pool_id, GroupName="admins")
    result = idp.list_groups(UserPoolId=pool_id)
    assert [g["GroupName"] for g in result["Groups"]] == ["admins", "editors"]
    admins, editors = result["Groups"]
    assert editors == created
    assert set(admins) == {"GroupName", "UserPoolId", "CreationDate", "LastModifiedDate"}
    assert "NextToken" not in result


def test_no_groups(idp, make_pool):
    pool_id, _ = make_pool()
    result = idp.list_groups(UserPoolId=pool_id)
    assert result["Groups"] == []
    assert "NextToken" not in result


def test_only_this_pools_groups(idp, make_pool):
    first, _ = make_pool()
    second, _ = make_pool()
    idp.create_group(UserPoolId=first, GroupName="mine")
    idp.create_group(UserPoolId=second, GroupName="theirs")
    assert [g["GroupName"] for g in idp.list_groups(UserPoolId=first)["Groups"]] == ["mine"]


def test_pagination_with_limit_and_next_token(idp, make_pool):
    pool_id, _ = make_pool()
    names = [f"group-{i:02d}" for i in range(5)]
    for name in reversed(names):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    assert all_group_names(idp, pool_id, 2) == (names, 3)
    assert all_group_names(idp, pool_id, 5) == (names, 1)
    paginator = idp.get_paginator("list_groups")
    everything = [g["GroupName"] for p in paginator.paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 3})
                  for g in p["Groups"]]
    assert everything == names


def test_limit_zero_means_a_full_page(idp, make_pool):
    pool_id, _ = make_pool()
    for i in range(3):
        idp.create_group(UserPoolId=pool_id, GroupName=f"g{i}")
    result = idp.list_groups(UserPoolId=pool_id, Limit=0)
    assert [g["GroupName"] for g in result["Groups"]] == ["g0", "g1", "g2"]
    assert "NextToken" not in result


def test_a_group_deleted_between_pages_neither_repeats_nor_skips(idp, make_pool):
    pool_id, _ = make_pool()
    for name in ("a", "b", "c", "d"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    first = idp.list_groups(UserPoolId=pool_id, Limit=2)
    assert [g["GroupName"] for g in first["Groups"]] == ["a", "b"]
    idp.delete_group(UserPoolId=pool_id, GroupName="b")
    second = idp.list_groups(UserPoolId=pool_id, Limit=2, NextToken=first["NextToken"])
    assert [g["GroupName"] for g in second["Groups"]] == ["c", "d"]
    assert "NextToken" not in second


def test_garbage_next_token(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.list_groups(UserPoolId=pool_id, NextToken="not-a-token")
    assert error_of(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_limit_above_sixty(stack, make_pool):
    pool_id, _ = make_pool()
    client = boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        client.list_groups(UserPoolId=pool_id, Limit=61)
    assert error_of(exc) == ("InvalidParameterException", "1 validation error detected: Value '61' at 'limit' "
                             "failed to satisfy constraint: Member must have value less than or equal to 60")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.list_groups(UserPoolId="us-east-1_nopool000")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
