"""Which IAM role an identity gets, exactly as Cognito documents it (cognito-contract.md §4.2; DG-RBAC:
https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html).

- Unauthenticated identity: the pool's ``unauthenticated`` role.
- Authenticated, and no role mapping for the login's provider (``<provider>:<app client id>`` for a user
  pool, or the provider name): the pool's ``authenticated`` role.
- Token mapping: ``CustomRoleArn`` if it is one of the token's ``cognito:roles`` (set but not there: denied);
  else ``cognito:preferred_role``; else AmbiguousRoleResolution.
- Rules mapping: rules in order, the first that matches wins (``CustomRoleArn`` may pick the role of
  another matching rule; one no matching rule has is denied). ``NotEqual`` on a missing claim does not
  match (Cognito skips the rule); ``custom:`` claims are named with their prefix. No match: AmbiguousRoleResolution.
- AmbiguousRoleResolution ``AuthenticatedRole``: the ``authenticated`` role; ``Deny``: NotAuthorizedException
  "The ambiguous role mapping rules for: <provider> denied this request." (the observed message; the
  exception type is this emulator's choice, cognito-contract.md §9.5).

No role where one is needed: InvalidIdentityPoolConfigurationException. With several logins, the first
(in request order) whose provider has a role mapping decides; with none, the default role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.errors import NotAuthorizedException
from emulator.identity.errors import InvalidIdentityPoolConfigurationException
from emulator.identity.logins import VerifiedLogin
from emulator.identity.state import IdentityPool


@dataclass(frozen=True)
class Resolution:
    """The role, and which branch of the resolution chose it (for logs and tests)."""

    role_arn: str
    branch: str


def denied(mapping_key: str) -> NotAuthorizedException:
    return NotAuthorizedException(f"The ambiguous role mapping rules for: {mapping_key} denied this request.")


def _default(pool: IdentityPool, kind: str, branch: str) -> Resolution:
    role = pool.roles.get(kind)
    if not role:
        raise InvalidIdentityPoolConfigurationException()
    return Resolution(role, branch)


def token_roles(claims: Mapping[str, Any]) -> list[str]:
    """``cognito:roles`` as a list: a JSON array in today's ID tokens, a comma-separated string in older ones."""
    value = claims.get("cognito:roles")
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _claim_strings(value: Any) -> list[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    return [("true" if v else "false") if isinstance(v, bool) else str(v) for v in items]


def rule_matches(rule: Mapping[str, Any], claims: Mapping[str, Any]) -> bool:
    """One MappingRule (Claim, MatchType, Value) against the token's claims; a list claim matches when one
    of its elements does (NotEqual: when none is equal)."""
    values = _claim_strings(claims.get(rule["Claim"]))
    if values is None:
        return False
    expected = rule["Value"]
    match_type = rule["MatchType"]
    if match_type == "Equals":
        return expected in values
    if match_type == "NotEqual":
        return expected not in values
    if match_type == "Contains":
        return any(expected in v for v in values)
    if match_type == "StartsWith":
        return any(v.startswith(expected) for v in values)
    return False


def _mapping_for(pool: IdentityPool, logins: list[VerifiedLogin]) -> tuple[str, dict[str, Any], VerifiedLogin] | None:
    for login in logins:
        for key in (login.mapping_key, login.provider):
            mapping = pool.role_mappings.get(key)
            if mapping is not None:
                return key, mapping, login
    return None


def resolve(pool: IdentityPool, logins: list[VerifiedLogin], custom_role_arn: str | None) -> Resolution:
    if not logins:
        return _default(pool, "unauthenticated", "unauthenticated role")
    found = _mapping_for(pool, logins)
    if found is None:
        return _default(pool, "authenticated", "authenticated role (no role mapping)")
    key, mapping, login = found
    if mapping.get("Type") == "Token":
        roles = token_roles(login.claims)
        if custom_role_arn:
            if custom_role_arn in roles:
                return Resolution(custom_role_arn, "Token: CustomRoleArn in cognito:roles")
            raise NotAuthorizedException(f"The role mapping rules for: {key} denied this request: "
                                         "CustomRoleArn is not one of the token's cognito:roles.")
        preferred = login.claims.get("cognito:preferred_role")
        if isinstance(preferred, str) and preferred:
            return Resolution(preferred, "Token: cognito:preferred_role")
    else:
        rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
        matching = [(index, rule) for index, rule in enumerate(rules) if rule_matches(rule, login.claims)]
        if custom_role_arn:
            for index, rule in matching:
                if rule["RoleARN"] == custom_role_arn:
                    return Resolution(custom_role_arn, f"Rules: CustomRoleArn of matching rule {index + 1}")
            raise NotAuthorizedException(f"The role mapping rules for: {key} denied this request: "
                                         "CustomRoleArn is not the role of a matching rule.")
        if matching:
            index, rule = matching[0]
            return Resolution(rule["RoleARN"], f"Rules: rule {index + 1}")
    if mapping.get("AmbiguousRoleResolution") == "AuthenticatedRole":
        return _default(pool, "authenticated", f"{mapping.get('Type')}: ambiguous, authenticated role")
    raise denied(key)
