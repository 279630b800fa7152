"""ListGroups: the pool's groups as GroupType, by group name, Limit (0-60, default 60) per page with NextToken.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListGroups.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import groups_page


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    with ctx.store.lock:
        groups = list(pool.groups.values())
    return groups_page(request, groups)
