"""PostAuthentication: observes a completed sign-in, and learns where it came from.

The auth API signs the caller's device and network (their keys, never the device id or the IP) into the
ClientMetadata of a RespondToAuthChallenge that may complete a sign-in (chalicelib.risk.service.CONTEXT_KEY);
Cognito passes it here (cognito-contract.md §1.4: ClientMetadata of RespondToAuthChallenge reaches
PostAuthentication), and the user's risk history learns them: one GetItem and one UpdateItem, idempotent under
Cognito's retries (learning a place again only moves its last-seen time). Without a valid token nothing is read
or written. A failure is logged, never raised: an error here would fail a sign-in that already succeeded.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PostAuthenticationTriggerEvent
from chalice import Blueprint

from chalicelib.observability import logger
from chalicelib.risk.triggers import post_authentication_learn

bp = Blueprint(__name__)


@bp.lambda_function(name="post_authentication")
@logger.inject_lambda_context
def post_authentication(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = PostAuthenticationTriggerEvent(raw_event)
    logger.info("trigger", extra={"trigger_source": event.trigger_source, "user_pool_id": event.user_pool_id,
                                  "risk_learned": post_authentication_learn(raw_event)})
    return event.raw_event
