"""GetPrincipalTagAttributeMap:
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetPrincipalTagAttributeMap.html

The map in force: the default one when UseDefaults is set; UseDefaults false and no tags when none was set.
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.identity.operations._common import pool_of
from emulator.identity.state import IdentityPool
from emulator.identity.tags import DEFAULT_TAGS


def answer(pool: IdentityPool, provider: str) -> dict[str, Any]:
    mapping = pool.principal_tags.get(provider)
    result: dict[str, Any] = {"IdentityPoolId": pool.pool_id, "IdentityProviderName": provider,
                              "UseDefaults": bool(mapping and mapping.use_defaults)}
    if mapping is not None:
        result["PrincipalTags"] = dict(DEFAULT_TAGS) if mapping.use_defaults else dict(mapping.tags)
    return result


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return answer(pool_of(ctx, request["IdentityPoolId"]), request["IdentityProviderName"])
