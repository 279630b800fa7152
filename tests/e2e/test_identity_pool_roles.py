"""SetIdentityPoolRoles and GetIdentityPoolRoles: roles and role mappings stored as given, and the checks
Cognito makes beyond the API model (role ARNs, providers of the pool, AmbiguousRoleResolution, rules)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.identity_support import create_identity_pool, error_message, identity_client, new_user_pool

AUTH = "arn:aws:iam::123456789012:role/auth"
UNAUTH = "arn:aws:iam::123456789012:role/unauth"


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture()
def pool(ci: Any, idp: Any, make_pool: Any) -> tuple[str, str]:
    users = new_user_pool(idp, make_pool)
    return create_identity_pool(ci, users), f"{users.provider}:{users.client_id}"


def rules(count: int) -> dict[str, Any]:
    return {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [
        {"Claim": "custom:n", "MatchType": "Equals", "Value": str(i), "RoleARN": AUTH} for i in range(count)]}}


def test_roles_and_mappings_are_stored_as_given(ci: Any, pool: tuple[str, str]) -> None:
    pool_id, key = pool
    assert ci.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == {}
    mappings = {key: rules(25)}
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH, "unauthenticated": UNAUTH},
                               RoleMappings=mappings)
    answer = ci.get_identity_pool_roles(IdentityPoolId=pool_id)
    answer.pop("ResponseMetadata")
    assert answer == {"IdentityPoolId": pool_id, "Roles": {"authenticated": AUTH, "unauthenticated": UNAUTH},
                      "RoleMappings": mappings}
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH})
    assert "RoleMappings" not in ci.get_identity_pool_roles(IdentityPoolId=pool_id)


@pytest.mark.parametrize(("roles", "mapping", "code", "message"), [
    ({"authenticated": "my-role-name-of-twenty"}, None, "NotAuthorizedException",
     "Access to Role 'my-role-name-of-twenty' is forbidden."),
    ({"authenticated": AUTH}, {"Type": "Token"}, "InvalidParameterException",
     "AmbiguousRoleResolution is required for the role mapping of {key}."),
    ({"authenticated": AUTH}, {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}, "InvalidParameterException",
     "RulesConfiguration is required for the Rules role mapping of {key}."),
    ({"authenticated": AUTH}, rules(26), "InvalidParameterException",
     "The role mapping of {key} has 26 rules; at most 25 are allowed."),
    ({"authenticated": AUTH}, {"Type": "Token", "AmbiguousRoleResolution": "Deny",
                               "RulesConfiguration": rules(1)["RulesConfiguration"]},
     "InvalidParameterException", "RulesConfiguration is only allowed for a Rules role mapping ({key})."),
    ({"authenticated": AUTH}, {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {
        "Rules": [{"Claim": "c", "MatchType": "Equals", "Value": "v", "RoleARN": "arn:aws:s3:::not-a-role"}]}},
     "NotAuthorizedException", "Access to Role 'arn:aws:s3:::not-a-role' is forbidden."),
])
def test_invalid_roles_and_mappings_are_refused(ci: Any, pool: tuple[str, str], roles: dict[str, str],
                                                mapping: dict[str, Any] | None, code: str, message: str) -> None:
    pool_id, key = pool
    args: dict[str, Any] = {"IdentityPoolId": pool_id, "Roles": roles}
    if mapping is not None:
        args["RoleMappings"] = {key: mapping}
    with pytest.raises(ClientError) as exc:
        ci.set_identity_pool_roles(**args)
    assert error_message(exc) == (code, message.format(key=key))
    assert ci.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == {}


def test_a_mapping_must_name_a_provider_of_the_pool(ci: Any, pool: tuple[str, str]) -> None:
    pool_id, key = pool
    other = key.rsplit(":", 1)[0] + ":someotherclient"
    with pytest.raises(ClientError) as exc:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={},
                                   RoleMappings={other: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}})
    assert error_message(exc) == ("InvalidParameterException",
                                  f"({other}) is not a valid RoleMapping ProviderName or is not a configured provider.")


def test_the_model_limits_apply(ci: Any, pool: tuple[str, str]) -> None:
    pool_id, _key = pool
    with pytest.raises(ClientError) as exc:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"guest": AUTH})
    assert error_message(exc) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'guest' at 'roles.key' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (un)?authenticated")
    with pytest.raises(ClientError) as exc:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={},
                                   RoleMappings={f"p{i}": {"Type": "Token"} for i in range(11)})
    assert error_message(exc) == (
        "InvalidParameterException",
        "1 validation error detected: Value at 'roleMappings' failed to satisfy constraint: "
        "Member must have length less than or equal to 10")
