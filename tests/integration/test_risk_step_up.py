"""MFA_REQUIRED and MFA_IF_CONFIGURED through the auth API against the local pool and the bundle's triggers:
a password sign-in from a new device is asked for a second factor (the API runs it as CUSTOM_AUTH, password
first, and DefineAuthChallenge adds an email code), the code from the outbox completes it, and the device is
learned once; the same user on their usual device gets tokens directly; AUDIT changes nothing.

Requests go through the API's own Lambda handler with API Gateway events (tests/integration/conftest.py
``gateway_event``), so that each can come from its own source IP."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from chalice import Chalice

from chalicelib.api import cookies
from chalicelib.risk import config as risk_config
from chalicelib.risk import store as risk_store
from chalicelib.risk.api import HELD_PREFIX
from chalicelib.risk.context import normalise_username
from chalicelib.risk.service import HOLD_SECONDS, RiskService, read_hold
from chalicelib.risk.triggers import post_authentication_learn
from tests.helpers import INCORRECT, PASSWORD, admin_user, claims_of
from tests.integration.conftest import gateway_event

PLUS = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}, "UserPoolTier": "PLUS"}
HOME_IP, CAFE_IP = "203.0.113.10", "198.51.100.23"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
BLOCKED = ("NotAuthorizedException", "Unable to login because of security reasons.")


def takeover(low: str = "NO_ACTION", medium: str = "MFA_REQUIRED", high: str = "MFA_REQUIRED") -> dict[str, Any]:
    return {"Actions": {"LowAction": {"Notify": False, "EventAction": low},
                        "MediumAction": {"Notify": False, "EventAction": medium},
                        "HighAction": {"Notify": False, "EventAction": high}}}


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    set_cookies: list[str]

    @property
    def error(self) -> tuple[str, str]:
        return self.body["error"]["code"], self.body["error"]["message"]

    def device(self) -> str | None:
        for value in self.set_cookies:
            if value.startswith(cookies.DEVICE_COOKIE + "="):
                return value.split(";", 1)[0].split("=", 1)[1]
        return None


def call(app: Chalice, path: str, body: dict[str, Any], *, ip: str, device: str | None = None,
         headers: dict[str, str] | None = None) -> Answer:
    sent = {"Content-Type": "application/json", "User-Agent": AGENT, **(headers or {})}
    if device is not None:
        sent["Cookie"] = f"{cookies.DEVICE_COOKIE}={device}"
    reply = app(gateway_event(path, body, sent, source_ip=ip), None)
    multi = reply.get("multiValueHeaders") or {}
    set_cookies = list(multi.get("Set-Cookie") or [])
    if "Set-Cookie" in (reply.get("headers") or {}):
        set_cookies.append(reply["headers"]["Set-Cookie"])
    return Answer(reply["statusCode"], json.loads(reply["body"]), set_cookies)


@dataclass
class Pool:
    pool_id: str
    client_id: str
    app: Chalice
    idp: Any

    def user(self, *, verified: bool = True) -> dict[str, str]:
        return admin_user(self.idp, self.pool_id, verified=verified)

    def sign_in(self, user: dict[str, str], *, ip: str, device: str | None = None, password: str = PASSWORD,
                headers: dict[str, str] | None = None) -> Answer:
        return call(self.app, "/auth/sign-in", {"username": user["username"], "password": password}, ip=ip,
                    device=device, headers=headers)

    def answer(self, user: dict[str, str], challenge: Answer, code: str, *, ip: str,
               device: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        return call(self.app, "/auth/challenge", {"username": user["username"], "session": challenge.body["session"],
                                                  "challenge": challenge.body["challenge"],
                                                  "responses": {"ANSWER": code}}, ip=ip, device=device,
                    headers=headers)

    def configure(self, **actions: str) -> None:
        self.idp.set_risk_configuration(UserPoolId=self.pool_id, AccountTakeoverRiskConfiguration=takeover(**actions))
        risk_config.clear_cache()

    def events(self, username: str) -> list[Any]:
        return RiskService(self.pool_id).events(username, 60)[0]


@pytest.fixture()
def make_risky_pool(api_app: Chalice, idp: Any, make_pool: Callable[..., tuple[str, str]],
                    use_pool: Callable[..., None]) -> Callable[[str], Pool]:
    """A pool with threat protection in ``mode`` (MFA_REQUIRED at MEDIUM and HIGH) that the API talks to."""

    def _make(mode: str) -> Pool:
        pool_id, client_id = make_pool(pool={**PLUS, "UserPoolAddOns": {"AdvancedSecurityMode": mode}},
                                       client={"PreventUserExistenceErrors": "ENABLED"})
        use_pool(pool_id, client_id)
        found = Pool(pool_id, client_id, api_app, idp)
        found.configure()
        return found

    return _make


@pytest.fixture()
def pool(make_risky_pool: Callable[[str], Pool]) -> Pool:
    return make_risky_pool("ENFORCED")


def settle(pool: Pool, user: dict[str, str]) -> str:
    """The user's first sign-in, at home: tokens, and the device cookie the API issued."""
    first = pool.sign_in(user, ip=HOME_IP)
    assert first.status == 200 and "accessToken" in first.body, first
    device = first.device()
    assert device is not None
    return device


def code_sent_to(stack: Any, email: str, before: set[str]) -> str:
    deadline = time.monotonic() + 3
    while True:
        for message in stack.outbox():
            if message["to"] == email and message["id"] not in before and message.get("code"):
                return str(message["code"])
        if time.monotonic() > deadline:
            raise AssertionError(f"no code sent to {email}")
        time.sleep(0.1)


def outbox_ids(stack: Any) -> set[str]:
    return {m["id"] for m in stack.outbox()}


def test_a_new_device_is_asked_for_a_code_and_the_usual_device_is_not(stack: Any, pool: Pool) -> None:
    user = pool.user()
    home = settle(pool, user)
    before = outbox_ids(stack)

    asked = pool.sign_in(user, ip=CAFE_IP)
    assert asked.status == 200, asked
    assert asked.body["challenge"] == "CUSTOM_CHALLENGE"
    assert asked.body["parameters"]["challenge"] == "EMAIL_OTP"
    assert asked.body["parameters"]["deliveryMedium"] == "EMAIL"
    assert "accessToken" not in asked.body
    cafe = asked.device()
    assert cafe is not None and cafe != home
    latest = pool.events(user["username"])[0]
    assert (latest.response, latest.level, latest.action) == ("InProgress", "Medium", "MFA_REQUIRED")
    assert {"new_device", "new_ip", "new_network"} <= {s["name"] for s in latest.signals}

    done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=CAFE_IP, device=cafe)
    assert done.status == 200, done
    claims = claims_of(done.body["idToken"])
    assert claims["cognito:username"] == user["username"]
    assert done.device() is None  # the cookie was there: not issued again

    # The usual device at home: tokens directly, no code sent.
    before = outbox_ids(stack)
    again = pool.sign_in(user, ip=HOME_IP, device=home)
    assert again.status == 200 and "accessToken" in again.body, again
    assert outbox_ids(stack) == before


def test_the_device_that_passed_the_second_factor_is_learned_once(stack: Any, pool: Pool) -> None:
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP)
    cafe = asked.device()
    events_before = len(pool.events(user["username"]))
    done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=CAFE_IP, device=cafe)
    assert done.status == 200, done
    # PostAuthentication learned it; the API's answer to the challenge wrote no event of its own.
    assert len(pool.events(user["username"])) == events_before
    learned = [i for i in stack_invocations(stack, pool.pool_id, "PostAuthentication")
               if "cogworks:risk-context" in (i["event"]["request"].get("clientMetadata") or {})]
    assert len(learned) == 1
    # From that device and network, the next sign-in needs no code.
    before = outbox_ids(stack)
    next_time = pool.sign_in(user, ip=CAFE_IP, device=cafe)
    assert next_time.status == 200 and "accessToken" in next_time.body, next_time
    assert outbox_ids(stack) == before
    latest = pool.events(user["username"])[0]
    assert (latest.response, latest.level) == ("Pass", "Low")
    assert not {"new_device", "new_network"} & {s["name"] for s in latest.signals}


def stack_invocations(stack: Any, pool_id: str, trigger: str) -> list[dict[str, Any]]:
    return [i for i in stack.invocations() if i.get("trigger") == trigger and
            (i.get("event") or {}).get("userPoolId") == pool_id]


def test_a_wrong_code_asks_again_and_the_right_one_completes_it_in_cookie_mode(stack: Any, pool: Pool) -> None:
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    mode = {"X-Auth-Mode": "cookie"}
    asked = pool.sign_in(user, ip=CAFE_IP, headers=mode)
    assert asked.body["challenge"] == "CUSTOM_CHALLENGE", asked
    code = code_sent_to(stack, user["email"], before)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    again = pool.answer(user, asked, wrong, ip=CAFE_IP, device=asked.device(), headers=mode)
    assert again.status == 200 and again.body["parameters"]["challenge"] == "EMAIL_OTP", again
    done = pool.answer(user, again, code, ip=CAFE_IP, device=asked.device(), headers=mode)
    assert done.status == 200 and done.body == {"signedIn": True, "expiresIn": 3600}, (done, code, stack.outbox())
    names = {c.split("=", 1)[0] for c in done.set_cookies}
    assert {"__Host-access", "__Host-id", "__Secure-refresh"} <= names


def test_a_wrong_password_on_the_second_factor_path_is_a_failure(pool: Pool) -> None:
    user = pool.user()
    settle(pool, user)
    failed = pool.sign_in(user, ip=CAFE_IP, password="Not-The-Password-1")
    assert (failed.status, failed.error) == (401, INCORRECT)
    latest = pool.events(user["username"])[0]
    assert (latest.response, latest.action) == ("Fail", "MFA_REQUIRED")


def test_mfa_required_without_a_usable_second_factor_is_refused(stack: Any, pool: Pool) -> None:
    user = pool.user(verified=False)
    settle(pool, user)
    before = outbox_ids(stack)
    refused = pool.sign_in(user, ip=CAFE_IP)
    assert (refused.status, refused.error) == (401, BLOCKED)
    assert outbox_ids(stack) == before
    latest = pool.events(user["username"])[0]
    assert (latest.response, latest.decision) == ("Fail", "Block")


def test_mfa_if_configured_asks_a_user_who_can_answer_and_lets_the_others_in(stack: Any, pool: Pool) -> None:
    pool.configure(medium="MFA_IF_CONFIGURED", high="MFA_IF_CONFIGURED")
    able, unable = pool.user(), pool.user(verified=False)
    for user in (able, unable):
        settle(pool, user)
    asked = pool.sign_in(able, ip=CAFE_IP)
    assert asked.body.get("challenge") == "CUSTOM_CHALLENGE", asked
    let_in = pool.sign_in(unable, ip=CAFE_IP)
    assert let_in.status == 200 and "accessToken" in let_in.body, let_in
    latest = pool.events(unable["username"])[0]
    assert (latest.response, latest.action) == ("Pass", "MFA_IF_CONFIGURED")


def test_audit_mode_scores_the_same_sign_in_and_changes_nothing(stack: Any,
                                                                make_risky_pool: Callable[[str], Pool]) -> None:
    pool = make_risky_pool("AUDIT")
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    direct = pool.sign_in(user, ip=CAFE_IP)
    assert direct.status == 200 and "accessToken" in direct.body, direct
    assert outbox_ids(stack) == before
    latest = pool.events(user["username"])[0]
    assert (latest.response, latest.level, latest.action) == ("Pass", "Medium", "MFA_REQUIRED")


@contextmanager
def dynamodb_requests() -> Iterator[list[str]]:
    """The DynamoDB operations the risk store's clients send meanwhile (the API's and the triggers', which the
    local stack runs in this process), counted by a botocore hook as bench/risk_scoring.py counts them."""
    sent: list[str] = []

    def hook(event_name: str, **_: Any) -> None:
        sent.append(event_name.rsplit(".", 1)[-1])

    clients = [risk_store._client(), risk_store._client(trigger=True)]
    for client in clients:
        client.meta.events.register("before-send.dynamodb.*", hook, unique_id="count-risk-requests")
    try:
        yield sent
    finally:
        for client in clients:
            client.meta.events.unregister("before-send.dynamodb.*", unique_id="count-risk-requests")


def test_what_a_completed_step_up_sign_in_costs_in_dynamodb_requests(stack: Any, pool: Pool) -> None:
    """Two at the password (the API's read, and its write of the InProgress event, so that an abandoned step-up
    stays in the history), one at the second factor (PostAuthentication learns the device and network and
    resolves the event to Pass in one transaction, from what the API held with the session: no read): three."""
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    with dynamodb_requests() as sent:
        asked = pool.sign_in(user, ip=CAFE_IP)
        assert asked.body.get("challenge") == "CUSTOM_CHALLENGE", asked
        at_password = list(sent)
        done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=CAFE_IP,
                           device=asked.device())
        assert done.status == 200 and "accessToken" in done.body, done
    assert at_password == ["BatchGetItem", "TransactWriteItems"]
    assert sent[2:] == ["TransactWriteItems"], sent
    latest = pool.events(user["username"])[0]
    assert (latest.response, latest.level, latest.action) == ("Pass", "Medium", "MFA_REQUIRED")
    assert latest.challenges == [{"ChallengeName": "Password", "ChallengeResponse": "Success"},
                                 {"ChallengeName": "Mfa", "ChallengeResponse": "Success"}]
    assert_knows(pool, user, CAFE_IP, asked.device())


def assert_knows(pool: Pool, user: dict[str, str], ip: str, device: str | None) -> None:
    """The next sign-in from ``ip`` with ``device`` is known: tokens at once, no new-place signal."""
    again = pool.sign_in(user, ip=ip, device=device)
    assert again.status == 200 and "accessToken" in again.body, again
    latest = pool.events(user["username"])[0]
    assert not {"new_device", "new_network"} & {s["name"] for s in latest.signals}, latest.signals


def held_session(asked: Answer) -> tuple[str, str]:
    """The hold token and Cognito's session inside the session the API handed out with a held step-up."""
    session = asked.body["session"]
    assert session.startswith(HELD_PREFIX), session[:20]
    token, _, cognito_session = session[len(HELD_PREFIX):].partition("~")
    return token, cognito_session


def test_feedback_between_the_password_and_the_code_is_kept(stack: Any, pool: Pool) -> None:
    """The one-write learning is conditional on the place's trust being what the API read: feedback given in
    between (here: the owner says the pending sign-in was not them) makes PostAuthentication read and write
    instead, keeping the distrust, and still resolving the event."""
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP)
    pending = pool.events(user["username"])[0]
    assert pending.response == "InProgress"
    RiskService(pool.pool_id).feedback(normalise_username(user["username"]), pending.event_id, "Invalid", "User")
    with dynamodb_requests() as sent:
        done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=CAFE_IP,
                           device=asked.device())
    assert done.status == 200 and "accessToken" in done.body, done
    assert sent == ["TransactWriteItems", "GetItem", "TransactWriteItems"]
    resolved = {e.event_id: e for e in pool.events(user["username"])}[pending.event_id]
    assert resolved.response == "Pass"
    item = RiskService(pool.pool_id).store.get_user(pool.pool_id, normalise_username(user["username"]))
    assert item["dv"][pending.device]["t"] == "distrusted" and item["nw"][pending.network]["t"] == "distrusted"


def test_a_tampered_hold_token_costs_a_read_and_changes_nothing_else(stack: Any, pool: Pool) -> None:
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP)
    token, cognito_session = held_session(asked)
    body, mac = token.split(".")
    forged = f"{HELD_PREFIX}{body}.{'0' * len(mac)}~{cognito_session}"
    with dynamodb_requests() as sent:
        done = pool.answer(user, Answer(asked.status, {**asked.body, "session": forged}, []),
                           code_sent_to(stack, user["email"], before), ip=CAFE_IP, device=asked.device())
    assert done.status == 200 and "accessToken" in done.body, done
    assert sent == ["GetItem", "TransactWriteItems"]
    assert pool.events(user["username"])[0].response == "Pass"
    assert_knows(pool, user, CAFE_IP, asked.device())


def test_an_answer_from_another_place_than_the_password_learns_where_it_came_from(stack: Any, pool: Pool) -> None:
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP)
    other_ip = "192.0.2.77"
    with dynamodb_requests() as sent:
        done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=other_ip,
                           device=asked.device())
    assert done.status == 200 and "accessToken" in done.body, done
    assert sent == ["GetItem", "TransactWriteItems"]  # the held place is not this one: read, then write
    assert pool.events(user["username"])[0].response == "Pass"
    assert_knows(pool, user, other_ip, asked.device())


def test_a_held_session_belongs_to_its_user(stack: Any, pool: Pool) -> None:
    """Another user's hold token is ignored (PostAuthentication reads), and Cognito's session still decides."""
    user, other = pool.user(), pool.user()
    settle(pool, user)
    settle(pool, other)
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP)
    theirs = pool.sign_in(other, ip=CAFE_IP)
    token, _ = held_session(theirs)
    _, cognito_session = held_session(asked)
    swapped = Answer(asked.status, {**asked.body, "session": f"{HELD_PREFIX}{token}~{cognito_session}"}, [])
    with dynamodb_requests() as sent:
        done = pool.answer(user, swapped, code_sent_to(stack, user["email"], before), ip=CAFE_IP,
                           device=asked.device())
    assert done.status == 200 and "accessToken" in done.body, done
    assert sent == ["GetItem", "TransactWriteItems"]
    assert pool.events(other["username"])[0].response == "InProgress"  # theirs is untouched
    assert pool.events(user["username"])[0].response == "Pass"


def test_an_abandoned_step_up_stays_in_the_history_and_a_later_sign_in_does_not_resolve_it(
        stack: Any, pool: Pool) -> None:
    user = pool.user()
    home = settle(pool, user)
    asked = pool.sign_in(user, ip=CAFE_IP)  # the code is never entered
    assert asked.body.get("challenge") == "CUSTOM_CHALLENGE", asked
    abandoned = pool.events(user["username"])[0]
    assert (abandoned.response, abandoned.action) == ("InProgress", "MFA_REQUIRED")
    again = pool.sign_in(user, ip=HOME_IP, device=home)  # tokens at once: a later outcome supersedes the wait
    assert again.status == 200 and "accessToken" in again.body, again
    by_id = {e.event_id: e.response for e in pool.events(user["username"])}
    assert by_id[abandoned.event_id] == "InProgress"


def test_a_retried_post_authentication_keeps_the_event_passed_and_the_place_as_learned(stack: Any,
                                                                                      pool: Pool) -> None:
    user = pool.user()
    settle(pool, user)
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP)
    done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=CAFE_IP, device=asked.device())
    assert done.status == 200, done
    history = RiskService(pool.pool_id).store
    learned = history.get_user(pool.pool_id, normalise_username(user["username"]))
    events = pool.events(user["username"])
    invocation = [i for i in stack_invocations(stack, pool.pool_id, "PostAuthentication")
                  if "cogworks:risk-context" in (i["event"]["request"].get("clientMetadata") or {})][-1]
    assert post_authentication_learn(invocation["event"])  # Cognito invoking the trigger again
    again = history.get_user(pool.pool_id, normalise_username(user["username"]))
    assert [(e.event_id, e.response) for e in pool.events(user["username"])] == [
        (e.event_id, e.response) for e in events]
    assert {k: (v["f"], v["t"]) for k, v in again["dv"].items()} == {
        k: (v["f"], v["t"]) for k, v in learned["dv"].items()}
    assert set(again["nw"]) == set(learned["nw"])


@pytest.mark.parametrize("case", ["valid", "expired", "another pool", "another user", "forged", "truncated"])
def test_only_a_valid_hold_token_for_this_user_is_read(stack: Any, pool: Pool, case: str) -> None:
    user = pool.user()
    settle(pool, user)
    asked = pool.sign_in(user, ip=CAFE_IP)
    token, _ = held_session(asked)
    now = time.time()
    body, mac = token.split(".")
    pool_id, username, when = pool.pool_id, user["username"], now
    if case == "expired":
        when = now + HOLD_SECONDS + 1
    elif case == "another pool":
        pool_id = "us-east-1_Another01"
    elif case == "another user":
        username = "someone-else"
    elif case == "forged":
        token = body + "." + ("0" if mac[0] != "0" else "1") + mac[1:]
    elif case == "truncated":
        token = body[:-4] + "." + mac
    held = read_hold(pool_id, username, token, when)
    if case == "valid":
        pending = pool.events(user["username"])[0]
        assert held is not None and held.event == pending.event_id
        assert held.keys[0] == pending.device and held.before == (None, None, None)
    else:
        assert held is None


def test_a_known_device_on_a_new_network_keeps_its_first_sight_and_trust_after_the_one_write(
        stack: Any, pool: Pool) -> None:
    user = pool.user()
    home = settle(pool, user)
    store = RiskService(pool.pool_id).store
    key = normalise_username(user["username"])
    known = store.get_user(pool.pool_id, key)["dv"]
    pool.configure(low="MFA_REQUIRED")  # a known device on a new network scores Low: ask even then
    before = outbox_ids(stack)
    asked = pool.sign_in(user, ip=CAFE_IP, device=home)
    assert asked.body.get("challenge") == "CUSTOM_CHALLENGE", asked
    with dynamodb_requests() as sent:
        done = pool.answer(user, asked, code_sent_to(stack, user["email"], before), ip=CAFE_IP, device=home)
    assert done.status == 200 and "accessToken" in done.body, done
    assert sent == ["TransactWriteItems"]
    after = store.get_user(pool.pool_id, key)
    assert {k: (v["f"], v["t"]) for k, v in after["dv"].items()} == {k: (v["f"], v["t"]) for k, v in known.items()}
    assert len(after["nw"]) == 2
