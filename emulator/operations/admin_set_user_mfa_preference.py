"""AdminSetUserMFAPreference: SetUserMFAPreference by an administrator, for the user named by UserPoolId and
Username (or an alias) rather than by an access token. The rules are SetUserMFAPreference's: TOTP can be
turned on (and preferred) only once VerifySoftwareToken has proven a token, turning it off drops the
preference, and SMS, email and passkey MFA are refused.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserMFAPreference.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations.set_user_mfa_preference import set_preference


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    set_preference(ctx, user, request)
    return {}
