"""CreateAuthChallenge: builds the challenge DefineAuthChallenge chose.

Until a challenge plug-in is configured it issues a challenge no answer can pass, so the flow fails
closed rather than letting anything through.
"""

from __future__ import annotations

import secrets
from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    CreateAuthChallengeTriggerEvent,
)
from chalice import Blueprint

from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="create_auth_challenge")
@logger.inject_lambda_context
def create_auth_challenge(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = CreateAuthChallengeTriggerEvent(raw_event)
    event.response.public_challenge_parameters = {"methods": ""}
    event.response.private_challenge_parameters = {"nonce": secrets.token_urlsafe(16)}
    event.response.challenge_metadata = "NONE"
    logger.info("create", extra={"challenge_name": event.request.challenge_name})
    return event.raw_event
