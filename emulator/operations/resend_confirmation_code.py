"""ResendConfirmationCode: a fresh sign-up code, replacing the previous one, through CustomMessage_ResendCode.

With PreventUserExistenceErrors ENABLED a missing, disabled or already confirmed user gets simulated
CodeDeliveryDetails instead of an error, so the answer does not tell them apart.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException, UserNotFoundException
from emulator.operations import _recovery
from emulator.operations.sign_up import send_confirmation_code
from emulator.state import USER_STATUS_UNCONFIRMED


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    username = request["Username"]
    users.check_secret_hash(client, username, request.get("SecretHash"))
    if not pool.auto_verified_attributes:
        raise InvalidParameterException("Cannot resend codes. Auto verification not turned on.")
    hide = client.prevent_user_existence_errors
    user = pool.find_user(username)
    simulated = {"CodeDeliveryDetails": _recovery.simulated_delivery(pool, username, user)}
    if user is None:
        if hide:
            return simulated
        raise UserNotFoundException("Username/client id combination not found.")
    if not user.enabled:
        if hide:
            return simulated
        raise NotAuthorizedException("User is disabled.")
    if user.status != USER_STATUS_UNCONFIRMED:
        if hide:
            return simulated
        raise InvalidParameterException("User is already confirmed.")
    if users.delivery_target(pool, user) is None:
        if hide:
            return simulated
        raise InvalidParameterException("User has no email or phone_number to send a confirmation code to.")
    details = send_confirmation_code(ctx, user, pool, client_id=client.client_id, source="ResendCode",
                                     client_metadata=_recovery.client_metadata(request))
    return {"CodeDeliveryDetails": details}
