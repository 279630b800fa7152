"""ListGroups: the pool's groups as GroupType, by group name, Limit (0-60, default 60) per page with NextToken.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListGroups.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import group_type, paginate


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    with ctx.store.lock:
        groups = sorted(pool.groups.values(), key=lambda g: g.name)
    chunk, next_token = paginate(groups, lambda g: [g.name], request.get("Limit"), request.get("NextToken"))
    result: dict[str, Any] = {"Groups": [group_type(g) for g in chunk]}
    if next_token:
        result["NextToken"] = next_token
    return result
