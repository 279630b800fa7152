"""Shared setup of the sign-up integration tests: moto (mock_aws) with this test's own tables.

``mock_aws`` is started without resetting moto and stopped without wiping it, and the tables get names of their
own: the local stack that tests/e2e may have started in this process keeps its data (moto's backends are
process-wide, and a reset would empty the stack's tables under the tests that run after these).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.models.invite_code import InviteCode
from chalicelib.models.signup_rules import SignupRules
from chalicelib.models.user_profile import UserProfile
from chalicelib.signup.connections import bind

MODELS = (SignupRules, InviteCode, UserProfile)
VARIABLES = {SignupRules: "SIGNUP_RULES_TABLE", InviteCode: "INVITE_CODES_TABLE", UserProfile: "USER_PROFILES_TABLE"}
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")


# One set of tables per test process (each test works in a user pool of its own): building the models'
# botocore clients again for every test would cost a second each.
SUFFIX = uuid.uuid4().hex[:10]
TABLE_NAMES = {var: f"test-{var.lower().replace('_', '-')}-{SUFFIX}" for var in VARIABLES.values()}


def new_pool() -> str:
    return f"us-east-1_{uuid.uuid4().hex[:12]}"


def moto_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Use inside a fixture: ``yield from moto_tables(monkeypatch)``; the tables exist while the test runs."""
    for name in ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv("DEFAULT_GROUP", raising=False)
    for var, name in TABLE_NAMES.items():
        monkeypatch.setenv(var, name)
    mock = mock_aws()
    mock.start(reset=False)
    try:
        for model in MODELS:
            bind(model)
            if not model.exists():
                model.create_table(billing_mode="PAY_PER_REQUEST")
        yield TABLE_NAMES
    finally:
        mock.stop(remove_data=False)


def pre_sign_up_event(*, username: str = "ada", email: str | None = "ada@example.com", code: str | None = None,
                      source: str = "PreSignUp_SignUp", pool: str, in_metadata: bool = False,
                      **attributes: str) -> dict[str, Any]:
    attrs = dict(attributes)
    if email is not None:
        attrs["email"] = email
    carrier = {"inviteCode": code} if code is not None else None
    return {
        "version": "1", "triggerSource": source, "region": "us-east-1", "userPoolId": pool, "userName": username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client1"},
        "request": {"userAttributes": attrs, "validationData": None if in_metadata else carrier,
                    "clientMetadata": (carrier or {}) if in_metadata else {}},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }


def lambda_context(name: str) -> Any:
    return SimpleNamespace(function_name=name, memory_limit_in_mb=512, aws_request_id=str(uuid.uuid4()),
                           invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}")


serialize_updates_lock = threading.Lock()


def serialize_moto_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make moto's UpdateItem atomic per call, as DynamoDB is per item. moto runs the condition check and the
    write as plain Python, and two threads can interleave between them; DynamoDB cannot. The code under test
    still has to use a conditional write: a read-then-write would let every thread through."""
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.update_item

    def update_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        with serialize_updates_lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "update_item", update_item)
