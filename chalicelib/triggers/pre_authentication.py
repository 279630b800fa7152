"""PreAuthentication: may refuse a sign-in before the password is checked.

It refuses a user the auth API marked for a password reset after a sign-in proved a breached password
(:mod:`chalicelib.breach.reset`), whatever the flow, SRP included: Cognito answers the client
UserLambdaValidationException "PreAuthentication failed with error Password reset required for the user.".
If the mark cannot be read (DynamoDB failing or slow past the model's 1 s timeouts) the sign-in is refused
too: fail closed, inside Cognito's 5-second budget.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PreAuthenticationTriggerEvent
from chalice import Blueprint

from chalicelib.breach import reset
from chalicelib.breach.store import BreachStoreError
from chalicelib.observability import logger
from chalicelib.risk.triggers import pre_authentication_refusal

bp = Blueprint(__name__)

UNAVAILABLE_MESSAGE = "Sign-in is not available right now. Please try again later."


@bp.lambda_function(name="pre_authentication")
@logger.inject_lambda_context
def pre_authentication(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = PreAuthenticationTriggerEvent(raw_event)
    logger.info("trigger", extra={"trigger_source": event.trigger_source, "user_pool_id": event.user_pool_id})
    if event.user_name and not raw_event.get("request", {}).get("userNotFound"):
        try:
            marked = reset.is_marked(event.user_pool_id, event.user_name)
        except BreachStoreError as exc:
            logger.error("reset mark unreadable; refusing", extra={"reason": str(exc)})
            raise RuntimeError(UNAVAILABLE_MESSAGE) from None
        if marked:
            raise RuntimeError(reset.RESET_REQUIRED_MESSAGE)
        _risk_check(event.user_pool_id, event.user_name, raw_event)
    return event.raw_event


def _risk_check(pool_id: str, username: str, raw_event: dict[str, Any]) -> None:
    """Account takeover protection (chalicelib.risk.triggers): refuse what the auth API's verdict blocks."""
    request = raw_event.get("request") or {}
    try:
        refusal = pre_authentication_refusal(pool_id, username, request.get("validationData"),
                                             (raw_event.get("callerContext") or {}).get("clientId"))
    except Exception as exc:  # the risk history unreadable: fail closed, as for the reset mark
        logger.error("risk check failed; refusing", extra={"reason": type(exc).__name__})
        raise RuntimeError(UNAVAILABLE_MESSAGE) from None
    if refusal:
        raise RuntimeError(refusal)
