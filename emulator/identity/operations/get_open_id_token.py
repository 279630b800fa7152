"""GetOpenIdToken (basic flow): https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html

Public (no credentials). Refused when the pool turned the basic flow off (AllowClassicFlow false) and when
it has role mappings, with Cognito's messages (cognito-contract.md §4.1). The token (10 minutes) is what
the caller then hands to STS AssumeRoleWithWebIdentity with the role of its choice; the role's trust policy
decides (emulator/identity/moto_iam.py).
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.identity import openid
from emulator.identity.operations._common import authorize, identity_of, store
from emulator.identity.tags import principal_tags

CLASSIC_FLOW_DISABLED = "Basic (classic) flow is not enabled, please use enhanced flow."
CLASSIC_FLOW_WITH_ROLE_MAPPINGS = "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity, pool = identity_of(ctx, request["IdentityId"])
    if not pool.allow_classic_flow:
        raise InvalidParameterException(CLASSIC_FLOW_DISABLED)
    if pool.role_mappings:
        raise InvalidParameterException(CLASSIC_FLOW_WITH_ROLE_MAPPINGS)
    verified = authorize(ctx, pool, identity, request.get("Logins"))
    tags = principal_tags(pool, verified[0] if verified else None)
    return {"IdentityId": identity.identity_id,
            "Token": openid.issue(store(ctx), pool, identity, verified, tags, ctx.now())}
