"""DeleteIdentityPool: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DeleteIdentityPool.html

The pool's identities go with it.
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.identity.operations._common import pool_of, store


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    store(ctx).remove_pool(pool.pool_id)
    return {}
