"""USER_PASSWORD_AUTH and its admin forms: the password travels to the server and is checked against
the stored SRP verifier."""

from __future__ import annotations

import json
from typing import Any

from emulator import auth, compromised, srp, users
from emulator.errors import NotAuthorizedException
from emulator.flows.base import (
    AuthRequest,
    Flow,
    check_can_sign_in,
    password_failed,
    pre_authentication,
    unknown_user,
)
from emulator.migration import migrate
from emulator.state import USER_STATUS_FORCE_CHANGE_PASSWORD, User, UserPool


class UserPasswordAuth(Flow):
    AUTH_FLOW = "USER_PASSWORD_AUTH"
    ALLOW = ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")

    def start(self, request: AuthRequest) -> dict[str, Any]:
        ctx, pool, client = self.ctx, request.pool, request.client
        username = request.require("USERNAME")
        password = request.require("PASSWORD")
        users.check_secret_hash(client, username, request.parameters.get("SECRET_HASH"))
        user = pool.find_user(username)
        if user is None:
            user = migrate(ctx, pool, client, username, source="UserMigration_Authentication",
                           password=password, validation_data=request.client_metadata)
            if user is None:
                simulated_password_check(pool, username, password)
                raise unknown_user(pool, client)
        pre_authentication(ctx, request, user)
        with ctx.store.lock:
            users.check_lockout(user, ctx.now())
        if not users.password_matches(pool, user, password):
            raise password_failed(ctx, user)
        with ctx.store.lock:
            users.record_success(user)
        check_can_sign_in(user, client)
        compromised.check(ctx, pool, client.client_id, password, compromised.SIGN_IN, user=user)
        if user.status == USER_STATUS_FORCE_CHANGE_PASSWORD:
            return new_password_required(self.ctx, request, user)
        return auth.after_first_factor(ctx, pool, client, user, flow=self.AUTH_FLOW, client_metadata=None)


class AdminUserPasswordAuth(UserPasswordAuth):
    AUTH_FLOW = "ADMIN_USER_PASSWORD_AUTH"
    ALLOW = ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
    ADMIN_ONLY = True


class AdminNoSrpAuth(AdminUserPasswordAuth):
    AUTH_FLOW = "ADMIN_NO_SRP_AUTH"


def simulated_password_check(pool: UserPool, username: str, password: str) -> None:
    """The work of a real password check, for a user who does not exist: the same time either way."""
    srp.password_matches(srp.pool_name(pool.pool_id), username, password, srp.new_salt(), "")


def new_password_required(ctx: Any, request: AuthRequest, user: User) -> dict[str, Any]:
    if user.temporary_password_expires_at and user.temporary_password_expires_at <= ctx.now():
        raise NotAuthorizedException("Temporary password has expired and must be reset by an administrator.")
    session = auth.new_session(ctx, request.pool, request.client, user.username, "NEW_PASSWORD",
                               "NEW_PASSWORD_REQUIRED", admin=request.admin)
    visible = {k: v for k, v in user.attributes.items() if k not in ("sub",) and not k.endswith("_verified")}
    return auth.challenge(session, "NEW_PASSWORD_REQUIRED", {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": "[]",
        "userAttributes": json.dumps(visible),
    })
