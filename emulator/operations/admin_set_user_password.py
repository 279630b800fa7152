"""AdminSetUserPassword: Permanent true makes the user CONFIRMED with that password (whatever the status
was, UNCONFIRMED included); Permanent false (the default) sets a temporary password, status
FORCE_CHANGE_PASSWORD, valid for the pool's TemporaryPasswordValidityDays.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations.admin_create_user import temporary_password_expiry
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_FORCE_CHANGE_PASSWORD


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    password = request["Password"]
    users.check_password_policy(pool, password)
    permanent = request.get("Permanent") is True
    now = ctx.now()
    with ctx.store.lock:
        users.set_password(pool, user, password, now)
        if permanent:
            user.status = USER_STATUS_CONFIRMED
            user.temporary_password_expires_at = 0.0
        else:
            user.status = USER_STATUS_FORCE_CHANGE_PASSWORD
            user.temporary_password_expires_at = temporary_password_expiry(pool, now)
        user.modified = now
    return {}
