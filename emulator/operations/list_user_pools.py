"""ListUserPools: every user pool as UserPoolDescriptionType (Id, Name, LambdaConfig, CreationDate,
LastModifiedDate: DescribeUserPool's values of those members), MaxResults (1-60, required) per page with
NextToken. Cognito does not document the order; this local Cognito lists by creation time, then pool id.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUserPools.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import page
from emulator.operations._pool_shapes import pool_type, shaped
from emulator.state import UserPool


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.lock:
        pools = list(ctx.store.pools.values())
    pools.sort(key=lambda p: (p.created, p.pool_id))
    return page(request, pools, lambda p: [p.created, p.pool_id], description, items_name="UserPools",
                limit_name="MaxResults")


def description(pool: UserPool) -> dict[str, Any]:
    return shaped("UserPoolDescriptionType", pool_type(pool))
