"""Compromised-credentials detection of the local pool, as Cognito's threat protection (Plus tier) does it
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-compromised-credentials.html).

A pool (or one of its app clients: the client's configuration overrides the pool's) with a
CompromisedCredentialsRiskConfiguration set by SetRiskConfiguration, and ``UserPoolAddOns.AdvancedSecurityMode``
ENFORCED, checks each password it sees against the bundle's breach store (:mod:`chalicelib.breach.check`):

- SIGN_UP (SignUp) and PASSWORD_CHANGE (ChangePassword): a breached password is refused with
  InvalidPasswordException;
- SIGN_IN (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, after the password matched): the user is put in
  RESET_REQUIRED and the sign-in refused as for any RESET_REQUIRED user.

Like Cognito, it cannot check SRP sign-ins: the password never reaches the pool. AUDIT mode detects nothing
here (Cognito only logs it), NO_ACTION lets the password through.
"""

from __future__ import annotations

from typing import Any, Final

from chalicelib.breach.check import BreachCheckUnavailableError
from chalicelib.breach.check import check as breach_check
from chalicelib.breach.policy import (  # the events, re-exported for the operations that name them
    EVENTS,
    PASSWORD_CHANGE,  # noqa: F401
    SIGN_IN,
    SIGN_UP,  # noqa: F401
    CompromisedCredentialsPolicy,
)
from emulator.context import Context
from emulator.errors import InternalErrorException, InvalidPasswordException, PasswordResetRequiredException
from emulator.flows.base import check_can_sign_in
from emulator.state import USER_STATUS_RESET_REQUIRED, User, UserPool

COMPROMISED_MESSAGE: Final = "Provided password cannot be used for security reasons."
POOL_SCOPE: Final = ""


def security_mode(pool: UserPool) -> str:
    return str((pool.config.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode") or "OFF")


def effective_configuration(pool: UserPool, client_id: str | None) -> dict[str, Any] | None:
    """The risk configuration that applies to ``client_id``: its own, else the pool's."""
    configs = pool.risk_configurations
    if client_id and client_id in configs:
        return configs[client_id]
    return configs.get(POOL_SCOPE)


def check(ctx: Context, pool: UserPool, client_id: str | None, password: str, event: str,
          user: User | None = None) -> None:
    """Refuse ``password`` at ``event`` if the configuration in force blocks breached passwords there."""
    if security_mode(pool) != "ENFORCED":
        return
    config = (effective_configuration(pool, client_id) or {}).get("CompromisedCredentialsRiskConfiguration")
    if not config:
        return
    # Validated by SetRiskConfiguration against the service model; the bundle's policy decides the same way.
    policy = CompromisedCredentialsPolicy(events=frozenset(config.get("EventFilter") or EVENTS),
                                          action=str((config.get("Actions") or {}).get("EventAction")))
    if not policy.watches(event):
        return
    try:
        found = breach_check(password).found
    except BreachCheckUnavailableError:
        raise InternalErrorException() from None
    if not found:
        return
    if event != SIGN_IN or user is None:
        raise InvalidPasswordException(COMPROMISED_MESSAGE)
    with ctx.store.lock:
        user.status = USER_STATUS_RESET_REQUIRED
        user.modified = ctx.now()
    client = pool.clients.get(client_id or "")
    if client is not None:
        check_can_sign_in(user, client)
    raise PasswordResetRequiredException()
