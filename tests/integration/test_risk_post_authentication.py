"""PostAuthentication learns the device and network the auth API signed into ClientMetadata (moto DynamoDB):
the next sign-in from them is known, a retried trigger changes nothing, feedback's trust survives, forged or
expired context writes nothing, and a failing store never fails the completed sign-in. DefineAuthChallenge's
risk check: no request when the API's verdict is there, fail closed and fast when the history is unreadable."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from chalicelib.risk import store as risk_store
from chalicelib.risk.context import AttemptContext
from chalicelib.risk.service import CONTEXT_KEY, VERDICT_KEY, RiskService, sign_context, sign_verdict
from chalicelib.risk.triggers import post_authentication_learn as learn
from chalicelib.triggers.post_authentication import post_authentication
from tests.integration.risk_support import (  # noqa: F401
    CLIENT,
    OWNER_DEVICE,
    OWNER_IP,
    OWNER_UA,
    POOL,
    Harness,
    harness_fixture,
)
from tests.integration.signup_support import lambda_context

LAPTOP = {"ip": "198.51.100.200", "device": "second-laptop-cookie-0001"}


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISK_LINK_SECRET", "test-secret-for-risk-tokens-0123456789")


def context_of(ip: str = LAPTOP["ip"], device: str | None = LAPTOP["device"]) -> AttemptContext:
    return AttemptContext.build(ip=ip, user_agent=OWNER_UA, device_id=device)


def event(metadata: dict[str, Any] | None, pool_id: str = POOL, username: str = "owner") -> dict[str, Any]:
    request: dict[str, Any] = {"newDeviceUsed": False, "userAttributes": {"email": "owner@example.com"}}
    if metadata is not None:
        request["clientMetadata"] = metadata
    return {"version": "1", "region": "us-east-1", "userPoolId": pool_id, "userName": username,
            "callerContext": {"awsSdkVersion": "aws-sdk", "clientId": CLIENT},
            "triggerSource": "PostAuthentication_Authentication", "request": request, "response": {}}


def signed(ctx: AttemptContext | None = None, username: str = "owner", pool_id: str = POOL) -> dict[str, str]:
    token = sign_context(pool_id, username, ctx or context_of(), time.time())
    assert token is not None
    return {CONTEXT_KEY: token}


def history(harness: Harness) -> dict[str, Any]:
    return harness.store.get_user(POOL, "owner")


def signal_names(harness: Harness) -> set[str]:
    return {s["name"] for s in harness.events("owner")[0].signals}


def test_the_signed_device_and_network_are_learned_and_the_next_sign_in_knows_them(harness: Harness) -> None:
    assert harness.outcome("owner", "owner-password") == "tokens"
    assert harness.outcome("owner", "owner-password", **LAPTOP) == "tokens"
    assert {"new_device", "new_ip", "new_network"} <= signal_names(harness)
    # A sign-in from a third place, completed through a challenge: PostAuthentication learns it.
    phone = context_of(ip="192.0.2.77", device="phone-device-cookie-00001")
    raw = event(signed(phone))
    assert post_authentication(raw, lambda_context("post_authentication")) is raw
    item = history(harness)
    assert phone.device in item["dv"] and phone.network_key in item["nw"] and phone.ip_key in item["ip"]
    assert harness.outcome("owner", "owner-password", ip="192.0.2.77", device="phone-device-cookie-00001") == \
        "tokens"
    assert not {"new_device", "new_ip", "new_network"} & signal_names(harness)


def test_the_token_holds_keys_never_the_device_id_or_the_ip() -> None:
    token = signed()[CONTEXT_KEY]
    import base64

    body = base64.urlsafe_b64decode(token.split(".")[0]).decode()
    assert LAPTOP["device"] not in body and LAPTOP["ip"] not in body


def test_a_retried_trigger_changes_nothing_but_the_last_seen_time(harness: Harness) -> None:
    raw = event(signed())
    assert learn(copy.deepcopy(raw))
    first = history(harness)
    assert learn(copy.deepcopy(raw))
    again = history(harness)
    assert set(again["dv"]) == set(first["dv"]) and set(again["nw"]) == set(first["nw"])
    assert {k: (v["f"], v["t"]) for k, v in again["dv"].items()} == {k: (v["f"], v["t"]) for k, v in
                                                                      first["dv"].items()}
    assert len(again["dv"]) == 1 and len(again["nw"]) == 1


def test_a_distrusted_device_stays_distrusted(harness: Harness) -> None:
    assert harness.outcome("owner", "owner-password", **LAPTOP) == "tokens"
    risk = RiskService(POOL, CLIENT, store=harness.store, clock=harness.clock)
    risk.feedback("owner", harness.events("owner")[0].event_id, "Invalid", "Admin")
    assert learn(event(signed()))
    item = history(harness)
    assert item["dv"][context_of().device]["t"] == "distrusted"
    assert item["nw"][context_of().network_key]["t"] == "distrusted"


def test_it_clears_the_failures_counted_against_that_place(harness: Harness) -> None:
    assert harness.outcome("owner", "owner-password", **LAPTOP) == "tokens"
    for _ in range(3):
        harness.outcome("owner", "wrong", **LAPTOP)
    assert history(harness)["fl"]
    assert learn(event(signed()))
    assert history(harness)["fl"] == {}


@pytest.mark.parametrize("case", ["no metadata", "no token", "forged", "expired", "another pool", "verdict",
                                  "not a string", "huge"])
def test_no_valid_context_token_writes_nothing(harness: Harness, case: str) -> None:
    token = signed()[CONTEXT_KEY]
    body, mac = token.split(".")
    metadata: dict[str, Any] | None = {
        "no metadata": None,
        "no token": {"signInMethod": "EMAIL_OTP"},
        "forged": {CONTEXT_KEY: body + "." + ("0" if mac[0] != "0" else "1") + mac[1:]},
        "expired": {CONTEXT_KEY: sign_context(POOL, "owner", context_of(), time.time() - 3600)},
        "another pool": signed(pool_id="us-east-1_Other"),
        "verdict": {CONTEXT_KEY: sign_verdict(POOL, "owner", "NO_ACTION", time.time())},
        "not a string": {CONTEXT_KEY: 42},
        "huge": {CONTEXT_KEY: "a" * 5000 + "." + mac},
    }[case]
    before = harness.store.requests
    assert learn(event(metadata)) is False
    assert harness.store.requests == before
    assert history(harness) == {}


def test_without_a_signing_key_nothing_is_signed_or_learned(harness: Harness,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    metadata = signed()
    monkeypatch.delenv("RISK_LINK_SECRET")
    monkeypatch.setenv("COGWORKS_STAGE", "dev")
    assert sign_context(POOL, "owner", context_of(), time.time()) is None
    assert learn(event(metadata)) is False
    assert history(harness) == {}


def test_a_failing_store_is_logged_and_the_sign_in_stands(harness: Harness, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("RISK_HISTORY_TABLE", "no-such-table")
    monkeypatch.setattr(risk_store, "_clients", {})
    from chalicelib.models.risk_history import RiskHistory

    monkeypatch.setattr(RiskHistory.Meta, "table_name", "no-such-table")
    raw = event(signed())
    assert post_authentication(raw, lambda_context("post_authentication")) is raw
    errors = [(r.getMessage(), getattr(r, "reason", None)) for r in caplog.records if r.levelname == "ERROR"]
    assert errors == [("risk history not updated", "RiskStoreError")]


# ---------------------------------------------------------------- DefineAuthChallenge's risk check


def define_event(metadata: dict[str, Any], *, verified: bool = True) -> dict[str, Any]:
    return {"version": "1", "region": "us-east-1", "userPoolId": POOL, "userName": "owner",
            "callerContext": {"awsSdkVersion": "aws-sdk", "clientId": CLIENT},
            "triggerSource": "DefineAuthChallenge_Authentication",
            "request": {"userAttributes": {"email": "owner@example.com", "email_verified": str(verified).lower()},
                        "session": [{"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None},
                                    {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True,
                                     "challengeMetadata": None}],
                        "clientMetadata": metadata, "userNotFound": False},
            "response": {}}


def enforce(monkeypatch: pytest.MonkeyPatch, medium: str = "MFA_REQUIRED", high: str = "BLOCK") -> None:
    import json

    from chalicelib.risk import config as risk_config

    monkeypatch.setenv("RISK_CONFIGURATION", json.dumps({"Mode": "ENFORCED", "Pool": {
        "AccountTakeoverRiskConfiguration": {"Actions": {
            "LowAction": {"EventAction": "NO_ACTION", "Notify": False},
            "MediumAction": {"EventAction": medium, "Notify": False},
            "HighAction": {"EventAction": high, "Notify": False}}}}}))
    risk_config.clear_cache()


def test_define_uses_the_api_verdict_without_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.triggers.define_auth_challenge import define_auth_challenge

    enforce(monkeypatch)

    def no_client(trigger: bool = False) -> Any:
        raise AssertionError("DynamoDB was asked")

    monkeypatch.setattr(risk_store, "_client", no_client)
    verdict = {VERDICT_KEY: sign_verdict(POOL, "owner", "MFA_REQUIRED", time.time())}
    answer = define_auth_challenge(define_event(verdict), lambda_context("define_auth_challenge"))
    assert answer["response"] == {"issueTokens": False, "failAuthentication": False,
                                  "challengeName": "CUSTOM_CHALLENGE"}
    verdict = {VERDICT_KEY: sign_verdict(POOL, "owner", "NO_ACTION", time.time())}
    answer = define_auth_challenge(define_event(verdict), lambda_context("define_auth_challenge"))
    assert answer["response"]["issueTokens"] is True
    with pytest.raises(RuntimeError) as refused:
        define_auth_challenge(define_event({VERDICT_KEY: sign_verdict(POOL, "owner", "MFA_REQUIRED", time.time())},
                                           verified=False), lambda_context("define_auth_challenge"))
    assert str(refused.value) == "Unable to login because of security reasons."


def test_define_fails_closed_and_fast_when_the_history_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.triggers.define_auth_challenge import define_auth_challenge

    enforce(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(risk_store, "_clients", {})
    started = time.monotonic()
    answer = define_auth_challenge(define_event({}), lambda_context("define_auth_challenge"))
    assert time.monotonic() - started < 5
    assert answer["response"] == {"issueTokens": False, "failAuthentication": True}


def test_define_without_a_verdict_scores_an_unknown_caller(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.triggers.define_auth_challenge import define_auth_challenge

    enforce(monkeypatch, high="MFA_REQUIRED")
    assert harness.outcome("owner", "owner-password") == "tokens"  # with a history, an unknown caller is risky
    answer = define_auth_challenge(define_event({}), lambda_context("define_auth_challenge"))
    assert answer["response"]["challengeName"] == "CUSTOM_CHALLENGE"


# ---------------------------------------------------------------- a step-up the API held


def held_token(event_id: str = "0001700000000000deadbeefdeadbeef") -> dict[str, str]:
    from chalicelib.risk.service import Held

    ctx = context_of()
    held = Held(event=event_id, keys=(ctx.device, ctx.network_key, ctx.ip_key), before=(None, None, None))
    token = sign_context(POOL, "owner", ctx, time.time(), held)
    assert token is not None
    return {CONTEXT_KEY: token}


def test_a_held_step_up_whose_history_is_gone_is_still_learned(harness: Harness) -> None:
    """The one-write path's condition fails (no pending event: here no item at all); the read-then-write path
    learns the place, and the event it names, absent, is left alone."""
    assert learn(event(held_token()))
    item = history(harness)
    assert context_of().device in item["dv"] and "pe" not in item


def test_a_timeout_in_the_one_write_is_not_followed_by_more_requests(harness: Harness,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def timing_out(self: Any, operation: str, **params: Any) -> dict[str, Any]:
        calls.append(operation)
        raise risk_store.RiskStoreError(f"{operation}: ReadTimeoutError")

    monkeypatch.setattr(risk_store.RiskStore, "_call", timing_out)
    assert learn(event(held_token())) is False
    assert calls == ["transact_write_items"]  # the trigger's 5 s are not spent on a read and another write
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == ["risk history not updated"]
