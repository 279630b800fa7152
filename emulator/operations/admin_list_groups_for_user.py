"""AdminListGroupsForUser: the user's groups as GroupType, by group name, Limit (0-60, default 60) per page
with NextToken."""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations._admin import groups_page


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    with ctx.store.lock:
        groups = [pool.groups[name] for name in user.groups if name in pool.groups]
    return groups_page(request, groups)
