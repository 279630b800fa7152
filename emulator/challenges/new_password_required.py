"""NEW_PASSWORD_REQUIRED: an admin-created user sets a password on first sign-in."""

from __future__ import annotations

from typing import Any

from emulator import auth, users
from emulator.challenges.base import ChallengeAnswer
from emulator.context import Context
from emulator.errors import NotAuthorizedException
from emulator.state import USER_STATUS_CONFIRMED

PROTECTED_ATTRIBUTES = {"sub", "email_verified", "phone_number_verified"}


def respond(ctx: Context, answer: ChallengeAnswer) -> dict[str, Any]:
    pool, client = answer.pool, answer.client
    new_password = answer.require("NEW_PASSWORD")
    username = answer.require("USERNAME")
    users.check_secret_hash(client, username, answer.responses.get("SECRET_HASH"))
    session = auth.take_session(ctx, answer.session, client, "NEW_PASSWORD_REQUIRED")
    user = pool.users.get(session.username)
    if user is None:
        raise NotAuthorizedException("Incorrect username or password.")
    users.check_password_policy(pool, new_password)
    updates = {name.split(".", 1)[1]: value for name, value in answer.responses.items()
               if name.startswith("userAttributes.")}
    if PROTECTED_ATTRIBUTES & updates.keys():
        raise NotAuthorizedException("Cannot modify the non-mutable attribute sub or a verified flag.")
    with ctx.store.lock:
        users.set_password(pool, user, new_password, ctx.now())
        user.attributes.update(updates)
        user.status = USER_STATUS_CONFIRMED
        user.temporary_password_expires_at = 0.0
        user.modified = ctx.now()
    result = auth.after_first_factor(ctx, pool, client, user, flow=session.flow,
                                     client_metadata=answer.client_metadata,
                                     source="TokenGeneration_NewPasswordChallenge")
    return result
