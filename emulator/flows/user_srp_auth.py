"""USER_SRP_AUTH: the password never leaves the client; PASSWORD_VERIFIER proves it (see emulator.srp).

With PreventUserExistenceErrors ENABLED an unknown user gets a simulated first step with a salt and
user id that are stable per username, so the answer does not reveal whether the user exists.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from emulator import auth, srp, users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException
from emulator.flows.base import AuthRequest, Flow, pre_authentication, unknown_user
from emulator.state import AppClient, AuthSession, User, UserPool


class UserSrpAuth(Flow):
    AUTH_FLOW = "USER_SRP_AUTH"
    ALLOW = ("ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH")

    def start(self, request: AuthRequest) -> dict[str, Any]:
        ctx, pool, client = self.ctx, request.pool, request.client
        username = request.require("USERNAME")
        srp_a = request.require("SRP_A")
        users.check_secret_hash(client, username, request.parameters.get("SECRET_HASH"))
        user = pool.find_user(username)
        if user is None and not client.prevent_user_existence_errors:
            raise unknown_user(pool, client)
        if user is not None:
            pre_authentication(ctx, request, user)
        session = start_password_verifier(ctx, pool, client, user, username, srp_a, flow=self.AUTH_FLOW,
                                          admin=request.admin)
        return auth.challenge(None, "PASSWORD_VERIFIER", verifier_parameters(session))


def simulated_identity(pool: UserPool, username: str) -> tuple[str, str, str]:
    """(user id, salt, verifier) for a user who does not exist, the same every time for this name."""
    seed = hmac.new(pool.simulation_secret, username.encode(), hashlib.sha256).digest()
    user_id = str(uuid.UUID(bytes=seed[:16]))
    salt = seed[16:].hex()
    if salt[0] == "0":  # real salts (srp.new_salt) are 32 hex digits without a leading zero
        salt = "1" + salt[1:]
    fake_verifier = format(srp._powmod(srp.G, int.from_bytes(seed, "big"), srp.N), "x")
    return user_id, salt, fake_verifier


def start_password_verifier(ctx: Context, pool: UserPool, client: AppClient, user: User | None, username: str,
                            srp_a: str, *, flow: str, admin: bool = False,
                            custom_session: list[dict[str, Any]] | None = None) -> AuthSession:
    if user is not None:
        user_id, salt, verifier_hex = user.username, user.salt, user.verifier
        if not verifier_hex:
            user_id, salt, verifier_hex = simulated_identity(pool, username)
    else:
        user_id, salt, verifier_hex = simulated_identity(pool, username)
    try:
        exchange = srp.ServerChallenge.start(verifier_hex, srp_a)
    except ValueError:
        raise InvalidParameterException("Invalid SRP_A value.") from None
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    session = auth.new_session(ctx, pool, client, user_id, flow, "PASSWORD_VERIFIER", srp=exchange,
                               secret_block=secret_block, user_not_found=user is None, admin=admin,
                               custom_session=list(custom_session or []))
    session.private_parameters = {"SALT": salt}
    with ctx.store.lock:
        ctx.store.secret_blocks[secret_block] = session.token
    return session


def verifier_parameters(session: AuthSession) -> dict[str, str]:
    return {"USERNAME": session.username, "USER_ID_FOR_SRP": session.username,
            "SALT": session.private_parameters["SALT"], "SRP_B": session.srp.srp_b,
            "SECRET_BLOCK": session.secret_block}


def take_verifier_session(ctx: Context, client: AppClient, session_token: Any, secret_block: Any) -> AuthSession:
    """PASSWORD_VERIFIER is answered with the secret block (USER_SRP_AUTH sends no Session) or a Session."""
    with ctx.store.lock:
        by_block = ctx.store.secret_blocks.pop(secret_block, None) if isinstance(secret_block, str) else None
    token = session_token if isinstance(session_token, str) and session_token else by_block
    session = auth.take_session(ctx, token, client, "PASSWORD_VERIFIER")
    if not isinstance(secret_block, str) or not hmac.compare_digest(secret_block, session.secret_block):
        raise NotAuthorizedException("Incorrect username or password.")
    return session
