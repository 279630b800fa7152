"""Helpers of the challenge integration tests (no tests here): the challenge engine on the local stack's moto
DynamoDB with a clock the test moves and a sender that keeps what it sends, and a small driver that runs the
Define/Create/Verify loop the way Cognito does (tests/e2e runs the real local Cognito).
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from chalicelib.auth import flow, policy
from chalicelib.auth.challenges import custom_method_names, engine
from chalicelib.auth.challenges.base import Services
from chalicelib.auth.challenges.settings import ChallengeSettings
from chalicelib.auth.challenges.store import DynamoStore

POOL_ID = "us-east-1_Harness1"
CLIENT_ID = "harnessclient"
START = 1_900_000_000.0


@dataclass
class Sent:
    channel: str
    to: str
    subject: str | None
    body: str


class CapturingSender:
    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def email(self, to: str, subject: str, body: str) -> None:
        self.sent.append(Sent("email", to, subject, body))

    def text(self, to: str, body: str) -> None:
        self.sent.append(Sent("sms", to, None, body))


class Harness:
    """The engine's services on moto, with a movable clock and a capturing sender."""

    def __init__(self, **settings: Any) -> None:
        self.now = START + secrets.randbelow(10_000_000)
        self.sender = CapturingSender()
        self.settings = ChallengeSettings(signing_key=secrets.token_bytes(32),
                                          magic_link_url="https://app.example/auth/passwordless/magic-link",
                                          **settings)
        self.store = DynamoStore(self.settings)
        self.services = Services(store=self.store, sender=self.sender, settings=self.settings,
                                 clock=lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sent_to(self, to: str) -> list[Sent]:
        return [m for m in self.sender.sent if m.to == to]

    def state(self, username: str, pool_id: str = POOL_ID) -> Any:
        return self.store.get(self.store.user_key(pool_id, username))


def new_user(*, verified: bool = True, **extra: str) -> dict[str, str]:
    username = f"user-{secrets.token_hex(5)}"
    return {"username": username, "email": f"{username}@example.com", "phone_number": "+1555" + str(
        secrets.randbelow(10 ** 7)).zfill(7), "email_verified": str(verified).lower(),
        "phone_number_verified": str(verified).lower(), **extra}


@dataclass
class SignIn:
    """One CUSTOM_AUTH sign-in driven like Cognito drives it (Define, Create, Verify, Define, ...)."""

    harness: Harness
    username: str
    attributes: dict[str, str]
    not_found: bool = False
    session: list[dict[str, Any]] = field(default_factory=list)
    public: dict[str, str] = field(default_factory=dict)
    private: dict[str, str] = field(default_factory=dict)
    metadata: str | None = None
    outcome: str = "challenge"

    def event(self, trigger: str, **request: Any) -> dict[str, Any]:
        return {"version": "1", "triggerSource": f"{trigger}_Authentication", "region": "us-east-1",
                "userPoolId": POOL_ID, "userName": self.username,
                "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
                "request": {"userAttributes": dict(self.attributes), "session": copy.deepcopy(self.session),
                            "userNotFound": self.not_found, **request},
                "response": {}}

    def create(self, client_metadata: dict[str, str] | None = None) -> dict[str, Any]:
        event = self.event("CreateAuthChallenge", challengeName="CUSTOM_CHALLENGE",
                           **({"clientMetadata": client_metadata} if client_metadata else {}))
        engine.create(event, self.harness.services)
        response = event["response"]
        self.public, self.private = response["publicChallengeParameters"], response["privateChallengeParameters"]
        self.metadata = response["challengeMetadata"]
        return event

    def verify(self, answer: Any, client_metadata: dict[str, str] | None = None) -> bool:
        event = self.event("VerifyAuthChallengeResponse", privateChallengeParameters=dict(self.private),
                           challengeAnswer=answer, **({"clientMetadata": client_metadata} if client_metadata else {}))
        return engine.verify(event, self.harness.services)

    def respond(self, answer: Any, client_metadata: dict[str, str] | None = None) -> str:
        assert self.outcome == "challenge", self.outcome
        correct = self.verify(answer, client_metadata)
        self.session.append({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": correct,
                             "challengeMetadata": self.metadata})
        rules = policy.Policy.pool_default() if self.not_found else policy.for_user(self.attributes)
        decision = flow.next_step(self.session, self.not_found, client_metadata or {}, rules, custom_method_names())
        if decision.fail_authentication:
            self.outcome = "failed"
        elif decision.issue_tokens:
            self.outcome = "tokens"
        else:
            self.create(client_metadata)
        return self.outcome


def start(harness: Harness, user: dict[str, str], *, not_found: bool = False) -> SignIn:
    attributes = {} if not_found else {k: v for k, v in user.items() if k != "username"}
    sign_in = SignIn(harness, user["username"], attributes, not_found)
    assert flow.next_step([], not_found) == flow.present("CUSTOM_CHALLENGE")
    sign_in.create()
    return sign_in


def choose(harness: Harness, user: dict[str, str], method: str, *, not_found: bool = False,
           **metadata: str) -> SignIn:
    sign_in = start(harness, user, not_found=not_found)
    assert sign_in.respond("__select__", {"signInMethod": method, **metadata}) == "challenge"
    return sign_in


def code_in(body: str) -> str:
    import re

    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)
