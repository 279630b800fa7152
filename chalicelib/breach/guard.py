"""Where the auth API applies the password rules and the compromised-credentials policy.

- a new password (sign-up, change, reset): the breach check first (refused with InvalidPasswordException,
  "... appeared in a data breach ..."), then the NIST rules when selected (:mod:`chalicelib.passwords.policy`);
- a sign-in: only after Cognito accepted the password (so a guesser learns nothing and can lock nobody out),
  is the password checked; a breached one under a blocking policy answers PasswordResetRequiredException with
  no tokens, revokes what Cognito just issued and marks the user (:mod:`chalicelib.breach.reset`) until a
  password reset.

Every failure to check refuses the request with 503 ServiceUnavailable (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from chalicelib.breach import policy as breach_policy
from chalicelib.breach import reset
from chalicelib.breach.check import BreachCheckUnavailableError, BreachResult, check
from chalicelib.breach.store import BreachStoreError
from chalicelib.observability import logger
from chalicelib.passwords.policy import POLICY_PREFIX, PasswordRules, evaluate
from chalicelib.services.errors import CognitoError, ServiceUnavailableError

BREACHED_MESSAGE: Final = (f"{POLICY_PREFIX}This password appeared in a data breach, so it cannot be used. "
                           "Choose a different password.")
RESET_REQUIRED_MESSAGE: Final = (f"{reset.RESET_REQUIRED_MESSAGE}: this password appeared in a data breach. "
                                 "Reset your password to sign in.")


def breached_password_error() -> CognitoError:
    return CognitoError("InvalidPasswordException", BREACHED_MESSAGE)


def reset_required_error() -> CognitoError:
    return CognitoError("PasswordResetRequiredException", RESET_REQUIRED_MESSAGE)


@dataclass
class PasswordGuard:
    """The checks of one user pool's auth API."""

    pool_id: str
    rules: PasswordRules = field(default_factory=PasswordRules.from_env)

    def policy(self) -> breach_policy.CompromisedCredentialsPolicy:
        try:
            return breach_policy.for_pool(self.pool_id)
        except BreachStoreError as exc:
            logger.error("breach policy unreadable; refusing", extra={"reason": str(exc)})
            raise ServiceUnavailableError() from None

    def breached(self, password: str, event: str) -> bool:
        """Whether the pool's policy refuses ``password`` at ``event``."""
        policy = self.policy()
        if not policy.watches(event):
            return False
        result = self._check(password)
        if result.found:
            logger.info("breached password seen", extra={"event": event, "source": result.source,
                                                          "blocked": policy.blocks(event, result.count)})
        return policy.blocks(event, result.count)

    def check_new_password(self, password: str, event: str, *, username: str | None,
                           email: str | None = None) -> None:
        """Refuse a new password that is breached or breaks the selected rules (InvalidPasswordException)."""
        if self.breached(password, event):
            raise breached_password_error()
        verdict = evaluate(password, username=username, email=email, rules=self.rules)
        if not verdict.accepted:
            raise CognitoError("InvalidPasswordException", verdict.message)

    def mark_reset_required(self, username: str) -> None:
        try:
            reset.mark(self.pool_id, username)
        except BreachStoreError as exc:
            # The sign-in is refused anyway; the next one is checked again.
            logger.error("could not mark the user for a password reset", extra={"reason": str(exc)})

    def clear_reset_required(self, username: str) -> None:
        try:
            reset.clear(self.pool_id, username)
        except BreachStoreError as exc:
            logger.error("could not clear the password-reset mark", extra={"reason": str(exc)})

    @staticmethod
    def _check(password: str) -> BreachResult:
        try:
            return check(password)
        except BreachCheckUnavailableError as exc:
            logger.error("breach check unavailable; refusing", extra={"reason": str(exc)})
            raise ServiceUnavailableError() from None
