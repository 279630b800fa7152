"""DeleteGroup: the group and every membership in it go; tokens issued afterwards no longer carry it in
cognito:groups, cognito:roles or cognito:preferred_role (tokens already issued keep their claims).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteGroup.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import get_group


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    group = get_group(pool, request["GroupName"])
    with ctx.store.lock:
        for user in pool.users.values():
            user.groups.discard(group.name)
        pool.groups.pop(group.name, None)
    return {}
