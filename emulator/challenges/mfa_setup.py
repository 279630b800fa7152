"""MFA_SETUP: a user in a pool with MFA ON enrolls TOTP (AssociateSoftwareToken and VerifySoftwareToken
with the Session), then answers this challenge to get tokens."""

from __future__ import annotations

from typing import Any

from emulator import auth
from emulator.challenges.base import ChallengeAnswer
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException


def respond(ctx: Context, answer: ChallengeAnswer) -> dict[str, Any]:
    pool, client = answer.pool, answer.client
    answer.require("USERNAME")
    session = auth.take_session(ctx, answer.session, client, "MFA_SETUP")
    user = pool.users.get(session.username)
    if user is None:
        raise NotAuthorizedException("Incorrect username or password.")
    if not user.totp_verified:
        with ctx.store.lock:
            ctx.store.sessions[session.token] = session
        raise InvalidParameterException("Software token MFA has not been verified for the user.")
    return {"ChallengeParameters": {}, "AuthenticationResult": auth.issue_tokens(
        ctx, pool, client, user, source=session.private_parameters.get("source", "TokenGeneration_Authentication"),
        client_metadata=answer.client_metadata)}
