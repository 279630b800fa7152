"""DefineAuthChallenge: decides the next custom-auth step from Cognito's session, the client's method choice
and the user's policy (chalicelib.auth.flow.next_step; pure: no I/O, so nothing here can be slow)."""

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
    event = DefineAuthChallengeTriggerEvent(raw_event)
    request = raw_event["request"]
    not_found = bool(event.request.user_not_found)
    rules = policy.Policy.pool_default() if not_found else policy.for_user(request.get("userAttributes") or {})
    decision = flow.next_step(request.get("session") or [], not_found, request.get("clientMetadata") or {}, rules)
    decision.apply_to(event.response)
    logger.info("define", extra={"session_length": len(event.request.session), "decision": str(decision)})
    return event.raw_event
