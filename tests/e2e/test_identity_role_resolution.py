"""Every branch of Cognito's role resolution (cognito-contract.md §4.2), through boto3, each checked by the
role of the credentials moto then accepts: default roles; Token mapping (CustomRoleArn in cognito:roles,
CustomRoleArn not in it, cognito:preferred_role, ambiguous -> AuthenticatedRole or Deny); Rules mapping (in
order, first match wins, NotEqual on a missing claim skipped, custom: claims, CustomRoleArn among the
matching rules, no match -> AuthenticatedRole or Deny)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.identity_support import (
    UserPool,
    assumed,
    caller_arn,
    create_identity_pool,
    create_role,
    error_message,
    identity_client,
)

SCHEMA = [{"Name": "dept", "AttributeDataType": "String", "Mutable": True},
          {"Name": "tier", "AttributeDataType": "String", "Mutable": True}]


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture()
def world(stack: Any, ci: Any, idp: Any, make_pool: Any) -> dict[str, Any]:
    pool_id, client_id = make_pool(pool={"Schema": SCHEMA})
    users = UserPool(idp=idp, pool_id=pool_id, client_id=client_id)
    identity_pool_id = create_identity_pool(ci, users)
    roles = {name: create_role(stack, identity_pool_id) for name in
             ("authenticated", "editor", "auditor", "twin_a", "twin_b", "ops", "boss", "paid", "anyone")}
    users.group("editors", roles["editor"], 1)
    users.group("auditors", roles["auditor"], 2)
    users.group("twin_a", roles["twin_a"], 5)
    users.group("twin_b", roles["twin_b"], 5)
    ci.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles={"authenticated": roles["authenticated"]})
    return {"users": users, "pool": identity_pool_id, "roles": roles, "key": f"{users.provider}:{client_id}"}


def map_roles(ci: Any, world: dict[str, Any], mapping: dict[str, Any]) -> None:
    ci.set_identity_pool_roles(IdentityPoolId=world["pool"], Roles={"authenticated": world["roles"]["authenticated"]},
                               RoleMappings={world["key"]: mapping})


def role_of(stack: Any, ci: Any, world: dict[str, Any], user: dict[str, str], custom: str | None = None) -> str:
    logins = world["users"].logins(user)
    identity_id = ci.get_id(IdentityPoolId=world["pool"], Logins=logins)["IdentityId"]
    args: dict[str, Any] = {"IdentityId": identity_id, "Logins": logins}
    if custom:
        args["CustomRoleArn"] = custom
    return caller_arn(stack, ci.get_credentials_for_identity(**args)["Credentials"])


def refused(ci: Any, world: dict[str, Any], user: dict[str, str], custom: str | None = None) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        logins = world["users"].logins(user)
        identity_id = ci.get_id(IdentityPoolId=world["pool"], Logins=logins)["IdentityId"]
        args: dict[str, Any] = {"IdentityId": identity_id, "Logins": logins}
        if custom:
            args["CustomRoleArn"] = custom
        ci.get_credentials_for_identity(**args)
    return error_message(exc)


def test_without_a_mapping_every_user_gets_the_authenticated_role(stack: Any, ci: Any, world: dict[str, Any]) -> None:
    roles = world["roles"]
    editor = world["users"].user(groups=("editors",))
    assert role_of(stack, ci, world, editor) == assumed(roles["authenticated"])
    # CustomRoleArn only chooses among a mapping's roles.
    assert role_of(stack, ci, world, editor, custom=roles["editor"]) == assumed(roles["authenticated"])


@pytest.mark.parametrize("ambiguous", ["AuthenticatedRole", "Deny"])
def test_token_mapping(stack: Any, ci: Any, world: dict[str, Any], ambiguous: str) -> None:
    roles, users, key = world["roles"], world["users"], world["key"]
    map_roles(ci, world, {"Type": "Token", "AmbiguousRoleResolution": ambiguous})
    both = users.user(groups=("editors", "auditors"))
    # cognito:preferred_role: the role of the group with the lowest precedence.
    assert role_of(stack, ci, world, both) == assumed(roles["editor"])
    # CustomRoleArn, one of cognito:roles.
    assert role_of(stack, ci, world, both, custom=roles["auditor"]) == assumed(roles["auditor"])
    # CustomRoleArn that is not: denied, whatever AmbiguousRoleResolution says.
    assert refused(ci, world, both, custom=roles["ops"]) == (
        "NotAuthorizedException",
        f"The role mapping rules for: {key} denied this request: "
        "CustomRoleArn is not one of the token's cognito:roles.")
    ambiguous_users = [users.user(groups=("twin_a", "twin_b")), users.user()]
    for user in ambiguous_users:  # two roles and no preferred one; no role at all
        if ambiguous == "AuthenticatedRole":
            assert role_of(stack, ci, world, user) == assumed(roles["authenticated"])
        else:
            assert refused(ci, world, user) == (
                "NotAuthorizedException", f"The ambiguous role mapping rules for: {key} denied this request.")


def rules_mapping(world: dict[str, Any], ambiguous: str, catch_all: bool) -> dict[str, Any]:
    roles = world["roles"]
    rules = [
        {"Claim": "custom:dept", "MatchType": "Equals", "Value": "ops", "RoleARN": roles["ops"]},
        {"Claim": "email", "MatchType": "StartsWith", "Value": "boss", "RoleARN": roles["boss"]},
        {"Claim": "custom:tier", "MatchType": "NotEqual", "Value": "free", "RoleARN": roles["paid"]},
    ]
    if catch_all:
        rules.append({"Claim": "email", "MatchType": "Contains", "Value": "@", "RoleARN": roles["anyone"]})
    return {"Type": "Rules", "AmbiguousRoleResolution": ambiguous, "RulesConfiguration": {"Rules": rules}}


def test_rules_mapping_first_match_wins(stack: Any, ci: Any, world: dict[str, Any]) -> None:
    roles, users = world["roles"], world["users"]
    map_roles(ci, world, rules_mapping(world, "Deny", catch_all=True))
    cases = [
        ({"custom:dept": "ops"}, "ops"),
        ({"custom:dept": "ops", "email": "boss-1@example.com"}, "ops"),
        ({"email": "boss-2@example.com"}, "boss"),
        ({"custom:tier": "gold"}, "paid"),
        ({"custom:tier": "free"}, "anyone"),
        # No custom:tier: NotEqual is not evaluated on a missing claim, so the next rule decides.
        ({"custom:dept": "sales"}, "anyone"),
    ]
    for attributes, expected in cases:
        assert role_of(stack, ci, world, users.user(attributes=attributes)) == assumed(roles[expected]), attributes
    both = users.user(attributes={"custom:dept": "ops", "custom:tier": "gold"})
    assert role_of(stack, ci, world, both, custom=roles["paid"]) == assumed(roles["paid"])
    assert refused(ci, world, both, custom=roles["boss"]) == (
        "NotAuthorizedException",
        f"The role mapping rules for: {world['key']} denied this request: "
        "CustomRoleArn is not the role of a matching rule.")


@pytest.mark.parametrize("ambiguous", ["AuthenticatedRole", "Deny"])
def test_rules_mapping_without_a_match(stack: Any, ci: Any, world: dict[str, Any], ambiguous: str) -> None:
    map_roles(ci, world, rules_mapping(world, ambiguous, catch_all=False))
    nobody = world["users"].user(attributes={"custom:tier": "free"})
    if ambiguous == "AuthenticatedRole":
        assert role_of(stack, ci, world, nobody) == assumed(world["roles"]["authenticated"])
    else:
        assert refused(ci, world, nobody) == (
            "NotAuthorizedException", f"The ambiguous role mapping rules for: {world['key']} denied this request.")


def test_a_mapping_of_another_client_does_not_apply(stack: Any, ci: Any, idp: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    other_client = idp.create_user_pool_client(UserPoolId=users.pool_id, ClientName="other",
                                               ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                  "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    ci.update_identity_pool(IdentityPoolId=world["pool"], IdentityPoolName="two_clients",
                            AllowUnauthenticatedIdentities=False, CognitoIdentityProviders=[
                                {"ProviderName": users.provider, "ClientId": users.client_id},
                                {"ProviderName": users.provider, "ClientId": other_client}])
    ci.set_identity_pool_roles(IdentityPoolId=world["pool"], Roles={"authenticated": world["roles"]["authenticated"]},
                               RoleMappings={f"{users.provider}:{other_client}": {
                                   "Type": "Token", "AmbiguousRoleResolution": "Deny"}})
    member = users.user()
    assert role_of(stack, ci, world, member) == assumed(world["roles"]["authenticated"])
