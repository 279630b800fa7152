"""Nothing secret in the logs: complete EMAIL_OTP, SMS_OTP and MAGIC_LINK sign-ins (and wrong answers) run through
the three trigger handlers with the real services (moto SES, SNS, DynamoDB) while every powertools record, at
DEBUG, is captured as the JSON Lambda would write; no code, link, token, hash, salt or destination appears.
Also: the handlers' failures are generic."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from chalice.local import LambdaContext

from chalicelib.models.challenge import ChallengeState
from chalicelib.triggers.create_auth_challenge import create_auth_challenge
from chalicelib.triggers.define_auth_challenge import define_auth_challenge
from chalicelib.triggers.verify_auth_challenge_response import verify_auth_challenge_response
from tests.integration.test_challenge_helpers import new_user

POOL_ID = "us-east-1_LogsTest1"


def context(name: str) -> LambdaContext:
    return LambdaContext(function_name=name, memory_size=512, max_runtime_ms=5000)


class Driver:
    """Cognito's loop over the real trigger handlers."""

    def __init__(self, user: dict[str, str]) -> None:
        self.username = user["username"]
        self.attributes = {k: v for k, v in user.items() if k != "username"}
        self.session: list[dict[str, Any]] = []
        self.private: dict[str, str] = {}
        self.metadata: str | None = None

    def event(self, trigger: str, response: dict[str, Any], **request: Any) -> dict[str, Any]:
        return {"version": "1", "triggerSource": f"{trigger}_Authentication", "region": "us-east-1",
                "userPoolId": POOL_ID, "userName": self.username,
                "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "logsclient"},
                "request": {"userAttributes": dict(self.attributes), "session": copy.deepcopy(self.session),
                            "userNotFound": False, **request}, "response": response}

    def define(self, metadata: dict[str, str]) -> dict[str, Any]:
        event = self.event("DefineAuthChallenge", {"challengeName": None, "issueTokens": None,
                                                   "failAuthentication": None}, clientMetadata=metadata)
        return define_auth_challenge(event, context("define_auth_challenge"))["response"]

    def create(self, metadata: dict[str, str]) -> dict[str, str]:
        event = self.event("CreateAuthChallenge", {"publicChallengeParameters": None,
                                                   "privateChallengeParameters": None, "challengeMetadata": None},
                           challengeName="CUSTOM_CHALLENGE", clientMetadata=metadata)
        response = create_auth_challenge(event, context("create_auth_challenge"))["response"]
        self.private, self.metadata = response["privateChallengeParameters"], response["challengeMetadata"]
        return response["publicChallengeParameters"]

    def answer(self, answer: str, metadata: dict[str, str] | None = None) -> str:
        metadata = metadata or {}
        event = self.event("VerifyAuthChallengeResponse", {"answerCorrect": None}, clientMetadata=metadata,
                           privateChallengeParameters=dict(self.private), challengeAnswer=answer)
        correct = verify_auth_challenge_response(event, context("verify_auth_challenge_response"))["response"][
            "answerCorrect"]
        self.session.append({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": correct,
                             "challengeMetadata": self.metadata})
        decision = self.define(metadata)
        if decision["failAuthentication"]:
            return "failed"
        if decision["issueTokens"]:
            return "tokens"
        self.create(metadata)
        return "challenge"


def newest(stack: Any, to: str) -> dict[str, Any]:
    return next(m for m in stack.outbox() if m["to"] == to)


@pytest.mark.parametrize(("method", "attribute"), [("EMAIL_OTP", "email"), ("SMS_OTP", "phone_number"),
                                                   ("MAGIC_LINK", "email")])
def test_no_secret_reaches_the_logs(stack, captured, method, attribute):
    user = new_user()
    driver = Driver(user)
    assert driver.define({}) == {"challengeName": "CUSTOM_CHALLENGE", "issueTokens": False,
                                 "failAuthentication": False}
    driver.create({})
    assert driver.answer("__select__", {"signInMethod": method}) == "challenge"
    message = newest(stack, user[attribute])
    answer = message["link"].split("#", 1)[1] if method == "MAGIC_LINK" else message["code"]
    wrong = "000000" if method != "MAGIC_LINK" else answer[:-3] + "AAA"
    assert driver.answer(wrong) == "challenge"
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(ChallengeState.Meta.table_name)
    item = table.get_item(Key={"user_key": driver_user_key(user["username"])})["Item"]
    assert driver.answer(answer) == "tokens"
    logs = captured.getvalue()
    assert '"message":"answer checked"' in logs and f'"method":"{method}"' in logs  # the capture works
    forbidden = [answer, user["email"], user["phone_number"], user["phone_number"][1:], driver.private["key"],
                 item["challenge_key"], item["user_key"], item["secret_hash"], item["secret_salt"]]
    if method == "MAGIC_LINK":
        forbidden += [answer.split(".")[0], answer.split(".")[1], message["link"]]
    for secret in forbidden:
        assert secret not in logs, secret
    after = table.get_item(Key={"user_key": item["user_key"]})["Item"]
    assert "secret_hash" not in after and "secret_salt" not in after  # consumed: the hash is gone too


def driver_user_key(username: str) -> str:
    from chalicelib.auth.challenges.settings import ChallengeSettings
    from chalicelib.auth.challenges.store import DynamoStore

    return DynamoStore(ChallengeSettings.from_env()).user_key(POOL_ID, username)


def test_an_answer_to_a_challenge_no_plug_in_knows_is_wrong(stack):
    driver = Driver(new_user())
    driver.private = {"challenge": "CARRIER_PIGEON", "key": "k"}
    driver.metadata = "EMAIL_OTP"
    driver.session = [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True,
                       "challengeMetadata": "PROVIDE_AUTH_PARAMETERS:n"}]
    assert driver.answer("coo") == "challenge"
    assert driver.session[-1]["challengeResult"] is False


def test_an_internal_failure_is_reported_generically(stack, captured, monkeypatch):
    monkeypatch.setenv("CHALLENGE_TABLE", "no-such-table")
    driver = Driver(new_user())
    driver.create({})
    with pytest.raises(RuntimeError) as exc:
        driver.answer("__select__", {"signInMethod": "EMAIL_OTP"})
    assert str(exc.value) == "Internal Server Error"
    assert "create_auth_challenge failed" in captured.getvalue()
