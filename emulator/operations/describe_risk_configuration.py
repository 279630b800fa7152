"""DescribeRiskConfiguration: the configuration in force for the pool, or for one app client (its own, else
the pool's). https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeRiskConfiguration.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations.set_risk_configuration import describe, require_add_on, require_client


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    client_id = request.get("ClientId")
    require_client(pool, client_id)
    require_add_on(pool)
    with ctx.store.lock:
        return {"RiskConfiguration": describe(pool, client_id)}
