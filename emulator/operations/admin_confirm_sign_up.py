"""AdminConfirmSignUp: confirm without a code; PostConfirmation_ConfirmSignUp runs."""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.errors import NotAuthorizedException
from emulator.operations.confirm_sign_up import post_confirmation
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_UNCONFIRMED


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    with ctx.store.lock:
        if user.status != USER_STATUS_UNCONFIRMED:
            raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
        user.status = USER_STATUS_CONFIRMED
        user.confirmation_code = None
        user.modified = ctx.now()
    post_confirmation(ctx, pool, user, None, request.get("ClientMetadata"))
    return {}
