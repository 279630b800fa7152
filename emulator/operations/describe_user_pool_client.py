"""DescribeUserPoolClient."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._pool_shapes import client_type


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.pool_client(request["UserPoolId"], request["ClientId"])
    return {"UserPoolClient": client_type(client, pool)}
