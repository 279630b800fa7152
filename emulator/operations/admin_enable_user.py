"""AdminEnableUser: the user may sign in again; tokens revoked when they were disabled stay revoked."""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    with ctx.store.lock:
        user.enabled = True
        user.modified = ctx.now()
    return {}
