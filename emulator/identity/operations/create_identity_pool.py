"""CreateIdentityPool: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CreateIdentityPool.html"""

from __future__ import annotations

import uuid
from typing import Any

from emulator.context import Context
from emulator.errors import LimitExceededException
from emulator.identity.operations._common import describe, pool_config, store
from emulator.identity.state import IdentityPool

MAX_IDENTITY_POOLS = 1000


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    config = pool_config(request)
    now = ctx.now()
    pool = IdentityPool(pool_id=f"{ctx.emulator.region}:{uuid.uuid4()}", name=request["IdentityPoolName"],
                        config=config, created=now, modified=now)
    identities = store(ctx)
    with identities.lock:
        if len(identities.pools) >= MAX_IDENTITY_POOLS:
            raise LimitExceededException(f"You have reached the limit of {MAX_IDENTITY_POOLS} identity pools.")
        identities.pools[pool.pool_id] = pool
    return describe(pool)
