"""The CustomMessage trigger on moto's cognito-idp: it asks the pool whether the email may be replaced (only
with EmailSendingAccount DEVELOPER, else Cognito refuses the answer), renders every message type in the user's
locale, and never stops a message from going out."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from chalicelib.messages import email_account
from chalicelib.triggers.custom_message import custom_message
from tests.integration.signup_support import lambda_context, moto_tables

SOURCES = ["CustomMessage_SignUp", "CustomMessage_AdminCreateUser", "CustomMessage_ResendCode",
           "CustomMessage_ForgotPassword", "CustomMessage_UpdateUserAttribute", "CustomMessage_VerifyUserAttribute",
           "CustomMessage_Authentication"]
DEVELOPER = {"EmailSendingAccount": "DEVELOPER",
             "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com"}


@pytest.fixture(autouse=True)
def tables(monkeypatch):
    monkeypatch.delenv("MESSAGES_EMAIL", raising=False)
    email_account.forget()
    yield from moto_tables(monkeypatch)
    email_account.forget()


def make_pool(**config: Any) -> str:
    return boto3.client("cognito-idp", region_name="us-east-1").create_user_pool(PoolName="messages",
                                                                                   **config)["UserPool"]["Id"]


def event(pool_id: str, source: str = "CustomMessage_SignUp", locale: str | None = None) -> dict[str, Any]:
    attributes = {"sub": "1", "email": "ada@example.com", "given_name": "Ada"}
    if locale:
        attributes["locale"] = locale
    return {"version": "1", "triggerSource": source, "region": "us-east-1", "userPoolId": pool_id,
            "userName": "ada", "callerContext": {"awsSdkVersion": "x", "clientId": "c"},
            "request": {"userAttributes": attributes, "codeParameter": "{####}", "linkParameter": "{##Click Here##}",
                        "usernameParameter": "{username}" if source == "CustomMessage_AdminCreateUser" else None,
                        "clientMetadata": {}},
            "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None}}


def invoke(raw: dict[str, Any]) -> dict[str, Any]:
    return custom_message(raw, lambda_context("custom_message"))["response"]


@pytest.mark.parametrize("source", SOURCES)
def test_a_developer_email_pool_gets_html_email_and_sms_for_every_message_type(source):
    response = invoke(event(make_pool(EmailConfiguration=DEVELOPER), source))
    assert response["emailMessage"].startswith("<!DOCTYPE html>") and "{####}" in response["emailMessage"]
    assert "{####}" in response["smsMessage"] and "<" not in response["smsMessage"]
    assert response["emailSubject"]
    if source == "CustomMessage_AdminCreateUser":
        assert "{username}" in response["emailMessage"] and "{username}" in response["smsMessage"]


def test_a_pool_on_cognitos_email_account_gets_only_the_sms():
    response = invoke(event(make_pool()))
    assert response == {"smsMessage": "Your cogworks confirmation code is {####}", "emailMessage": None,
                        "emailSubject": None}


@pytest.mark.parametrize(("locale", "subject"), [("fr-FR", "Réinitialisez votre mot de passe cogworks"),
                                                 ("es", "Restablece tu contraseña de cogworks"),
                                                 ("ja", "Reset your cogworks password")])
def test_the_users_locale_chooses_the_language(locale, subject):
    response = invoke(event(make_pool(EmailConfiguration=DEVELOPER), "CustomMessage_ForgotPassword", locale))
    assert response["emailSubject"] == subject


def test_an_unknown_pool_keeps_cognitos_default_email_and_still_gets_the_sms():
    response = invoke(event("us-east-1_NoSuchPool"))
    assert response["emailMessage"] is None and response["smsMessage"]


def test_a_broken_event_is_returned_untouched():
    raw = event(make_pool(), "CustomMessage_NotAThing")
    assert invoke(raw) == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
