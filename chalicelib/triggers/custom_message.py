"""CustomMessage: may rewrite the verification and invitation messages Cognito sends."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import CustomMessageTriggerEvent
from chalice import Blueprint

from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="custom_message")
@logger.inject_lambda_context
def custom_message(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = CustomMessageTriggerEvent(raw_event)
    logger.info("trigger", extra={"trigger_source": event.trigger_source, "user_pool_id": event.user_pool_id})
    return event.raw_event
