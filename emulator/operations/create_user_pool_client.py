"""CreateUserPoolClient."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.operations._pool_shapes import client_type, known_members
from emulator.state import AppClient

_LEGACY = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# ID and access tokens live 5 minutes to 1 day, refresh tokens 60 minutes to 10 years (DG-QUOTAS); a
# RefreshTokenValidity of 0 means the default, 30 days.
_VALIDITY_RANGES = {"AccessToken": (300, 86400), "IdToken": (300, 86400), "RefreshToken": (3600, 3650 * 86400)}


def validate_client_config(request: dict[str, Any]) -> None:
    flows = request.get("ExplicitAuthFlows") or []
    legacy = [f for f in flows if f in _LEGACY]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameterException("ExplicitAuthFlows can not have both ALLOW_XXX and non ALLOW_XXX values.")
    units = request.get("TokenValidityUnits") or {}
    for kind, (low, high) in _VALIDITY_RANGES.items():
        value = request.get(f"{kind}Validity")
        if not value:
            continue
        seconds = value * _UNIT_SECONDS[units.get(kind) or ("days" if kind == "RefreshToken" else "hours")]
        if not low <= seconds <= high:
            raise InvalidParameterException("Invalid range for token validity.")


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
