"""AdminDisableUser: "Deactivates a user profile and revokes all access tokens for the user." The user
still appears in ListUsers; a sign-in with the right password gets NotAuthorizedException "User is disabled."
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations._admin import revoke_user


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    with ctx.store.lock:
        user.enabled = False
        user.modified = ctx.now()
    revoke_user(ctx, pool, user)
    return {}
