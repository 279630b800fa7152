"""GlobalSignOut: the signed-in user's every refresh token is revoked, and with each its family of ID and
access tokens (same origin_jti), across all app clients. Tokens issued afterwards are unaffected.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens
from emulator.context import Context
from emulator.operations import _recovery
from emulator.state import User, UserPool


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    with ctx.store.lock:
        sign_out(ctx, pool, user)
        ctx.store.revoked_origin_jtis.add(claims["origin_jti"])
    return {}


def sign_out(ctx: Context, pool: UserPool, user: User) -> None:
    """Revoke every refresh token of the user, and with each its family of ID and access tokens."""
    with ctx.store.lock:
        for record in ctx.store.refresh_tokens.values():
            if record.pool_id == pool.pool_id and record.username == user.username:
                _recovery.revoke_family(ctx, record)
