"""The PostConfirmation trigger on moto (DynamoDB and cognito-idp): one profile and one group membership per
user however often Cognito invokes it, and no failure ever undoes a confirmation."""

from __future__ import annotations

import socket
import time
from typing import Any

import boto3
import pytest

from chalicelib.models.user_profile import UserProfile
from chalicelib.signup import profiles
from chalicelib.signup.budget import Budget
from chalicelib.triggers.post_confirmation import post_confirmation
from tests.integration.signup_support import lambda_context, moto_tables


@pytest.fixture(autouse=True)
def tables(monkeypatch):
    yield from moto_tables(monkeypatch)


@pytest.fixture()
def idp() -> Any:
    return boto3.client("cognito-idp", region_name="us-east-1")


@pytest.fixture()
def user(idp) -> dict[str, str]:
    pool_id = idp.create_user_pool(PoolName="signup-tests")["UserPool"]["Id"]
    idp.create_group(UserPoolId=pool_id, GroupName="members")
    created = idp.admin_create_user(UserPoolId=pool_id, Username="ada", MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "ada@example.com"},
                                                    {"Name": "locale", "Value": "fr"}])["User"]
    sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    return {"pool_id": pool_id, "username": "ada", "sub": sub}


def event(user: dict[str, str], source: str = "PostConfirmation_ConfirmSignUp") -> dict[str, Any]:
    return {"version": "1", "triggerSource": source, "region": "us-east-1", "userPoolId": user["pool_id"],
            "userName": user["username"], "callerContext": {"awsSdkVersion": "x", "clientId": "client1"},
            "request": {"userAttributes": {"sub": user["sub"], "email": "ada@example.com", "email_verified": "true",
                                           "locale": "fr", "cognito:user_status": "CONFIRMED"},
                        "clientMetadata": {}},
            "response": {}}


def invoke(raw: dict[str, Any]) -> dict[str, Any]:
    returned = post_confirmation(raw, lambda_context("post_confirmation"))
    assert returned is raw
    return returned


def groups(idp: Any, user: dict[str, str]) -> list[str]:
    listed = idp.admin_list_groups_for_user(UserPoolId=user["pool_id"], Username=user["username"])["Groups"]
    return [g["GroupName"] for g in listed]


def stored(user: dict[str, str]) -> list[UserProfile]:
    return list(UserProfile.query(user["pool_id"]))


def test_a_confirmed_user_gets_a_profile_and_the_default_group(idp, user, monkeypatch):
    monkeypatch.setenv("DEFAULT_GROUP", "members")
    invoke(event(user))
    [profile] = stored(user)
    assert (profile.sub, profile.username, profile.email, profile.locale, profile.client_id,
            profile.default_group) == (user["sub"], "ada", "ada@example.com", "fr", "client1", "members")
    assert profile.group_added_at is not None and profile.password_reset_at is None
    assert groups(idp, user) == ["members"]


def test_a_retried_invocation_writes_nothing_new_and_adds_no_group_again(idp, user, monkeypatch):
    monkeypatch.setenv("DEFAULT_GROUP", "members")
    invoke(event(user))
    [first] = stored(user)
    # An administrator takes the user out of the group; Cognito's retry must not put them back.
    idp.admin_remove_user_from_group(UserPoolId=user["pool_id"], Username="ada", GroupName="members")
    again = event(user)
    again["request"]["userAttributes"]["email"] = "changed@example.com"
    invoke(again)
    [second] = stored(user)
    assert second.attribute_values == first.attribute_values
    assert groups(idp, user) == []


def test_without_a_default_group_only_the_profile_is_written(idp, user):
    outcome = profiles.on_confirmation(event(user))
    assert outcome == profiles.Outcome(profile_written=True, group_added=False, group=None)
    assert groups(idp, user) == []
    [profile] = stored(user)
    assert profile.default_group is None


def test_a_missing_group_is_logged_and_the_confirmation_stands(idp, user, monkeypatch, caplog):
    monkeypatch.setenv("DEFAULT_GROUP", "no-such-group")
    invoke(event(user))
    assert "default group does not exist" in caplog.text
    [profile] = stored(user)
    assert profile.group_added_at is None
    assert groups(idp, user) == []


def test_once_the_group_exists_a_retry_adds_it(idp, user, monkeypatch):
    monkeypatch.setenv("DEFAULT_GROUP", "late")
    invoke(event(user))
    idp.create_group(UserPoolId=user["pool_id"], GroupName="late")
    invoke(event(user))
    assert groups(idp, user) == ["late"]
    assert stored(user)[0].group_added_at is not None


@pytest.mark.parametrize("group", ["two words", "tab\there", "x" * 129])
def test_an_invalid_group_name_is_not_sent_to_cognito(idp, user, monkeypatch, caplog, group):
    monkeypatch.setenv("DEFAULT_GROUP", group)
    outcome = profiles.on_confirmation(event(user))
    assert outcome.group is None and outcome.profile_written is True
    assert "DEFAULT_GROUP is not a valid group name" in caplog.text


def test_a_password_reset_confirmation_backfills_the_profile_but_adds_no_group(idp, user, monkeypatch):
    monkeypatch.setenv("DEFAULT_GROUP", "members")
    before = time.time()
    invoke(event(user, "PostConfirmation_ConfirmForgotPassword"))
    [profile] = stored(user)
    assert profile.password_reset_at >= int(before)
    assert profile.default_group is None
    assert groups(idp, user) == []


def test_a_dynamodb_failure_still_adds_the_group_and_the_confirmation_stands(idp, user, monkeypatch, caplog):
    monkeypatch.setenv("DEFAULT_GROUP", "members")
    monkeypatch.setenv("USER_PROFILES_TABLE", "no-such-table")
    # A roomy budget: this is about the failure, not the clock (a loaded machine once took 2.5 s to fail).
    outcome = profiles.on_confirmation(event(user), budget=Budget(total=60.0))
    assert outcome == profiles.Outcome(profile_written=False, group_added=True, group="members")
    assert "user profile not written" in caplog.text
    assert groups(idp, user) == ["members"]


def test_an_unreachable_cognito_is_logged_quickly_and_left_for_a_retry(user, monkeypatch, caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DEFAULT_GROUP", "members")
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", f"http://127.0.0.1:{port}")
    started = time.monotonic()
    invoke(event(user))
    assert time.monotonic() - started < 2.0
    assert "default group not added" in caplog.text
    [profile] = stored(user)
    assert profile.group_added_at is None


def test_a_malformed_event_is_logged_and_returned(caplog):
    raw = {"triggerSource": "PostConfirmation_ConfirmSignUp", "request": "garbage"}
    assert post_confirmation(raw, lambda_context("post_confirmation")) is raw
    assert "without a pool or user name" in caplog.text


def test_a_spent_budget_skips_the_group_and_leaves_it_for_a_retry(idp, user, monkeypatch, caplog):
    monkeypatch.setenv("DEFAULT_GROUP", "members")
    spent = Budget(total=4.0, started=time.monotonic() - 3.0)
    outcome = profiles.on_confirmation(event(user), budget=spent)
    assert outcome == profiles.Outcome(profile_written=True, group_added=False, group="members")
    assert "default group not added: no time left" in caplog.text
    assert groups(idp, user) == []
    [profile] = stored(user)
    assert profile.group_added_at is None
    assert profiles.on_confirmation(event(user)).group_added is True
    assert groups(idp, user) == ["members"]
