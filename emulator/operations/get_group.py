"""GetGroup: one group of the pool as GroupType.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetGroup.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import get_group, group_type


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    return {"Group": group_type(get_group(pool, request["GroupName"]))}
