"""DefineAuthChallenge: decides the next custom-auth step from Cognito's session, the client's method choice,
the user's policy and the account-takeover protection (chalicelib.auth.flow.next_step, pure).

The only I/O is the risk check (:func:`chalicelib.risk.required_action`), run lazily by the flow, and only at
the point after a first factor: none at all when the auth API signed its verdict into ClientMetadata, else one
GetItem with 1 s timeouts and no retry, so that it ends well inside Cognito's 5 s. Any failure there fails the
sign-in (failAuthentication: fail closed). A refusal (BLOCK, or MFA_REQUIRED for a user with no second factor)
raises "Unable to login because of security reasons.", which Cognito returns as UserLambdaValidationException.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    DefineAuthChallengeTriggerEvent,
)
from chalice import Blueprint

from chalicelib.auth import flow, policy
from chalicelib.observability import logger

bp = Blueprint(__name__)

RISK_UNREADABLE = "UNREADABLE"


def risk_check(raw_event: Mapping[str, Any]) -> flow.RiskCheck:
    """The account-takeover action of this sign-in, computed once when the flow asks for it."""
    answers: list[str] = []

    def check() -> str:
        if answers:
            return answers[0]
        from chalicelib.risk import required_action

        request = raw_event.get("request") or {}
        try:
            action = required_action(str(raw_event.get("userPoolId") or ""), str(raw_event.get("userName") or ""),
                                     request.get("clientMetadata") or {},
                                     client_id=(raw_event.get("callerContext") or {}).get("clientId"))
        except Exception as exc:  # the risk history or configuration unreadable: fail closed
            logger.error("risk check failed; failing the sign-in", extra={"reason": type(exc).__name__})
            action = RISK_UNREADABLE
        answers.append(action)
        return action

    return check


def usable_methods(attributes: Mapping[str, Any]) -> frozenset[str]:
    """The registered methods whose plug-in this user can use (a verified email or phone, ...; no I/O)."""
    from chalicelib.auth.challenges import custom_method_names, get

    values = {str(k): str(v) for k, v in attributes.items()}
    return frozenset(m for m in custom_method_names() if get(m).available(values))


@bp.lambda_function(name="define_auth_challenge")
@logger.inject_lambda_context
def define_auth_challenge(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = DefineAuthChallengeTriggerEvent(raw_event)
    request = raw_event["request"]
    not_found = bool(event.request.user_not_found)
    attributes = request.get("userAttributes") or {}
    rules = policy.Policy.pool_default() if not_found else policy.for_user(attributes)
    decision = flow.next_step(request.get("session") or [], not_found, request.get("clientMetadata") or {}, rules,
                              risk=None if not_found else risk_check(raw_event),
                              usable=frozenset() if not_found else usable_methods(attributes))
    logger.info("define", extra={"session_length": len(event.request.session), "decision": str(decision)})
    if decision.refused:
        from chalicelib.risk.service import BLOCKED_MESSAGE

        raise RuntimeError(BLOCKED_MESSAGE)
    decision.apply_to(event.response)
    return event.raw_event
