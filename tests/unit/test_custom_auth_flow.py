"""chalicelib.auth.flow: the DefineAuthChallenge decision for every session shape, and the round Create builds.

Session entries are Cognito's ChallengeResult objects, oldest first
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-define-auth-challenge.html);
``challengeMetadata`` is what the bundle's CreateAuthChallenge wrote: ``PROVIDE_AUTH_PARAMETERS:<nonce>`` for a
selection round, ``<METHOD>`` (or ``<METHOD>:STEP_UP``) for a method round.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import DefineAuthChallengeTriggerEvent

from chalicelib.auth import flow
from chalicelib.auth.flow import FAIL, ISSUE_TOKENS, Decision, FlowError, Round, present
from chalicelib.auth.policy import Policy

CUSTOM = frozenset({"EMAIL_OTP", "SMS_OTP", "MAGIC_LINK"})
POOL = Policy(first=("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "PASSWORD"), second=("EMAIL_OTP", "SMS_OTP"),
              step_up_after=frozenset())
STEP_UP_PASSWORD = Policy(first=POOL.first, second=POOL.second, step_up_after=frozenset({"PASSWORD"}))
NO_PASSWORD = Policy(first=("EMAIL_OTP",), second=("SMS_OTP",), step_up_after=frozenset())
CHALLENGE = present("CUSTOM_CHALLENGE")


def entry(name: str, result: Any = True, metadata: str | None = None) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


SRP_OK, SRP_BAD = entry("SRP_A"), entry("SRP_A", False)
PV_OK, PV_BAD = entry("PASSWORD_VERIFIER"), entry("PASSWORD_VERIFIER", False)
SEL_OK, SEL_BAD = entry("CUSTOM_CHALLENGE", True, "PROVIDE_AUTH_PARAMETERS:n1"), \
    entry("CUSTOM_CHALLENGE", False, "PROVIDE_AUTH_PARAMETERS:n1")
EMAIL_OK, EMAIL_BAD = entry("CUSTOM_CHALLENGE", True, "EMAIL_OTP"), entry("CUSTOM_CHALLENGE", False, "EMAIL_OTP")
SMS_OK, SMS_BAD = entry("CUSTOM_CHALLENGE", True, "SMS_OTP"), entry("CUSTOM_CHALLENGE", False, "SMS_OTP")
STEP_OK = entry("CUSTOM_CHALLENGE", True, "SMS_OTP:STEP_UP")
EMAIL = {"signInMethod": "EMAIL_OTP"}
SMS = {"signInMethod": "SMS_OTP"}
STEP = {"signInMethod": "SMS_OTP", "stepUpToken": "a.b.c"}

# (what, session, user not found, client metadata, policy, decision)
TABLE: list[tuple[str, list[dict[str, Any]], bool, dict[str, str], Policy, Decision]] = [
    ("nothing yet: the selection round", [], False, {}, POOL, CHALLENGE),
    ("nothing yet, unknown user: the same selection round", [], True, {}, POOL, CHALLENGE),
    # method selection
    ("a method chosen: its challenge", [SEL_OK], False, EMAIL, POOL, CHALLENGE),
    ("a method chosen by an unknown user: its challenge", [SEL_OK], True, EMAIL, POOL, CHALLENGE),
    ("a selection judged right without a method: fail", [SEL_OK], False, {}, POOL, FAIL),
    ("an unknown method: fail", [SEL_BAD], False, {"signInMethod": "CARRIER_PIGEON"}, POOL, FAIL),
    ("a method the verifier refused: fail", [SEL_BAD], False, EMAIL, POOL, FAIL),
    ("an unknown method even if judged right: fail", [SEL_OK], False, {"signInMethod": "CARRIER_PIGEON"}, POOL,
     FAIL),
    ("a method the policy does not allow first: fail", [SEL_OK], False, SMS, NO_PASSWORD, FAIL),
    ("PASSWORD cannot be chosen in a custom round", [SEL_OK], False, {"signInMethod": "PASSWORD"}, POOL, FAIL),
    ("a selection answered without a method: ask again", [SEL_BAD], False, {}, POOL, CHALLENGE),
    ("three selections without a method: fail", [SEL_BAD, SEL_BAD, SEL_BAD], False, {}, POOL, FAIL),
    # the chosen method's rounds
    ("right code", [SEL_OK, EMAIL_OK], False, {}, POOL, ISSUE_TOKENS),
    ("one wrong code: ask again", [SEL_OK, EMAIL_BAD], False, {}, POOL, CHALLENGE),
    ("two wrong codes: ask again", [SEL_OK, EMAIL_BAD, EMAIL_BAD], False, {}, POOL, CHALLENGE),
    ("three wrong codes: fail", [SEL_OK, EMAIL_BAD, EMAIL_BAD, EMAIL_BAD], False, {}, POOL, FAIL),
    ("right on the third try", [SEL_OK, EMAIL_BAD, EMAIL_BAD, EMAIL_OK], False, {}, POOL, ISSUE_TOKENS),
    ("a wrong selection and two wrong codes make three: fail", [SEL_BAD, SEL_OK, EMAIL_BAD, EMAIL_BAD], False, {},
     POOL, FAIL),
    ("unknown user, wrong codes: ask again", [SEL_OK, EMAIL_BAD], True, {}, POOL, CHALLENGE),
    ("unknown user, three wrong codes: fail", [SEL_OK, EMAIL_BAD, EMAIL_BAD, EMAIL_BAD], True, {}, POOL, FAIL),
    ("unknown user, an answer judged right: never tokens", [SEL_OK, EMAIL_OK], True, {}, POOL, FAIL),
    ("a method the policy no longer allows: fail", [SEL_OK, SMS_OK], False, {}, NO_PASSWORD, FAIL),
    # PASSWORD (SRP inside CUSTOM_AUTH)
    ("SRP_A opened the flow: the password next", [SRP_OK], False, {}, POOL, present("PASSWORD_VERIFIER")),
    ("SRP_A opened the flow, unknown user: the password next", [SRP_OK], True, {}, POOL,
     present("PASSWORD_VERIFIER")),
    ("SRP_A when the policy has no PASSWORD: fail", [SRP_OK], False, {}, NO_PASSWORD, FAIL),
    ("SRP_A not passed", [SRP_BAD], False, {}, POOL, FAIL),
    ("right password", [SRP_OK, PV_OK], False, {}, POOL, ISSUE_TOKENS),
    ("wrong password", [SRP_OK, PV_BAD], False, {}, POOL, FAIL),
    ("a proof for an unknown user never issues tokens", [SRP_OK, PV_OK], True, {}, POOL, FAIL),
    ("SRP_A anywhere but first: fail", [SEL_OK, SRP_OK], False, {}, POOL, FAIL),
    # PASSWORD then a second factor (step-up)
    ("right password, second factor required: the selection round", [SRP_OK, PV_OK], False, {},
     STEP_UP_PASSWORD, CHALLENGE),
    ("second factor chosen", [SRP_OK, PV_OK, SEL_OK], False, SMS, STEP_UP_PASSWORD, CHALLENGE),
    ("a second factor not in the policy: fail", [SRP_OK, PV_OK, SEL_OK], False, {"signInMethod": "MAGIC_LINK"},
     STEP_UP_PASSWORD, FAIL),
    ("a second factor when none is required: fail", [SRP_OK, PV_OK, SEL_OK], False, SMS, POOL, FAIL),
    ("password then a wrong code: ask again", [SRP_OK, PV_OK, SEL_OK, SMS_BAD], False, {}, STEP_UP_PASSWORD,
     CHALLENGE),
    ("password then a right code", [SRP_OK, PV_OK, SEL_OK, SMS_OK], False, {}, STEP_UP_PASSWORD, ISSUE_TOKENS),
    ("password then three wrong codes: fail", [SRP_OK, PV_OK, SEL_OK, SMS_BAD, SMS_BAD, SMS_BAD], False, {},
     STEP_UP_PASSWORD, FAIL),
    ("Cognito's own MFA after the password counts as the second factor",
     [SRP_OK, PV_OK, entry("SOFTWARE_TOKEN_MFA")], False, {}, STEP_UP_PASSWORD, ISSUE_TOKENS),
    ("Cognito's own MFA failed: fail", [SRP_OK, PV_OK, entry("SMS_MFA", False)], False, {}, POOL, FAIL),
    ("Cognito's MFA without a password first: fail", [entry("SMS_MFA")], False, {}, POOL, FAIL),
    # the step-up of a signed-in user (its token stands for the first factor)
    ("step-up: a second factor chosen", [SEL_OK], False, STEP, POOL, CHALLENGE),
    ("step-up with a method that is not a second factor: fail", [SEL_OK], False,
     {"signInMethod": "MAGIC_LINK", "stepUpToken": "a.b.c"}, POOL, FAIL),
    ("step-up: the right code", [SEL_OK, STEP_OK], False, {}, POOL, ISSUE_TOKENS),
    ("step-up of an unknown user: never tokens", [SEL_OK, STEP_OK], True, {}, POOL, FAIL),
    ("a step-up round after a first factor: fail", [SRP_OK, PV_OK, SEL_OK, STEP_OK], False, {}, STEP_UP_PASSWORD,
     FAIL),
    # shapes this table does not know
    ("a challenge this table does not know: fail", [entry("DEVICE_SRP_AUTH")], False, {}, POOL, FAIL),
    ("a custom round without metadata: fail", [entry("CUSTOM_CHALLENGE", True, None)], False, EMAIL, POOL, FAIL),
    ("a custom round with foreign metadata: fail", [entry("CUSTOM_CHALLENGE", True, "ROUND-1")], False, {}, POOL,
     FAIL),
    ("a result that is not the boolean true is not a pass", [SEL_OK, entry("CUSTOM_CHALLENGE", "true", "EMAIL_OTP")],
     False, {}, POOL, CHALLENGE),
    ("a missing result is not a pass", [{"challengeName": "PASSWORD_VERIFIER"}], False, {}, POOL, FAIL),
    ("a missing name: fail", [{"challengeResult": True}], False, {}, POOL, FAIL),
    ("more rounds than any sign-in needs: fail", [SEL_OK] * 9, False, EMAIL, POOL, FAIL),
]


@pytest.mark.parametrize(("session", "user_not_found", "metadata", "policy", "expected"),
                         [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_next_step(session, user_not_found, metadata, policy, expected):
    assert flow.next_step(session, user_not_found, metadata, policy, CUSTOM) == expected


def test_unknown_user_rounds_are_bounded_whatever_the_verdicts():
    rounds = [SEL_OK] + [EMAIL_OK] * 8
    assert flow.next_step(rounds, True, {}, POOL, CUSTOM) == FAIL
    assert flow.next_step([SEL_OK, EMAIL_OK, EMAIL_OK], True, {}, POOL, CUSTOM) == FAIL


def test_the_pool_policy_and_plug_ins_are_the_defaults(monkeypatch):
    monkeypatch.setenv("AUTH_FIRST_FACTORS", "MAGIC_LINK")
    assert flow.next_step([SEL_OK], False, {"signInMethod": "MAGIC_LINK"}) == CHALLENGE
    assert flow.next_step([SEL_OK], False, EMAIL) == FAIL


# The account-takeover action (chalicelib.risk.required_action), passed in as ``risk``; ``usable``: the methods
# whose plug-in the user can use. (what, session, metadata, policy, action, usable, decision)
EVERYTHING = frozenset(CUSTOM)
RISK_TABLE: list[tuple[str, list[dict[str, Any]], dict[str, str], Policy, str, frozenset[str], Decision]] = [
    ("password, NO_ACTION: tokens", [SRP_OK, PV_OK], {}, POOL, "NO_ACTION", EVERYTHING, ISSUE_TOKENS),
    ("password, MFA_REQUIRED: the selection of a second factor", [SRP_OK, PV_OK], {}, POOL, "MFA_REQUIRED",
     EVERYTHING, CHALLENGE),
    ("password, MFA_REQUIRED, no usable second factor: refused", [SRP_OK, PV_OK], {}, POOL, "MFA_REQUIRED",
     frozenset({"MAGIC_LINK"}), flow.REFUSE),
    ("password, MFA_IF_CONFIGURED with a usable factor: the selection", [SRP_OK, PV_OK], {}, POOL,
     "MFA_IF_CONFIGURED", frozenset({"SMS_OTP"}), CHALLENGE),
    ("password, MFA_IF_CONFIGURED without one: tokens", [SRP_OK, PV_OK], {}, POOL, "MFA_IF_CONFIGURED",
     frozenset(), ISSUE_TOKENS),
    ("password, BLOCK: refused", [SRP_OK, PV_OK], {}, POOL, "BLOCK", EVERYTHING, flow.REFUSE),
    ("password, the risk history unreadable: fail", [SRP_OK, PV_OK], {}, POOL, "UNREADABLE", EVERYTHING, FAIL),
    ("MFA_REQUIRED: a second factor chosen", [SRP_OK, PV_OK, SEL_OK], SMS, POOL, "MFA_REQUIRED", EVERYTHING,
     CHALLENGE),
    ("NO_ACTION: a second factor nobody asked for still fails", [SRP_OK, PV_OK, SEL_OK], SMS, POOL, "NO_ACTION",
     EVERYTHING, FAIL),
    ("MFA_REQUIRED: the same factor twice is not a second factor", [SEL_OK, EMAIL_OK, SEL_OK], EMAIL, POOL,
     "MFA_REQUIRED", EVERYTHING, FAIL),
    ("MFA_REQUIRED: the password then a right code", [SRP_OK, PV_OK, SEL_OK, SMS_OK], {}, POOL, "MFA_REQUIRED",
     EVERYTHING, ISSUE_TOKENS),
    ("MFA_REQUIRED: the password then a wrong code: ask again", [SRP_OK, PV_OK, SEL_OK, SMS_BAD], {}, POOL,
     "MFA_REQUIRED", EVERYTHING, CHALLENGE),
    ("MFA_REQUIRED after a passwordless first factor: a second one", [SEL_OK, EMAIL_OK], {}, POOL, "MFA_REQUIRED",
     EVERYTHING, CHALLENGE),
    ("Cognito's own MFA already made two factors", [SRP_OK, PV_OK, entry("SOFTWARE_TOKEN_MFA")], {}, POOL,
     "MFA_REQUIRED", frozenset(), ISSUE_TOKENS),
    ("the policy's own step-up needs no risk answer", [SRP_OK, PV_OK], {}, STEP_UP_PASSWORD, "UNREADABLE",
     EVERYTHING, CHALLENGE),
    ("a wrong password fails before any risk check", [SRP_OK, PV_BAD], {}, POOL, "UNREADABLE", EVERYTHING, FAIL),
]


@pytest.mark.parametrize(("session", "metadata", "policy", "action", "usable", "expected"),
                         [row[1:] for row in RISK_TABLE], ids=[row[0] for row in RISK_TABLE])
def test_next_step_with_the_risk_action(session, metadata, policy, action, usable, expected):
    asked: list[str] = []

    def risk() -> str:
        asked.append(action)
        return action

    assert flow.next_step(session, False, metadata, policy, CUSTOM, risk=risk, usable=usable) == expected
    assert len(asked) <= 1


@pytest.mark.parametrize("session", [[], [SRP_OK], [SEL_OK], [SEL_OK, EMAIL_BAD], [SRP_OK, PV_BAD],
                                     [SRP_OK, PV_OK, SEL_OK, SMS_OK], [SEL_OK, STEP_OK]],
                         ids=["start", "srp", "selection", "wrong code", "wrong password", "two factors", "step-up"])
def test_the_risk_is_checked_only_after_a_first_factor(session):
    def risk() -> str:
        raise AssertionError("the risk check ran")

    flow.next_step(session, False, STEP if session == [SEL_OK, STEP_OK] else EMAIL, POOL, CUSTOM, risk=risk)


def test_an_unknown_user_never_reaches_the_risk_check():
    def risk() -> str:
        raise AssertionError("the risk check ran")

    assert flow.next_step([SRP_OK, PV_OK], True, {}, POOL, CUSTOM, risk=risk) == FAIL


# CreateAuthChallenge's rounds

ROUNDS: list[tuple[str, list[dict[str, Any]], dict[str, str], Round]] = [
    ("first call: select factor 1", [], {}, Round("select", 1, anchor=0)),
    ("after a selection: the method's first round", [SEL_OK], EMAIL, Round("method", 1, "EMAIL_OTP", True, False, 1)),
    ("after a wrong code: the same method, no new code", [SEL_OK, EMAIL_BAD], {},
     Round("method", 1, "EMAIL_OTP", False, False, 1)),
    ("after two wrong codes: still anchored at the selection", [SEL_OK, EMAIL_BAD, EMAIL_BAD], EMAIL,
     Round("method", 1, "EMAIL_OTP", False, False, 1)),
    ("after a selection without a method: select again", [SEL_BAD], {}, Round("select", 1, anchor=1)),
    ("after the password: select factor 2", [SRP_OK, PV_OK], {}, Round("select", 2, anchor=2)),
    ("the second factor's first round", [SRP_OK, PV_OK, SEL_OK], SMS, Round("method", 2, "SMS_OTP", True, False, 3)),
    ("a step-up selection", [SEL_OK], STEP, Round("method", 1, "SMS_OTP", True, True, 1)),
    ("a step-up round asked again keeps its flag", [SEL_OK, entry("CUSTOM_CHALLENGE", False, "SMS_OTP:STEP_UP")], {},
     Round("method", 1, "SMS_OTP", False, True, 1)),
]


@pytest.mark.parametrize(("session", "metadata", "expected"), [row[1:] for row in ROUNDS],
                         ids=[row[0] for row in ROUNDS])
def test_next_round(session, metadata, expected):
    assert flow.next_round(session, metadata) == expected


@pytest.mark.parametrize("session", [[SEL_OK], [SRP_OK], [EMAIL_BAD]], ids=["no method", "srp", "no selection"])
def test_rounds_define_would_never_ask_for_are_refused(session):
    with pytest.raises(FlowError):
        flow.next_round(session, {})


def test_the_sign_in_key_is_stable_per_run_and_unique_per_sign_in():
    one = flow.sign_in_key("pool", "alice", [SEL_OK, EMAIL_BAD], 1)
    assert one == flow.sign_in_key("pool", "alice", [SEL_OK], 1)
    other_sign_in = entry("CUSTOM_CHALLENGE", True, "PROVIDE_AUTH_PARAMETERS:n2")
    assert one != flow.sign_in_key("pool", "alice", [other_sign_in], 1)
    assert one != flow.sign_in_key("pool", "bob", [SEL_OK], 1)


def define_event() -> DefineAuthChallengeTriggerEvent:
    return DefineAuthChallengeTriggerEvent({
        "version": "1", "triggerSource": "DefineAuthChallenge_Authentication", "region": "us-east-1",
        "userPoolId": "us-east-1_example", "userName": "alice",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
        "request": {"userAttributes": {}, "session": []},
        "response": {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    })


@pytest.mark.parametrize(("decision", "response"), [
    (ISSUE_TOKENS, {"challengeName": None, "issueTokens": True, "failAuthentication": False}),
    (FAIL, {"challengeName": None, "issueTokens": False, "failAuthentication": True}),
    (present("CUSTOM_CHALLENGE"),
     {"challengeName": "CUSTOM_CHALLENGE", "issueTokens": False, "failAuthentication": False}),
])
def test_decision_is_written_into_the_cognito_response(decision, response):
    event = define_event()
    decision.apply_to(event.response)
    assert event.raw_event["response"] == response
