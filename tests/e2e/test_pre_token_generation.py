"""PreTokenGeneration V1_0 and V2_0 responses applied with Cognito's rules (cognito-contract.md §1.4).

Claims are added, overridden and suppressed (suppression wins); `cognito:`-prefixed and protected claims
(sub, iss, token_use, ...) cannot be added; V1 accepts strings only; groupOverrideDetails replaces the groups
in both tokens and an empty one suppresses them; V2 edits the access token and its scopes, and may add `aud`
to it only with the current client id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

import emulator
from emulator.state import Group
from tests.e2e.conftest import PASSWORD, error_of, register_trigger, unique
from tests.helpers import claims_of

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
AUDITOR_ROLE = "arn:aws:iam::123456789012:role/auditor"
ADMIN_ROLE = "arn:aws:iam::123456789012:role/admin"


@pytest.fixture()
def sign_in(stack, idp, make_pool):
    """sign_in(func, version, groups=()) -> (user info, tokens): a fresh pool whose PreTokenGeneration is func."""

    def _sign_in(func: Callable[[dict[str, Any], Any], Any], version: str,
                 groups: tuple[str, ...] = ()) -> tuple[dict[str, str], dict[str, Any]]:
        pool_id, client_id = make_pool(triggers={"PreTokenGenerationConfig": {
            "LambdaVersion": version, "LambdaArn": register_trigger(stack, func)}})
        username = unique()
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"},
                                    {"Name": "family_name", "Value": "Doe"}])
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
        if groups:
            add_groups(pool_id, username, groups)
        result = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
        user = {"pool_id": pool_id, "client_id": client_id, "username": username}
        return user, result["AuthenticationResult"]

    return _sign_in


def add_groups(pool_id: str, username: str, names: tuple[str, ...]) -> None:
    """Group membership set in the store: the group operations are not what this module tests."""
    pool = emulator.EMULATOR.store.pools[pool_id]
    roles = {"admins": ADMIN_ROLE}
    with emulator.EMULATOR.store.lock:
        for precedence, name in enumerate(names):
            pool.groups[name] = Group(name=name, pool_id=pool_id, role_arn=roles.get(name), precedence=precedence)
        pool.users[username].groups.update(names)


def failing_sign_in(stack: Any, idp: Any, make_pool: Any, func: Any, version: str) -> tuple[str, str]:
    pool_id, client_id = make_pool(triggers={"PreTokenGenerationConfig": {
        "LambdaVersion": version, "LambdaArn": register_trigger(stack, func)}})
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
    return error_of(exc)


# --- V1_0 ----------------------------------------------------------------------------------------------------


def v1_add_override_suppress(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tier": "gold", "email": "shown@example.com", "nickname": "both"},
        "claimsToSuppress": ["nickname", "family_name"],
    }
    return event


def test_v1_adds_overrides_and_suppresses_id_token_claims_only(sign_in):
    _user, tokens = sign_in(v1_add_override_suppress, "V1_0")
    id_claims, access_claims = claims_of(tokens["IdToken"]), claims_of(tokens["AccessToken"])
    assert id_claims["tier"] == "gold"
    assert id_claims["email"] == "shown@example.com"
    assert "nickname" not in id_claims
    assert "family_name" not in id_claims
    assert "tier" not in access_claims


PROTECTED = {"sub": "forged", "iss": "https://evil.example", "token_use": "access", "aud": "another-client",
             "cognito:username": "root", "cognito:groups": "admins", "cognito:anything": "x", "auth_time": "1",
             "jti": "forged", "origin_jti": "forged", "event_id": "forged", "identities": "[]", "exp": "1",
             "iat": "1"}


def v1_protected(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": dict(PROTECTED),
        "claimsToSuppress": ["sub", "iss", "cognito:username", "aud", "token_use"],
    }
    return event


def test_v1_cannot_add_change_or_suppress_protected_claims(sign_in):
    user, tokens = sign_in(v1_protected, "V1_0")
    id_claims = claims_of(tokens["IdToken"])
    assert id_claims["aud"] == user["client_id"]
    assert id_claims["token_use"] == "id"
    assert id_claims["cognito:username"] == user["username"]
    assert id_claims["iss"].endswith("/" + user["pool_id"])
    assert id_claims["sub"] != "forged"
    assert id_claims["exp"] - id_claims["iat"] == 3600
    assert "cognito:anything" not in id_claims
    assert "cognito:groups" not in id_claims
    assert {id_claims[name] for name in ("jti", "origin_jti", "event_id")}.isdisjoint({"forged"})
    assert "identities" not in id_claims


def v1_number(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"level": 3}}
    return event


def test_v1_rejects_a_non_string_claim(stack, idp, make_pool):
    assert failing_sign_in(stack, idp, make_pool, v1_number, "V1_0") == (
        "InvalidLambdaResponseException", "Unrecognizable lambda output")


def v1_replace_groups(event: dict[str, Any], context: Any) -> dict[str, Any]:
    assert event["request"]["groupConfiguration"] == {
        "groupsToOverride": ["admins", "readers"], "iamRolesToOverride": [ADMIN_ROLE], "preferredRole": ADMIN_ROLE}
    event["response"]["claimsOverrideDetails"] = {"groupOverrideDetails": {
        "groupsToOverride": ["auditors"], "iamRolesToOverride": [AUDITOR_ROLE], "preferredRole": AUDITOR_ROLE}}
    return event


def test_v1_group_override_replaces_groups_in_both_tokens(sign_in):
    _user, tokens = sign_in(v1_replace_groups, "V1_0", groups=("admins", "readers"))
    id_claims, access_claims = claims_of(tokens["IdToken"]), claims_of(tokens["AccessToken"])
    assert id_claims["cognito:groups"] == ["auditors"]
    assert id_claims["cognito:roles"] == [AUDITOR_ROLE]
    assert id_claims["cognito:preferred_role"] == AUDITOR_ROLE
    assert access_claims["cognito:groups"] == ["auditors"]


def v1_empty_groups(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {"groupOverrideDetails": {}}
    return event


def test_v1_empty_group_override_suppresses_groups(sign_in):
    _user, tokens = sign_in(v1_empty_groups, "V1_0", groups=("admins",))
    for token in (tokens["IdToken"], tokens["AccessToken"]):
        assert {"cognito:groups", "cognito:roles", "cognito:preferred_role"}.isdisjoint(claims_of(token))


def v1_keep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return event


def test_v1_unchanged_event_keeps_groups_and_roles(sign_in):
    _user, tokens = sign_in(v1_keep, "V1_0", groups=("admins", "readers"))
    id_claims = claims_of(tokens["IdToken"])
    assert id_claims["cognito:groups"] == ["admins", "readers"]
    assert id_claims["cognito:roles"] == [ADMIN_ROLE]
    assert id_claims["cognito:preferred_role"] == ADMIN_ROLE
    assert claims_of(tokens["AccessToken"])["cognito:groups"] == ["admins", "readers"]


def v1_suppress_groups(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {"claimsToSuppress": ["cognito:groups"]}
    return event


def test_v1_suppressing_cognito_groups_drops_roles_from_the_id_token(sign_in):
    _user, tokens = sign_in(v1_suppress_groups, "V1_0", groups=("admins",))
    assert {"cognito:groups", "cognito:roles", "cognito:preferred_role"}.isdisjoint(claims_of(tokens["IdToken"]))


# --- V2_0 ----------------------------------------------------------------------------------------------------


def v2_both_tokens(event: dict[str, Any], context: Any) -> dict[str, Any]:
    assert event["request"]["scopes"] == [ADMIN_SCOPE]
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"profile": {"level": 3}, "tags": ["a", "b"], "n": 7,
                                                        "flag": True, "gone": "x"},
                              "claimsToSuppress": ["gone", "family_name"]},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t1", "aud": event["callerContext"]["clientId"],
                                                            "hidden": "x"},
                                  "claimsToSuppress": ["hidden"],
                                  "scopesToAdd": ["orders/read", "orders/write"],
                                  "scopesToSuppress": [ADMIN_SCOPE, "orders/write"]},
    }
    return event


def test_v2_edits_both_tokens_and_the_scopes(sign_in):
    user, tokens = sign_in(v2_both_tokens, "V2_0")
    id_claims, access_claims = claims_of(tokens["IdToken"]), claims_of(tokens["AccessToken"])
    assert (id_claims["profile"], id_claims["tags"], id_claims["n"], id_claims["flag"]) == (
        {"level": 3}, ["a", "b"], 7, True)
    assert "gone" not in id_claims
    assert "family_name" not in id_claims
    assert "tenant" not in id_claims
    assert access_claims["tenant"] == "t1"
    assert "hidden" not in access_claims
    assert access_claims["aud"] == user["client_id"]
    assert access_claims["scope"] == "orders/read"


def v2_foreign_aud(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {"accessTokenGeneration": {
        "claimsToAddOrOverride": {"aud": "someone-else", "client_id": "someone-else", "username": "root",
                                  "token_use": "id", "scope": "admin", "cognito:groups": ["admins"]}}}
    return event


def test_v2_cannot_add_a_foreign_aud_or_protected_access_claims(sign_in):
    user, tokens = sign_in(v2_foreign_aud, "V2_0")
    access_claims = claims_of(tokens["AccessToken"])
    assert "aud" not in access_claims
    assert access_claims["client_id"] == user["client_id"]
    assert access_claims["username"] == user["username"]
    assert access_claims["token_use"] == "access"
    assert access_claims["scope"] == ADMIN_SCOPE
    assert "cognito:groups" not in access_claims


def v2_replace_groups(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {"groupOverrideDetails": {
        "groupsToOverride": ["auditors"], "iamRolesToOverride": [AUDITOR_ROLE], "preferredRole": AUDITOR_ROLE}}
    return event


def test_v2_group_override_replaces_groups_in_both_tokens(sign_in):
    _user, tokens = sign_in(v2_replace_groups, "V2_0", groups=("admins",))
    assert claims_of(tokens["IdToken"])["cognito:groups"] == ["auditors"]
    assert claims_of(tokens["IdToken"])["cognito:preferred_role"] == AUDITOR_ROLE
    assert claims_of(tokens["AccessToken"])["cognito:groups"] == ["auditors"]


def v2_complex_email_verified(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {"idTokenGeneration": {
        "claimsToAddOrOverride": {"email_verified": {"value": True}}}}
    return event


def v2_blank_scope(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {"accessTokenGeneration": {"scopesToAdd": ["read write"]}}
    return event


@pytest.mark.parametrize("func", [v2_complex_email_verified, v2_blank_scope])
def test_v2_rejects_complex_verified_flags_and_scopes_with_spaces(stack, idp, make_pool, func):
    assert failing_sign_in(stack, idp, make_pool, func, "V2_0") == (
        "InvalidLambdaResponseException", "Unrecognizable lambda output")


def v2_mark_source(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {"idTokenGeneration": {
        "claimsToAddOrOverride": {"source": event["triggerSource"]}}}
    return event


def test_v2_applies_on_refresh_too_and_keeps_auth_time(sign_in, idp):
    user, tokens = sign_in(v2_mark_source, "V2_0")
    first = claims_of(tokens["IdToken"])
    assert first["source"] == "TokenGeneration_Authentication"
    refreshed = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    again = claims_of(refreshed["IdToken"])
    assert again["source"] == "TokenGeneration_RefreshTokens"
    assert again["auth_time"] == first["auth_time"]
    assert again["origin_jti"] == first["origin_jti"]
