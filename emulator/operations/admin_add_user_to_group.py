"""AdminAddUserToGroup: the group shows in the user's next tokens (cognito:groups, and cognito:roles /
cognito:preferred_role when the group has a RoleArn). Adding a member twice is not an error."""

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
        user.groups.add(group.name)
    return {}
