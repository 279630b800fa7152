"""UpdateUserPool: replaces the updatable settings (LambdaConfig, Policies, MfaConfiguration, ...)
with what the request gives; as in Cognito, a setting left out returns to its default."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._pool_shapes import MFA_CONFIG_MEMBERS, known_members
from emulator.operations.create_user_pool import validate_pool_config

_KEPT = ("PoolName", "UsernameAttributes", "AliasAttributes", "Schema", "UsernameConfiguration", *MFA_CONFIG_MEMBERS)


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    validate_pool_config(request)
    updates = known_members("UpdateUserPool", request, drop=("UserPoolId",))
    with ctx.store.lock:
        kept = {k: pool.config[k] for k in _KEPT if k in pool.config}
        pool.config = {**kept, **updates}
        if "PoolName" in pool.config:
            pool.name = pool.config["PoolName"]
        pool.modified = ctx.now()
    return {}
