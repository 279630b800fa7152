"""DefineAuthChallenge: chooses the next custom-auth step (see chalicelib.auth.flow)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    DefineAuthChallengeTriggerEvent,
)
from chalice import Blueprint

from chalicelib.auth import flow
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="define_auth_challenge")
@logger.inject_lambda_context
def define_auth_challenge(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = DefineAuthChallengeTriggerEvent(raw_event)
    decision = flow.next_step(raw_event["request"].get("session") or [], bool(event.request.user_not_found))
    decision.apply_to(event.response)
    logger.info("define", extra={"session_length": len(event.request.session), "decision": str(decision)})
    return event.raw_event
