"""AdminResetUserPassword: the user's status becomes RESET_REQUIRED and a password-reset code (valid 1 h) goes
to their verified email or phone, in the order of the pool's AccountRecoverySetting, through
CustomMessage_ForgotPassword (callerContext.clientId CLIENT_ID_NOT_APPLICABLE, with the request's
ClientMetadata). A sign-in with the old password then answers PasswordResetRequiredException (a generic
NotAuthorizedException for clients with PreventUserExistenceErrors ENABLED); ConfirmForgotPassword with the
code sets the new password and makes the user CONFIRMED. A RESET_REQUIRED user gets a fresh code.

Refused with ForgotPassword's errors: NotAuthorizedException "Contact administrator to reset password." when
the pool's first recovery mechanism is admin_only, "User is disabled." for a disabled user, "User password
cannot be reset in the current state." unless the user is CONFIRMED or RESET_REQUIRED (so UNCONFIRMED users
too, unlike ForgotPassword), and InvalidParameterException when there is no verified email or phone_number
to send the code to; these checks come before any change.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException
from emulator.operations import _recovery
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_RESET_REQUIRED


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    candidates = _recovery.recovery_attributes(pool)
    user = users.get_user(pool, request["Username"])
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status not in (USER_STATUS_CONFIRMED, USER_STATUS_RESET_REQUIRED):
        raise NotAuthorizedException("User password cannot be reset in the current state.")
    attribute = _recovery.verified_attribute(user, candidates)
    if attribute is None:
        raise InvalidParameterException(
            "Cannot reset password for the user as there is no registered/verified email or phone_number")
    code = users.new_code()
    now = ctx.now()
    with ctx.store.lock:
        user.status = USER_STATUS_RESET_REQUIRED
        user.forgot_password_code = users.make_code(code, users.FORGOT_PASSWORD_CODE_TTL, now, attribute=attribute)
        user.modified = now
    users.deliver(ctx, pool, user, source="ForgotPassword", code=code, client_id=None,
                  client_metadata=_recovery.client_metadata(request), attribute=attribute)
    return {}
