"""GetId: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html

Public (no credentials). With Logins, each is verified (emulator/identity/logins.py) and the identity that
any of them is linked to is returned, the others being linked to it; logins linked to different identities
merge them into the first one's (DG-IDP-FLOW). A user gets the same ``REGION:GUID`` every time. Without
Logins, a new unauthenticated identity, where the pool allows guests.
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import NotAuthorizedException
from emulator.identity.errors import ResourceConflictException
from emulator.identity.logins import verify_logins
from emulator.identity.operations._common import UNAUTHENTICATED_NOT_SUPPORTED, pool_of, store


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    verified = verify_logins(ctx, pool, request.get("Logins"))
    identities = store(ctx)
    now = ctx.now()
    if not verified:
        if not pool.allow_unauthenticated:
            raise NotAuthorizedException(UNAUTHENTICATED_NOT_SUPPORTED)
        return {"IdentityId": identities.new_identity(pool.pool_id, ctx.emulator.region, now).identity_id}
    with identities.lock:
        owners = list(dict.fromkeys(
            owner for v in verified
            if (owner := identities.by_login.get((pool.pool_id, v.provider, v.subject))) is not None))
        pairs = [pair for owner in owners for pair in identities.identities[owner].logins.items()]
        pairs += [(v.provider, v.subject) for v in verified]
        merged: dict[str, str] = {}
        for provider, subject in pairs:
            if merged.setdefault(provider, subject) != subject:
                raise ResourceConflictException(f"The identity is already linked to another login of {provider}.")
        if owners:
            identity = identities.identities[owners[0]]
            for other_id in owners[1:]:
                del identities.identities[other_id]
        else:
            identity = identities.new_identity(pool.pool_id, ctx.emulator.region, now)
        for provider, subject in merged.items():
            identities.link(identity, provider, subject, now)
    return {"IdentityId": identity.identity_id}
