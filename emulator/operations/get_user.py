"""GetUser: the caller's own profile, from a valid access token."""

from __future__ import annotations

from typing import Any

from emulator import tokens
from emulator.context import Context


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _pool, user, _claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    result: dict[str, Any] = {"Username": user.username, "UserAttributes": user.attribute_list()}
    mfa = ["SOFTWARE_TOKEN_MFA"] if user.totp_verified else []
    if mfa:
        result["UserMFASettingList"] = mfa
    if user.preferred_mfa:
        result["PreferredMfaSetting"] = user.preferred_mfa
    return result
