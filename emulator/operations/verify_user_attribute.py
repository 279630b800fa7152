"""VerifyUserAttribute: the code from UpdateUserAttributes or GetUserAttributeVerificationCode marks the
signed-in user's email or phone_number verified. Codes are single use and expire after 24 h. A value held
pending by UserAttributeUpdateSettings replaces the current one, verified; it must be free as an alias and,
in a pool that signs in with it, as a username.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
"""

from __future__ import annotations

from typing import Any

from emulator import aliases, tokens, users
from emulator.context import Context
from emulator.errors import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
)
from emulator.operations import _attributes
from emulator.operations.get_user_attribute_verification_code import NOT_VERIFIABLE, VERIFIABLE


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, _claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    attribute = request["AttributeName"]
    if attribute not in VERIFIABLE:
        raise InvalidParameterException(NOT_VERIFIABLE)
    now = ctx.now()
    with ctx.store.lock:
        stored = user.attribute_codes.get(attribute)
        if stored is None:
            raise ExpiredCodeException()
        if not users.code_matches(stored, request["Code"]):
            raise CodeMismatchException()
        if stored.expires_at <= now:
            del user.attribute_codes[attribute]
            raise ExpiredCodeException()
        pending = user.pending_attributes.get(attribute)
        if pending:
            _attributes.check_unique(pool, {attribute: pending}, exclude=user)
        aliases.claim(pool, attribute, pending or user.attributes.get(attribute), besides=user)
        del user.attribute_codes[attribute]
        if pending:
            user.attributes[attribute] = user.pending_attributes.pop(attribute)
        user.attributes[f"{attribute}_verified"] = "true"
        user.modified = now
    return {}

