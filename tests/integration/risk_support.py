"""A fake Cognito and moto-backed risk tables, to drive AuthService's sign-in through the risk checks offline."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from moto import mock_aws

from chalicelib.risk import config as risk_config
from chalicelib.risk import store as risk_store
from chalicelib.risk.api import ApiRisk
from chalicelib.risk.config import LevelAction, RiskConfig
from chalicelib.risk.service import RiskService
from chalicelib.risk.store import RiskStore
from chalicelib.services.auth import AuthService, Tokens
from chalicelib.services.cognito import UserContext
from chalicelib.services.errors import CognitoError

POOL = "us-east-1_Risk"
CLIENT = "riskclient"
OWNER_UA = "Mozilla/5.0 (Macintosh) Safari/17"
OWNER_DEVICE = "owner-device-cookie-0123456789"
OWNER_IP = "203.0.113.10"


@dataclass
class FakeConfig:
    user_pool_id: str = POOL
    client_id: str = CLIENT


@dataclass
class FakeIdp:
    """USER_PASSWORD_AUTH of a pool whose users and passwords are ``passwords``."""

    passwords: dict[str, str]
    config: FakeConfig = field(default_factory=FakeConfig)
    calls: int = 0
    revoked: list[str] = field(default_factory=list)

    def initiate_password_auth(self, username: str, password: str, context: UserContext) -> dict[str, Any]:
        self.calls += 1
        if self.passwords.get(username) != password:
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.")
        token = jwt.encode({"cognito:username": username, "email": f"{username}@example.com"}, "k" * 32)
        return {"AuthenticationResult": {"IdToken": token, "AccessToken": f"access-{username}", "ExpiresIn": 3600}}

    def global_sign_out(self, access_token: str) -> dict[str, Any]:
        self.revoked.append(access_token)
        return {}


class NeverBreached:
    def breached(self, password: str, event: str) -> bool:
        return password == "breached-password"

    def mark_reset_required(self, username: str) -> None:
        self.marked = username


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def enforced(low: str = "NO_ACTION", medium: str = "NO_ACTION", high: str = "BLOCK", *, mode: str = "ENFORCED",
             notify: bool = False) -> RiskConfig:
    return RiskConfig(mode=mode, actions={"LOW": LevelAction(low, notify), "MEDIUM": LevelAction(medium, notify),
                                          "HIGH": LevelAction(high, notify)})


@dataclass
class Harness:
    idp: FakeIdp
    store: RiskStore
    clock: Clock
    configuration: RiskConfig

    def service(self) -> AuthService:
        risk = RiskService(POOL, CLIENT, store=self.store, clock=self.clock, configuration=self.configuration)
        return AuthService(self.idp, guard=NeverBreached(), risk=ApiRisk(POOL, CLIENT, service=risk))  # type: ignore[arg-type]

    def sign_in(self, username: str, password: str, *, ip: str | None = OWNER_IP, ua: str | None = OWNER_UA,
                device: str | None = OWNER_DEVICE) -> Any:
        self.clock.now += 1
        return self.service().sign_in(username, password, UserContext(ip_address=ip, user_agent=ua), device)

    def outcome(self, username: str, password: str, **kwargs: Any) -> str:
        """'tokens', or the error's code and message."""
        try:
            result = self.sign_in(username, password, **kwargs)
        except CognitoError as err:
            return f"{err.code}: {err.message}"
        return "tokens" if isinstance(result, Tokens) else "challenge"

    def events(self, username: str) -> list[Any]:
        return RiskService(POOL, store=self.store).events(username, 60)[0]


@pytest.fixture(name="harness")
def harness_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    suffix = uuid.uuid4().hex[:8]
    monkeypatch.setenv("RISK_HISTORY_TABLE", f"risk-history-test-{suffix}")
    monkeypatch.setenv("AUTH_EVENT_TABLE", f"auth-event-test-{suffix}")
    monkeypatch.setattr(risk_store, "_clients", {})
    risk_config.clear_cache()
    # moto's backends are process-wide: neither reset them on start nor wipe them on stop, so the local stack
    # other tests run keeps its tables; these tests use tables of their own.
    mock = mock_aws()
    mock.start(reset=False)
    from chalicelib.models.auth_event import AuthEvent
    from chalicelib.models.risk_history import RiskHistory

    try:
        RiskHistory.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        AuthEvent.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        passwords = {f"user{i}": f"secret-{i}" for i in range(40)} | {"owner": "owner-password"}
        yield Harness(idp=FakeIdp(passwords), store=RiskStore(), clock=Clock(), configuration=enforced())
    finally:
        for model in (RiskHistory, AuthEvent):
            if model.exists():
                model.delete_table()
        mock.stop(remove_data=False)
