"""VerifyAuthChallengeResponse: checks an answer; false unless a plug-in proves it right (fail closed)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    VerifyAuthChallengeResponseTriggerEvent,
)
from chalice import Blueprint

from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="verify_auth_challenge_response")
@logger.inject_lambda_context
def verify_auth_challenge_response(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = VerifyAuthChallengeResponseTriggerEvent(raw_event)
    event.response.answer_correct = False
    logger.info("verify", extra={"user_not_found": bool(event.request.user_not_found)})
    return event.raw_event
