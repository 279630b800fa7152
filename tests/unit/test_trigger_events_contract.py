"""emulator.triggers without a server: the event envelope Cognito sends, the default responses it pre-fills,
which output it accepts, and how each failure reaches the client (cognito-contract.md §1.2, §2).

The envelope is compared with the powertools sample events in tests/events; functions run through a
recording invoker, or through ChaliceInvoker on a throwaway Chalice app.
"""

from __future__ import annotations

import concurrent.futures
import json
import time
from pathlib import Path
from typing import Any

import pytest
from chalice import Chalice

import emulator.triggers
from emulator.errors import InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException
from emulator.state import SigningKey, UserPool
from emulator.triggers import (
    ADMIN_CLIENT_ID,
    RESPONSE_KEYS,
    ChaliceInvoker,
    FunctionNotFoundError,
    LambdaFunctionError,
    Triggers,
    function_name_from_ref,
    validate_response,
)

EVENTS = Path(__file__).resolve().parent.parent / "events"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:cogworks-local-{}"
SOURCES = {
    "PreSignUp": ("PreSignUp_SignUp", "cognitoPreSignUpEvent.json"),
    "PostConfirmation": ("PostConfirmation_ConfirmSignUp", "cognitoPostConfirmationEvent.json"),
    "PreAuthentication": ("PreAuthentication_Authentication", "cognitoPreAuthenticationEvent.json"),
    "PostAuthentication": ("PostAuthentication_Authentication", "cognitoPostAuthenticationEvent.json"),
    "DefineAuthChallenge": ("DefineAuthChallenge_Authentication", "cognitoDefineAuthChallengeEvent.json"),
    "CreateAuthChallenge": ("CreateAuthChallenge_Authentication", "cognitoCreateAuthChallengeEvent.json"),
    "VerifyAuthChallengeResponse": ("VerifyAuthChallengeResponse_Authentication",
                                    "cognitoVerifyAuthChallengeResponseEvent.json"),
    "PreTokenGeneration": ("TokenGeneration_Authentication", "cognitoPreTokenGenerationEvent.json"),
    "CustomMessage": ("CustomMessage_SignUp", "cognitoCustomMessageEvent.json"),
    "UserMigration": ("UserMigration_Authentication", "cognitoUserMigrationEvent.json"),
}


class Recorder:
    """An invoker that records each event and answers with a function of it."""

    def __init__(self, answer: Any = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answer = answer if answer is not None else (lambda event: event)

    def invoke(self, function_name: str, event: dict[str, Any]) -> Any:
        self.calls.append((function_name, json.loads(json.dumps(event))))
        return self.answer(event)


def pool(**lambda_config: Any) -> UserPool:
    key = SigningKey(kid="kid", private_pem=b"", public_jwk={})
    return UserPool(pool_id="us-east-1_Example1", name="p", region="us-east-1",
                    config={"LambdaConfig": lambda_config}, id_key=key, access_key=key, simulation_secret=b"s")


def all_configured() -> UserPool:
    return pool(**{trigger: ARN.format(trigger.lower()) for trigger in SOURCES})


def run(triggers: Triggers, trigger: str, *, client_id: str | None = "client123", **kwargs: Any) -> Any:
    source = SOURCES[trigger][0]
    return triggers.run(all_configured(), trigger, source, "alice", {"userAttributes": {"email": "a@example.com"}},
                        client_id=client_id, **kwargs)


# --- the event ------------------------------------------------------------------------------------------------


def test_envelope_is_cognito_s():
    recorder = Recorder()
    run(Triggers(recorder), "PreSignUp")
    function, event = recorder.calls[0]
    assert function == ARN.format("presignup")
    assert event == {
        "version": "1", "triggerSource": "PreSignUp_SignUp", "region": "us-east-1", "userPoolId": "us-east-1_Example1",
        "userName": "alice", "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client123"},
        "request": {"userAttributes": {"email": "a@example.com"}},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }


@pytest.mark.parametrize("trigger", sorted(SOURCES))
def test_envelope_has_the_sample_event_s_keys(trigger):
    recorder = Recorder()
    run(Triggers(recorder), trigger)
    event = recorder.calls[0][1]
    sample = json.loads((EVENTS / SOURCES[trigger][1]).read_text())
    assert set(event) == set(sample)
    assert set(event["callerContext"]) == {"awsSdkVersion", "clientId"}
    assert event["triggerSource"] == SOURCES[trigger][0]


def test_admin_operations_send_client_id_not_applicable():
    recorder = Recorder()
    run(Triggers(recorder), "PostConfirmation", client_id=None)
    assert recorder.calls[0][1]["callerContext"]["clientId"] == ADMIN_CLIENT_ID == "CLIENT_ID_NOT_APPLICABLE"


def test_version_is_passed_through_for_pre_token_generation_v2():
    recorder = Recorder()
    run(Triggers(recorder), "PreTokenGeneration", version="2")
    assert recorder.calls[0][1]["version"] == "2"


@pytest.mark.parametrize(("trigger", "response"), [
    ("PreSignUp", {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}),
    ("CustomMessage", {"smsMessage": None, "emailMessage": None, "emailSubject": None}),
    ("DefineAuthChallenge", {"challengeName": None, "issueTokens": None, "failAuthentication": None}),
    ("CreateAuthChallenge", {"publicChallengeParameters": None, "privateChallengeParameters": None,
                             "challengeMetadata": None}),
    ("VerifyAuthChallengeResponse", {"answerCorrect": None}),
    ("UserMigration", {"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                       "desiredDeliveryMediums": None, "forceAliasCreation": None}),
    ("PostConfirmation", {}),
    ("PreAuthentication", {}),
    ("PostAuthentication", {}),
    ("PreTokenGeneration", {}),
])
def test_default_response(trigger, response):
    recorder = Recorder()
    assert run(Triggers(recorder), trigger) == response
    assert recorder.calls[0][1]["response"] == response


def test_the_logged_event_is_the_one_sent_not_the_one_the_function_mutated():
    def mutate(event: dict[str, Any]) -> dict[str, Any]:
        event["request"]["userAttributes"]["email"] = "changed@example.com"
        event["response"]["autoConfirmUser"] = True
        return event

    triggers = Triggers(Recorder(mutate))
    assert run(triggers, "PreSignUp")["autoConfirmUser"] is True
    [entry] = triggers.log.entries()
    assert entry["trigger"] == "PreSignUp"
    assert entry["event"]["request"]["userAttributes"]["email"] == "a@example.com"
    assert entry["result"]["response"]["autoConfirmUser"] is True


def test_unconfigured_trigger_is_not_invoked():
    recorder = Recorder()
    assert Triggers(recorder).run(pool(), "PreSignUp", "PreSignUp_SignUp", "alice", {}, client_id="c") is None
    assert recorder.calls == []


def test_configured_trigger_without_an_invoker_fails_closed():
    with pytest.raises(UnexpectedLambdaException) as exc:
        run(Triggers(None), "PreSignUp")
    assert exc.value.message == "PreSignUp invocation failed due to error AccessDeniedException."


def test_pre_token_generation_config_wins_over_the_legacy_arn():
    both = pool(PreTokenGeneration=ARN.format("legacy"),
                PreTokenGenerationConfig={"LambdaVersion": "V2_0", "LambdaArn": ARN.format("v2")})
    assert Triggers.configured(both, "PreTokenGeneration") == ARN.format("v2")
    assert Triggers.pre_token_version(both) == "V2_0"
    legacy = pool(PreTokenGeneration=ARN.format("legacy"))
    assert Triggers.configured(legacy, "PreTokenGeneration") == ARN.format("legacy")
    assert Triggers.pre_token_version(legacy) == "V1_0"


# --- what comes back ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("output", [
    None, "ok", 42, [], {}, {"response": None}, {"response": "yes"},
    {"response": {"failAuthentication": True}},
    {"response": {"autoConfirmUser": True, "unexpected": 1}},
])
def test_unusable_output_is_unrecognizable(output):
    with pytest.raises(InvalidLambdaResponseException) as exc:
        validate_response("PreSignUp", output)
    assert exc.value.message == "Unrecognizable lambda output"


def test_null_foreign_keys_are_tolerated():
    assert validate_response("PreSignUp", {"response": {"autoConfirmUser": True, "issueTokens": None}}) == {
        "autoConfirmUser": True, "issueTokens": None}


@pytest.mark.parametrize("trigger", sorted(RESPONSE_KEYS))
def test_each_trigger_accepts_its_own_response_keys(trigger):
    response = {key: "x" for key in RESPONSE_KEYS[trigger]}
    assert validate_response(trigger, {"response": response}) == response


@pytest.mark.parametrize(("error", "code", "message"), [
    (LambdaFunctionError("Registration closed."), UserLambdaValidationException,
     "PreSignUp failed with error Registration closed.."),
    (concurrent.futures.TimeoutError(), UnexpectedLambdaException,
     "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."),
    (FunctionNotFoundError("pre_sign_up"), UnexpectedLambdaException,
     "PreSignUp invocation failed due to error ResourceNotFoundException."),
])
def test_failures_map_to_cognito_s_errors(error, code, message):
    def raise_it(event: dict[str, Any]) -> None:
        raise error

    triggers = Triggers(Recorder(raise_it))
    with pytest.raises(code) as exc:
        run(triggers, "PreSignUp")
    assert exc.value.message == message
    assert "error" in triggers.log.entries()[0]


# --- resolving and running a Chalice function ---------------------------------------------------------------


@pytest.mark.parametrize(("ref", "name"), [
    ("arn:aws:lambda:us-east-1:123456789012:function:cogworks-local-pre_sign_up", "cogworks-local-pre_sign_up"),
    ("arn:aws:lambda:us-east-1:123456789012:function:pre_sign_up:live", "pre_sign_up"),
    ("pre_sign_up", "pre_sign_up"),
])
def test_function_name_from_ref(ref, name):
    assert function_name_from_ref(ref) == name


@pytest.fixture()
def app() -> Chalice:
    app = Chalice(app_name="unit")

    @app.lambda_function(name="echo")
    def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["seen_by"] = context.function_name
        return event

    @app.lambda_function(name="boom")
    def boom(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise ValueError("no such domain")

    @app.lambda_function(name="slow")
    def slow(event: dict[str, Any], context: Any) -> dict[str, Any]:
        time.sleep(0.5)
        return event

    return app


@pytest.mark.parametrize("ref", [ARN.format("echo"), "arn:aws:lambda:us-east-1:1:function:echo", "echo"])
def test_chalice_invoker_finds_the_function_by_arn_or_name(app, ref):
    result = ChaliceInvoker(app).invoke(ref, {"response": {}})
    assert result == {"response": {"seen_by": "echo"}}


def test_chalice_invoker_reports_a_missing_function(app):
    with pytest.raises(FunctionNotFoundError):
        ChaliceInvoker(app).invoke(ARN.format("nothing"), {"response": {}})


def test_chalice_invoker_turns_an_exception_into_a_function_error(app):
    with pytest.raises(LambdaFunctionError) as exc:
        ChaliceInvoker(app).invoke(ARN.format("boom"), {"response": {}})
    assert str(exc.value) == "no such domain"


def test_chalice_invoker_times_out(app, monkeypatch):
    monkeypatch.setattr(emulator.triggers, "TIMEOUT_SECONDS", 0.1)
    with pytest.raises(concurrent.futures.TimeoutError):
        ChaliceInvoker(app).invoke(ARN.format("slow"), {"response": {}})
