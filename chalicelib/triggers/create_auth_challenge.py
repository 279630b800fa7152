"""CreateAuthChallenge: builds the round DefineAuthChallenge chose: the method selection, or the chosen
plug-in's challenge (chalicelib.auth.challenges.engine.create).

A refusal meant for the user (throttled, locked) is raised with its message, which Cognito shows as
``CreateAuthChallenge failed with error <message>.``; anything else is logged and raised as a generic
"Internal Server Error", so no internal detail reaches the client.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="create_auth_challenge")
@logger.inject_lambda_context
def create_auth_challenge(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.auth.challenges import engine
    from chalicelib.auth.challenges.base import UserFacingError
    from chalicelib.messaging import Messenger

    try:
        engine.create(raw_event, engine.default_services(
            lambda settings: Messenger(settings.email_from, is_local=settings.is_local)))
    except UserFacingError:
        raise
    except Exception:
        logger.exception("create_auth_challenge failed")
        raise RuntimeError(engine.INTERNAL_ERROR) from None
    return raw_event
