"""GetUserPoolMfaConfig."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations.set_user_pool_mfa_config import get_config


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return get_config(ctx.pool(request["UserPoolId"]).config)
