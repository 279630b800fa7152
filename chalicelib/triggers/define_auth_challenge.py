"""DefineAuthChallenge: decides the next custom-auth step from Cognito's session, the client's method choice,
the user's policy and the account-takeover protection (chalicelib.auth.flow.next_step, pure).

The only I/O is the risk check (:func:`chalicelib.risk.required_action`), run lazily by the flow, and only at
the point after a first factor: none at all when the auth API signed its verdict into ClientMetadata, else one
GetItem with 1 s timeouts and no retry, so that it ends well inside Cognito's 5 s. Any failure there fails the
sign-in (failAuthentication: fail closed). A refusal (BLOCK, or MFA_REQUIRED for a user with no second factor)
raises "Unable to login because of security reasons.", which Cognito returns as UserLambdaValidationException.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    DefineAuthChallengeTriggerEvent,
)
from chalice import Blueprint

from chalicelib.auth import flow, policy
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="define_auth_challenge")
@logger.inject_lambda_context
def define_auth_challenge(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Imported at the first call, not with app.py, which every Lambda of the bundle imports (cold start).
    from chalicelib.auth.challenges import usable_methods
    from chalicelib.risk.triggers import define_risk_check

    event = DefineAuthChallengeTriggerEvent(raw_event)
    request = raw_event["request"]
    not_found = bool(event.request.user_not_found)
    attributes = request.get("userAttributes") or {}
    rules = policy.Policy.pool_default() if not_found else policy.for_user(attributes)
    decision = flow.next_step(request.get("session") or [], not_found, request.get("clientMetadata") or {}, rules,
                              risk=None if not_found else define_risk_check(raw_event),
                              usable=frozenset() if not_found else usable_methods(attributes))
    logger.info("define", extra={"session_length": len(event.request.session), "decision": str(decision)})
    if decision.refused:
        from chalicelib.risk.service import BLOCKED_MESSAGE

        raise RuntimeError(BLOCKED_MESSAGE)
    decision.apply_to(event.response)
    return event.raw_event
