"""GetUserAttributeVerificationCode: a code (valid 24 h) for the signed-in user's email or phone_number,
through CustomMessage_VerifyUserAttribute; VerifyUserAttribute answers it. A new code replaces the last.
While a new value waits for verification (UserAttributeUpdateSettings) the code goes to that value, the one
VerifyUserAttribute would confirm (Cognito's documentation does not say).
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens, users
from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.operations import _recovery

VERIFIABLE = ("email", "phone_number")
NOT_VERIFIABLE = "Invalid attribute name. Only phone_number and email can be verified."


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    attribute = request["AttributeName"]
    if attribute not in VERIFIABLE:
        raise InvalidParameterException(NOT_VERIFIABLE)
    pending = user.pending_attributes.get(attribute)
    if not (pending or user.attributes.get(attribute)):
        kind = "email address" if attribute == "email" else "phone number"
        raise InvalidParameterException(f"User does not have a valid registered {kind}")
    code = users.new_code()
    with ctx.store.lock:
        user.attribute_codes[attribute] = users.make_code(code, users.ATTRIBUTE_CODE_TTL, ctx.now(),
                                                          attribute=attribute)
    details = users.deliver(ctx, pool, user, source="VerifyUserAttribute", code=code,
                            client_id=claims.get("client_id"), client_metadata=_recovery.client_metadata(request),
                            attribute=attribute, to=pending)
    return {"CodeDeliveryDetails": details}
