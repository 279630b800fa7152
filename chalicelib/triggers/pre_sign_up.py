"""PreSignUp: decides who may register, by the pool's rules (:mod:`chalicelib.signup`).

A refusal is raised as :class:`chalicelib.signup.engine.SignupRejectedError`, whose message is a reason safe to
show the user; Cognito answers the client ``UserLambdaValidationException: PreSignUp failed with error
<reason>.``. Any other failure is logged and turned into the generic "temporarily unavailable" refusal, so no
internal error text (a DynamoDB error, a stack trace) ever reaches the client: the trigger fails closed.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PreSignUpTriggerEvent
from chalice import Blueprint

from chalicelib.observability import logger
from chalicelib.signup import service
from chalicelib.signup.engine import UNAVAILABLE, SignupRejectedError

bp = Blueprint(__name__)


@bp.lambda_function(name="pre_sign_up")
@logger.inject_lambda_context
def pre_sign_up(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = PreSignUpTriggerEvent(raw_event)
    logger.info("trigger", extra={"trigger_source": event.get("triggerSource"),
                                  "user_pool_id": event.get("userPoolId")})
    try:
        service.check(event.raw_event)
    except SignupRejectedError:
        raise
    except Exception:
        logger.exception("PreSignUp failed; the sign-up is refused")
        raise SignupRejectedError(UNAVAILABLE, "internal_error") from None
    return event.raw_event
