"""chalicelib.messages.service.customize and email_account: what goes into the CustomMessage response, and when
Cognito's default message is left alone."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.messages import email_account, service

SOURCES = ["CustomMessage_SignUp", "CustomMessage_AdminCreateUser", "CustomMessage_ResendCode",
           "CustomMessage_ForgotPassword", "CustomMessage_UpdateUserAttribute", "CustomMessage_VerifyUserAttribute",
           "CustomMessage_Authentication"]


def event(source: str = "CustomMessage_SignUp", **attributes: str) -> dict[str, Any]:
    return {"version": "1", "triggerSource": source, "region": "us-east-1", "userPoolId": "us-east-1_Pool1",
            "userName": "ada", "callerContext": {"awsSdkVersion": "x", "clientId": "c"},
            "request": {"userAttributes": {"email": "ada@example.com", **attributes}, "codeParameter": "{####}",
                        "linkParameter": "{##Click Here##}",
                        "usernameParameter": "{username}" if source.endswith("AdminCreateUser") else None,
                        "clientMetadata": {}},
            "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None}}


def allow(_region: str, _pool: str) -> bool:
    return True


def deny(_region: str, _pool: str) -> bool:
    return False


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_gets_an_email_and_an_sms_when_the_pool_allows_email(source):
    raw = event(source)
    service.customize(raw, email_allowed=allow)
    response = raw["response"]
    assert "{####}" in response["smsMessage"] and "{####}" in response["emailMessage"]
    assert response["emailMessage"].startswith("<!DOCTYPE html>")
    assert response["emailSubject"]
    if source.endswith("AdminCreateUser"):
        assert "{username}" in response["smsMessage"] and "{username}" in response["emailMessage"]


def test_only_the_sms_is_replaced_when_the_pool_sends_with_cognitos_email_account():
    raw = event()
    service.customize(raw, email_allowed=deny)
    assert raw["response"] == {"smsMessage": "Your cogworks confirmation code is {####}", "emailMessage": None,
                               "emailSubject": None}


def test_the_locale_attribute_chooses_the_language():
    raw = event(locale="de-AT")
    service.customize(raw, email_allowed=allow)
    assert raw["response"]["emailSubject"] == "Bestätigen Sie Ihr cogworks-Konto"


def test_the_app_name_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MESSAGES_APP_NAME", "  Acme \n Portal ")
    raw = event()
    service.customize(raw, email_allowed=allow)
    assert raw["response"]["emailSubject"] == "Confirm your Acme Portal account"


@pytest.mark.parametrize("change", [
    lambda e: e.update(triggerSource="CustomMessage_Unknown"),
    lambda e: e["request"].update(codeParameter=None),
    lambda e: e["request"].update(usernameParameter=None, codeParameter="{####}") or e.update(
        triggerSource="CustomMessage_AdminCreateUser"),
    lambda e: e.update(request="garbage"),
])
def test_an_event_that_cannot_be_rendered_keeps_cognitos_default(change):
    raw = event()
    change(raw)
    before = copy.deepcopy(raw)
    assert service.customize(raw, email_allowed=allow) is None
    assert raw == before


# ---------------------------------------------------------------- email account


class Describe:
    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, region: str, pool_id: str) -> bool:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.delenv("MESSAGES_EMAIL", raising=False)
    email_account.forget()
    yield
    email_account.forget()


def test_the_pool_is_asked_once_and_remembered():
    describe, now = Describe(True), [100.0]
    assert email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe) is True
    now[0] += 599
    assert email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe) is True
    assert describe.calls == 1


def test_the_answer_expires():
    describe, now = Describe(True, False), [100.0]
    email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe)
    now[0] += 601
    assert email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe) is False
    assert describe.calls == 2


@pytest.mark.parametrize("failure", [
    ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeUserPool"),
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
])
def test_a_failed_lookup_means_no_custom_email_and_is_retried_after_thirty_seconds(failure):
    describe, now = Describe(failure, True), [100.0]
    assert email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe) is False
    now[0] += 29
    assert email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe) is False
    now[0] += 2
    assert email_account.custom_email_allowed("us-east-1", "p", clock=lambda: now[0], describe=describe) is True
    assert describe.calls == 2


@pytest.mark.parametrize(("mode", "expected"), [("on", True), ("off", False), ("OFF", False)])
def test_the_mode_can_skip_the_lookup(monkeypatch, mode, expected):
    monkeypatch.setenv("MESSAGES_EMAIL", mode)
    describe = Describe()
    assert email_account.custom_email_allowed("us-east-1", "p", describe=describe) is expected
    assert describe.calls == 0
