"""AdminUpdateUserAttributes: an administrator changes a user's attributes by pool id and username (a blank
value deletes one). Unlike UpdateUserAttributes it may set `email_verified` and `phone_number_verified`, and no
app client's WriteAttributes apply.

A changed email or phone_number becomes unverified unless the same request sets its `<attr>_verified` flag;
when the pool auto-verifies it and it is not marked verified, a code goes out through
CustomMessage_UpdateUserAttribute (callerContext.clientId CLIENT_ID_NOT_APPLICABLE, with the request's
ClientMetadata), to be answered with VerifyUserAttribute. `sub` and immutable schema attributes cannot
change; schema and uniqueness are checked as for UpdateUserAttributes. The response is empty.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations import _recovery
from emulator.operations.update_user_attributes import check_mutable, update


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    updates = users.attributes_from_list(request["UserAttributes"])
    check_mutable(pool, updates)
    update(ctx, pool, user, updates, client_id=None, client_metadata=_recovery.client_metadata(request))
    return {}
