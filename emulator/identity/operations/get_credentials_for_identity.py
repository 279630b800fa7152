"""GetCredentialsForIdentity (enhanced flow):
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html

Public (no credentials). The identity's logins are checked (an authenticated identity must present one of
its own), the role resolved as Cognito resolves it (emulator/identity/roles.py, with CustomRoleArn), the
principal tags mapped (emulator/identity/tags.py), and the credentials obtained from STS
AssumeRoleWithWebIdentity in the local stack's moto, with the identity's OpenID token, one hour, and
Cognito's scope-down session policy for an unauthenticated identity (emulator/identity/sts.py).
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.identity import openid, roles, sts
from emulator.identity.operations._common import authorize, identity_of, store, sts_endpoint
from emulator.identity.tags import principal_tags


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity, pool = identity_of(ctx, request["IdentityId"])
    verified = authorize(ctx, pool, identity, request.get("Logins"))
    resolution = roles.resolve(pool, verified, request.get("CustomRoleArn"))
    tags = principal_tags(pool, verified[0] if verified else None)
    token = openid.issue(store(ctx), pool, identity, verified, tags, ctx.now())
    credentials = sts.assume_role(sts_endpoint(ctx), ctx.emulator.region, resolution.role_arn, token,
                                  unauthenticated=not verified)
    return {"IdentityId": identity.identity_id, "Credentials": credentials}
