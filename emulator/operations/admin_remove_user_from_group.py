"""AdminRemoveUserFromGroup: removing a user who is not a member is not an error."""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations._admin import get_group


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    group = get_group(pool, request["GroupName"])
    user = users.get_user(pool, request["Username"])
    with ctx.store.lock:
        user.groups.discard(group.name)
    return {}
