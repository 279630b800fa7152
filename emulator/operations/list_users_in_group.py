"""ListUsersInGroup: the group's members as UserType (the shape ListUsers gives), in order of creation,
Limit (0-60, default 60) per page with NextToken.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsersInGroup.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations._admin import by_creation, get_group, page


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    group = get_group(pool, request["GroupName"])
    with ctx.store.lock:
        members = [u for u in pool.users.values() if group.name in u.groups]
    members.sort(key=by_creation)
    return page(request, members, by_creation, users.user_type, items_name="Users")
