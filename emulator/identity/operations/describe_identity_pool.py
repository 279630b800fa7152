"""DescribeIdentityPool: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DescribeIdentityPool.html"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.identity.operations._common import describe, pool_of


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return describe(pool_of(ctx, request["IdentityPoolId"]))
