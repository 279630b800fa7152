"""The risk checks of the Cognito triggers.

Cognito's trigger events carry no IP address or User-Agent, so the triggers trust only what the auth API
signed into ClientMetadata (:data:`chalicelib.risk.service.VERDICT_KEY`): PreAuthentication refuses a sign-in
whose signed verdict is BLOCK, and does nothing (no request) without one. With ``RISK_TRIGGER_ENFORCE=1`` a
sign-in that carries no verdict (a client calling Cognito directly, not through the auth API) is treated as
coming from an unknown device and network: refused while the user's unknown-place lockout is active (one
GetItem). Enable it only once the auth API passes its verdict, or API sign-ins would pay that read too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from chalicelib.observability import logger
from chalicelib.risk import config as risk_config
from chalicelib.risk import engine, required_action
from chalicelib.risk.context import AttemptContext, normalise_username
from chalicelib.risk.service import BLOCKED_MESSAGE, LOCKED_MESSAGE, RiskService, read_context, read_verdict
from chalicelib.risk.store import RiskStore, user_history

ENFORCE_ENV: Final = "RISK_TRIGGER_ENFORCE"


def pre_authentication_refusal(pool_id: str, username: str, validation_data: Mapping[str, Any] | None,
                               client_id: str | None = None, store: RiskStore | None = None) -> str | None:
    """The message to refuse this sign-in with, or None."""
    now = time.time()
    verdict = read_verdict(pool_id, username, validation_data, now)
    if verdict is not None:
        return BLOCKED_MESSAGE if verdict == risk_config.BLOCK else None
    if os.environ.get(ENFORCE_ENV) != "1":
        return None
    cfg = risk_config.load(pool_id, client_id)
    if not cfg.enforced:
        return None
    item = (store or RiskStore.for_trigger()).get_user(pool_id, normalise_username(username))
    lock = engine.lock_state(AttemptContext.build(), user_history(item), engine.SourceHistory(), now)
    return LOCKED_MESSAGE if lock.locked else None


RISK_UNREADABLE = "UNREADABLE"


def define_risk_check(raw_event: Mapping[str, Any]) -> Callable[[], str]:
    """DefineAuthChallenge's risk check: the account-takeover action of this sign-in, computed once when the flow
    asks for it (RISK_UNREADABLE, which the flow fails on, when the history or configuration cannot be read)."""
    answers: list[str] = []

    def check() -> str:
        if answers:
            return answers[0]
        request = raw_event.get("request") or {}
        try:
            action = required_action(str(raw_event.get("userPoolId") or ""), str(raw_event.get("userName") or ""),
                                     request.get("clientMetadata") or {},
                                     client_id=(raw_event.get("callerContext") or {}).get("clientId"))
        except Exception as exc:  # the risk history or configuration unreadable: fail closed
            logger.error("risk check failed; failing the sign-in", extra={"reason": type(exc).__name__})
            action = RISK_UNREADABLE
        answers.append(action)
        return action

    return check


def post_authentication_learn(raw_event: Mapping[str, Any]) -> bool:
    """PostAuthentication: record the signed device and network of this sign-in (never raises: a failure here
    would fail a sign-in that succeeded); whether anything was written."""
    pool_id = str(raw_event.get("userPoolId") or "")
    metadata = (raw_event.get("request") or {}).get("clientMetadata")
    learned = read_context(pool_id, metadata if isinstance(metadata, dict) else None, time.time())
    if learned is None:
        return False
    try:
        RiskService(pool_id, store=RiskStore.for_trigger()).learn_signed(learned)
    except Exception as exc:  # never fail a completed sign-in over its history
        logger.error("risk history not updated", extra={"reason": type(exc).__name__})
        return False
    return True
