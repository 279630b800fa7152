"""AdminDeleteUserAttributes: an administrator removes the named attributes from a user. Names the user has
no value for are accepted and change nothing; removing email or phone_number also removes its `_verified`
flag and any pending verification code. Existing tokens are unaffected.

Refused with InvalidParameterException: `sub` and immutable schema attributes ("Cannot modify the
non-mutable attribute <name>"), names outside the pool's schema, and required attributes (the messages of
UpdateUserAttributes with a blank value).
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUserAttributes.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations.delete_user_attributes import delete
from emulator.operations.update_user_attributes import check_mutable


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    names = list(request["UserAttributeNames"])
    check_mutable(pool, names)
    delete(ctx, pool, user, names)
    return {}
