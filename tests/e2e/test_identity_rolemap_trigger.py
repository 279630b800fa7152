"""The role-mapping rules, end to end: a rule set stored in DynamoDB (moto), the bundle's PreTokenGeneration
trigger writing its decision into the ID token (cognito:roles, cognito:preferred_role, groups kept), and the
identity pool's Token mapping choosing from it the role whose credentials moto then accepts."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.models import role_rule
from chalicelib.rolemap import parse_rule_set
from tests.e2e.identity_support import (
    UserPool,
    assumed,
    caller_arn,
    claims_of,
    create_identity_pool,
    create_role,
    error_message,
    identity_client,
)


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture()
def world(stack: Any, ci: Any, idp: Any, make_pool: Any) -> dict[str, Any]:
    pool_id, client_id = make_pool(pool={"Schema": [{"Name": "dept", "AttributeDataType": "String",
                                                     "Mutable": True}]})
    users = UserPool(idp=idp, pool_id=pool_id, client_id=client_id)
    users.group("admins")
    users.group("staff")
    identity_pool_id = create_identity_pool(ci, users)
    roles = {name: create_role(stack, identity_pool_id) for name in ("authenticated", "editor", "reader", "ops")}
    ci.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles={"authenticated": roles["authenticated"]},
                               RoleMappings={f"{users.provider}:{client_id}": {
                                   "Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}})
    role_rule.save(parse_rule_set({"userPoolId": pool_id, "clientId": "default", "rules": [
        {"name": "admins write", "roleArn": roles["editor"], "conditions": [{"type": "InGroup", "group": "admins"}]},
        {"name": "ops", "roleArn": roles["ops"], "conditions": [
            {"claim": "custom:dept", "type": "In", "values": ["ops", "sre"]}]},
        {"name": "staff read", "roleArn": roles["reader"], "match": "any", "conditions": [
            {"type": "InGroup", "group": "staff"},
            {"claim": "email", "type": "Regex", "pattern": ".+@corp\\.example"}]},
    ]}), expected_version=0)
    return {"users": users, "pool": identity_pool_id, "roles": roles}


def credentials_role(stack: Any, ci: Any, world: dict[str, Any], user: dict[str, str],
                     custom: str | None = None) -> str:
    logins = world["users"].logins(user)
    identity_id = ci.get_id(IdentityPoolId=world["pool"], Logins=logins)["IdentityId"]
    args: dict[str, Any] = {"IdentityId": identity_id, "Logins": logins}
    if custom:
        args["CustomRoleArn"] = custom
    return caller_arn(stack, ci.get_credentials_for_identity(**args)["Credentials"])


def test_the_rules_decide_the_roles_in_the_id_token_and_the_credentials(stack: Any, ci: Any,
                                                                       world: dict[str, Any]) -> None:
    users, roles = world["users"], world["roles"]
    admin = users.user(groups=("admins", "staff"), attributes={"custom:dept": "ops"})
    claims = claims_of(admin["id"])
    assert sorted(claims["cognito:groups"]) == ["admins", "staff"]
    assert claims["cognito:roles"] == [roles["editor"], roles["ops"], roles["reader"]]
    assert claims["cognito:preferred_role"] == roles["editor"]
    assert sorted(claims_of(admin["access"])["cognito:groups"]) == ["admins", "staff"]
    assert credentials_role(stack, ci, world, admin) == assumed(roles["editor"])
    assert credentials_role(stack, ci, world, admin, custom=roles["reader"]) == assumed(roles["reader"])
    with pytest.raises(ClientError) as exc:
        credentials_role(stack, ci, world, admin, custom=roles["authenticated"])
    assert error_message(exc)[0] == "NotAuthorizedException"


@pytest.mark.parametrize(("groups", "attributes", "expected"), [
    ((), {"custom:dept": "sre"}, "ops"),
    (("staff",), {}, "reader"),
    ((), {"email": "someone@corp.example"}, "reader"),
    ((), {}, "authenticated"),
])
def test_each_user_gets_the_first_matching_rule_s_role(stack: Any, ci: Any, world: dict[str, Any],
                                                       groups: tuple[str, ...], attributes: dict[str, str],
                                                       expected: str) -> None:
    user = world["users"].user(groups=groups, attributes=attributes)
    claims = claims_of(user["id"])
    if expected == "authenticated":
        assert "cognito:roles" not in claims and "cognito:preferred_role" not in claims
    else:
        assert claims["cognito:preferred_role"] == world["roles"][expected]
    assert credentials_role(stack, ci, world, user) == assumed(world["roles"][expected])


def test_a_client_rule_set_wins_over_the_pool_default(stack: Any, ci: Any, world: dict[str, Any]) -> None:
    users, roles = world["users"], world["roles"]
    role_rule.save(parse_rule_set({"userPoolId": users.pool_id, "clientId": users.client_id, "rules": [
        {"name": "everyone reads", "roleArn": roles["reader"], "conditions": [{"claim": "sub", "type": "Present"}]}]}))
    admin = users.user(groups=("admins",))
    assert claims_of(admin["id"])["cognito:roles"] == [roles["reader"]]
    assert credentials_role(stack, ci, world, admin) == assumed(roles["reader"])
    role_rule.delete(users.pool_id, users.client_id)
    assert claims_of(users.sign_in(admin["username"])["id"])["cognito:preferred_role"] == roles["editor"]


def test_without_a_rule_set_cognito_s_group_roles_stand(stack: Any, ci: Any, idp: Any, make_pool: Any) -> None:
    pool_id, client_id = make_pool()
    users = UserPool(idp=idp, pool_id=pool_id, client_id=client_id)
    role = "arn:aws:iam::123456789012:role/group-role"
    users.group("admins", role_arn=role, precedence=0)
    claims = claims_of(users.user(groups=("admins",))["id"])
    assert claims["cognito:roles"] == [role] and claims["cognito:preferred_role"] == role
