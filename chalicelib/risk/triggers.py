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
from collections.abc import Mapping
from typing import Any, Final

from chalicelib.risk import config as risk_config
from chalicelib.risk import engine
from chalicelib.risk.context import AttemptContext, normalise_username
from chalicelib.risk.service import BLOCKED_MESSAGE, LOCKED_MESSAGE, read_verdict
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
