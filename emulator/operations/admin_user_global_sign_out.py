"""AdminUserGlobalSignOut: GlobalSignOut by an administrator. Every refresh token of the user is revoked, and
with each its family of ID and access tokens (same origin_jti), across all app clients; access tokens then
answer "Access Token has been revoked" and refresh tokens "Refresh Token has been revoked". Tokens issued
afterwards are unaffected, and a disabled user can be signed out too.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html
"""

from __future__ import annotations

from typing import Any

from emulator import users
from emulator.context import Context
from emulator.operations.global_sign_out import sign_out


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    sign_out(ctx, pool, user)
    return {}
