"""CreateUserPoolClient."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import Context
from emulator.operations._pool_shapes import client_type, known_members, validate_client_config
from emulator.state import AppClient


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    validate_client_config(request)
    now = ctx.now()
    config = known_members("CreateUserPoolClient", request, drop=("UserPoolId", "ClientName", "GenerateSecret"))
    client = AppClient(client_id=ids.client_id(), pool_id=pool.pool_id, name=request["ClientName"], config=config,
                       secret=ids.client_secret() if request.get("GenerateSecret") else None,
                       created=now, modified=now)
    with ctx.store.lock:
        pool.clients[client.client_id] = client
    return {"UserPoolClient": client_type(client, pool)}
