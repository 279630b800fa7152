"""UserContextData: every public operation that accepts it gets the caller's source IP (API Gateway's
requestContext.identity.sourceIp, never X-Forwarded-For) and User-Agent. The parameters are read off the
real boto3 client the API uses, through botocore's provide-client-params event, on their way to the stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import aws
from tests.integration.conftest import gateway_event, new_user, sign_up

AGENT = "Mozilla/5.0 (X11; Linux x86_64) cogworks-test"
SPOOFING = {"User-Agent": AGENT, "X-Forwarded-For": "198.51.100.66", "X-Real-Ip": "198.51.100.67"}
EXPECTED = {"IpAddress": "127.0.0.1", "EncodedData": AGENT}


@pytest.fixture()
def sent(stack: Any) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """(operation, parameters) of every cognito-idp call the API makes during the test."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, dict(params)))

    events = aws.cognito_idp().meta.events
    events.register("provide-client-params.cognito-idp", record, unique_id="auth-api-test-recorder")
    try:
        yield calls
    finally:
        events.unregister("provide-client-params.cognito-idp", unique_id="auth-api-test-recorder")


def context_of(calls: list[tuple[str, dict[str, Any]]], operation: str) -> Any:
    found = [params.get("UserContextData") for name, params in calls if name == operation]
    assert found, f"{operation} was not called"
    return found[-1]


def test_every_public_operation_gets_the_gateway_source_ip_and_user_agent(api, stack, sent):
    username, email = new_user()
    api.post("/auth/sign-up", {"username": username, "password": "Correct-Horse-9", "attributes": {"email": email}},
             headers=SPOOFING)
    api.post("/auth/resend", {"username": username}, headers=SPOOFING)
    api.post("/auth/confirm", {"username": username, "code": stack.latest_code(email)}, headers=SPOOFING)
    signed_in = api.post("/auth/sign-in", {"username": username, "password": "Correct-Horse-9"}, headers=SPOOFING)
    api.post("/auth/refresh", {"refreshToken": signed_in.json["refreshToken"]}, headers=SPOOFING)
    api.post("/auth/challenge", {"username": username, "session": "s" * 30, "challenge": "SMS_MFA",
                                 "responses": {"SMS_MFA_CODE": "123456"}}, headers=SPOOFING)
    api.post("/auth/password/forgot", {"username": username}, headers=SPOOFING)
    api.post("/auth/password/confirm", {"username": username, "code": stack.latest_code(email),
                                        "password": "Another-Horse-9"}, headers=SPOOFING)
    api.get("/auth/me", headers={**SPOOFING, "Authorization": f"Bearer {signed_in.json['accessToken']}"})

    for operation in ("SignUp", "ResendConfirmationCode", "ConfirmSignUp", "InitiateAuth", "RespondToAuthChallenge",
                      "ForgotPassword", "ConfirmForgotPassword"):
        assert context_of(sent, operation) == EXPECTED, operation
    assert [p.get("AuthFlow") for n, p in sent if n == "InitiateAuth"] == ["USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"]
    assert all(p.get("UserContextData") == EXPECTED for n, p in sent if n == "InitiateAuth")
    assert "UserContextData" not in dict(sent)["GetUser"]


def test_in_aws_the_ip_is_the_one_api_gateway_saw(api_app, sent):
    username, email = new_user()
    event = gateway_event("/auth/sign-up", {"username": username, "password": "Correct-Horse-9",
                                            "attributes": {"email": email}},
                          {"Content-Type": "application/json", **SPOOFING}, source_ip="203.0.113.7")
    assert api_app(event, None)["statusCode"] == 200
    assert context_of(sent, "SignUp") == {"IpAddress": "203.0.113.7", "EncodedData": AGENT}


def test_no_user_agent_sends_only_the_ip(api, sent):
    username, email = new_user()
    sign_up(api, username, email)
    assert context_of(sent, "SignUp") == {"IpAddress": "127.0.0.1"}
