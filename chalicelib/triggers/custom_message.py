"""CustomMessage: renders every verification and invitation message from the bundle's Jinja2 templates, in the
user's locale (:mod:`chalicelib.messages`). Whatever goes wrong, the event is returned and Cognito sends its
default message: a code must always be able to reach the user.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import CustomMessageTriggerEvent
from chalice import Blueprint

from chalicelib.messages import service
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="custom_message")
@logger.inject_lambda_context
def custom_message(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = CustomMessageTriggerEvent(raw_event)
    logger.info("trigger", extra={"trigger_source": event.get("triggerSource"),
                                  "user_pool_id": event.get("userPoolId")})
    try:
        service.customize(event.raw_event)
    except Exception:
        logger.exception("CustomMessage failed; Cognito's default message is sent")
    return event.raw_event
