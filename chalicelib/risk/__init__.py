"""Account takeover protection: risk-scored sign-ins, actions per risk level, lockout keyed by user and
caller, auth event history and feedback (issue 5).

- :mod:`chalicelib.risk.context`: the caller of an attempt, normalised (hostile input only looks newer);
- :mod:`chalicelib.risk.engine`: pure scoring from named signals, and the lockout;
- :mod:`chalicelib.risk.config`: the AccountTakeoverRiskConfiguration in force, and the mode (OFF/AUDIT/ENFORCED);
- :mod:`chalicelib.risk.store`: DynamoDB, two requests per sign-in;
- :mod:`chalicelib.risk.service`: the I/O around the engine; :mod:`chalicelib.risk.notify` and
  :mod:`chalicelib.risk.links`: the email and its signed feedback links.

For the custom-auth triggers, :func:`required_action` tells DefineAuthChallenge what the risk configuration
asks of this sign-in.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chalicelib.risk import config as risk_config
from chalicelib.risk import engine
from chalicelib.risk.context import AttemptContext, normalise_username
from chalicelib.risk.service import read_verdict
from chalicelib.risk.store import RiskStore


def required_action(pool_id: str, username: str, context: Mapping[str, Any] | None = None, *,
                    client_id: str | None = None, store: RiskStore | None = None) -> str:
    """NO_ACTION, MFA_IF_CONFIGURED, MFA_REQUIRED or BLOCK for a sign-in of ``username``.

    ``context`` is the trigger's clientMetadata: a verdict the auth API signed there (service.VERDICT_KEY) is
    used as is (no request); otherwise the caller's context is unknown, so the attempt is scored as a new
    device on a new network against the user's history (one GetItem). AUDIT and OFF answer NO_ACTION.
    """
    cfg = risk_config.load(pool_id, client_id)
    if not cfg.enforced:
        return risk_config.NO_ACTION
    now = time.time()
    signed = read_verdict(pool_id, username, context, now)
    if signed is not None:
        return signed
    from chalicelib.risk.store import user_history

    item = (store or RiskStore()).get_user(pool_id, normalise_username(username))
    assessment = engine.assess(AttemptContext.build(), user_history(item), engine.SourceHistory(), now)
    return cfg.action_for(assessment.level).event_action
