"""PASSWORD_VERIFIER: check the SRP password claim (USER_SRP_AUTH, or SRP_A inside CUSTOM_AUTH)."""

from __future__ import annotations

from typing import Any

from emulator import auth, srp, users
from emulator.challenges.base import ChallengeAnswer
from emulator.context import Context
from emulator.errors import NotAuthorizedException
from emulator.flows.base import AuthRequest, check_can_sign_in, password_failed, unknown_user
from emulator.flows.custom_auth import CustomState, advance
from emulator.flows.user_password_auth import new_password_required
from emulator.state import USER_STATUS_FORCE_CHANGE_PASSWORD


def respond(ctx: Context, answer: ChallengeAnswer) -> dict[str, Any]:
    from emulator.flows.user_srp_auth import take_verifier_session

    pool, client = answer.pool, answer.client
    signature = answer.require("PASSWORD_CLAIM_SIGNATURE")
    secret_block = answer.require("PASSWORD_CLAIM_SECRET_BLOCK")
    timestamp = answer.require("TIMESTAMP")
    username = answer.require("USERNAME")
    users.check_secret_hash(client, username, answer.responses.get("SECRET_HASH"))
    session = take_verifier_session(ctx, client, answer.session, secret_block)
    user = pool.users.get(session.username)
    # Checked for simulated (unknown) users too, so the answer takes as long as for a real one.
    proven = srp.timestamp_is_fresh(timestamp, ctx.now()) and session.srp.claim_is_valid(
        srp.pool_name(pool.pool_id), session.username, secret_block, timestamp, signature)
    if user is None:
        raise unknown_user(pool, client) if session.flow != "CUSTOM_AUTH" else NotAuthorizedException()
    with ctx.store.lock:
        users.check_lockout(user, ctx.now())
    if session.flow == "CUSTOM_AUTH":
        if not proven:
            password_failed(ctx, user)
        else:
            with ctx.store.lock:
                users.record_success(user)
        entries = [*session.custom_session,
                   {"challengeName": "PASSWORD_VERIFIER", "challengeResult": proven, "challengeMetadata": None}]
        state = CustomState(pool, client, user, user.username, entries, admin=session.admin)
        return advance(ctx, state, client_metadata=answer.client_metadata)
    if not proven:
        raise password_failed(ctx, user)
    with ctx.store.lock:
        users.record_success(user)
    check_can_sign_in(user, client)
    if user.status == USER_STATUS_FORCE_CHANGE_PASSWORD:
        return new_password_required(ctx, AuthRequest(pool, client, {}, admin=session.admin), user)
    return auth.after_first_factor(ctx, pool, client, user, flow=session.flow,
                                   client_metadata=answer.client_metadata)
