"""SetRiskConfiguration: the threat-protection configuration of a pool, or of one app client (which then
overrides the pool's). A request without any of the three configurations resets that scope: the pool to no
configuration, a client to inheriting the pool's.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetRiskConfiguration.html

Stored under ``pool.risk_configurations`` keyed by client id, or "" for the pool. Only the
CompromisedCredentialsRiskConfiguration is enforced (:mod:`emulator.compromised`); the account-takeover and
IP-exception configurations are validated, stored and returned.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Final

from emulator.compromised import POOL_SCOPE, security_mode
from emulator.context import Context
from emulator.errors import InvalidParameterException, ResourceNotFoundException, UserPoolAddOnNotEnabledException
from emulator.state import UserPool

MEMBERS: Final = ("CompromisedCredentialsRiskConfiguration", "AccountTakeoverRiskConfiguration",
                  "RiskExceptionConfiguration")
ADD_ON_MESSAGE: Final = "Advanced security features are not enabled for this user pool."
_LEVELS: Final = ("LowAction", "MediumAction", "HighAction")


def require_add_on(pool: UserPool) -> None:
    """Threat protection must be on (AUDIT or ENFORCED) for the risk-configuration operations."""
    if security_mode(pool) not in ("AUDIT", "ENFORCED"):
        raise UserPoolAddOnNotEnabledException(ADD_ON_MESSAGE)


def require_client(pool: UserPool, client_id: str | None) -> None:
    if client_id is not None and client_id not in pool.clients:
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")


def _check_ranges(config: dict[str, Any]) -> None:
    for name in ("BlockedIPRangeList", "SkippedIPRangeList"):
        for cidr in config.get(name) or []:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise InvalidParameterException(f"Invalid IP range {cidr} in {name}.") from None


def _check_account_takeover(config: dict[str, Any]) -> None:
    actions = config.get("Actions") or {}
    if not any(level in actions for level in _LEVELS):
        raise InvalidParameterException("At least one of LowAction, MediumAction or HighAction is required.")
    notifies = any((actions.get(level) or {}).get("Notify") for level in _LEVELS)
    if notifies and not config.get("NotifyConfiguration"):
        raise InvalidParameterException("NotifyConfiguration is required when an action notifies the user.")


def describe(pool: UserPool, client_id: str | None) -> dict[str, Any]:
    """RiskConfigurationType for the scope asked: a client's own configuration, else the pool's."""
    result: dict[str, Any] = {"UserPoolId": pool.pool_id}
    if client_id is not None and client_id in pool.risk_configurations:
        return {**result, "ClientId": client_id, **pool.risk_configurations[client_id]}
    stored = pool.risk_configurations.get(POOL_SCOPE)
    if stored is not None:
        return {**result, **stored}
    if client_id is not None:
        result["ClientId"] = client_id
    return result


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    client_id = request.get("ClientId")
    require_client(pool, client_id)
    require_add_on(pool)
    if "RiskExceptionConfiguration" in request:
        _check_ranges(request["RiskExceptionConfiguration"])
    if "AccountTakeoverRiskConfiguration" in request:
        _check_account_takeover(request["AccountTakeoverRiskConfiguration"])
    config = {name: request[name] for name in MEMBERS if name in request}
    scope = client_id if client_id is not None else POOL_SCOPE
    with ctx.store.lock:
        if config:
            pool.risk_configurations[scope] = {**config, "LastModifiedDate": ctx.now()}
        else:
            pool.risk_configurations.pop(scope, None)
        return {"RiskConfiguration": describe(pool, client_id)}
