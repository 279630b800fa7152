"""The contract of an auth flow and the steps flows share (user lookup, PreAuthentication, statuses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from emulator import users
from emulator.context import Context
from emulator.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from emulator.state import (
    USER_STATUS_RESET_REQUIRED,
    USER_STATUS_UNCONFIRMED,
    AppClient,
    User,
    UserPool,
)


@dataclass
class AuthRequest:
    pool: UserPool
    client: AppClient
    parameters: dict[str, str]
    client_metadata: dict[str, str] = field(default_factory=dict)
    admin: bool = False

    def require(self, name: str) -> str:
        value = self.parameters.get(name)
        if not isinstance(value, str) or not value:
            raise InvalidParameterException(f"Missing required parameter {name}")
        return value


class Flow:
    AUTH_FLOW: ClassVar[str]
    ALLOW: ClassVar[tuple[str, ...]]
    ADMIN_ONLY: ClassVar[bool] = False

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def start(self, request: AuthRequest) -> dict[str, Any]:
        raise NotImplementedError

    def check_enabled(self, request: AuthRequest) -> None:
        flows = request.client.auth_flows
        if not any(name in flows for name in self.ALLOW):
            if flows == ["ALLOW_CUSTOM_AUTH"] or flows == ["CUSTOM_AUTH_FLOW_ONLY"]:
                raise InvalidParameterException("Only custom auth (lambda driven) is enabled for this client.")
            raise InvalidParameterException(f"{self.AUTH_FLOW} flow not enabled for this client")


def unknown_user(pool: UserPool, client: AppClient) -> Exception:
    """The error for a missing user: generic when PreventUserExistenceErrors is ENABLED."""
    if client.prevent_user_existence_errors:
        return NotAuthorizedException("Incorrect username or password.")
    return UserNotFoundException("User does not exist.")


def pre_authentication(ctx: Context, request: AuthRequest, user: User) -> None:
    payload: dict[str, Any] = {"userAttributes": user.trigger_attributes(),
                               "validationData": dict(request.client_metadata)}
    if request.client.prevent_user_existence_errors:
        payload["userNotFound"] = False
    ctx.triggers.run(request.pool, "PreAuthentication", "PreAuthentication_Authentication", user.username,
                     payload, client_id=request.client.client_id)


def check_can_sign_in(user: User, client: AppClient) -> None:
    """Statuses that stop a sign-in after the password was proven."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == USER_STATUS_UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == USER_STATUS_RESET_REQUIRED:
        if client.prevent_user_existence_errors:
            raise NotAuthorizedException("Incorrect username or password.")
        raise PasswordResetRequiredException("Password reset required for the user")


def password_failed(ctx: Context, user: User) -> NotAuthorizedException:
    with ctx.store.lock:
        users.record_failure(user, ctx.now())
    return NotAuthorizedException("Incorrect username or password.")
