"""ChangePassword: the signed-in user proves the previous password and sets a new one that meets the pool's
policy. A wrong previous password counts toward the temporary lockout, as a failed sign-in does.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ChangePassword.html
"""

from __future__ import annotations

from typing import Any

from emulator import compromised, tokens, users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    proposed = request["ProposedPassword"]
    users.check_password_policy(pool, proposed)
    previous = request.get("PreviousPassword")
    if user.verifier and not previous:
        raise InvalidParameterException("Missing required parameter PreviousPassword")
    with ctx.store.lock:
        users.check_lockout(user, ctx.now())
    if user.verifier and not users.password_matches(pool, user, previous or ""):
        with ctx.store.lock:
            users.record_failure(user, ctx.now())
        raise NotAuthorizedException("Incorrect username or password.")
    compromised.check(ctx, pool, claims.get("client_id"), proposed, compromised.PASSWORD_CHANGE)
    with ctx.store.lock:
        users.set_password(pool, user, proposed, ctx.now())
        users.record_success(user)
        user.modified = ctx.now()
    return {}
