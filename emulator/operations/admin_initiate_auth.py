"""AdminInitiateAuth: InitiateAuth for a server that names the pool (and may use the admin password flows)."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations.initiate_auth import start


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.pool_client(request["UserPoolId"], request["ClientId"])
    return start(ctx, pool, client, request, admin=True)
