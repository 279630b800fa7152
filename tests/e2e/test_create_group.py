"""CreateGroup: the GroupType it returns, and its errors."""

from __future__ import annotations

from datetime import datetime

import botocore.session
import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique

ROLE = "arn:aws:iam::123456789012:role/readers"


def test_create_group_returns_group_type(idp, make_pool):
    pool_id, _ = make_pool()
    group = idp.create_group(UserPoolId=pool_id, GroupName="readers", Description="Can read", RoleArn=ROLE,
                             Precedence=0)["Group"]
    assert {k: group[k] for k in ("GroupName", "UserPoolId", "Description", "RoleArn", "Precedence")} == {
        "GroupName": "readers", "UserPoolId": pool_id, "Description": "Can read", "RoleArn": ROLE, "Precedence": 0}
    assert isinstance(group["CreationDate"], datetime)
    assert isinstance(group["LastModifiedDate"], datetime)


def test_optional_members_are_left_out_when_not_given(idp, make_pool):
    pool_id, _ = make_pool()
    group = idp.create_group(UserPoolId=pool_id, GroupName="plain")["Group"]
    assert set(group) == {"GroupName", "UserPoolId", "CreationDate", "LastModifiedDate"}


def test_duplicate_group_name_is_refused(idp, make_pool):
    pool_id, _ = make_pool()
    idp.create_group(UserPoolId=pool_id, GroupName="admins")
    with pytest.raises(ClientError) as exc:
        idp.create_group(UserPoolId=pool_id, GroupName="admins", Precedence=3)
    assert error_of(exc) == ("GroupExistsException", "A group with the name admins already exists.")


def test_same_group_name_in_another_pool_is_independent(idp, make_pool):
    first, _ = make_pool()
    second, _ = make_pool()
    idp.create_group(UserPoolId=first, GroupName="staff")
    assert idp.create_group(UserPoolId=second, GroupName="staff")["Group"]["UserPoolId"] == second


def test_unknown_pool(idp):
    pool_id = "us-east-1_" + unique("x")[-9:].replace("-", "0")
    with pytest.raises(ClientError) as exc:
        idp.create_group(UserPoolId=pool_id, GroupName="readers")
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool {pool_id} does not exist.")


def test_role_arn_must_be_an_arn(idp, make_pool):
    pool_id, _ = make_pool()
    pattern = (botocore.session.get_session().get_service_model("cognito-idp").shape_for("ArnType")
               .metadata["pattern"])
    with pytest.raises(ClientError) as exc:
        idp.create_group(UserPoolId=pool_id, GroupName="readers", RoleArn="role/readers-not-an-arn")
    assert error_of(exc) == ("InvalidParameterException",
                             "1 validation error detected: Value 'role/readers-not-an-arn' at 'roleArn' failed to "
                             f"satisfy constraint: Member must satisfy regular expression pattern: {pattern}")
