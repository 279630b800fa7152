"""CreateUserPoolClient."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.operations._pool_shapes import client_type
from emulator.state import AppClient

_LEGACY = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}


def validate_client_config(request: dict[str, Any]) -> None:
    flows = request.get("ExplicitAuthFlows") or []
    legacy = [f for f in flows if f in _LEGACY]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameterException("ExplicitAuthFlows can not have both ALLOW_XXX and non ALLOW_XXX values.")
    validity = request.get("AuthSessionValidity")
    if validity is not None and not 3 <= validity <= 15:
        raise InvalidParameterException("1 validation error detected: Value at 'authSessionValidity' failed to "
                                        "satisfy constraint: Member must have value between 3 and 15")


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    validate_client_config(request)
    now = ctx.now()
    config = {k: v for k, v in request.items() if k not in ("UserPoolId", "ClientName", "GenerateSecret")}
    client = AppClient(client_id=ids.client_id(), pool_id=pool.pool_id, name=request["ClientName"], config=config,
                       secret=ids.client_secret() if request.get("GenerateSecret") else None,
                       created=now, modified=now)
    with ctx.store.lock:
        pool.clients[client.client_id] = client
    return {"UserPoolClient": client_type(client, pool)}
