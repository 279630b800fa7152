"""AdminDeleteUser: remove the user (and with it their group memberships); their refresh tokens, and the
ID and access tokens issued with them, are revoked so a later user of the same name inherits nothing."""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations._admin import delete_user


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    delete_user(ctx, pool, user)
    return {}
