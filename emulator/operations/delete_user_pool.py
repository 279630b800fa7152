"""DeleteUserPool (refused while DeletionProtection is ACTIVE)."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    if pool.config.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterException("The user pool cannot be deleted because deletion protection is "
                                        "activated. Deletion protection must be inactivated first.")
    with ctx.store.lock:
        ctx.store.pools.pop(pool.pool_id, None)
    return {}
