"""PreTokenGeneration (V1_0 and V2_0 events): may shape the claims of the tokens Cognito issues."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    PreTokenGenerationTriggerEvent,
    PreTokenGenerationV2TriggerEvent,
)
from chalice import Blueprint

from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="pre_token_generation")
@logger.inject_lambda_context
def pre_token_generation(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    is_v2 = "scopes" in (raw_event.get("request") or {})
    event = PreTokenGenerationV2TriggerEvent(raw_event) if is_v2 else PreTokenGenerationTriggerEvent(raw_event)
    logger.info("pre_token", extra={"trigger_source": event.trigger_source, "v2": is_v2})
    return event.raw_event
