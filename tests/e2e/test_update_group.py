"""UpdateGroup: only the members given change, LastModifiedDate moves on, and members' next tokens show the
new role and precedence."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import clock_moved_by, signed_in_claims

READER = "arn:aws:iam::123456789012:role/reader"
EDITOR = "arn:aws:iam::123456789012:role/editor"


@pytest.fixture()
def group(idp, make_pool) -> dict:
    pool_id, _ = make_pool()
    return idp.create_group(UserPoolId=pool_id, GroupName="staff", Description="Everyone", RoleArn=READER,
                            Precedence=5)["Group"]


def test_only_the_given_members_change(idp, group):
    updated = idp.update_group(UserPoolId=group["UserPoolId"], GroupName="staff", Description="Some")["Group"]
    assert {k: updated[k] for k in ("GroupName", "UserPoolId", "Description", "RoleArn", "Precedence")} == {
        "GroupName": "staff", "UserPoolId": group["UserPoolId"], "Description": "Some", "RoleArn": READER,
        "Precedence": 5}
    updated = idp.update_group(UserPoolId=group["UserPoolId"], GroupName="staff", RoleArn=EDITOR,
                               Precedence=0)["Group"]
    assert (updated["Description"], updated["RoleArn"], updated["Precedence"]) == ("Some", EDITOR, 0)
    assert idp.get_group(UserPoolId=group["UserPoolId"], GroupName="staff")["Group"] == updated


def test_last_modified_date_moves_and_creation_date_stays(idp, group):
    with clock_moved_by(3600):
        updated = idp.update_group(UserPoolId=group["UserPoolId"], GroupName="staff", Precedence=1)["Group"]
    assert updated["CreationDate"] == group["CreationDate"]
    assert (updated["LastModifiedDate"] - group["LastModifiedDate"]).total_seconds() >= 3599


def test_an_update_with_nothing_to_change_keeps_every_member(idp, group):
    with clock_moved_by(60):
        updated = idp.update_group(UserPoolId=group["UserPoolId"], GroupName="staff")["Group"]
    assert {k: v for k, v in updated.items() if k != "LastModifiedDate"} == {
        k: v for k, v in group.items() if k != "LastModifiedDate"}
    assert updated["LastModifiedDate"] > group["LastModifiedDate"]


def test_an_empty_description_removes_it(idp, group):
    updated = idp.update_group(UserPoolId=group["UserPoolId"], GroupName="staff", Description="")["Group"]
    assert "Description" not in updated
    assert (updated["RoleArn"], updated["Precedence"]) == (READER, 5)


def test_members_next_tokens_follow_the_new_role_and_precedence(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="readers", RoleArn=READER, Precedence=1)
    idp.create_group(UserPoolId=pool_id, GroupName="editors", RoleArn=EDITOR, Precedence=2)
    for name in ("readers", "editors"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=name)
    before = signed_in_claims(idp, confirmed_user)
    assert (before["cognito:groups"], before["cognito:preferred_role"]) == (["readers", "editors"], READER)
    idp.update_group(UserPoolId=pool_id, GroupName="editors", Precedence=0)
    after = signed_in_claims(idp, confirmed_user)
    assert (after["cognito:groups"], after["cognito:preferred_role"]) == (["editors", "readers"], EDITOR)


def test_negative_precedence_is_refused(stack, group):
    client = boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        client.update_group(UserPoolId=group["UserPoolId"], GroupName="staff", Precedence=-1)
    assert error_of(exc) == ("InvalidParameterException", "1 validation error detected: Value '-1' at "
                             "'precedence' failed to satisfy constraint: Member must have value greater than or "
                             "equal to 0")


def test_unknown_group(idp, group):
    with pytest.raises(ClientError) as exc:
        idp.update_group(UserPoolId=group["UserPoolId"], GroupName="nobody", Precedence=1)
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.update_group(UserPoolId="us-east-1_nopool000", GroupName="staff", Precedence=1)
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")
