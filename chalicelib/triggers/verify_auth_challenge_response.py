"""VerifyAuthChallengeResponse: judges an answer (chalicelib.auth.challenges.engine.verify); false unless a
plug-in proves it right (fail closed). A failure of the store is logged and raised as a generic error."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="verify_auth_challenge_response")
@logger.inject_lambda_context
def verify_auth_challenge_response(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.auth.challenges import UnknownChallenge, engine

    raw_event.setdefault("response", {})["answerCorrect"] = False
    try:
        raw_event["response"]["answerCorrect"] = engine.verify(raw_event, engine.default_services())
    except UnknownChallenge:
        logger.warning("answer to an unknown challenge")
    except Exception:
        logger.exception("verify_auth_challenge_response failed")
        raise RuntimeError(engine.INTERNAL_ERROR) from None
    return raw_event
