"""Between the rules engine and Cognito's PreTokenGeneration event: the claims the ID token will carry,
and the group override that puts the engine's decision into it.

In the event, the ID token's claims are not there yet; they are what Cognito will write: the user's
attributes (``*_verified`` as booleans), ``sub``, ``cognito:username``, ``aud`` (the app client),
``cognito:groups`` and ``token_use``. :func:`event_claims` rebuilds them, so a rule tested against a
decoded ID token (the explain route) decides the same as in the trigger.

:func:`group_override` is the trigger's answer, for V1 (``claimsOverrideDetails``) and V2
(``claimsAndScopeOverrideDetails``) alike: ``groupOverrideDetails`` replaces Cognito's whole group object
(DG-PRETOKEN), so the user's groups are copied into it, with the engine's roles as ``iamRolesToOverride``
and its preferred role as ``preferredRole``: Cognito then writes ``cognito:roles`` and
``cognito:preferred_role`` into the ID token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.rolemap.engine import Decision

# userAttributes that are not ID-token claims.
_NOT_CLAIMS = frozenset({"cognito:user_status", "cognito:mfa_enabled", "cognito:email_alias",
                         "cognito:phone_number_alias"})


def event_claims(event: Mapping[str, Any]) -> dict[str, Any]:
    """The ID-token claims a PreTokenGeneration event stands for (before any override)."""
    request = event.get("request") or {}
    attributes = request.get("userAttributes") or {}
    claims: dict[str, Any] = {}
    for name, value in attributes.items():
        if name in _NOT_CLAIMS:
            continue
        claims[name] = value == "true" if name.endswith("_verified") and isinstance(value, str) else value
    if event.get("userName"):
        claims["cognito:username"] = event["userName"]
    client_id = (event.get("callerContext") or {}).get("clientId")
    if client_id:
        claims["aud"] = client_id
    groups = (request.get("groupConfiguration") or {}).get("groupsToOverride") or []
    if groups:
        claims["cognito:groups"] = list(groups)
    claims["token_use"] = "id"
    return claims


def group_override(event: Mapping[str, Any], decision: Decision | None) -> dict[str, Any]:
    """``groupOverrideDetails`` that keeps the user's groups and carries the decision's roles; with no
    decision (the rules could not be read), no role at all: the identity pool then falls back to its
    AmbiguousRoleResolution instead of the groups' roles the rules were meant to refine."""
    configuration = (event.get("request") or {}).get("groupConfiguration") or {}
    override: dict[str, Any] = {"groupsToOverride": list(configuration.get("groupsToOverride") or []),
                                "iamRolesToOverride": list(decision.roles) if decision else []}
    if decision is not None and decision.role_arn:
        override["preferredRole"] = decision.role_arn
    return override
