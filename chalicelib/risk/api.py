"""The risk checks of the auth API (:class:`chalicelib.services.auth.AuthService` calls these, one line each),
turning the risk service's refusals into the API's errors:

- a blocked attempt: NotAuthorizedException "Unable to login because of security reasons." (Cognito's answer);
- a locked (user, caller): NotAuthorizedException "Password attempts exceeded" (Cognito's lockout answer);
- the risk tables unreachable: 503 ServiceUnavailable (fail closed), only when risk checks are on.

MFA: when Cognito already answered a challenge (TOTP, custom auth) the second factor is happening. When it
issued tokens, the user has no Cognito MFA: MFA_IF_CONFIGURED lets the sign-in through, MFA_REQUIRED revokes
the tokens and refuses, as Cognito does for a user without MFA (the custom-auth flow asks for a second factor
through :func:`chalicelib.risk.required_action` instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.observability import logger
from chalicelib.risk import config as risk_config
from chalicelib.risk.context import AttemptContext
from chalicelib.risk.service import BLOCKED_MESSAGE, Attempt, RiskRefusalError, RiskService
from chalicelib.risk.store import RiskStoreError
from chalicelib.services.errors import CognitoError, ServiceUnavailableError

_FAILURES = frozenset({"NotAuthorizedException", "UserNotFoundException"})


def attempt_context(user_context: Any, device_id: str | None = None) -> AttemptContext:
    return AttemptContext.build(ip=getattr(user_context, "ip_address", None),
                                user_agent=getattr(user_context, "user_agent", None), device_id=device_id)


class ApiRisk:
    def __init__(self, pool_id: str, client_id: str | None, service: RiskService | None = None) -> None:
        self.service = service or RiskService(pool_id, client_id)

    def begin(self, username: str, user_context: Any, device_id: str | None = None) -> Attempt | None:
        try:
            return self.service.begin(username, attempt_context(user_context, device_id))
        except RiskRefusalError as refusal:
            raise CognitoError("NotAuthorizedException", refusal.message) from None
        except RiskStoreError as exc:
            logger.error("risk history unreadable; refusing", extra={"reason": str(exc)})
            raise ServiceUnavailableError("Sign-in is not available right now. Please try again later.") from None

    def failed(self, attempt: Attempt | None, error: CognitoError) -> None:
        if attempt is None or error.source_code not in _FAILURES:
            return
        self._finish(attempt, "Fail")

    def passed(self, attempt: Attempt | None, *, tokens: bool, breached: bool, email: str | None,
               revoke: Callable[[], None]) -> None:
        if attempt is None:
            return
        if breached:
            self.service.password_breached(attempt)
        action = attempt.action
        refuse = tokens and action in (risk_config.BLOCK, risk_config.MFA_REQUIRED)
        if refuse:
            attempt.refused = "risk_after_password"
        self._finish(attempt, "Fail" if refuse else "Pass" if tokens else "InProgress", email=email)
        if refuse:
            try:
                revoke()
            except Exception:  # the refusal stands; the tokens expire
                logger.error("could not revoke the tokens of a refused sign-in")
            raise CognitoError("NotAuthorizedException", BLOCKED_MESSAGE)

    def _finish(self, attempt: Attempt, response: str, email: str | None = None) -> None:
        try:
            self.service.finish(attempt, response, email=email)
        except RiskStoreError as exc:
            logger.error("risk event not recorded", extra={"reason": str(exc)})

    def record(self, event_type: str, username: str | None, user_context: Any, response: str = "Pass") -> None:
        if not username:
            return
        try:
            self.service.record(event_type, username, attempt_context(user_context), response)
        except RiskStoreError as exc:
            logger.error("risk event not recorded", extra={"reason": str(exc)})
