"""AdminRespondToAuthChallenge."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations.respond_to_auth_challenge import respond


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.pool_client(request["UserPoolId"], request["ClientId"])
    return respond(ctx, pool, client, request, admin=True)
