"""AdminListGroupsForUser: the user's groups as GroupType, by group name, Limit (0-60, default 60) per page
with NextToken."""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations._admin import group_type, paginate


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    with ctx.store.lock:
        groups = sorted((pool.groups[name] for name in user.groups if name in pool.groups), key=lambda g: g.name)
    chunk, next_token = paginate(groups, lambda g: [g.name], request.get("Limit"), request.get("NextToken"))
    result: dict[str, Any] = {"Groups": [group_type(g) for g in chunk]}
    if next_token:
        result["NextToken"] = next_token
    return result
