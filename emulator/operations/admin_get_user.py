"""AdminGetUser: a user's profile, status and MFA settings, by username, alias or sub.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html
MFAOptions (the legacy SMS-only setting) is never returned; UserMFASettingList and PreferredMfaSetting are
present only when the user has an MFA method.
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    result: dict[str, Any] = {
        "Username": user.username, "UserAttributes": user.attribute_list(), "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified, "Enabled": user.enabled, "UserStatus": user.status,
    }
    mfa = [name for name, on in (("SMS_MFA", user.sms_mfa_enabled), ("SOFTWARE_TOKEN_MFA", user.totp_verified)) if on]
    if mfa:
        result["UserMFASettingList"] = mfa
    if user.preferred_mfa:
        result["PreferredMfaSetting"] = user.preferred_mfa
    return result
