"""The risk checks of the auth API (:class:`chalicelib.services.auth.AuthService` calls these, one line each),
turning the risk service's refusals into the API's errors:

- a blocked attempt: NotAuthorizedException "Unable to login because of security reasons." (Cognito's answer);
- a locked (user, caller): NotAuthorizedException "Password attempts exceeded" (Cognito's lockout answer);
- the risk tables unreachable: 503 ServiceUnavailable (fail closed), only when risk checks are on.

MFA: when the action is MFA_REQUIRED or MFA_IF_CONFIGURED, :class:`chalicelib.services.auth.AuthService` (given a
custom-auth client) signs in through CUSTOM_AUTH with the password first and passes :meth:`ApiRisk.verdict`, so
that DefineAuthChallenge asks for a second factor from the custom-auth plug-ins. Without one (or when Cognito
answered USER_PASSWORD_AUTH with tokens anyway): when Cognito already answered a challenge (TOTP) the second
factor is happening; when it issued tokens, MFA_IF_CONFIGURED lets the sign-in through, MFA_REQUIRED revokes
the tokens and refuses, as Cognito does for a user without MFA.

Learning: a sign-in that ends in POST /auth/sign-in is learned by :meth:`ApiRisk.passed` (the API's one write);
one that ends in POST /auth/challenge by the PostAuthentication trigger, from :meth:`ApiRisk.context_metadata`
which the API passes on that RespondToAuthChallenge only, so each sign-in is learned once.

A step-up recorded InProgress at the password is *held*: :meth:`ApiRisk.hold` prefixes the challenge's session
with a signed token (``cwrisk~<token>~<Cognito's session>``) naming the event and what the history knew of the
place; :meth:`ApiRisk.release` takes it off before the session goes back to Cognito, and the context token of
the answer carries it to PostAuthentication, which then learns and resolves without reading. The prefixed
session is the API's: answer it at POST /auth/challenge (Cognito itself would refuse it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.observability import logger
from chalicelib.risk import config as risk_config
from chalicelib.risk.context import AttemptContext
from chalicelib.risk.service import (
    BLOCKED_MESSAGE,
    CONTEXT_KEY,
    VERDICT_KEY,
    Attempt,
    Held,
    RiskRefusalError,
    RiskService,
    read_hold,
    sign_context,
    sign_hold,
    sign_verdict,
)
from chalicelib.risk.store import RiskStoreError
from chalicelib.services.errors import CognitoError, ServiceUnavailableError

_FAILURES = frozenset({"NotAuthorizedException", "UserNotFoundException"})
HELD_PREFIX = "cwrisk~"
MFA_ACTIONS = frozenset({risk_config.MFA_REQUIRED, risk_config.MFA_IF_CONFIGURED})


@dataclass(frozen=True)
class Released:
    """A session as the client sent it, taken apart: Cognito's ``session``, the step-up ``held`` (if any)."""

    session: str
    held: Held | None
    token: str = ""

    def again(self, session: str) -> str:
        """``session`` (Cognito's next round of the same sign-in) carrying the same hold token."""
        return _carrying(self.token, session)


def _carrying(token: str | None, session: str) -> str:
    return f"{HELD_PREFIX}{token}~{session}" if token else session


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

    def active(self) -> bool:
        """Whether risk checks run for this pool and client (AUDIT or ENFORCED)."""
        try:
            return self.service.configuration().active
        except Exception:  # config.load answers OFF for what it cannot read; anything else: no device cookie
            return False

    @staticmethod
    def wants_second_factor(attempt: Attempt | None) -> bool:
        """Whether the enforced action asks for a second factor (never in AUDIT: ``attempt.action``)."""
        return attempt is not None and attempt.action in MFA_ACTIONS

    def verdict(self, attempt: Attempt, username: str) -> dict[str, str] | None:
        """ClientMetadata carrying the signed action for the triggers, or None when there is no signing key."""
        token = sign_verdict(self.service.pool_id, username, attempt.action, self.service.clock())
        return {VERDICT_KEY: token} if token else None

    def refused(self, attempt: Attempt | None, reason: str) -> None:
        """The triggers refused the attempt (the action could not be met): record it as a refusal."""
        if attempt is None:
            return
        attempt.refused = reason
        self._finish(attempt, "Fail")

    def context_metadata(self, username: str, user_context: Any, device_id: str | None,
                         held: Held | None = None) -> dict[str, str]:
        """ClientMetadata for a RespondToAuthChallenge that may complete a sign-in, so that PostAuthentication
        learns its device and network; empty when risk checks are off or nothing can sign it."""
        ctx = attempt_context(user_context, device_id)
        if not self.active() or self.service.configuration().is_skipped(ctx.ip):
            return {}
        token = sign_context(self.service.pool_id, username, ctx, self.service.clock(), held)
        return {CONTEXT_KEY: token} if token else {}

    def hold(self, attempt: Attempt | None, session: str) -> str:
        """The session to hand out with the challenge of a step-up recorded InProgress: Cognito's, prefixed with
        the hold token (:func:`chalicelib.risk.service.sign_hold`); Cognito's as it is otherwise."""
        if attempt is None or attempt.response != "InProgress" or not attempt.event_id:
            return session
        return _carrying(sign_hold(self.service.pool_id, attempt, self.service.clock()), session)

    def release(self, username: str, session: str) -> Released:
        """Cognito's session without the hold token, and what that token says (``held`` None if it is not valid
        for this user now: the sign-in goes on, and PostAuthentication reads instead)."""
        if not session.startswith(HELD_PREFIX):
            return Released(session, None)
        token, _, cognito_session = session[len(HELD_PREFIX):].partition("~")
        return Released(cognito_session, read_hold(self.service.pool_id, username, token, self.service.clock()),
                        token)

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
