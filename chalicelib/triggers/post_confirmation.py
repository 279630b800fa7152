"""PostConfirmation: writes the user's profile and adds them to the default group (DEFAULT_GROUP), once
however often Cognito retries (:mod:`chalicelib.signup.profiles`). It never fails the confirmation: the user is
already confirmed when it runs, so every failure is logged instead.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PostConfirmationTriggerEvent
from chalice import Blueprint

from chalicelib.observability import logger
from chalicelib.signup import profiles

bp = Blueprint(__name__)


@bp.lambda_function(name="post_confirmation")
@logger.inject_lambda_context
def post_confirmation(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = PostConfirmationTriggerEvent(raw_event)
    logger.info("trigger", extra={"trigger_source": event.get("triggerSource"),
                                  "user_pool_id": event.get("userPoolId")})
    try:
        profiles.on_confirmation(event.raw_event)
    except Exception:
        logger.exception("PostConfirmation failed; the confirmation stands")
    return event.raw_event
