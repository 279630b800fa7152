"""ConfirmForgotPassword: the code from ForgotPassword (single use, 1 h) and a new password checked against
the pool's policy; then PostConfirmation_ConfirmForgotPassword.

A RESET_REQUIRED user (imported by UserMigration, or reset by an administrator) becomes CONFIRMED; any other
status is kept, so an UNCONFIRMED user still has to confirm the sign-up. With PreventUserExistenceErrors
ENABLED a missing or disabled user gets CodeMismatchException, as a wrong code would.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.errors import (
    CodeMismatchException,
    ExpiredCodeException,
    NotAuthorizedException,
    UserNotFoundException,
)
from emulator.operations import _recovery
from emulator.operations.confirm_sign_up import post_confirmation
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_RESET_REQUIRED


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    username = request["Username"]
    users.check_secret_hash(client, username, request.get("SecretHash"))
    users.check_password_policy(pool, request["Password"])
    user = pool.find_user(username)
    if user is None or not user.enabled:
        if client.prevent_user_existence_errors:
            raise CodeMismatchException()
        if user is None:
            raise UserNotFoundException("Username/client id combination not found.")
        raise NotAuthorizedException("User is disabled.")
    now = ctx.now()
    with ctx.store.lock:
        stored = user.forgot_password_code
        if stored is None:
            raise ExpiredCodeException()
        if not users.code_matches(stored, request["ConfirmationCode"]):
            raise CodeMismatchException()
        if stored.expires_at <= now:
            user.forgot_password_code = None
            raise ExpiredCodeException()
        user.forgot_password_code = None
        users.set_password(pool, user, request["Password"], now)
        users.record_success(user)
        if user.status == USER_STATUS_RESET_REQUIRED:
            user.status = USER_STATUS_CONFIRMED
        user.modified = now
    post_confirmation(ctx, pool, user, client.client_id, _recovery.client_metadata(request),
                      source="PostConfirmation_ConfirmForgotPassword")
    return {}
