"""Trigger failures mapped as Cognito maps them (cognito-contract.md §2).

A raising function → UserLambdaValidationException "<Trigger> failed with error <message>."; a response that
is not the event → InvalidLambdaResponseException "Unrecognizable lambda output"; more than 5 s (shortened
here through emulator.triggers.TIMEOUT_SECONDS) or a function that does not exist → UnexpectedLambdaException.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

import emulator.triggers
from tests.e2e.conftest import ALL_TRIGGERS, PASSWORD, TRIGGER_ARN, error_of, unique


def register(stack: Any, func: Any) -> str:
    """A Lambda of this test only, registered on the live Chalice app; returns its function name."""
    name = f"t_{func.__name__}_{uuid.uuid4().hex[:12]}"
    stack.app.lambda_function(name=name)(func)
    return name


def triggers_with(**overrides: str) -> dict[str, Any]:
    config: dict[str, Any] = {key: TRIGGER_ARN.format(name) for key, name in ALL_TRIGGERS.items()}
    config.update(overrides)
    return config


def sign_up(idp: Any, client_id: str) -> str:
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    return username


def assert_no_user(idp: Any, pool_id: str, username: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def reject_domain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise ValueError("Registration from this domain is not allowed.")


def reject(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("not today")


def test_raising_pre_sign_up_is_a_validation_error_and_creates_no_user(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=triggers_with(PreSignUp=TRIGGER_ARN.format(register(stack, reject_domain))))
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert error_of(exc) == ("UserLambdaValidationException",
                             "PreSignUp failed with error Registration from this domain is not allowed..")
    assert_no_user(idp, pool_id, username)
    assert not [m for m in stack.outbox() if m["to"] == f"{username}@example.com"]


def test_function_arn_without_the_app_stage_prefix_is_invoked(stack, idp, make_pool):
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{register(stack, reject)}"
    _pool_id, client_id = make_pool(triggers={"PreSignUp": arn})
    with pytest.raises(ClientError) as exc:
        sign_up(idp, client_id)
    assert error_of(exc) == ("UserLambdaValidationException", "PreSignUp failed with error not today.")


def test_raising_pre_authentication_stops_the_sign_in(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=triggers_with(
        PreAuthentication=TRIGGER_ARN.format(register(stack, reject))))
    username = sign_up(idp, client_id)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
    assert error_of(exc) == ("UserLambdaValidationException", "PreAuthentication failed with error not today.")


def test_raising_post_confirmation_is_reported_but_the_user_stays_confirmed(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=triggers_with(
        PostConfirmation=TRIGGER_ARN.format(register(stack, reject))))
    username = sign_up(idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.confirm_sign_up(ClientId=client_id, Username=username,
                            ConfirmationCode=stack.latest_code(f"{username}@example.com"))
    assert error_of(exc) == ("UserLambdaValidationException", "PostConfirmation failed with error not today.")
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def returns_none(event: dict[str, Any], context: Any) -> None:
    return None


def returns_text(event: dict[str, Any], context: Any) -> str:
    return "ok"


def returns_without_response(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {key: value for key, value in event.items() if key != "response"}


def returns_foreign_key(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["failAuthentication"] = True
    return event


@pytest.mark.parametrize("func", [returns_none, returns_text, returns_without_response, returns_foreign_key])
def test_unusable_pre_sign_up_output_is_unrecognizable(stack, idp, make_pool, func):
    pool_id, client_id = make_pool(triggers=triggers_with(PreSignUp=TRIGGER_ARN.format(register(stack, func))))
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert error_of(exc) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    assert_no_user(idp, pool_id, username)


def test_foreign_key_in_a_post_authentication_response_fails_the_sign_in(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=triggers_with(
        PostAuthentication=TRIGGER_ARN.format(register(stack, returns_foreign_key))))
    username = sign_up(idp, client_id)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
    assert error_of(exc) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")


def sleeps(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(0.5)
    return event


def test_slow_trigger_times_out(stack, idp, make_pool, monkeypatch):
    monkeypatch.setattr(emulator.triggers, "TIMEOUT_SECONDS", 0.2)
    pool_id, client_id = make_pool(triggers=triggers_with(PreSignUp=TRIGGER_ARN.format(register(stack, sleeps))))
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert error_of(exc) == ("UnexpectedLambdaException",
                             "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.")
    assert_no_user(idp, pool_id, username)


def test_trigger_within_the_limit_is_not_timed_out(stack, idp, make_pool, monkeypatch):
    monkeypatch.setattr(emulator.triggers, "TIMEOUT_SECONDS", 2.0)
    pool_id, client_id = make_pool(triggers=triggers_with(PreSignUp=TRIGGER_ARN.format(register(stack, sleeps))))
    username = sign_up(idp, client_id)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "UNCONFIRMED"


def test_missing_function_is_an_unexpected_lambda_error(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=triggers_with(
        PreSignUp=TRIGGER_ARN.format(f"no_such_function_{uuid.uuid4().hex[:8]}")))
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert error_of(exc) == ("UnexpectedLambdaException",
                             "PreSignUp invocation failed due to error ResourceNotFoundException.")
    assert_no_user(idp, pool_id, username)
