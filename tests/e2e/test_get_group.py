"""GetGroup: the group as CreateGroup returned it, and its errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of

ROLE = "arn:aws:iam::123456789012:role/readers"


def test_returns_the_group_type(idp, make_pool):
    pool_id, _ = make_pool()
    created = idp.create_group(UserPoolId=pool_id, GroupName="readers", Description="Can read", RoleArn=ROLE,
                               Precedence=0)["Group"]
    assert idp.get_group(UserPoolId=pool_id, GroupName="readers")["Group"] == created


def test_optional_members_are_left_out(idp, make_pool):
    pool_id, _ = make_pool()
    idp.create_group(UserPoolId=pool_id, GroupName="plain")
    group = idp.get_group(UserPoolId=pool_id, GroupName="plain")["Group"]
    assert set(group) == {"GroupName", "UserPoolId", "CreationDate", "LastModifiedDate"}
    assert (group["GroupName"], group["UserPoolId"]) == ("plain", pool_id)


def test_group_names_are_case_sensitive(idp, make_pool):
    pool_id, _ = make_pool()
    idp.create_group(UserPoolId=pool_id, GroupName="Admins")
    with pytest.raises(ClientError) as exc:
        idp.get_group(UserPoolId=pool_id, GroupName="admins")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_group(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.get_group(UserPoolId=pool_id, GroupName="nobody")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_group_of_another_pool(idp, make_pool):
    first, _ = make_pool()
    second, _ = make_pool()
    idp.create_group(UserPoolId=first, GroupName="staff")
    with pytest.raises(ClientError) as exc:
        idp.get_group(UserPoolId=second, GroupName="staff")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.get_group(UserPoolId="us-east-1_nopool000", GroupName="staff")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
