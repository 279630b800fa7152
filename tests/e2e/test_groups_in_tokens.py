"""Groups in tokens: `cognito:groups` (ID and access) ordered by precedence, `cognito:roles` and
`cognito:preferred_role` (ID only) by DG-RBAC: the role of the group with the lowest Precedence; a tie
between different roles, or several roles and no precedence to decide, gives no preferred role; a group
without Precedence loses to any group with one. PreTokenGeneration receives the same groupConfiguration."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PASSWORD, unique
from tests.helpers import claims_of

ADMIN = "arn:aws:iam::123456789012:role/admin"
EDITOR = "arn:aws:iam::123456789012:role/editor"


def member_of(idp: Any, make_pool: Any, groups: list[dict[str, Any]]) -> tuple[dict, dict, str, str]:
    """A confirmed user in `groups` (CreateGroup arguments, joined in the order given); their ID and
    access token claims, their username and pool id."""
    pool_id, client_id = make_pool()
    username = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    for group in groups:
        idp.create_group(UserPoolId=pool_id, **group)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group["GroupName"])
    result = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]
    return claims_of(result["IdToken"]), claims_of(result["AccessToken"]), username, pool_id


def test_groups_ordered_by_precedence_with_roles_and_preferred_role(stack, idp, make_pool):
    id_claims, access_claims, username, _ = member_of(idp, make_pool, [
        {"GroupName": "a-readers"},
        {"GroupName": "m-editors", "Precedence": 5, "RoleArn": EDITOR},
        {"GroupName": "z-admins", "Precedence": 0, "RoleArn": ADMIN},
    ])
    assert id_claims["cognito:groups"] == ["z-admins", "m-editors", "a-readers"]
    assert id_claims["cognito:roles"] == [ADMIN, EDITOR]
    assert id_claims["cognito:preferred_role"] == ADMIN
    assert access_claims["cognito:groups"] == ["z-admins", "m-editors", "a-readers"]
    assert "cognito:roles" not in access_claims
    assert "cognito:preferred_role" not in access_claims
    [event] = [i["event"] for i in stack.invocations()
               if i["trigger"] == "PreTokenGeneration" and i["event"]["userName"] == username]
    assert event["request"]["groupConfiguration"] == {"groupsToOverride": ["z-admins", "m-editors", "a-readers"],
                                                      "iamRolesToOverride": [ADMIN, EDITOR],
                                                      "preferredRole": ADMIN}


def test_tie_between_different_roles_gives_no_preferred_role(idp, make_pool):
    id_claims, _, _, _ = member_of(idp, make_pool, [
        {"GroupName": "admins", "Precedence": 1, "RoleArn": ADMIN},
        {"GroupName": "editors", "Precedence": 1, "RoleArn": EDITOR},
    ])
    assert id_claims["cognito:groups"] == ["admins", "editors"]
    assert id_claims["cognito:roles"] == [ADMIN, EDITOR]
    assert "cognito:preferred_role" not in id_claims


def test_tie_between_groups_with_the_same_role_keeps_it(idp, make_pool):
    id_claims, _, _, _ = member_of(idp, make_pool, [
        {"GroupName": "admins", "Precedence": 1, "RoleArn": ADMIN},
        {"GroupName": "superusers", "Precedence": 1, "RoleArn": ADMIN},
        {"GroupName": "editors", "Precedence": 2, "RoleArn": EDITOR},
    ])
    assert id_claims["cognito:roles"] == [ADMIN, EDITOR]
    assert id_claims["cognito:preferred_role"] == ADMIN


def test_group_without_precedence_loses_to_any_precedence(idp, make_pool):
    id_claims, _, _, _ = member_of(idp, make_pool, [
        {"GroupName": "admins", "RoleArn": ADMIN},
        {"GroupName": "editors", "Precedence": 99, "RoleArn": EDITOR},
    ])
    assert id_claims["cognito:groups"] == ["editors", "admins"]
    assert id_claims["cognito:preferred_role"] == EDITOR


def test_several_roles_and_no_precedence_gives_no_preferred_role(idp, make_pool):
    id_claims, _, _, _ = member_of(idp, make_pool, [
        {"GroupName": "admins", "RoleArn": ADMIN},
        {"GroupName": "editors", "RoleArn": EDITOR},
    ])
    assert sorted(id_claims["cognito:roles"]) == [ADMIN, EDITOR]
    assert "cognito:preferred_role" not in id_claims


def test_a_single_role_is_the_preferred_role(idp, make_pool):
    id_claims, _, _, _ = member_of(idp, make_pool, [
        {"GroupName": "readers", "Precedence": 0},
        {"GroupName": "editors", "RoleArn": EDITOR},
    ])
    assert id_claims["cognito:groups"] == ["readers", "editors"]
    assert id_claims["cognito:roles"] == [EDITOR]
    assert id_claims["cognito:preferred_role"] == EDITOR


def test_groups_without_roles_carry_no_role_claims(idp, make_pool):
    id_claims, access_claims, _, _ = member_of(idp, make_pool, [{"GroupName": "readers", "Precedence": 3}])
    assert id_claims["cognito:groups"] == ["readers"]
    assert access_claims["cognito:groups"] == ["readers"]
    assert "cognito:roles" not in id_claims
    assert "cognito:preferred_role" not in id_claims


def test_no_groups_no_group_claims(idp, make_pool):
    id_claims, access_claims, _, _ = member_of(idp, make_pool, [])
    for claims in (id_claims, access_claims):
        assert not {"cognito:groups", "cognito:roles", "cognito:preferred_role"} & set(claims)
