"""DescribeUserPool."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._pool_shapes import pool_type


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"UserPool": pool_type(ctx.pool(request["UserPoolId"]))}
