"""CUSTOM_AUTH as Cognito runs it: DefineAuthChallenge decides, CreateAuthChallenge builds, VerifyAuthChallenge-
Response judges, round after round, until tokens or failure (cognito-contract.md §1.4, §3.2); SRP_A then
PASSWORD_VERIFIER inside CUSTOM_AUTH with the bundle's own define_auth_challenge.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import ALL_TRIGGERS, PASSWORD, TRIGGER_ARN, error_of, register_trigger, unique
from tests.e2e.test_passwordless_helpers import password_first
from tests.helpers import INCORRECT, claims_of

UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")


def triggers_with(**overrides: str) -> dict[str, Any]:
    config: dict[str, Any] = {key: TRIGGER_ARN.format(name) for key, name in ALL_TRIGGERS.items()}
    config.update(overrides)
    return config


def new_user(idp: Any, pool_id: str, client_id: str) -> str:
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    return username


def custom_events(stack: Any, pool_id: str, trigger: str) -> list[dict[str, Any]]:
    return [e["event"] for e in reversed(stack.invocations())
            if e["event"]["userPoolId"] == pool_id and e["trigger"] == trigger]


# Two rounds of questions; a wrong answer ends the sign-in.


def two_rounds_define(event: dict[str, Any], context: Any) -> dict[str, Any]:
    session = event["request"]["session"]
    if session and session[-1]["challengeResult"] is not True:
        event["response"].update(issueTokens=False, failAuthentication=True)
    elif len(session) == 2:
        event["response"].update(issueTokens=True, failAuthentication=False)
    else:
        event["response"].update(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)
    return event


def two_rounds_create(event: dict[str, Any], context: Any) -> dict[str, Any]:
    round_number = len(event["request"]["session"]) + 1
    event["response"].update(publicChallengeParameters={"round": str(round_number)},
                             privateChallengeParameters={"answer": f"answer-{round_number}"},
                             challengeMetadata=f"ROUND-{round_number}")
    return event


def two_rounds_verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["request"]
    event["response"]["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    return event


@pytest.fixture()
def two_rounds(stack, idp, make_pool) -> dict[str, str]:
    pool_id, client_id = make_pool(triggers=triggers_with(
        DefineAuthChallenge=register_trigger(stack, two_rounds_define),
        CreateAuthChallenge=register_trigger(stack, two_rounds_create),
        VerifyAuthChallengeResponse=register_trigger(stack, two_rounds_verify)))
    return {"pool_id": pool_id, "client_id": client_id, "username": new_user(idp, pool_id, client_id)}


def respond(idp: Any, user: dict[str, str], session: str, reply: str) -> dict[str, Any]:
    return idp.respond_to_auth_challenge(ClientId=user["client_id"], ChallengeName="CUSTOM_CHALLENGE",
                                         Session=session,
                                         ChallengeResponses={"USERNAME": user["username"], "ANSWER": reply})


def test_two_correct_rounds_issue_tokens_and_echo_challenge_metadata(stack, idp, two_rounds):
    user = two_rounds
    first = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="CUSTOM_AUTH",
                              AuthParameters={"USERNAME": user["username"]})
    assert first["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert first["ChallengeParameters"] == {"round": "1", "USERNAME": user["username"]}
    second = respond(idp, user, first["Session"], "answer-1")
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert second["ChallengeParameters"] == {"round": "2", "USERNAME": user["username"]}
    assert second["Session"] != first["Session"]
    done = respond(idp, user, second["Session"], "answer-2")
    assert "ChallengeName" not in done
    id_claims = claims_of(done["AuthenticationResult"]["IdToken"])
    assert id_claims["cognito:username"] == user["username"]
    last_define = custom_events(stack, user["pool_id"], "DefineAuthChallenge")[-1]
    assert last_define["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "ROUND-1"},
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "ROUND-2"}]
    second_create = custom_events(stack, user["pool_id"], "CreateAuthChallenge")[-1]
    assert second_create["request"]["session"] == last_define["request"]["session"][:1]
    last_verify = custom_events(stack, user["pool_id"], "VerifyAuthChallengeResponse")[-1]
    assert last_verify["request"]["privateChallengeParameters"] == {"answer": "answer-2"}


def test_fail_authentication_is_incorrect_username_or_password(idp, two_rounds):
    user = two_rounds
    first = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="CUSTOM_AUTH",
                              AuthParameters={"USERNAME": user["username"]})
    second = respond(idp, user, first["Session"], "answer-1")
    with pytest.raises(ClientError) as exc:
        respond(idp, user, second["Session"], "wrong")
    assert error_of(exc) == INCORRECT


def test_admin_custom_auth_runs_the_same_rounds(idp, two_rounds):
    user = two_rounds
    first = idp.admin_initiate_auth(UserPoolId=user["pool_id"], ClientId=user["client_id"], AuthFlow="CUSTOM_AUTH",
                                    AuthParameters={"USERNAME": user["username"]})
    second = idp.admin_respond_to_auth_challenge(
        UserPoolId=user["pool_id"], ClientId=user["client_id"], ChallengeName="CUSTOM_CHALLENGE",
        Session=first["Session"], ChallengeResponses={"USERNAME": user["username"], "ANSWER": "answer-1"})
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=user["pool_id"], ClientId=user["client_id"], ChallengeName="CUSTOM_CHALLENGE",
        Session=second["Session"], ChallengeResponses={"USERNAME": user["username"], "ANSWER": "answer-2"})
    assert "IdToken" in done["AuthenticationResult"]


# SRP_A then PASSWORD_VERIFIER inside CUSTOM_AUTH, decided by the bundle's define_auth_challenge.


def test_srp_a_then_password_verifier_issues_tokens_for_the_right_password(stack, idp, confirmed_user):
    result = password_first(idp, confirmed_user, PASSWORD)
    assert "AccessToken" in result["AuthenticationResult"]
    sessions = [e["request"]["session"] for e in custom_events(stack, confirmed_user["pool_id"],
                                                                "DefineAuthChallenge")]
    assert sessions == [
        [{"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}],
        [{"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None},
         {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None}]]
    assert custom_events(stack, confirmed_user["pool_id"], "CreateAuthChallenge") == []


def test_srp_a_then_password_verifier_fails_for_a_wrong_password(stack, idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        password_first(idp, confirmed_user, "Wrong-Password-1")
    assert error_of(exc) == INCORRECT
    last = custom_events(stack, confirmed_user["pool_id"], "DefineAuthChallenge")[-1]
    assert last["request"]["session"][-1] == {"challengeName": "PASSWORD_VERIFIER", "challengeResult": False,
                                              "challengeMetadata": None}


# Responses Cognito cannot use.


def undecided_define(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(issueTokens=False, failAuthentication=False)
    return event


def contradictory_define(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(issueTokens=True, failAuthentication=True)
    return event


def silent_verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return event


def test_define_without_a_decision_is_unrecognizable(stack, idp, make_pool):
    define = register_trigger(stack, undecided_define)
    pool_id, client_id = make_pool(triggers=triggers_with(DefineAuthChallenge=define))
    username = new_user(idp, pool_id, client_id)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username})
    assert error_of(exc) == UNRECOGNIZABLE


def test_fail_authentication_wins_over_issue_tokens(stack, idp, make_pool):
    define = register_trigger(stack, contradictory_define)
    pool_id, client_id = make_pool(triggers=triggers_with(DefineAuthChallenge=define))
    username = new_user(idp, pool_id, client_id)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username})
    assert error_of(exc) == INCORRECT


def test_verify_without_answer_correct_is_unrecognizable(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=triggers_with(
        DefineAuthChallenge=register_trigger(stack, two_rounds_define),
        CreateAuthChallenge=register_trigger(stack, two_rounds_create),
        VerifyAuthChallengeResponse=register_trigger(stack, silent_verify)))
    user = {"client_id": client_id, "username": new_user(idp, pool_id, client_id)}
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                                AuthParameters={"USERNAME": user["username"]})
    with pytest.raises(ClientError) as exc:
        respond(idp, user, started["Session"], "any")
    assert error_of(exc) == UNRECOGNIZABLE


NOT_CONFIGURED = ("InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.")


@pytest.mark.parametrize("missing", ["DefineAuthChallenge", "CreateAuthChallenge"])
def test_custom_auth_needs_define_and_create_to_start(stack, idp, make_pool, missing):
    config = triggers_with(DefineAuthChallenge=register_trigger(stack, two_rounds_define),
                           CreateAuthChallenge=register_trigger(stack, two_rounds_create))
    del config[missing]
    pool_id, client_id = make_pool(triggers=config)
    username = new_user(idp, pool_id, client_id)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username})
    assert error_of(exc) == NOT_CONFIGURED


def test_custom_auth_needs_verify_to_judge_an_answer(stack, idp, make_pool):
    config = triggers_with(DefineAuthChallenge=register_trigger(stack, two_rounds_define),
                           CreateAuthChallenge=register_trigger(stack, two_rounds_create))
    del config["VerifyAuthChallengeResponse"]
    pool_id, client_id = make_pool(triggers=config)
    user = {"client_id": client_id, "username": new_user(idp, pool_id, client_id)}
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                                AuthParameters={"USERNAME": user["username"]})
    with pytest.raises(ClientError) as exc:
        respond(idp, user, started["Session"], "answer-1")
    assert error_of(exc) == NOT_CONFIGURED
