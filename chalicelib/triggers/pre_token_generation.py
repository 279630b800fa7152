"""PreTokenGeneration (V1_0 and V2_0 events): puts the role-mapping rules' decision into the ID token.

When the pool (and app client) has a rule set (:mod:`chalicelib.models.role_rule`), the rules engine
(:mod:`chalicelib.rolemap`) decides from the claims the ID token will carry, and the response's
``groupOverrideDetails`` keeps the user's groups and sets ``iamRolesToOverride`` (every matching rule's
role) and ``preferredRole`` (the first match's). Cognito writes them as ``cognito:roles`` and
``cognito:preferred_role``, which an identity pool with Token role mapping honours
(https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html). Without a rule
set (or without the table: stage without the engine) the event is returned unchanged and Cognito's own
group roles stand. If the rules cannot be read, the token gets the groups but no role (fail closed: the
identity pool's AmbiguousRoleResolution decides) and the sign-in still succeeds.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    PreTokenGenerationTriggerEvent,
    PreTokenGenerationV2TriggerEvent,
)
from chalice import Blueprint

from chalicelib.models import role_rule
from chalicelib.observability import logger
from chalicelib.rolemap.claims import event_claims, group_override
from chalicelib.rolemap.engine import decide

bp = Blueprint(__name__)

RULES_TABLE_ENV = "ROLE_RULES_TABLE"


def role_override(raw_event: dict[str, Any]) -> dict[str, Any] | None:
    """The groupOverrideDetails the rules call for, or None to leave Cognito's group roles alone."""
    if not os.environ.get(RULES_TABLE_ENV):
        return None
    pool_id = str(raw_event.get("userPoolId") or "")
    client_id = str((raw_event.get("callerContext") or {}).get("clientId") or "")
    try:
        item = role_rule.find(pool_id, client_id)
        rule_set = item.rule_set() if item is not None else None
    except Exception:  # storage or a stored document gone bad: no role rather than a wrong one
        logger.exception("role rules unreadable: the token gets no role", extra={"user_pool_id": pool_id})
        return group_override(raw_event, None)
    if rule_set is None:
        return None
    decision = decide(rule_set, event_claims(raw_event))
    logger.info("role decision", extra={"rule": decision.rule_name, "role": decision.role_arn,
                                        "roles": len(decision.roles)})
    return group_override(raw_event, decision)


def apply_override(raw_event: dict[str, Any], override: dict[str, Any], *, v2: bool) -> None:
    response = raw_event.get("response")
    if not isinstance(response, dict):
        response = raw_event["response"] = {}
    key = "claimsAndScopeOverrideDetails" if v2 else "claimsOverrideDetails"
    details = response.get(key)
    details = dict(details) if isinstance(details, dict) else {}
    details["groupOverrideDetails"] = override
    response[key] = details


@bp.lambda_function(name="pre_token_generation")
@logger.inject_lambda_context
def pre_token_generation(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    is_v2 = "scopes" in (raw_event.get("request") or {})
    event = PreTokenGenerationV2TriggerEvent(raw_event) if is_v2 else PreTokenGenerationTriggerEvent(raw_event)
    logger.info("pre_token", extra={"trigger_source": event.trigger_source, "v2": is_v2})
    override = role_override(event.raw_event)
    if override is not None:
        apply_override(event.raw_event, override, v2=is_v2)
    return event.raw_event
