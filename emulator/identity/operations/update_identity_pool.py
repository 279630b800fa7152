"""UpdateIdentityPool: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_UpdateIdentityPool.html

The request replaces the pool's settings: a member left out (a provider list, the tags) is removed, except
DeveloperProviderName, which cannot change once set.
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.identity.operations._common import describe, pool_config, pool_of, store


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    config = pool_config(request)
    developer = pool.developer_provider
    # "Once you have set a developer provider name, you cannot change it." (API reference)
    if developer is not None and config.setdefault("DeveloperProviderName", developer) != developer:
        raise InvalidParameterException(f"DeveloperProviderName cannot be changed once set (it is {developer}).")
    with store(ctx).lock:
        pool.config = config
        pool.name = request["IdentityPoolName"]
        pool.modified = ctx.now()
    return describe(pool)
