"""InitiateAuth: picks the AuthFlow class from the registry and starts it."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException, UnsupportedOperationException
from emulator.flows import FLOWS
from emulator.flows.base import AuthRequest
from emulator.state import AppClient, UserPool


def start(ctx: Context, pool: UserPool, client: AppClient, request: dict[str, Any], *, admin: bool,
          ) -> dict[str, Any]:
    name = request["AuthFlow"]
    flow_cls = FLOWS.get(name)
    if flow_cls is None:
        raise UnsupportedOperationException(f"AuthFlow {name} is not supported by this local Cognito.")
    if flow_cls.ADMIN_ONLY and not admin:
        raise InvalidParameterException("Initiate Auth method not supported.")
    if admin and name == "USER_PASSWORD_AUTH":
        raise InvalidParameterException("Initiate Auth method not supported.")
    flow = flow_cls(ctx)
    auth_request = AuthRequest(pool=pool, client=client, parameters=dict(request.get("AuthParameters") or {}),
                               client_metadata=dict(request.get("ClientMetadata") or {}), admin=admin)
    flow.check_enabled(auth_request)
    return flow.start(auth_request)


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    return start(ctx, pool, client, request, admin=False)
