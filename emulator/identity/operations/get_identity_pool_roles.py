"""GetIdentityPoolRoles: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetIdentityPoolRoles.html"""

from __future__ import annotations

import copy
from typing import Any

from emulator.context import Context
from emulator.identity.operations._common import pool_of


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    result: dict[str, Any] = {"IdentityPoolId": pool.pool_id, "Roles": dict(pool.roles)}
    if pool.role_mappings:
        result["RoleMappings"] = copy.deepcopy(pool.role_mappings)
    return result
