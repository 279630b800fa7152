"""SOFTWARE_TOKEN_MFA: the TOTP code after a first factor."""

from __future__ import annotations

from typing import Any

from emulator import auth, totp, users
from emulator.challenges.base import ChallengeAnswer
from emulator.context import Context
from emulator.errors import CodeMismatchException, NotAuthorizedException


def respond(ctx: Context, answer: ChallengeAnswer) -> dict[str, Any]:
    pool, client = answer.pool, answer.client
    code = answer.require("SOFTWARE_TOKEN_MFA_CODE")
    answer.require("USERNAME")
    session = auth.take_session(ctx, answer.session, client, "SOFTWARE_TOKEN_MFA")
    user = pool.users.get(session.username)
    if user is None or not user.totp_secret:
        raise NotAuthorizedException("Incorrect username or password.")
    with ctx.store.lock:
        users.check_lockout(user, ctx.now())
        ok = totp.verify_and_consume(user, user.totp_secret, code, ctx.now())
        if not ok:
            users.record_failure(user, ctx.now())
            ctx.store.sessions[session.token] = session
        else:
            users.record_success(user)
    if not ok:
        raise CodeMismatchException("Invalid code received for user")
    return {"ChallengeParameters": {}, "AuthenticationResult": auth.issue_tokens(
        ctx, pool, client, user, source=session.private_parameters.get("source", "TokenGeneration_Authentication"),
        client_metadata=answer.client_metadata)}
