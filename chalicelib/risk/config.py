"""The account-takeover configuration in force for one pool and app client, shaped like Cognito's
RiskConfigurationType (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RiskConfigurationType.html):

- ``AccountTakeoverRiskConfiguration.Actions.{Low,Medium,High}Action = {EventAction, Notify}``, EventAction one
  of NO_ACTION, MFA_IF_CONFIGURED, MFA_REQUIRED, BLOCK, and its ``NotifyConfiguration``;
- ``RiskExceptionConfiguration.{BlockedIPRangeList, SkippedIPRangeList}``;
- the mode, as ``UserPoolAddOns.AdvancedSecurityMode``: OFF (nothing runs, no request), AUDIT (scores and records,
  never acts: no block, no lockout, no MFA, no email) or ENFORCED.

Where it is read from (:func:`load`):

- ``RISK_CONFIGURATION`` (JSON) when set: ``{"Mode": "ENFORCED", "Pool": {RiskConfigurationType},
  "Clients": {"<client id>": {RiskConfigurationType}}}``, a client's entry overriding the pool's, as in Cognito.
  This is how a deployed stack configures it (the auth API and the triggers share the stage's environment);
- otherwise, in stage local, the local pool itself: DescribeUserPool (the mode) and DescribeRiskConfiguration
  (what SetRiskConfiguration stored), so ``aws cognito-idp set-risk-configuration`` against the local pool
  configures the bundle. Answers are cached for :data:`CACHE_SECONDS`.

No configuration is OFF: risk checks add nothing then. A ``RISK_CONFIGURATION`` that is not JSON fails
closed (ENFORCED, BLOCK on HIGH); a local pool whose configuration cannot be read is OFF.
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib.observability import logger

NO_ACTION: Final = "NO_ACTION"
MFA_IF_CONFIGURED: Final = "MFA_IF_CONFIGURED"
MFA_REQUIRED: Final = "MFA_REQUIRED"
BLOCK: Final = "BLOCK"
ACTIONS: Final = (NO_ACTION, MFA_IF_CONFIGURED, MFA_REQUIRED, BLOCK)
OFF: Final = "OFF"
AUDIT: Final = "AUDIT"
ENFORCED: Final = "ENFORCED"
CONFIG_ENV: Final = "RISK_CONFIGURATION"
CACHE_SECONDS: Final = 30.0
_LEVEL_KEYS: Final = {"LOW": "LowAction", "MEDIUM": "MediumAction", "HIGH": "HighAction"}


@dataclass(frozen=True)
class LevelAction:
    event_action: str = NO_ACTION
    notify: bool = False


@dataclass(frozen=True)
class RiskConfig:
    mode: str = OFF
    actions: Mapping[str, LevelAction] = field(default_factory=dict)
    notify: Mapping[str, Any] = field(default_factory=dict)
    blocked: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    skipped: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @property
    def active(self) -> bool:
        return self.mode in (AUDIT, ENFORCED)

    @property
    def enforced(self) -> bool:
        return self.mode == ENFORCED

    def action_for(self, level: str) -> LevelAction:
        return self.actions.get(level, LevelAction())

    def is_blocked(self, ip: str | None) -> bool:
        return _within(ip, self.blocked)

    def is_skipped(self, ip: str | None) -> bool:
        return _within(ip, self.skipped)


def _within(ip: str | None, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    if not ip or not networks:
        return False
    address = ipaddress.ip_address(ip)
    return any(address.version == n.version and address in n for n in networks)


def _networks(raw: object) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    found = []
    for cidr in raw if isinstance(raw, list) else []:
        try:
            found.append(ipaddress.ip_network(str(cidr), strict=False))
        except ValueError:
            logger.warning("risk configuration: IP range ignored")
    return tuple(found)


def parse(mode: str, risk_configuration: Mapping[str, Any] | None) -> RiskConfig:
    """A RiskConfig from a mode and a RiskConfigurationType; unknown actions fail closed to BLOCK."""
    mode = mode if mode in (OFF, AUDIT, ENFORCED) else OFF
    risk_configuration = risk_configuration or {}
    takeover = risk_configuration.get("AccountTakeoverRiskConfiguration")
    exceptions = risk_configuration.get("RiskExceptionConfiguration") or {}
    if not isinstance(takeover, Mapping):
        # Threat protection on but no account-takeover actions: Cognito's console default is block at all
        # levels; this bundle scores and records only (its lockout still applies when ENFORCED).
        takeover = {}
    actions: dict[str, LevelAction] = {}
    for level, name in _LEVEL_KEYS.items():
        raw = (takeover.get("Actions") or {}).get(name)
        if isinstance(raw, Mapping):
            action = raw.get("EventAction")
            actions[level] = LevelAction(event_action=action if action in ACTIONS else BLOCK,
                                         notify=raw.get("Notify") is True)
    notify = takeover.get("NotifyConfiguration")
    return RiskConfig(mode=mode, actions=actions, notify=notify if isinstance(notify, Mapping) else {},
                      blocked=_networks(exceptions.get("BlockedIPRangeList")),
                      skipped=_networks(exceptions.get("SkippedIPRangeList")))


def from_document(document: Mapping[str, Any], client_id: str | None) -> RiskConfig:
    """The configuration of ``client_id`` in a RISK_CONFIGURATION document."""
    clients = document.get("Clients") or {}
    scoped = clients.get(client_id) if client_id and isinstance(clients, Mapping) else None
    chosen = scoped if isinstance(scoped, Mapping) else document.get("Pool")
    return parse(str(document.get("Mode") or OFF), chosen if isinstance(chosen, Mapping) else None)


_lock = threading.Lock()
_cache: dict[tuple[str, str | None], tuple[float, RiskConfig]] = {}


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _from_local_pool(pool_id: str, client_id: str | None) -> RiskConfig:
    from chalicelib import aws

    idp = aws.cognito_idp()
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    mode = str((pool.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode") or OFF)
    if mode == OFF:
        return RiskConfig()
    params: dict[str, str] = {"UserPoolId": pool_id}
    if client_id:
        params["ClientId"] = client_id
    described = idp.describe_risk_configuration(**params).get("RiskConfiguration") or {}
    return parse(mode, described)


def load(pool_id: str, client_id: str | None) -> RiskConfig:
    """The configuration in force (see the module docstring)."""
    raw = os.environ.get(CONFIG_ENV)
    if raw:
        try:
            document = json.loads(raw)
        except ValueError:
            logger.error("RISK_CONFIGURATION is not JSON; risk checks fail closed to ENFORCED, block on HIGH")
            return RiskConfig(mode=ENFORCED, actions={"HIGH": LevelAction(BLOCK)})
        return from_document(document if isinstance(document, Mapping) else {}, client_id)
    if os.environ.get("COGWORKS_STAGE") != "local":
        return RiskConfig()
    cache_key = (pool_id, client_id)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(cache_key)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        found = _from_local_pool(pool_id, client_id)
    except Exception as exc:  # the local pool may be gone or not allow the call: no configuration
        logger.info("risk configuration unreadable; OFF", extra={"reason": type(exc).__name__})
        found = RiskConfig()
    with _lock:
        _cache[cache_key] = (now, found)
    return found
