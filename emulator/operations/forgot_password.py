"""ForgotPassword: a password-reset code (valid 1 h) to the user's verified email or phone, in the order of
the pool's AccountRecoverySetting, through CustomMessage_ForgotPassword. A user the pool does not know is
first offered to UserMigration (UserMigration_ForgotPassword, no password in the event).

With PreventUserExistenceErrors ENABLED a missing or disabled user, or one with nowhere to send a code,
gets simulated CodeDeliveryDetails instead of an error.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException, UserNotFoundException
from emulator.migration import migrate
from emulator.operations import _recovery
from emulator.state import USER_STATUS_FORCE_CHANGE_PASSWORD


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    username = request["Username"]
    users.check_secret_hash(client, username, request.get("SecretHash"))
    metadata = _recovery.client_metadata(request)
    candidates = _recovery.recovery_attributes(pool)
    # The medium a simulated answer names: one this pool verifies, so it looks like a real delivery.
    preferred = next((a for a in candidates if a in pool.auto_verified_attributes), None) or (
        candidates[0] if candidates else None)
    hide = client.prevent_user_existence_errors
    user = pool.find_user(username)
    if user is None:
        user = migrate(ctx, pool, client, username, source="UserMigration_ForgotPassword", client_metadata=metadata)
    if user is None:
        if hide:
            return {"CodeDeliveryDetails": _recovery.simulated_delivery(pool, username, attribute=preferred)}
        raise UserNotFoundException("Username/client id combination not found.")
    attribute = _recovery.verified_attribute(user, candidates)
    if not user.enabled or user.status == USER_STATUS_FORCE_CHANGE_PASSWORD or attribute is None:
        if hide:
            return {"CodeDeliveryDetails": _recovery.simulated_delivery(pool, username, user, preferred)}
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if user.status == USER_STATUS_FORCE_CHANGE_PASSWORD:
            raise NotAuthorizedException("User password cannot be reset in the current state.")
        raise InvalidParameterException(
            "Cannot reset password for the user as there is no registered/verified email or phone_number")
    code = users.new_code()
    with ctx.store.lock:
        user.forgot_password_code = users.make_code(code, users.FORGOT_PASSWORD_CODE_TTL, ctx.now(),
                                                    attribute=attribute)
    details = users.deliver(ctx, pool, user, source="ForgotPassword", code=code, client_id=client.client_id,
                            client_metadata=metadata, attribute=attribute)
    return {"CodeDeliveryDetails": details}
