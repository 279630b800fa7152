"""Account takeover protection: risk-scored sign-ins, actions per risk level, lockout keyed by user and
caller, auth event history and feedback (issue 5).

- :mod:`chalicelib.risk.context`: the caller of an attempt, normalised (hostile input only looks newer);
- :mod:`chalicelib.risk.engine`: pure scoring from named signals, and the lockout;
- :mod:`chalicelib.risk.config`: the AccountTakeoverRiskConfiguration in force, and the mode (OFF/AUDIT/ENFORCED);
- :mod:`chalicelib.risk.store`: DynamoDB, two requests per sign-in;
- :mod:`chalicelib.risk.service`: the I/O around the engine; :mod:`chalicelib.risk.notify` and
  :mod:`chalicelib.risk.links`: the email and its signed feedback links;
- :mod:`chalicelib.risk.srp_client`: the client side of SRP, for the API's password-first CUSTOM_AUTH sign-in
  when the configuration asks for a second factor.

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
    used as is, before anything else, so that this costs no request at all; otherwise the caller's context is
    unknown, so the attempt is scored as a new device on a new network against the user's history (one GetItem,
    with the trigger's short timeouts). AUDIT and OFF answer NO_ACTION. Raises when the history is unreadable
    (the caller fails closed).
    """
    now = time.time()
    signed = read_verdict(pool_id, username, context, now)
    if signed is not None:
        return signed
    cfg = risk_config.load(pool_id, client_id)
    if not cfg.enforced:
        return risk_config.NO_ACTION
    from chalicelib.risk.store import user_history

    item = (store or RiskStore.for_trigger()).get_user(pool_id, normalise_username(username))
    assessment = engine.assess(AttemptContext.build(), user_history(item), engine.SourceHistory(), now)
    return cfg.action_for(assessment.level).event_action
