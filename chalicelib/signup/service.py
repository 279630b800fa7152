"""PreSignUp, end to end: read the pool's rules, decide, spend the invite code, answer Cognito.

:func:`check` raises :class:`chalicelib.signup.engine.SignupRejectedError` to refuse; the trigger lets it propagate,
so Cognito answers the client ``UserLambdaValidationException: PreSignUp failed with error <reason>.``. It fails
closed: when DynamoDB cannot answer (or the time left cannot cover its worst case) the sign-up is refused with
the generic :data:`chalicelib.signup.engine.UNAVAILABLE`, never with DynamoDB's own error text.

At most two DynamoDB calls: one GetItem for the rules and, when an invite code is required, one conditional
UpdateItem. Response flags follow the trigger source: Cognito ignores them for ``PreSignUp_AdminCreateUser``,
so they are left false there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from typing import Any

from chalicelib.models.invite_code import InviteCode
from chalicelib.observability import logger
from chalicelib.signup import engine, store
from chalicelib.signup.budget import Budget, model_worst_case
from chalicelib.signup.engine import UNAVAILABLE, Decision, SignupAttempt, SignupRejectedError
from chalicelib.signup.rules import ADMIN_CREATE_USER


def check(event: MutableMapping[str, Any], *, budget: Budget | None = None,
          clock: Callable[[], float] = time.time) -> Decision:
    """Decide the sign-up of a PreSignUp event and write the response flags into it, or raise SignupRejectedError."""
    budget = budget or Budget()
    pool_id = str(event.get("userPoolId") or "")
    attempt = SignupAttempt.from_event(event)
    try:
        rules = store.load_rules(pool_id).rules
        decision = engine.evaluate(rules, attempt)
        if decision.invite is not None:
            if not budget.allows(model_worst_case(InviteCode)):
                logger.warning("sign-up denied: no time left to spend the invite code",
                               extra={"elapsed": round(budget.elapsed(), 3)})
                raise SignupRejectedError(UNAVAILABLE, "out_of_time")
            if not store.consume_invite(pool_id, decision.invite, username=attempt.username, now=clock()):
                raise SignupRejectedError(engine.INVITE_INVALID, "invite_invalid")
    except store.StoreUnavailableError:
        logger.info("sign-up refused", extra={"reason": "unavailable", "user_pool_id": pool_id})
        raise SignupRejectedError(UNAVAILABLE, "unavailable") from None
    except SignupRejectedError as rejection:
        logger.info("sign-up refused", extra={"reason": rejection.code, "user_pool_id": pool_id,
                                              "trigger_source": attempt.source})
        raise
    if attempt.source != ADMIN_CREATE_USER:
        response = event.setdefault("response", {})
        response["autoConfirmUser"] = decision.auto_confirm
        response["autoVerifyEmail"] = decision.auto_verify_email
    logger.info("sign-up allowed", extra={"user_pool_id": pool_id, "trigger_source": attempt.source,
                                          "auto_confirm": decision.auto_confirm, "invite": decision.invite is not None})
    return decision
