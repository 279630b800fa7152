"""SetIdentityPoolRoles: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html

Replaces the pool's default roles and role mappings. Checks beyond the model's: every role must be an IAM
role ARN ("Access to Role '<value>' is forbidden.", the observed answer to a role name); a role mapping's key
must name one of the pool's providers (``<provider>:<app client id>`` for a user pool); Token and Rules
mappings need AmbiguousRoleResolution; Rules need RulesConfiguration, with at most 25 rules per provider
(the documented quota, although the API model allows 400).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException
from emulator.identity.operations._common import pool_of, store
from emulator.identity.state import IdentityPool

ROLE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]+")
MAX_RULES_PER_PROVIDER = 25


def _check_role(arn: str) -> None:
    if not ROLE_ARN.fullmatch(arn):
        raise NotAuthorizedException(f"Access to Role '{arn[:2048]}' is forbidden.")


def mapping_keys(pool: IdentityPool) -> set[str]:
    keys = {f"{p['ProviderName']}:{p['ClientId']}" for p in pool.cognito_providers
            if p.get("ProviderName") and p.get("ClientId")}
    # Other providers (social, OIDC issuer, SAML provider ARN) are keyed by their Logins key alone.
    others = pool.provider_names() - {p["ProviderName"] for p in pool.cognito_providers if p.get("ProviderName")}
    return keys | others


def _check_mapping(pool: IdentityPool, key: str, mapping: dict[str, Any]) -> None:
    if key not in mapping_keys(pool):
        # The wording the service was seen to answer (a CloudFormation failure quoted in aws-cdk#22951).
        raise InvalidParameterException(
            f"({key}) is not a valid RoleMapping ProviderName or is not a configured provider.")
    if not mapping.get("AmbiguousRoleResolution"):
        raise InvalidParameterException(
            f"AmbiguousRoleResolution is required for the role mapping of {key}.")
    if mapping["Type"] == "Rules":
        rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
        if not rules:
            raise InvalidParameterException(f"RulesConfiguration is required for the Rules role mapping of {key}.")
        if len(rules) > MAX_RULES_PER_PROVIDER:
            raise InvalidParameterException(
                f"The role mapping of {key} has {len(rules)} rules; at most {MAX_RULES_PER_PROVIDER} are allowed.")
        for rule in rules:
            _check_role(rule["RoleARN"])
    elif mapping.get("RulesConfiguration") is not None:
        raise InvalidParameterException(f"RulesConfiguration is only allowed for a Rules role mapping ({key}).")


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    roles: dict[str, str] = request["Roles"]
    for arn in roles.values():
        _check_role(arn)
    mappings: dict[str, dict[str, Any]] = request.get("RoleMappings") or {}
    for key, mapping in mappings.items():
        _check_mapping(pool, key, mapping)
    with store(ctx).lock:
        pool.roles = dict(roles)
        pool.role_mappings = copy.deepcopy(mappings)
        pool.modified = ctx.now()
    return {}
